//! Vietnamese text handling for the registry.
//!
//! * NFC normalisation ([`nfc`]) and clean-up of cell text ([`normalize`]).
//! * The legacy 8-bit encodings still found in commune spreadsheets: TCVN3 (ABC, fonts
//!   `.VnTime`/`.VnTimeH`) and VNI-Windows (fonts `VNI-Times`), in the form spreadsheets show
//!   them: the Windows-1252 characters of the bytes ("NguyÔn V¨n An", "Nguyeãn Vaên An"); bytes
//!   0x80..0x9F may also come as C1 controls. See [`detect`], [`detect_many`], [`to_unicode`].
//! * Raw file bytes: [`decode_bytes`] (UTF-8, UTF-16 with BOM, TCVN3, VNI, Windows-1258/1252).
//! * Search keys without diacritics ([`fold`]) and name capitalisation ([`title_case_name`]).
//!
//! The character tables live in `tables.rs`, with the public sources they were checked
//! against.

#![forbid(unsafe_code)]

mod bytes;
mod detect;
mod legacy;
mod syllable;
mod tables;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

pub use bytes::{decode_bytes_detailed, Container, Decoded};
pub use legacy::{tcvn3_to_unicode, unicode_to_tcvn3, unicode_to_vni, vni_to_unicode};
pub use syllable::is_vietnamese_syllable;

/// How a piece of text encodes Vietnamese letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Ordinary Unicode (any normalisation form).
    Unicode,
    /// TCVN3 / ABC (TCVN 5712:1993 VN3), seen through Windows-1252.
    Tcvn3,
    /// VNI-Windows, seen through Windows-1252.
    Vni,
}

/// NFC normalisation.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Guess the encoding of one piece of text (e.g. a cell). Pure ASCII => Unicode.
///
/// Conservative: a legacy encoding is chosen only when reading the text that way turns
/// implausible words into plausible Vietnamese syllables, with characters that ordinary
/// text does not have (TCVN3 symbols such as ¸ ¨ µ, VNI pairs such as "eã") or over at least
/// two words. Anything containing letters outside the Windows-1252 repertoire (ư, ễ, …) is
/// Unicode. One short word can be ambiguous; prefer [`detect_many`] over a whole sheet.
pub fn detect(s: &str) -> Encoding {
    detect::evidence(s).decide()
}

/// Guess one encoding for a whole document from many samples (e.g. all its cells).
///
/// The evidence of all samples is added up before deciding, so one Unicode header row does
/// not outvote a sheet of TCVN3 names, and many weak hints together are enough.
pub fn detect_many<I, S>(samples: I) -> Encoding
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut e = detect::Evidence::default();
    for s in samples {
        e.add(detect::evidence(s.as_ref()));
    }
    e.decide()
}

/// Convert from the given encoding, then NFC.
pub fn to_unicode(s: &str, enc: Encoding) -> String {
    match enc {
        Encoding::Unicode => nfc(s),
        Encoding::Tcvn3 => tcvn3_to_unicode(s),
        Encoding::Vni => vni_to_unicode(s),
    }
}

/// Trims and collapses every run of whitespace into one ASCII space.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Detect + convert + NFC + trim + collapse runs of whitespace into one space.
pub fn normalize(s: &str) -> String {
    collapse_whitespace(&to_unicode(s, detect(s)))
}

/// Search key: NFC, remove all diacritics (tone and vowel marks), đ/Đ -> d, lowercase,
/// collapse whitespace, trim.
///
/// "Nguyễn Văn Ánh" -> "nguyen van anh"; "ĐẶNG" -> "dang". Works on NFD input and on
/// old/new tone placement ("hòa"/"hoà"). Ð (U+00D0, often typed for Đ) also folds to d.
pub fn fold(s: &str) -> String {
    let lower: String = s.chars().flat_map(char::to_lowercase).collect();
    let bare: String = lower
        .nfd()
        .filter(|&c| !is_combining_mark(c))
        .map(|c| match c {
            'đ' | 'ð' => 'd',
            _ => c,
        })
        .collect();
    collapse_whitespace(&bare)
}

/// Decode raw bytes of a text file (CSV): UTF-8 with or without BOM, UTF-16 LE/BE with BOM;
/// otherwise treat as 8-bit legacy and decide TCVN3 vs VNI vs Windows-1258/1252 by scoring.
/// Returns Unicode NFC text and the encoding found (`Unicode` for UTF-8/16 and for
/// Windows-1258/1252 files; see [`decode_bytes_detailed`] for which one it was).
pub fn decode_bytes(bytes: &[u8]) -> (String, Encoding) {
    let d = decode_bytes_detailed(bytes);
    (d.text, d.encoding)
}

/// "nguyễn văn an" -> "Nguyễn Văn An": each word's first letter uppercase, the rest lowercase.
///
/// Works for toned letters and đ. A word starts at a letter that does not follow a letter or a
/// digit ("ê-đê" -> "Ê-Đê", "h'hen niê" -> "H'Hen Niê"). Other characters,
/// whitespace included, are kept; the result is NFC.
pub fn title_case_name(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_word = false;
    for c in nfc(s).chars() {
        if c.is_alphabetic() {
            if in_word {
                out.extend(c.to_lowercase());
            } else {
                out.extend(c.to_uppercase());
            }
            in_word = true;
        } else {
            out.push(c);
            // Digits glue to a following letter ("2b"); an apostrophe starts a new word
            // ("h'hen" -> "H'Hen", as in Ê Đê names).
            in_word = c.is_numeric() || (in_word && is_combining_mark(c));
        }
    }
    nfc(&out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fold_examples() {
        assert_eq!(fold("Nguyễn Văn Ánh"), "nguyen van anh");
        assert_eq!(fold("ĐẶNG"), "dang");
        assert_eq!(fold("  Hòa \t hoà  "), "hoa hoa");
        assert_eq!(fold(&"Nguyễn".nfd().collect::<String>()), "nguyen");
        assert_eq!(fold("Ðinh"), "dinh");
    }

    #[test]
    fn title_case_examples() {
        assert_eq!(title_case_name("nguyễn văn an"), "Nguyễn Văn An");
        assert_eq!(title_case_name("ĐẶNG THỊ ÁNH"), "Đặng Thị Ánh");
        assert_eq!(title_case_name("đỗ  đức"), "Đỗ  Đức");
        assert_eq!(title_case_name("ê-đê"), "Ê-Đê");
        assert_eq!(title_case_name("h'hen niê"), "H'Hen Niê");
        assert_eq!(title_case_name("tổ 2b"), "Tổ 2b");
    }
}
