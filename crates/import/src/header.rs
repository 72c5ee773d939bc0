//! Finding the header row and mapping header texts to fields.

use serde::{Deserialize, Serialize};

use crate::read::{FileError, SheetData};
use crate::text::{key, Cleaner};

/// How many rows from the top are searched for the header row (titles,
/// the commune's name and the form number usually come first).
pub const HEADER_SEARCH_ROWS: usize = 30;

/// The field a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Column {
    FullName,
    BirthDate,
    BirthYear,
    Sex,
    Ethnicity,
    CitizenId,
    Phone,
    Hamlet,
    Relation,
    HouseholdCode,
    HeadName,
    Notes,
    Groups,
    Student,
    /// Recognised (e.g. "STT") but not imported.
    Ignore,
}

impl Column {
    pub const ALL: [Column; 15] = [
        Column::FullName,
        Column::BirthDate,
        Column::BirthYear,
        Column::Sex,
        Column::Ethnicity,
        Column::CitizenId,
        Column::Phone,
        Column::Hamlet,
        Column::Relation,
        Column::HouseholdCode,
        Column::HeadName,
        Column::Notes,
        Column::Groups,
        Column::Student,
        Column::Ignore,
    ];

    /// Vietnamese name of the field, for the mapping wizard and messages.
    pub fn label(self) -> &'static str {
        match self {
            Column::FullName => "Họ và tên",
            Column::BirthDate => "Ngày sinh",
            Column::BirthYear => "Năm sinh",
            Column::Sex => "Giới tính",
            Column::Ethnicity => "Dân tộc",
            Column::CitizenId => "Số CCCD",
            Column::Phone => "Số điện thoại",
            Column::Hamlet => "Xóm/Thôn",
            Column::Relation => "Quan hệ với chủ hộ",
            Column::HouseholdCode => "Số hộ",
            Column::HeadName => "Họ tên chủ hộ",
            Column::Notes => "Ghi chú",
            Column::Groups => "Nhóm đối tượng",
            Column::Student => "Học sinh",
            Column::Ignore => "Bỏ qua",
        }
    }

    /// Stable code for forms and JSON (`full_name`, `birth_date`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Column::FullName => "full_name",
            Column::BirthDate => "birth_date",
            Column::BirthYear => "birth_year",
            Column::Sex => "sex",
            Column::Ethnicity => "ethnicity",
            Column::CitizenId => "citizen_id",
            Column::Phone => "phone",
            Column::Hamlet => "hamlet",
            Column::Relation => "relation",
            Column::HouseholdCode => "household_code",
            Column::HeadName => "head_name",
            Column::Notes => "notes",
            Column::Groups => "groups",
            Column::Student => "student",
            Column::Ignore => "ignore",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }
}

/// The header row found in a sheet and what each column holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeaderMatch {
    /// 0-based index in `rows` of the last header row (data start below it).
    pub header_row: usize,
    /// Per column index: the field it holds, `None` when unknown or empty.
    pub columns: Vec<Option<Column>>,
    /// Non-empty headers not recognised: (column index, header text in Unicode).
    pub unknown: Vec<(usize, String)>,
}

impl HeaderMatch {
    /// The first column holding `field`.
    pub fn column_of(&self, field: Column) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }

    /// Whether some column holds `field`.
    pub fn has(&self, field: Column) -> bool {
        self.column_of(field).is_some()
    }

    /// Map column `index` to `field` (the wizard's override); `None` unmaps it.
    /// A field already mapped elsewhere is moved here. Only a column the
    /// match covers can be set: an index past [`columns`](Self::columns)
    /// (it may come from a form) changes nothing and returns false, so
    /// nothing is ever sized from it.
    pub fn set(&mut self, index: usize, field: Option<Column>) -> bool {
        if index >= self.columns.len() {
            return false;
        }
        if let Some(f) = field {
            if f != Column::Ignore {
                for c in self.columns.iter_mut() {
                    if *c == Some(f) {
                        *c = None;
                    }
                }
            }
        }
        self.columns[index] = field;
        if field.is_some() {
            self.unknown.retain(|(i, _)| *i != index);
        }
        true
    }
}

