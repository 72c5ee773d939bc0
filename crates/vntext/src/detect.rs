//! Guessing whether text is Unicode or a Windows-1252 view of TCVN3 / VNI bytes.
//!
//! Every word that has a non-ASCII character is scored under each reading: +2 when the
//! reading gives a plausible Vietnamese syllable, -1 when it does not. A legacy reading wins
//! only when it beats the Unicode reading by at least one whole word (3 points) *and* either
//! wins by at least two words or shows something Western text practically never has inside a
//! word: TCVN3 symbols such as ¸ ¨ µ, an accented capital inside a lowercase word ("NguyÔn"),
//! ï ë ñ ß after a consonant ("Bïi"), or a VNI vowel+diacritic pair such as "eã" (but not the
//! French-looking "où", "oï"). Text that
//! cannot be a byte view at all (it has letters such as ư or ễ) counts against both legacy
//! readings. Ties go to Unicode.

use crate::legacy::{
    c1_to_cp1252, has_strong_tcvn3_code, has_strong_vni_pair, is_byte_view_char, tcvn3_decode_raw,
    vni_decode_raw,
};
use crate::syllable::is_vietnamese_syllable;
use crate::{nfc, Encoding};

const VALID: i64 = 2;
const INVALID: i64 = -1;
/// One word going from implausible to plausible.
const ONE_WORD: i64 = VALID - INVALID;

/// Accumulated evidence for the three readings of some text.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Evidence {
    pub unicode: i64,
    pub tcvn3: i64,
    pub vni: i64,
    pub strong_tcvn3: u32,
    pub strong_vni: u32,
}

impl Evidence {
    pub fn add(&mut self, other: Evidence) {
        self.unicode += other.unicode;
        self.tcvn3 += other.tcvn3;
        self.vni += other.vni;
        self.strong_tcvn3 += other.strong_tcvn3;
        self.strong_vni += other.strong_vni;
    }

    pub fn decide(&self) -> Encoding {
        let adv_t = self.tcvn3 - self.unicode;
        let adv_v = self.vni - self.unicode;
        let wins = |adv: i64, strong: u32| adv >= ONE_WORD && (strong > 0 || adv >= 2 * ONE_WORD);
        match (wins(adv_t, self.strong_tcvn3), wins(adv_v, self.strong_vni)) {
            (false, false) => Encoding::Unicode,
            (true, false) => Encoding::Tcvn3,
            (false, true) => Encoding::Vni,
            (true, true) => {
                if adv_v > adv_t || (adv_v == adv_t && self.strong_vni > self.strong_tcvn3) {
                    Encoding::Vni
                } else {
                    Encoding::Tcvn3
                }
            }
        }
    }
}

/// Characters that separate words for scoring. Legacy letter codes (¸ ¨ µ …) are not
/// separators, so that a word keeps all of its letters in every reading.
pub(crate) fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || (c.is_ascii() && !c.is_ascii_alphabetic())
        || ('\u{2000}'..='\u{206F}').contains(&c)
}

/// Splits text into scoring tokens (after mapping C1 controls to Windows-1252 characters).
pub(crate) fn tokens(s: &str) -> Vec<String> {
    let mapped: String = s.chars().map(c1_to_cp1252).collect();
    mapped
        .split(is_separator)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Is the letter case of a Unicode word ordinary (lower, UPPER or Title)?
fn ordinary_case(word: &str) -> bool {
    let mut chars = word.chars();
    let Some(first) = chars.next() else {
        return true;
    };
    let rest: Vec<char> = chars.collect();
    let rest_lower = rest.iter().all(|c| !c.is_uppercase());
    let rest_upper = rest.iter().all(|c| !c.is_lowercase());
    rest_lower || (rest_upper && !first.is_lowercase())
}

/// Score of one word read as Unicode.
pub(crate) fn unicode_word_score(word: &str) -> (i64, bool) {
    let w = nfc(word);
    let ok = ordinary_case(&w) && is_vietnamese_syllable(&w);
    (if ok { VALID } else { INVALID }, ok)
}

fn legacy_word_score(converted: &str) -> (i64, bool) {
    let ok = is_vietnamese_syllable(converted);
    (if ok { VALID } else { INVALID }, ok)
}

/// Evidence for one piece of text (a cell, a line, a document).
pub(crate) fn evidence(s: &str) -> Evidence {
    let mut e = Evidence::default();
    if s.is_ascii() {
        return e;
    }
    let representable = s.chars().all(is_byte_view_char);
    for token in tokens(s) {
        if token.is_ascii() {
            continue;
        }
        let (u, _) = unicode_word_score(&token);
        // An accented capital inside a lowercase word ("NguyÔn", "ThÞ") is a TCVN3 hallmark.
        let odd_case = !ordinary_case(&nfc(&token));
        e.unicode += u;
        if !representable {
            // No byte view contains this text: every word counts against legacy readings.
            e.tcvn3 += u - ONE_WORD;
            e.vni += u - ONE_WORD;
            continue;
        }
        // A reading that changes nothing in the word says nothing beyond the Unicode one.
        let as_tcvn3 = tcvn3_decode_raw(&token);
        if as_tcvn3 == token {
            e.tcvn3 += u;
        } else {
            let (t, t_ok) = legacy_word_score(&as_tcvn3);
            e.tcvn3 += t;
            if t_ok && (odd_case || has_strong_tcvn3_code(&token)) {
                e.strong_tcvn3 += 1;
            }
        }
        let as_vni = vni_decode_raw(&token);
        if as_vni == token {
            e.vni += u;
        } else {
            let (v, v_ok) = legacy_word_score(&as_vni);
            e.vni += v;
            if v_ok && (odd_case || has_strong_vni_pair(&token)) {
                e.strong_vni += 1;
            }
        }
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_patterns() {
        assert!(ordinary_case("nguyễn"));
        assert!(ordinary_case("Nguyễn"));
        assert!(ordinary_case("NGUYỄN"));
        assert!(!ordinary_case("NguyÔn"));
        assert!(!ordinary_case("nGuyen"));
    }

    #[test]
    fn tokens_keep_legacy_symbols() {
        assert_eq!(tokens("V¨n, An (x)"), vec!["V¨n", "An", "x"]);
        assert_eq!(tokens("a\u{93}b\u{94}"), vec!["a", "b"]);
    }
}
