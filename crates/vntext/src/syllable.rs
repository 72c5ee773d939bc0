//! A small model of written Vietnamese syllables, used to judge whether a conversion gives
//! plausible Vietnamese.

use crate::tables::VOWEL_TONES;

/// Index of the base vowel in [`VOWEL_TONES`] and the tone (0 = none, 1..=5) of a lowercase
/// Vietnamese vowel letter.
pub(crate) fn split_vowel(c: char) -> Option<(char, usize)> {
    for row in VOWEL_TONES.iter() {
        for (tone, &v) in row.iter().enumerate() {
            if v == c {
                return Some((row[0], tone));
            }
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Coda {
    /// The rime may end here or take a final consonant.
    Optional,
    /// A final consonant is needed (ă, â, iê, uô, ươ, …).
    Required,
    /// The rime already ends in a semivowel: no final consonant.
    Forbidden,
}

/// Vowel nuclei (tones removed), whether they take a final consonant, and where the tone mark
/// may stand: without a final consonant, and with one. Both the old ("hòa", "thùy") and the
/// new ("hoà", "thuỳ") placements are accepted.
const NUCLEI: &[(&str, Coda, &[usize], &[usize])] = &[
    ("a", Coda::Optional, &[0], &[0]),
    ("ă", Coda::Required, &[], &[0]),
    ("â", Coda::Required, &[], &[0]),
    ("e", Coda::Optional, &[0], &[0]),
    ("ê", Coda::Optional, &[0], &[0]),
    ("i", Coda::Optional, &[0], &[0]),
    ("o", Coda::Optional, &[0], &[0]),
    ("ô", Coda::Optional, &[0], &[0]),
    ("ơ", Coda::Optional, &[0], &[0]),
    ("u", Coda::Optional, &[0], &[0]),
    ("ư", Coda::Optional, &[0], &[0]),
    ("y", Coda::Optional, &[0], &[0]),
    ("ai", Coda::Forbidden, &[0], &[]),
    ("ao", Coda::Forbidden, &[0], &[]),
    ("au", Coda::Forbidden, &[0], &[]),
    ("ay", Coda::Forbidden, &[0], &[]),
    ("âu", Coda::Forbidden, &[0], &[]),
    ("ây", Coda::Forbidden, &[0], &[]),
    ("eo", Coda::Forbidden, &[0], &[]),
    ("êu", Coda::Forbidden, &[0], &[]),
    ("ia", Coda::Forbidden, &[0], &[]),
    ("iê", Coda::Required, &[], &[1]),
    ("iu", Coda::Forbidden, &[0], &[]),
    ("oa", Coda::Optional, &[0, 1], &[1]),
    ("oă", Coda::Required, &[], &[1]),
    ("oe", Coda::Optional, &[0, 1], &[1]),
    ("oi", Coda::Forbidden, &[0], &[]),
    ("ôi", Coda::Forbidden, &[0], &[]),
    ("ơi", Coda::Forbidden, &[0], &[]),
    ("oo", Coda::Required, &[], &[0, 1]),
    ("ua", Coda::Forbidden, &[0], &[]),
    ("uâ", Coda::Required, &[], &[1]),
    ("uê", Coda::Optional, &[1], &[1]),
    ("ui", Coda::Forbidden, &[0], &[]),
    ("uô", Coda::Required, &[], &[1]),
    ("uơ", Coda::Forbidden, &[1], &[]),
    ("uy", Coda::Optional, &[0, 1], &[1]),
    ("ưa", Coda::Forbidden, &[0], &[]),
    ("ưi", Coda::Forbidden, &[0], &[]),
    ("ươ", Coda::Required, &[], &[1]),
    ("ưu", Coda::Forbidden, &[0], &[]),
    ("yê", Coda::Required, &[], &[1]),
    ("iêu", Coda::Forbidden, &[1], &[]),
    ("oai", Coda::Forbidden, &[1], &[]),
    ("oao", Coda::Forbidden, &[1], &[]),
    ("oay", Coda::Forbidden, &[1], &[]),
    ("oeo", Coda::Forbidden, &[1], &[]),
    ("uây", Coda::Forbidden, &[1], &[]),
    ("uôi", Coda::Forbidden, &[1], &[]),
    ("uya", Coda::Forbidden, &[1], &[]),
    ("uyê", Coda::Required, &[], &[2]),
    ("uyu", Coda::Forbidden, &[1], &[]),
    ("ươi", Coda::Forbidden, &[1], &[]),
    ("ươu", Coda::Forbidden, &[1], &[]),
    ("yêu", Coda::Forbidden, &[1], &[]),
];

const ONSETS: &[&str] = &[
    "", "b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "k", "kh", "l", "m", "n", "ng", "ngh",
    "nh", "p", "ph", "qu", "r", "s", "t", "th", "tr", "v", "x",
];

const CODAS: &[&str] = &["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Final consonants after which only the sắc and nặng tones occur.
const STOP_CODAS: &[&str] = &["c", "ch", "p", "t"];

struct Letter {
    base: char,
    tone: usize,
    vowel: bool,
}

fn letters_of(word: &str) -> Option<Vec<Letter>> {
    let mut out = Vec::new();
    for c in word.chars().flat_map(char::to_lowercase) {
        // Ð (U+00D0, Icelandic eth) is often typed for Đ.
        let c = if c == 'ð' { 'đ' } else { c };
        if let Some((base, tone)) = split_vowel(c) {
            out.push(Letter {
                base,
                tone,
                vowel: true,
            });
        } else if c.is_ascii_lowercase() || c == 'đ' {
            out.push(Letter {
                base: c,
                tone: 0,
                vowel: false,
            });
        } else {
            return None;
        }
    }
    Some(out)
}

/// Is `word` a plausible written Vietnamese syllable (one word, any letter case, NFC)?
///
/// Checks the initial consonant, the vowel nucleus, the final consonant, that there is at most
/// one tone mark, that it stands on an allowed vowel (old and new placements both accepted),
/// and that syllables ending in c/ch/p/t carry the sắc or nặng tone.
pub fn is_vietnamese_syllable(word: &str) -> bool {
    let Some(letters) = letters_of(word) else {
        return false;
    };
    let Some(first_vowel) = letters.iter().position(|l| l.vowel) else {
        return false;
    };
    let mut onset: String = letters[..first_vowel].iter().map(|l| l.base).collect();
    let mut start = first_vowel;
    // "gi" and "qu" are written onsets whose second letter looks like a vowel.
    if (onset == "g" && letters[start].base == 'i') || (onset == "q" && letters[start].base == 'u')
    {
        let glide_toned = letters[start].tone != 0;
        let more_vowels = letters.get(start + 1).is_some_and(|l| l.vowel);
        if more_vowels && !glide_toned {
            onset.push(letters[start].base);
            start += 1;
        } else if onset == "q" {
            return false;
        }
    }
    if !ONSETS.contains(&onset.as_str()) {
        return false;
    }
    let end = letters[start..]
        .iter()
        .position(|l| !l.vowel)
        .map_or(letters.len(), |p| start + p);
    let nucleus = &letters[start..end];
    let coda = &letters[end..];
    if coda.iter().any(|l| l.vowel) {
        return false;
    }
    let coda: String = coda.iter().map(|l| l.base).collect();
    if !CODAS.contains(&coda.as_str()) {
        return false;
    }
    let base: String = nucleus.iter().map(|l| l.base).collect();
    let Some(&(_, rule, open, closed)) = NUCLEI.iter().find(|(n, ..)| *n == base) else {
        return false;
    };
    let has_coda = !coda.is_empty();
    match rule {
        Coda::Required if !has_coda => return false,
        Coda::Forbidden if has_coda => return false,
        _ => {}
    }
    let toned: Vec<(usize, usize)> = nucleus
        .iter()
        .enumerate()
        .filter(|(_, l)| l.tone != 0)
        .map(|(i, l)| (i, l.tone))
        .collect();
    let tone = match toned.as_slice() {
        [] => 0,
        [(pos, tone)] => {
            let allowed = if has_coda { closed } else { open };
            if !allowed.contains(pos) {
                return false;
            }
            *tone
        }
        _ => return false,
    };
    if STOP_CODAS.contains(&coda.as_str()) && tone != 1 && tone != 5 {
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_syllables() {
        for w in "\
            Nguyễn Văn An Thị Hoà hòa Thuỳ thùy Đặng Ánh Hà Giang giữa gì gìn quốc quý quýt \
            khuya khuỷu người rượu thuở xoong Việt yêu yên tuyết chuyện hoặc xuân giường \
            của mùa ỦY BAN NHÂN DÂN xã Tiến Phòng hóa hội Ðinh nghiêng Hương Tú Lê Lý Mỹ ý \
            oái khoèo Quỳnh huynh Khuê thuê Giàng ngoằn Đức"
            .split_whitespace()
        {
            assert!(is_vietnamese_syllable(w), "{w} should be accepted");
        }
    }

    #[test]
    fn rejects_non_syllables() {
        assert!(!is_vietnamese_syllable(""));
        for w in "\
            café Nguyeãn Vaên NguyÔn nguyôn Hµ V¨n taù aâ hòan hoàa Loïc très Søren Müller \
            ăń at áć hàt x qa ănǵ đă iê ươ Thérèse Hélène"
            .split_whitespace()
        {
            assert!(!is_vietnamese_syllable(w), "{w} should be rejected");
        }
    }
}