/// (key, column, whether a longer header starting with the key also counts).
/// Keys are folded: no case, no diacritics, punctuation as single spaces.
const HEADERS: &[(&str, Column, bool)] = &[
    // Head of household before full name: "họ tên chủ hộ" starts with "họ tên".
    ("ho ten chu ho", Column::HeadName, true),
    ("ho va ten chu ho", Column::HeadName, true),
    ("ten chu ho", Column::HeadName, true),
    ("chu ho", Column::HeadName, false),
    ("ho va ten", Column::FullName, true),
    ("ho ten", Column::FullName, true),
    ("ho chu dem va ten", Column::FullName, true),
    ("ho chu dem ten", Column::FullName, true),
    ("ho dem va ten", Column::FullName, true),
    ("ten", Column::FullName, false),
    ("ngay sinh", Column::BirthDate, true),
    ("ngay thang nam sinh", Column::BirthDate, true),
    ("sinh ngay", Column::BirthDate, true),
    ("ns", Column::BirthDate, false),
    ("nam sinh", Column::BirthYear, true),
    ("gioi tinh", Column::Sex, true),
    ("nam nu", Column::Sex, false),
    ("gt", Column::Sex, false),
    ("dan toc", Column::Ethnicity, true),
    ("so cccd", Column::CitizenId, true),
    ("cccd", Column::CitizenId, true),
    ("so dinh danh", Column::CitizenId, true),
    ("so dinh danh ca nhan", Column::CitizenId, true),
    ("ma dinh danh", Column::CitizenId, true),
    ("cmnd cccd", Column::CitizenId, true),
    ("cccd cmnd", Column::CitizenId, true),
    ("so cmnd", Column::CitizenId, true),
    ("so cmnd cccd", Column::CitizenId, true),
    ("so cccd cmnd", Column::CitizenId, true),
    ("cmnd", Column::CitizenId, true),
    ("so can cuoc", Column::CitizenId, true),
    ("can cuoc cong dan", Column::CitizenId, true),
    ("so dien thoai", Column::Phone, true),
    ("sdt", Column::Phone, false),
    ("so dt", Column::Phone, false),
    ("dien thoai", Column::Phone, true),
    ("dt", Column::Phone, false),
    ("dtdd", Column::Phone, false),
    ("xom", Column::Hamlet, false),
    ("thon", Column::Hamlet, false),
    ("xom thon", Column::Hamlet, false),
    ("thon xom", Column::Hamlet, false),
    ("xom ban", Column::Hamlet, false),
    ("thon ban", Column::Hamlet, false),
    ("ban", Column::Hamlet, false),
    ("to dan pho", Column::Hamlet, false),
    ("dia chi xom", Column::Hamlet, false),
    ("dia chi thon", Column::Hamlet, false),
    ("dia chi", Column::Hamlet, true),
    ("ten xom", Column::Hamlet, false),
    ("ten thon", Column::Hamlet, false),
    ("quan he voi chu ho", Column::Relation, true),
    ("quan he voi ch", Column::Relation, false),
    ("quan he", Column::Relation, false),
    ("qh voi ch", Column::Relation, false),
    ("qh voi chu ho", Column::Relation, false),
    ("qh", Column::Relation, false),
    ("qhch", Column::Relation, false),
    ("so ho", Column::HouseholdCode, false),
    ("ma ho", Column::HouseholdCode, true),
    ("so so ho khau", Column::HouseholdCode, true),
    ("so ho khau", Column::HouseholdCode, true),
    ("so so hk", Column::HouseholdCode, false),
    ("so hk", Column::HouseholdCode, false),
    ("ma so ho", Column::HouseholdCode, true),
    ("ghi chu", Column::Notes, true),
    ("nhom doi tuong", Column::Groups, true),
    ("doi tuong", Column::Groups, false),
    ("hoc sinh", Column::Student, false),
    ("la hoc sinh", Column::Student, false),
    ("stt", Column::Ignore, false),
    ("tt", Column::Ignore, false),
    ("so tt", Column::Ignore, false),
    ("so thu tu", Column::Ignore, false),
];

