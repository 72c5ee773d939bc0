//! Conversions between Unicode and the legacy 8-bit Vietnamese encodings TCVN3 (ABC) and
//! VNI-Windows, in the "Windows-1252 character view" in which spreadsheets show them.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::nfc;
use crate::tables::{CP1252_HIGH, TCVN3_PAIRS, VNI_PAIRS, VOWEL_TONES};

/// VNI diacritic bytes that carry only a tone, as (lowercase form, uppercase form, tone index
/// into a [`VOWEL_TONES`] row). They agree with [`VNI_PAIRS`] (checked by a unit test).
const VNI_TONE_MARKS: [(char, char, usize); 5] = [
    ('ù', 'Ù', 1), // sắc
    ('ø', 'Ø', 2), // huyền
    ('û', 'Û', 3), // hỏi
    ('õ', 'Õ', 4), // ngã
    ('ï', 'Ï', 5), // nặng
];

/// Is a VNI base+diacritic pair also ordinary in Western text? French has "où" and "ï" after
/// a vowel ("Loïc", "naïf", "ouï"), Italian has "più"; such pairs are weak evidence alone.
fn is_weak_vni_pair(base: char, mark: char) -> bool {
    let base = base.to_ascii_lowercase();
    match mark {
        'ù' | 'Ù' => matches!(base, 'o' | 'i'),
        'ï' | 'Ï' => matches!(base, 'a' | 'e' | 'o' | 'u'),
        _ => false,
    }
}

pub(crate) struct Maps {
    tcvn3_decode: HashMap<char, char>,
    tcvn3_encode: HashMap<char, char>,
    vni_single: HashMap<char, char>,
    vni_pair: HashMap<(char, char), char>,
    vni_encode: HashMap<char, &'static str>,
}

pub(crate) fn maps() -> &'static Maps {
    static MAPS: OnceLock<Maps> = OnceLock::new();
    MAPS.get_or_init(build_maps)
}

fn swap_case(c: char) -> char {
    if c.is_uppercase() {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c.to_uppercase().next().unwrap_or(c)
    }
}

fn build_maps() -> Maps {
    let mut tcvn3_decode = HashMap::new();
    let mut tcvn3_encode = HashMap::new();
    for &(legacy, uni) in TCVN3_PAIRS {
        tcvn3_decode.insert(legacy, uni);
        tcvn3_encode.insert(uni, legacy);
    }

    let mut vni_single = HashMap::new();
    let mut vni_pair = HashMap::new();
    let mut vni_encode = HashMap::new();
    for &(legacy, uni) in VNI_PAIRS {
        vni_encode.insert(uni, legacy);
        let mut it = legacy.chars();
        match (it.next(), it.next()) {
            (Some(a), None) => {
                vni_single.insert(a, uni);
            }
            (Some(a), Some(b)) => {
                vni_pair.insert((a, b), uni);
            }
            _ => {}
        }
    }
    // Leniency when decoding: a diacritic byte of the "wrong" case after a base letter
    // (caps lock, hand edits) still belongs to that letter; the base decides the case.
    let exact: Vec<((char, char), char)> = vni_pair.iter().map(|(k, v)| (*k, *v)).collect();
    for ((base, mark), uni) in exact {
        vni_pair.entry((base, swap_case(mark))).or_insert(uni);
    }
    // Leniency: some tools wrote i/I + tone byte instead of the single-byte forms, and
    // y/Y + dot byte instead of Î/î.
    let i_row = VOWEL_TONES[5];
    let y_row = VOWEL_TONES[11];
    for (lower_mark, upper_mark, tone) in VNI_TONE_MARKS {
        for mark in [lower_mark, upper_mark] {
            let lower = i_row[tone];
            let upper = lower.to_uppercase().next().unwrap_or(lower);
            vni_pair.entry(('i', mark)).or_insert(lower);
            vni_pair.entry(('I', mark)).or_insert(upper);
            let lower = y_row[tone];
            let upper = lower.to_uppercase().next().unwrap_or(lower);
            vni_pair.entry(('y', mark)).or_insert(lower);
            vni_pair.entry(('Y', mark)).or_insert(upper);
        }
    }

    Maps {
        tcvn3_decode,
        tcvn3_encode,
        vni_single,
        vni_pair,
        vni_encode,
    }
}

/// Maps a C1 control character U+0080..U+009F (a Latin-1 view of bytes 0x80..0x9F) to the
/// character Windows-1252 gives that byte. Undefined bytes and every other char are kept.
pub(crate) fn c1_to_cp1252(c: char) -> char {
    if ('\u{80}'..='\u{9F}').contains(&c) {
        let byte = c as u32 as u8;
        for &(b, ch) in CP1252_HIGH {
            if b == byte {
                return ch;
            }
        }
    }
    c
}

/// Is `c` a character that can appear in the Windows-1252 (or Latin-1) view of an 8-bit file?
pub(crate) fn is_byte_view_char(c: char) -> bool {
    c <= '\u{FF}' || CP1252_HIGH.iter().any(|&(_, ch)| ch == c)
}

