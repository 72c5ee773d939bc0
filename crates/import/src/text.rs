//! Cell text clean-up shared by header mapping and validation: legacy
//! encoding conversion, NFC, trimming, and folding into comparison keys.

use crate::read::SheetData;
use vntext::Encoding;

/// The legacy encoding of a whole sheet, decided over all its text cells
/// (one cell is too little to tell TCVN3 from VNI reliably).
pub(crate) fn detect_sheet(sheet: &SheetData) -> Encoding {
    // ASCII cells read the same in every encoding: they carry no signal.
    // Registers repeat the same values (hamlets, relations, ethnic groups),
    // so distinct texts are enough, and a few thousand of them, taken across
    // the whole sheet, decide as well as all of them (detection is the
    // costliest step of a large import).
    let mut seen = std::collections::HashSet::new();
    let distinct: Vec<&str> = sheet
        .rows
        .iter()
        .flatten()
        .map(|c| c.as_str())
        .filter(|c| !c.is_ascii() && seen.insert(*c))
        .collect();
    let step = distinct.len().div_ceil(DETECT_SAMPLE).max(1);
    vntext::detect_many(distinct.into_iter().step_by(step))
}

/// Most distinct cells given to encoding detection.
const DETECT_SAMPLE: usize = 4000;

/// Characters that can appear in the Windows-1252 view of legacy text.
pub(crate) fn is_cp1252_view(c: char) -> bool {
    (c as u32) < 0x100
        || matches!(
            c,
            '€' | '‚'
                | 'ƒ'
                | '„'
                | '…'
                | '†'
                | '‡'
                | 'ˆ'
                | '‰'
                | 'Š'
                | '‹'
                | 'Œ'
                | 'Ž'
                | '‘'
                | '’'
                | '“'
                | '”'
                | '•'
                | '–'
                | '—'
                | '˜'
                | '™'
                | 'š'
                | '›'
                | 'œ'
                | 'ž'
                | 'Ÿ'
        )
}

/// Turns raw cell text into clean Unicode for one sheet.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Cleaner {
    pub encoding: Encoding,
}

impl Cleaner {
    pub fn for_sheet(sheet: &SheetData) -> Self {
        Self {
            encoding: detect_sheet(sheet),
        }
    }

    /// Legacy conversion (when the sheet is TCVN3/VNI and the cell is not
    /// already real Unicode, as when a header was retyped later), NFC,
    /// invisible characters (zero-width spaces, bidi marks...) removed, trim,
    /// and the apostrophe that [`crate::neutralise_formula`] put in front of
    /// `= + - @` taken off again.
    pub fn clean(&self, raw: &str) -> String {
        // Before the legacy test: a zero-width space must not make a TCVN3
        // cell look like Unicode (the soft hyphen stays: it is TCVN3's ư).
        let raw = vntext::strip_invisible_keeping_legacy(raw);
        let raw = raw.as_ref();
        if raw.trim().is_empty() {
            return String::new();
        }
        let converted;
        let text = if self.encoding != Encoding::Unicode
            && !raw.is_ascii()
            && raw.chars().all(is_cp1252_view)
        {
            converted = vntext::to_unicode(raw, self.encoding);
            converted.as_str()
        } else {
            raw
        };
        let mut out = normalize(text);
        if out.len() > 1
            && out.starts_with('\'')
            && out[1..].starts_with(['=', '+', '-', '@', '\t', '\r'])
        {
            out.remove(0);
        }
        out
    }

    /// Whether names converted from TCVN3 need their capitals restored.
    pub fn restores_case(&self) -> bool {
        self.encoding == Encoding::Tcvn3
    }
}

/// [`vntext::normalize`] (detect, convert, NFC, drop invisible characters,
/// trim, collapse spaces), without running detection where its answer is
/// known: ASCII text, and text with letters outside the Windows-1252
/// repertoire (ư, ễ, combining marks of NFD), are Unicode. Only the rest
/// (e.g. "Tày", or a TCVN3 cell pasted into a Unicode sheet) goes through
/// detection.
fn normalize(text: &str) -> String {
    if text.is_ascii() {
        squash_spaces(text)
    } else if !text.chars().all(is_cp1252_view) {
        squash_spaces(&vntext::to_unicode(text, Encoding::Unicode))
    } else {
        vntext::normalize(text)
    }
}

/// Comparison key: folded (no case, no diacritics, đ → d), every run of
/// punctuation or spaces turned into one space.
pub(crate) fn key(s: &str) -> String {
    let folded = vntext::fold(s);
    let mut out = String::with_capacity(folded.len());
    let mut space = false;
    for c in folded.chars() {
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

/// Collapse inner whitespace runs to one space.
pub(crate) fn squash_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for w in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(w);
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert_eq!(key("Họ, chữ đệm và tên"), "ho chu dem va ten");
        assert_eq!(key("  CMND/CCCD (*) "), "cmnd cccd");
        assert_eq!(key("SĐT"), "sdt");
        assert_eq!(key("Xóm Khuôn Lặng"), "xom khuon lang");
    }
}