/// The field a header text stands for, as officials write it: case,
/// diacritics, NFD, punctuation and a note in brackets ("Ngày sinh
/// (dd/mm/yyyy)") do not matter. Legacy-encoded text (TCVN3, VNI) is
/// converted first when it does not match as it is.
pub fn recognise_header(text: &str) -> Option<Column> {
    if let Some(c) = recognise_key(&key(text)) {
        return Some(c);
    }
    // One header is too short for detection to be sure: a match in the table
    // read as TCVN3 or as VNI is evidence enough.
    if !text.is_ascii()
        && text
            .chars()
            .all(|c| (c as u32) < 0x100 || crate::text::is_cp1252_view(c))
    {
        for enc in [vntext::Encoding::Tcvn3, vntext::Encoding::Vni] {
            if let Some(c) = recognise_key(&key(&vntext::to_unicode(text, enc))) {
                return Some(c);
            }
        }
    }
    None
}

fn recognise_key(k: &str) -> Option<Column> {
    if k.is_empty() {
        return None;
    }
    if let Some(c) = lookup(k) {
        return Some(c);
    }
    // Without the part in brackets: "Số CCCD (12 số)", "Xóm (thôn)".
    if k.len() < 80 {
        // `key` already dropped the brackets; try shorter word prefixes.
        let words: Vec<&str> = k.split(' ').collect();
        for n in (1..words.len()).rev() {
            let prefix = words[..n].join(" ");
            if let Some((_, c, _)) = HEADERS.iter().find(|(h, _, p)| *p && *h == prefix) {
                return Some(*c);
            }
        }
    }
    None
}

fn lookup(k: &str) -> Option<Column> {
    HEADERS.iter().find(|(h, _, _)| *h == k).map(|(_, c, _)| *c)
}

/// Find the header row in the first [`HEADER_SEARCH_ROWS`] rows: the row
/// with the most recognised headers, among those with a full-name column and
/// at least one other field. A second header row below it (merged two-row
/// headers: "Địa chỉ" over "Xóm" and "Số hộ") fills the columns the first
/// row leaves empty or unknown.
pub fn find_header(sheet: &SheetData) -> Result<HeaderMatch, FileError> {
    let cleaner = Cleaner::for_sheet(sheet);
    let limit = sheet.rows.len().min(HEADER_SEARCH_ROWS);
    let mut best: Option<(usize, usize)> = None; // (score, row)
    for r in 0..limit {
        let (cols, _) = row_columns(&cleaner, &sheet.rows[r]);
        if !cols.contains(&Some(Column::FullName)) {
            continue;
        }
        let mut fields: Vec<Column> = cols
            .iter()
            .flatten()
            .copied()
            .filter(|c| *c != Column::Ignore)
            .collect();
        fields.sort();
        fields.dedup();
        let score = fields.len();
        if score >= 2 && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, r));
        }
    }
    let Some((_, top)) = best else {
        return Err(FileError::NoHeader);
    };

    let (mut columns, mut texts) = row_columns(&cleaner, &sheet.rows[top]);

    // A second header row: its cell under the full-name header is empty
    // (merged vertically), and it names fields the first row left open.
    let mut header_row = top;
    let name_col = columns.iter().position(|c| *c == Some(Column::FullName));
    let sub = top + 1;
    if sub < sheet.rows.len() && name_col.is_some_and(|n| sheet.cell(sub, n).trim().is_empty()) {
        let (sub_cols, sub_texts) = row_columns(&cleaner, &sheet.rows[sub]);
        let used = sub_cols
            .iter()
            .enumerate()
            .any(|(c, f)| f.is_some() && columns.get(c).copied().flatten().is_none());
        if used {
            header_row = sub;
            if columns.len() < sub_cols.len() {
                columns.resize(sub_cols.len(), None);
                texts.resize(sub_cols.len(), String::new());
            }
            let sub_fields: Vec<Column> = sub_cols.iter().flatten().copied().collect();
            for (c, (field, text)) in sub_cols.into_iter().zip(sub_texts).enumerate() {
                if text.is_empty() {
                    // Merged down from the first row ("Họ và tên" over two rows).
                    continue;
                }
                match (field, columns[c]) {
                    // The specific name wins: "Địa chỉ" over "Xóm" and "Số hộ".
                    (Some(_), _) => {
                        columns[c] = field;
                        texts[c] = text;
                    }
                    // "Ngày sinh" over an unknown sub-header keeps its meaning,
                    // unless the second row names that field elsewhere.
                    (None, Some(top)) if !sub_fields.contains(&top) => {}
                    (None, _) => {
                        columns[c] = None;
                        texts[c] = text;
                    }
                }
            }
        }
    }

    // One column per field: a repeated field becomes unknown for the wizard.
    let mut seen: Vec<Column> = Vec::new();
    for col in columns.iter_mut() {
        if let Some(f) = *col {
            if f == Column::Ignore {
                continue;
            }
            if seen.contains(&f) {
                *col = None;
            } else {
                seen.push(f);
            }
        }
    }
    let unknown = columns
        .iter()
        .zip(&texts)
        .enumerate()
        .filter(|(_, (col, text))| col.is_none() && !text.is_empty())
        .map(|(i, (_, text))| (i, text.clone()))
        .collect();
    Ok(HeaderMatch {
        header_row,
        columns,
        unknown,
    })
}