/// Does this TCVN3-view token hold codes that ordinary Western text practically never has in
/// a word: the symbols (¸ ¨ µ ª …), or ï ë ñ ß straight after a consonant (French, Spanish and
/// German write those after vowels only; in TCVN3 they are ù ở ủ ò, as in "Bïi" = Bùi)?
pub(crate) fn has_strong_tcvn3_code(token: &str) -> bool {
    let m = maps();
    let chars: Vec<char> = token.chars().map(c1_to_cp1252).collect();
    let symbol = chars
        .iter()
        .any(|c| m.tcvn3_decode.contains_key(c) && (!c.is_alphabetic() || *c == 'ª' || *c == 'µ'));
    let after_consonant = chars.windows(2).any(|w| {
        w[0].is_ascii_alphabetic()
            && !matches!(w[0].to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u' | 'y')
            && matches!(w[1], 'ï' | 'ë' | 'ñ' | 'ß')
    });
    symbol || after_consonant
}

/// Does this VNI-view token contain a base+diacritic pair that is unusual in Western text?
pub(crate) fn has_strong_vni_pair(token: &str) -> bool {
    let m = maps();
    let chars: Vec<char> = token.chars().map(c1_to_cp1252).collect();
    chars
        .windows(2)
        .any(|w| m.vni_pair.contains_key(&(w[0], w[1])) && !is_weak_vni_pair(w[0], w[1]))
}

pub(crate) fn tcvn3_decode_raw(s: &str) -> String {
    let m = maps();
    s.chars()
        .map(|c| {
            let c = c1_to_cp1252(c);
            m.tcvn3_decode.get(&c).copied().unwrap_or(c)
        })
        .collect()
}

pub(crate) fn vni_decode_raw(s: &str) -> String {
    let m = maps();
    let chars: Vec<char> = s.chars().map(c1_to_cp1252).collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(&next) = chars.get(i + 1) {
            if let Some(&u) = m.vni_pair.get(&(c, next)) {
                out.push(u);
                i += 2;
                continue;
            }
        }
        out.push(m.vni_single.get(&c).copied().unwrap_or(c));
        i += 1;
    }
    out
}

/// Converts TCVN3 (ABC) text, as seen through Windows-1252 or Latin-1, to Unicode NFC.
///
/// The single-byte `.VnTime` font has no toned capitals (those were typed with the
/// `.VnTimeH` font using the lowercase codes), so toned letters always come out lowercase;
/// use [`crate::title_case_name`] to capitalise names. Characters that are not TCVN3 letter
/// codes are kept; C1 controls U+0080..U+009F become their Windows-1252 characters.
pub fn tcvn3_to_unicode(s: &str) -> String {
    nfc(&tcvn3_decode_raw(s))
}

/// Converts VNI-Windows text, as seen through Windows-1252 or Latin-1, to Unicode NFC.
///
/// A base letter followed by a VNI diacritic byte becomes one letter (the base letter decides
/// upper/lower case); the single-byte letters (Ñ/ñ = Đ/đ, Ô/ô = Ơ/ơ, Ö/ö = Ư/ư, the toned
/// i and Î/î = Ỵ/ỵ) are mapped too. Other characters are kept; C1 controls become their
/// Windows-1252 characters.
pub fn vni_to_unicode(s: &str) -> String {
    nfc(&vni_decode_raw(s))
}

/// Converts Unicode text to TCVN3, in the Windows-1252 character view (for tests and
/// fixtures). Toned capitals map to their lowercase code (TCVN3 has none); Ă Â Đ Ê Ô Ơ Ư keep
/// their capital codes. Characters without a TCVN3 code are kept as they are.
pub fn unicode_to_tcvn3(s: &str) -> String {
    let m = maps();
    nfc(s)
        .chars()
        .map(|c| {
            if let Some(&l) = m.tcvn3_encode.get(&c) {
                return l;
            }
            let lower = c.to_lowercase().next().unwrap_or(c);
            m.tcvn3_encode.get(&lower).copied().unwrap_or(c)
        })
        .collect()
}

/// Converts Unicode text to VNI-Windows, in the Windows-1252 character view (for tests and
/// fixtures). Characters without a VNI code are kept as they are.
pub fn unicode_to_vni(s: &str) -> String {
    let m = maps();
    let mut out = String::with_capacity(s.len() * 2);
    for c in nfc(s).chars() {
        match m.vni_encode.get(&c) {
            Some(l) => out.push_str(l),
            None => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tone_marks_agree_with_vni_table() {
        let m = maps();
        for (lower, upper, tone) in VNI_TONE_MARKS {
            // 'a' + mark gives the toned a, both cases.
            assert_eq!(m.vni_pair.get(&('a', lower)), Some(&VOWEL_TONES[0][tone]));
            let up = VOWEL_TONES[0][tone]
                .to_uppercase()
                .next()
                .expect("uppercase");
            assert_eq!(m.vni_pair.get(&('A', upper)), Some(&up));
        }
    }

    #[test]
    fn tables_are_one_to_one() {
        assert_eq!(TCVN3_PAIRS.len(), 74);
        assert_eq!(VNI_PAIRS.len(), 134);
        let m = maps();
        assert_eq!(m.tcvn3_decode.len(), TCVN3_PAIRS.len());
        assert_eq!(m.tcvn3_encode.len(), TCVN3_PAIRS.len());
        assert_eq!(m.vni_encode.len(), VNI_PAIRS.len());
    }

    #[test]
    fn c1_controls_map_to_cp1252() {
        assert_eq!(c1_to_cp1252('\u{93}'), '“');
        assert_eq!(c1_to_cp1252('\u{96}'), '–');
        assert_eq!(c1_to_cp1252('\u{81}'), '\u{81}');
        assert_eq!(c1_to_cp1252('a'), 'a');
    }
}
