//! Decoding the raw bytes of a text file (CSV) into Unicode.

use crate::detect::{evidence, tokens, unicode_word_score, Evidence};
use crate::tables::{CP1252_HIGH, CP1258_DIFF};
use crate::{nfc, to_unicode, Encoding};

/// How the bytes of a file were turned into characters, before any legacy Vietnamese
/// conversion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Container {
    /// UTF-8 without a byte order mark.
    Utf8,
    /// UTF-8 with a byte order mark (stripped).
    Utf8Bom,
    /// UTF-16 little endian, with a byte order mark (stripped).
    Utf16Le,
    /// UTF-16 big endian, with a byte order mark (stripped).
    Utf16Be,
    /// 8-bit bytes read as Windows-1252. TCVN3 and VNI files are read this way.
    Windows1252,
    /// 8-bit bytes read as Windows-1258 (Vietnamese, with combining tone marks).
    Windows1258,
}

/// The result of [`decode_bytes_detailed`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// Unicode text, NFC.
    pub text: String,
    /// How the bytes became characters.
    pub container: Container,
    /// Whether those characters were TCVN3 or VNI letter codes that have been converted.
    pub encoding: Encoding,
}

/// Decodes one 8-bit byte through Windows-1252 (undefined bytes become C1 controls).
pub(crate) fn cp1252_char(b: u8) -> char {
    if (0x80..0xA0).contains(&b) {
        for &(byte, c) in CP1252_HIGH {
            if byte == b {
                return c;
            }
        }
    }
    char::from(b)
}

/// Decodes one 8-bit byte through Windows-1258 (undefined bytes become C1 controls).
pub(crate) fn cp1258_char(b: u8) -> char {
    for &(byte, c) in CP1258_DIFF {
        if byte == b {
            return c.unwrap_or(char::from(b));
        }
    }
    cp1252_char(b)
}

fn decode_utf16(bytes: &[u8], little_endian: bool) -> String {
    let units = bytes.chunks(2).map(|pair| match pair {
        [a, b] if little_endian => u16::from_le_bytes([*a, *b]),
        [a, b] => u16::from_be_bytes([*a, *b]),
        // An odd trailing byte cannot be a whole code unit.
        _ => 0xFFFD,
    });
    char::decode_utf16(units)
        .map(|r| r.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect()
}

fn document_evidence(text: &str) -> Evidence {
    let mut e = Evidence::default();
    for line in text.lines() {
        e.add(evidence(line));
    }
    e
}

/// Unicode text (from UTF-8/16) may still hold a Windows-1252 view of TCVN3 or VNI bytes
/// (a legacy file that was re-saved as Unicode): convert it when the whole text says so.
fn finish_unicode(text: String, container: Container) -> Decoded {
    let encoding = document_evidence(&text).decide();
    Decoded {
        text: to_unicode(&text, encoding),
        container,
        encoding,
    }
}

fn decode_8bit(bytes: &[u8]) -> Decoded {
    let view: String = bytes.iter().map(|&b| cp1252_char(b)).collect();
    let e = document_evidence(&view);
    let legacy = e.decide();
    if legacy != Encoding::Unicode {
        return Decoded {
            text: to_unicode(&view, legacy),
            container: Container::Windows1252,
            encoding: legacy,
        };
    }
    // Windows-1258 against plain Windows-1252: score the Unicode reading of each.
    let cp1258: String = bytes.iter().map(|&b| cp1258_char(b)).collect();
    let cp1258 = nfc(&cp1258);
    let score_1258: i64 = tokens(&cp1258)
        .iter()
        .filter(|t| !t.is_ascii())
        .map(|t| unicode_word_score(t).0)
        .sum();
    // Same weighing as for the legacy encodings: at least one word better.
    if score_1258 - e.unicode >= 3 {
        Decoded {
            text: cp1258,
            container: Container::Windows1258,
            encoding: Encoding::Unicode,
        }
    } else {
        Decoded {
            text: nfc(&view),
            container: Container::Windows1252,
            encoding: Encoding::Unicode,
        }
    }
}

/// Decodes the raw bytes of a text file, reporting how they were read.
///
/// UTF-8 (with or without BOM) and UTF-16 LE/BE with BOM are recognised first; anything that
/// is not valid UTF-8 is read as 8-bit text and scored as TCVN3, VNI, Windows-1258 or
/// Windows-1252. Unicode input that turns out to hold a TCVN3/VNI character view is converted
/// too. The text is returned NFC; BOMs are dropped; line ends are kept as they are.
pub fn decode_bytes_detailed(bytes: &[u8]) -> Decoded {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return finish_unicode(
            String::from_utf8_lossy(rest).into_owned(),
            Container::Utf8Bom,
        );
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return finish_unicode(decode_utf16(rest, true), Container::Utf16Le);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return finish_unicode(decode_utf16(rest, false), Container::Utf16Be);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => finish_unicode(s.to_owned(), Container::Utf8),
        Err(_) => decode_8bit(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_bytes() {
        assert_eq!(cp1252_char(b'A'), 'A');
        assert_eq!(cp1252_char(0x93), '“');
        assert_eq!(cp1252_char(0x81), '\u{81}');
        assert_eq!(cp1252_char(0xB8), '¸');
        assert_eq!(cp1258_char(0xD0), 'Đ');
        assert_eq!(cp1258_char(0xEC), '\u{301}');
        assert_eq!(cp1258_char(0x8A), '\u{8A}');
        assert_eq!(cp1258_char(0x93), '“');
        assert_eq!(cp1258_char(0xE9), 'é');
    }

    #[test]
    fn utf16_odd_byte() {
        assert_eq!(decode_utf16(&[0x41, 0x00, 0x42], true), "A\u{FFFD}");
        assert_eq!(decode_utf16(&[0x00, 0x41], false), "A");
    }
}