/// Fields and Unicode texts of one candidate header row. "Tên" means the
/// full name only when alone: beside a "Họ" / "Họ đệm" column it is the
/// given name, and that split layout has no full-name column.
fn row_columns(cleaner: &Cleaner, row: &[String]) -> (Vec<Option<Column>>, Vec<String>) {
    let texts: Vec<String> = row.iter().map(|c| cleaner.clean(c)).collect();
    let keys: Vec<String> = texts
        .iter()
        .map(|t| {
            if t.chars().count() > 120 {
                String::new()
            } else {
                key(t)
            }
        })
        .collect();
    let split_name = keys.iter().any(|k| {
        matches!(
            k.as_str(),
            "ho" | "ho dem" | "ho va ten dem" | "ho va chu dem" | "ho chu dem" | "ho va dem"
        )
    });
    let cols = keys
        .iter()
        .map(|k| match recognise_key(k) {
            Some(Column::FullName) if split_name && k == "ten" => None,
            other => other,
        })
        .collect();
    (cols, texts)
}

/// The header text of column `c` as written in the file (Unicode), or the
/// field's Vietnamese name when the header cell is empty.
pub(crate) fn header_text(
    sheet: &SheetData,
    header: &HeaderMatch,
    cleaner: &Cleaner,
    c: usize,
) -> String {
    let own = cleaner.clean(sheet.cell(header.header_row, c));
    if !own.is_empty() {
        return own;
    }
    if header.header_row > 0 {
        let above = cleaner.clean(sheet.cell(header.header_row - 1, c));
        if !above.is_empty() {
            return above;
        }
    }
    match header.columns.get(c).copied().flatten() {
        Some(f) => f.label().to_string(),
        None => format!("Cột {}", column_letter(c)),
    }
}

/// Spreadsheet column letters: 0 → A, 25 → Z, 26 → AA.
pub fn column_letter(mut index: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn codes_round_trip() {
        for c in Column::ALL {
            assert_eq!(Column::from_code(c.code()), Some(c));
        }
    }

    #[test]
    fn a_column_past_the_match_is_refused_and_nothing_is_sized_from_it() {
        let mut h = HeaderMatch {
            header_row: 0,
            columns: vec![Some(Column::FullName), None],
            unknown: vec![(1, "Nơi ở".into())],
        };
        let before = h.clone();
        for i in [2, 1_000_000_000_000, usize::MAX] {
            assert!(!h.set(i, Some(Column::Hamlet)), "column {i}");
            assert_eq!(h, before, "column {i}");
        }
        assert!(h.set(1, Some(Column::Hamlet)));
        assert_eq!(
            h.columns,
            vec![Some(Column::FullName), Some(Column::Hamlet)]
        );
        assert!(h.unknown.is_empty());
    }
}
