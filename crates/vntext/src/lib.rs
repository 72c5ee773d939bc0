//! Vietnamese text handling for the registry.
//!
//! * NFC normalisation ([`nfc`]) and clean-up of cell text ([`normalize`], [`to_unicode`]),
//!   which also drops the invisible format characters ([`is_invisible`]: zero-width spaces
//!   and joiners, soft hyphens, byte order marks, bidi controls) that copying from web pages
//!   and chat apps leaves in names.
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

use std::borrow::Cow;

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

/// NFC normalisation (nothing removed: see [`to_unicode`] for clean text).
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Characters that show nothing and mean nothing in a name, yet make two texts differ:
/// Unicode's format characters (general category Cf: zero-width space, joiners, soft
/// hyphen, byte order mark, word joiner, bidi marks, embeddings and isolates, invisible
/// operators, tag characters...) and the other default-ignorable code points (combining
/// grapheme joiner, Hangul fillers, variation selectors).
pub fn is_invisible(c: char) -> bool {
    matches!(
        c as u32,
        // Cf
        0x00AD
            | 0x0600..=0x0605
            | 0x061C
            | 0x06DD
            | 0x070F
            | 0x0890..=0x0891
            | 0x08E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
            // Other default-ignorable code points
            | 0x034F
            | 0x115F..=0x1160
            | 0x17B4..=0x17B5
            | 0x180B..=0x180D
            | 0x180F
            | 0x3164
            | 0xFE00..=0xFE0F
            | 0xFFA0
            | 0xE0100..=0xE01EF
    )
}

/// `s` without invisible characters ([`is_invisible`]): for Unicode text.
pub fn strip_invisible(s: &str) -> Cow<'_, str> {
    strip_where(s, is_invisible)
}

/// `s` without invisible characters, except the soft hyphen U+00AD: in the Windows-1252
/// view of TCVN3 text that is the letter ư (byte 0xAD), so text whose encoding is not known
/// yet keeps it until [`to_unicode`] has converted it.
pub fn strip_invisible_keeping_legacy(s: &str) -> Cow<'_, str> {
    strip_where(s, |c| c != '\u{AD}' && is_invisible(c))
}

fn strip_where(s: &str, drop: impl Fn(char) -> bool) -> Cow<'_, str> {
    if s.chars().any(&drop) {
        Cow::Owned(s.chars().filter(|&c| !drop(c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

/// NFC of text without its invisible characters (removed first, so a mark that followed
/// one still joins its letter).
fn clean_nfc(s: &str) -> String {
    nfc(&strip_invisible(s))
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

/// Convert from the given encoding, then NFC, without invisible characters
/// ([`is_invisible`]; TCVN3's soft hyphen byte has become ư by then).
pub fn to_unicode(s: &str, enc: Encoding) -> String {
    let converted = match enc {
        Encoding::Unicode => return clean_nfc(s),
        Encoding::Tcvn3 => tcvn3_to_unicode(s),
        Encoding::Vni => vni_to_unicode(s),
    };
    if converted.chars().any(is_invisible) {
        clean_nfc(&converted)
    } else {
        converted
    }
}

/// Trims and collapses every run of whitespace into one ASCII space.
fn collapse_whitespace(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Detect + convert + NFC + remove invisible characters ([`is_invisible`]) + trim +
/// collapse runs of whitespace into one space.
pub fn normalize(s: &str) -> String {
    // Invisible characters would hide a legacy text from detection: dropped first, all but
    // the soft hyphen, which may be TCVN3's ư (to_unicode drops it if it is not).
    let s = strip_invisible_keeping_legacy(s);
    collapse_whitespace(&to_unicode(&s, detect(&s)))
}

/// Search key: NFC, remove all diacritics (tone and vowel marks) and invisible characters
/// ([`is_invisible`]), đ/Đ -> d, lowercase, collapse whitespace, trim.
///
/// "Nguyễn Văn Ánh" -> "nguyen van anh"; "ĐẶNG" -> "dang". Works on NFD input and on
/// old/new tone placement ("hòa"/"hoà"). Ð (U+00D0, often typed for Đ) also folds to d.
pub fn fold(s: &str) -> String {
    let lower: String = s
        .chars()
        .filter(|&c| !is_invisible(c))
        .flat_map(char::to_lowercase)
        .collect();
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
    for c in clean_nfc(s).chars() {
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
    fn invisible_characters_are_dropped() {
        let clean = "Nguyễn Văn An";
        for dirty in [
            "Nguy\u{200B}ễn Văn An",
            "Nguyễn\u{200C} Văn\u{200D} An",
            "\u{FEFF}Nguyễn Văn An\u{2060}",
            "Nguy\u{AD}ễn Văn An",
            "\u{202B}Nguyễn Văn An\u{202C}",
            "\u{2067}Nguyễn\u{2069} Văn An\u{202E}",
            "\u{200E}Nguyễn \u{200F}Văn An",
            "Nguyễn Văn\u{034F} An\u{FE0F}",
        ] {
            assert_eq!(normalize(dirty), clean, "{dirty:?}");
            assert_eq!(to_unicode(dirty, Encoding::Unicode), clean, "{dirty:?}");
            assert_eq!(fold(dirty), "nguyen van an", "{dirty:?}");
            assert_eq!(title_case_name(&dirty.to_lowercase()), clean, "{dirty:?}");
        }
        // A mark after a zero-width space still joins its letter.
        assert_eq!(normalize("Nguye\u{200B}\u{302}\u{303}n"), "Nguyễn");
        assert_eq!(fold("Nguye\u{200B}\u{302}\u{303}n"), "nguyen");
        // A zero-width space alone is nothing.
        assert_eq!(normalize(" \u{200B} "), "");
        assert_eq!(fold("\u{200B}"), "");
        // TCVN3 text with a stray zero-width space is still detected and converted, and its
        // soft hyphen byte is the letter ư.
        assert_eq!(normalize("NguyÔn\u{200B} V¨n An"), clean);
        assert_eq!(normalize("Lß M\u{AD}êng"), "Lò Mường");
        assert_eq!(to_unicode("M\u{AD}êng", Encoding::Tcvn3), "Mường");
        // Visible characters are kept.
        for c in ['a', 'ư', 'Đ', ' ', '-', '\'', '\u{300}', '\u{A0}'] {
            assert!(!is_invisible(c), "{c:?}");
        }
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
