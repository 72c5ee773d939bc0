//! A hamlet's name: how an office writes it, and how two spellings of it
//! are recognised as the same hamlet. The one home of the rule; the web
//! forms, the command line and the spreadsheet import all call it.

/// The words a hamlet's name may start with, folded (no diacritics,
/// lower case) and longest first: "Tổ dân phố 3" must not be read as
/// "Tổ" + "dân phố 3".
pub const KINDS: &[&str] = &["to dan pho", "xom", "thon", "ban", "khu", "to", "ap"];

/// The name as the registry shows it: spaces and letters normalised, each
/// word capitalised, and "Xóm " in front unless it already starts with one
/// of [`KINDS`] ("khuôn lặng" → "Xóm Khuôn Lặng"; "thôn 3" → "Thôn 3").
pub fn display_name(raw: &str) -> String {
    let name = vntext::title_case_name(&vntext::normalize(raw));
    if kind_len(&match_key(&name)).is_some() {
        name
    } else {
        format!("Xóm {name}")
    }
}

/// What two spellings of one hamlet have in common: folded, punctuation
/// as spaces, numbers without leading zeros ("Xóm 01" and "xom 1").
pub fn match_key(name: &str) -> String {
    let folded = vntext::fold(name);
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let t = w.trim_start_matches('0');
            if w.chars().all(|c| c.is_ascii_digit()) && !t.is_empty() {
                t
            } else {
                w
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A [`match_key`] without its leading kind word ("xom khuon lang" →
/// "khuon lang"); the key itself if it has none or nothing follows it.
pub fn without_kind(key: &str) -> &str {
    match kind_len(key) {
        Some(n) if n < key.len() => &key[n..],
        _ => key,
    }
}

/// Length of the kind word and the space after it, if the key starts with one.
fn kind_len(key: &str) -> Option<usize> {
    KINDS.iter().find_map(|k| {
        key.strip_prefix(k)
            .and_then(|rest| rest.strip_prefix(' '))
            .filter(|rest| !rest.is_empty())
            .map(|_| k.len() + 1)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_get_xom_unless_they_have_a_kind() {
        assert_eq!(display_name("  khuôn   lặng "), "Xóm Khuôn Lặng");
        assert_eq!(display_name("thôn 3"), "Thôn 3");
        assert_eq!(display_name("Tổ dân phố Tân Lập"), "Tổ Dân Phố Tân Lập");
        assert_eq!(display_name("khu 5"), "Khu 5");
        assert_eq!(display_name("ấp Bình An"), "Ấp Bình An");
        // "Xóm" alone is a name, not a kind followed by one.
        assert_eq!(display_name("Bản"), "Xóm Bản");
    }

    #[test]
    fn spellings_of_one_hamlet_share_a_key() {
        assert_eq!(match_key("Xóm 01"), match_key("xom 1"));
        assert_eq!(match_key("Xóm Khuôn-Lặng"), "xom khuon lang");
        assert_eq!(without_kind("xom khuon lang"), "khuon lang");
        assert_eq!(without_kind("to dan pho 3"), "3");
        assert_eq!(without_kind("tong"), "tong");
        assert_eq!(without_kind("xom"), "xom");
    }
}
