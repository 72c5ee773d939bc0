//! Staff lists and class lists ("danh sách cán bộ", "danh sách học sinh
//! theo lớp"): people who are already in the registry, put into a unit.
//!
//! The file is read like a resident list ([`crate::read_workbook`]: every
//! format, TCVN3/VNI converted), but nobody is created from it: each row is
//! matched to a resident ([`PersonKey`]) by citizen ID, else by name (no
//! diacritics, case or extra spaces) and birth date. A row that matches
//! nobody, or several people, is listed in [`RosterPreview::unmatched`]
//! with the reason; it is never created nor silently dropped. Bad cells are
//! [`RowError`]s, as for resident lists.
//!
//! - Staff ([`RosterKind::Staff`]): "Họ và tên", "Ngày sinh" and/or "Số
//!   CCCD", "Đơn vị" (matched to the commune's units by name; a default unit
//!   serves when the file has no unit column), "Chức vụ", "Phân loại"
//!   ([`MemberCategory::parse_label`]; the unit type's default otherwise).
//! - Students ([`RosterKind::Students`]): "Họ và tên", "Ngày sinh" and/or
//!   "Số CCCD", "Lớp" ("3A"), "Khối" optional (must agree with the class;
//!   [`hocvuso_domain::students`]). Every row goes to the one school given.

use std::collections::HashMap;

use chrono::NaiveDate;
use hocvuso_domain::students::{
    check_grade_in_school, parse_class, parse_class_and_grade, ClassPlace,
};
use hocvuso_domain::{BirthDate, CitizenId, MemberCategory, Unit, UnitType};
use serde::{Deserialize, Serialize};
use vntext::Encoding;

use crate::header::{column_letter, recognise_header, Column, HEADER_SEARCH_ROWS};
use crate::read::{read_workbook, FileError, SheetData};
use crate::text::{key, squash_spaces, Cleaner};
use crate::validate::RowError;
use hocvuso_domain::students::Enrolment;
use hocvuso_domain::units::NewMember;
use hocvuso_domain::FullName;

/// Longest position kept, as the store allows.
const MAX_POSITION: usize = 120;

/// What a list puts people into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum RosterKind {
    /// Cán bộ, công chức, viên chức... of the commune's units.
    Staff,
    /// A school's students, by class.
    Students,
}

impl RosterKind {
    /// `staff` / `students`, as the command line names them.
    pub fn code(self) -> &'static str {
        match self {
            RosterKind::Staff => "staff",
            RosterKind::Students => "students",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "staff" | "can_bo" | "can-bo" => Some(RosterKind::Staff),
            "students" | "hoc_sinh" | "hoc-sinh" => Some(RosterKind::Students),
            _ => None,
        }
    }

    /// "danh sách cán bộ" / "danh sách học sinh".
    pub fn label(self) -> &'static str {
        match self {
            RosterKind::Staff => "danh sách cán bộ",
            RosterKind::Students => "danh sách học sinh",
        }
    }
}

pub use hocvuso_domain::exchange::PersonKey;

/// What validating and matching a list needs.
#[derive(Debug, Clone)]
pub struct RosterContext {
    pub kind: RosterKind,
    /// Birth dates after this day are refused.
    pub today: NaiveDate,
    /// Every resident of the registry.
    pub people: Vec<PersonKey>,
    /// The commune's active units (the "Đơn vị" column is matched to them).
    pub units: Vec<Unit>,
    /// Staff: the unit for rows without one (the file has no unit column,
    /// or the cell is empty). Students: the school, required.
    pub unit: Option<i64>,
}

/// How a row was matched to its resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MatchedBy {
    CitizenId,
    NameAndBirth,
}

impl MatchedBy {
    pub fn label(self) -> &'static str {
        match self {
            MatchedBy::CitizenId => "số CCCD",
            MatchedBy::NameAndBirth => "họ tên và ngày sinh",
        }
    }
}

/// What a row puts its person into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RosterEntry {
    Staff {
        unit_id: i64,
        position: String,
        category: MemberCategory,
    },
    Student {
        unit_id: i64,
        place: ClassPlace,
    },
}

impl RosterEntry {
    pub fn unit_id(&self) -> i64 {
        match self {
            RosterEntry::Staff { unit_id, .. } | RosterEntry::Student { unit_id, .. } => *unit_id,
        }
    }
}

/// A row of the file as read (valid).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPerson {
    /// 1-based, as the spreadsheet program shows it.
    pub row_number: usize,
    /// As written in the file (tidied).
    pub full_name: String,
    pub birth: Option<BirthDate>,
    pub citizen_id: Option<CitizenId>,
}

/// A row matched to exactly one resident.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchedRow {
    pub person: RosterPerson,
    pub resident_id: i64,
    /// The name as the registry has it.
    pub registry_name: String,
    pub matched_by: MatchedBy,
    pub entry: RosterEntry,
}

/// A valid row whose person could not be told in the registry: listed, never
/// created, never written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedRow {
    pub person: RosterPerson,
    /// Why, in Vietnamese: "không có trong sổ dân cư", "có 2 người trùng họ
    /// tên và ngày sinh: cần số CCCD".
    pub reason: String,
    pub entry: RosterEntry,
}

/// The outcome of reading a list. Write only when `errors` is empty; the
/// `unmatched` rows are never written.
#[derive(Debug, Clone, PartialEq)]
pub struct RosterPreview {
    pub kind: RosterKind,
    pub sheet_name: String,
    /// The legacy encoding found (and converted from), or Unicode.
    pub encoding: Encoding,
    pub matched: Vec<MatchedRow>,
    pub unmatched: Vec<UnmatchedRow>,
    pub errors: Vec<RowError>,
    /// Fully blank rows skipped.
    pub skipped_blank: usize,
    /// Headers of the file this list does not use (shown, not an error).
    pub unused_columns: Vec<String>,
}

impl RosterPreview {
    /// The matched rows of a staff list, as members to write (one per row).
    pub fn members(&self) -> Vec<NewMember> {
        self.matched
            .iter()
            .filter_map(|m| match &m.entry {
                RosterEntry::Staff {
                    unit_id,
                    position,
                    category,
                } => Some(NewMember {
                    unit_id: *unit_id,
                    resident_id: m.resident_id,
                    position: position.clone(),
                    category: *category,
                }),
                RosterEntry::Student { .. } => None,
            })
            .collect()
    }

    /// The matched rows of a class list, as a school's students to write.
    pub fn students(&self) -> Vec<Enrolment> {
        self.matched
            .iter()
            .filter_map(|m| match &m.entry {
                RosterEntry::Student { place, .. } => Some(Enrolment {
                    resident_id: m.resident_id,
                    grade: place.grade,
                    class_name: place.class_name.clone(),
                }),
                RosterEntry::Staff { .. } => None,
            })
            .collect()
    }
}

impl RosterPreview {
    /// No errors: the matched rows may be written.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// A sentence about the encoding, when the file was not Unicode.
    pub fn encoding_note(&self) -> Option<String> {
        crate::validate::encoding_note(self.encoding)
    }
}

/// A whole-file problem: the file itself, or no header row for this kind
/// of list. `Display` is a Vietnamese sentence saying what to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RosterFileError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error("Không tìm thấy dòng tiêu đề cột của {}: trong 30 dòng đầu cần có một dòng ghi tên các cột, ít nhất có cột \"Họ và tên\" và {}.", .0.label(), needs(*.0))]
    NoHeader(RosterKind),
}

fn needs(kind: RosterKind) -> &'static str {
    match kind {
        RosterKind::Staff => {
            "cột \"Ngày sinh\" hoặc \"Số CCCD\" (thêm \"Đơn vị\", \"Chức vụ\", \"Phân loại\" nếu có)"
        }
        RosterKind::Students => "cột \"Lớp\" (thêm \"Ngày sinh\" hoặc \"Số CCCD\", \"Khối\" nếu có)",
    }
}

/// The field a column of a list holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RosterColumn {
    FullName,
    BirthDate,
    BirthYear,
    CitizenId,
    Unit,
    Position,
    Category,
    Class,
    Grade,
    /// Recognised ("STT", "Giới tính", "Ghi chú") but not used.
    Ignore,
}

impl RosterColumn {
    /// Vietnamese name of the field, for messages.
    pub fn label(self) -> &'static str {
        match self {
            RosterColumn::FullName => "Họ và tên",
            RosterColumn::BirthDate => "Ngày sinh",
            RosterColumn::BirthYear => "Năm sinh",
            RosterColumn::CitizenId => "Số CCCD",
            RosterColumn::Unit => "Đơn vị",
            RosterColumn::Position => "Chức vụ",
            RosterColumn::Category => "Phân loại",
            RosterColumn::Class => "Lớp",
            RosterColumn::Grade => "Khối",
            RosterColumn::Ignore => "Bỏ qua",
        }
    }
}

/// Headers of lists that resident lists do not have: (folded key, field,
/// whether a longer header starting with the key counts too).
const ROSTER_HEADERS: &[(&str, RosterColumn, bool)] = &[
    ("don vi", RosterColumn::Unit, true),
    ("co quan", RosterColumn::Unit, true),
    ("noi cong tac", RosterColumn::Unit, true),
    ("to chuc", RosterColumn::Unit, false),
    ("chuc vu", RosterColumn::Position, true),
    ("chuc danh", RosterColumn::Position, true),
    ("vi tri viec lam", RosterColumn::Position, true),
    ("vi tri", RosterColumn::Position, false),
    ("cv", RosterColumn::Position, false),
    ("phan loai", RosterColumn::Category, true),
    ("loai can bo", RosterColumn::Category, true),
    ("loai thanh vien", RosterColumn::Category, true),
    ("loai", RosterColumn::Category, false),
    ("doi tuong", RosterColumn::Category, false),
    ("cb cc vc", RosterColumn::Category, false),
    ("lop", RosterColumn::Class, false),
    ("lop hoc", RosterColumn::Class, false),
    ("ten lop", RosterColumn::Class, false),
    ("lop dang hoc", RosterColumn::Class, false),
    ("khoi", RosterColumn::Grade, false),
    ("khoi lop", RosterColumn::Grade, false),
    ("gioi tinh", RosterColumn::Ignore, true),
    ("ghi chu", RosterColumn::Ignore, true),
];

fn roster_key(k: &str) -> Option<RosterColumn> {
    if let Some((_, c, _)) = ROSTER_HEADERS.iter().find(|(h, _, _)| *h == k) {
        return Some(*c);
    }
    let words: Vec<&str> = k.split(' ').collect();
    (1..words.len()).rev().find_map(|n| {
        let prefix = words[..n].join(" ");
        ROSTER_HEADERS
            .iter()
            .find(|(h, _, p)| *p && *h == prefix)
            .map(|(_, c, _)| *c)
    })
}

/// The field a header text stands for in a list (case, diacritics, legacy
/// encodings and a note in brackets do not matter).
pub fn recognise_roster_header(text: &str) -> Option<RosterColumn> {
    let k = key(text);
    if k.is_empty() || k.len() > 120 {
        return None;
    }
    if let Some(c) = roster_key(&k) {
        return Some(c);
    }
    // One header is too short for detection: a match read as TCVN3 or VNI
    // is evidence enough (as for resident lists).
    if !text.is_ascii() && text.chars().all(crate::text::is_cp1252_view) {
        for enc in [Encoding::Tcvn3, Encoding::Vni] {
            if let Some(c) = roster_key(&key(&vntext::to_unicode(text, enc))) {
                return Some(c);
            }
        }
    }
    match recognise_header(text)? {
        Column::FullName => Some(RosterColumn::FullName),
        Column::BirthDate => Some(RosterColumn::BirthDate),
        Column::BirthYear => Some(RosterColumn::BirthYear),
        Column::CitizenId => Some(RosterColumn::CitizenId),
        Column::Ignore | Column::Sex | Column::Notes | Column::Phone | Column::Ethnicity => {
            Some(RosterColumn::Ignore)
        }
        // A resident list's other columns mean nothing here.
        _ => None,
    }
}

/// The header row of a list and what each column holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterHeader {
    /// 0-based index of the header row.
    pub header_row: usize,
    pub columns: Vec<Option<RosterColumn>>,
    /// Headers not recognised: (column index, text in Unicode).
    pub unknown: Vec<(usize, String)>,
}

impl RosterHeader {
    pub fn column_of(&self, field: RosterColumn) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(field))
    }
}

/// Find the header row of a list in the first [`HEADER_SEARCH_ROWS`] rows:
/// the row with a full-name column and the most other fields, at least one
/// of those this kind of list needs.
pub fn find_roster_header(sheet: &SheetData, kind: RosterKind) -> Option<RosterHeader> {
    let cleaner = Cleaner::for_sheet(sheet);
    let mut best: Option<(usize, RosterHeader)> = None;
    for (r, row) in sheet.rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let texts: Vec<String> = row.iter().map(|c| cleaner.clean(c)).collect();
        let mut columns: Vec<Option<RosterColumn>> =
            texts.iter().map(|t| recognise_roster_header(t)).collect();
        // "Họ" | "Tên" split in two columns: "Tên" alone is not the full name.
        let split = texts.iter().any(|t| {
            matches!(
                key(t).as_str(),
                "ho" | "ho dem" | "ho va ten dem" | "ho va chu dem" | "ho chu dem"
            )
        });
        if split {
            for (c, t) in columns.iter_mut().zip(&texts) {
                if *c == Some(RosterColumn::FullName) && key(t) == "ten" {
                    *c = None;
                }
            }
        }
        // One column per field: a repeated field is not used.
        let mut seen = Vec::new();
        for c in columns.iter_mut() {
            if let Some(f) = *c {
                if f != RosterColumn::Ignore {
                    if seen.contains(&f) {
                        *c = Some(RosterColumn::Ignore);
                    } else {
                        seen.push(f);
                    }
                }
            }
        }
        if !seen.contains(&RosterColumn::FullName) {
            continue;
        }
        let useful = match kind {
            RosterKind::Staff => [
                RosterColumn::BirthDate,
                RosterColumn::BirthYear,
                RosterColumn::CitizenId,
                RosterColumn::Unit,
                RosterColumn::Position,
                RosterColumn::Category,
            ]
            .iter()
            .any(|f| seen.contains(f)),
            RosterKind::Students => seen.contains(&RosterColumn::Class),
        };
        if !useful {
            continue;
        }
        let score = seen.len();
        if best.as_ref().is_none_or(|(s, _)| score > *s) {
            let unknown = columns
                .iter()
                .zip(&texts)
                .enumerate()
                .filter(|(_, (c, t))| c.is_none() && !t.is_empty())
                .map(|(i, (_, t))| (i, t.clone()))
                .collect();
            best = Some((
                score,
                RosterHeader {
                    header_row: r,
                    columns,
                    unknown,
                },
            ));
        }
    }
    best.map(|(_, h)| h)
}

/// Read a file and check its first sheet with a list header, in one call.
pub fn preview_roster(
    bytes: &[u8],
    file_name: &str,
    ctx: &RosterContext,
) -> Result<RosterPreview, RosterFileError> {
    let workbook = read_workbook(bytes, file_name)?;
    let (sheet, header) = workbook
        .sheets
        .iter()
        .filter(|s| s.has_data())
        .find_map(|s| find_roster_header(s, ctx.kind).map(|h| (s, h)))
        .ok_or(RosterFileError::NoHeader(ctx.kind))?;
    Ok(validate_roster(sheet, &header, ctx))
}

/// Unit names matched after folding.
struct Units<'a> {
    by_key: HashMap<String, Vec<&'a Unit>>,
}

impl<'a> Units<'a> {
    fn new(units: &'a [Unit]) -> Self {
        let mut by_key: HashMap<String, Vec<&Unit>> = HashMap::new();
        for u in units {
            by_key.entry(key(&u.name)).or_default().push(u);
        }
        Self { by_key }
    }

    fn find(&self, text: &str) -> Result<&'a Unit, String> {
        match self.by_key.get(&key(text)).map(Vec::as_slice) {
            Some([u]) => Ok(u),
            Some(many) if many.len() > 1 => Err(format!(
                "Có {} đơn vị cùng tên \"{text}\"; đổi tên một đơn vị trên trang Đơn vị cho khỏi trùng, rồi nhập lại.",
                many.len()
            )),
            _ => Err(format!(
                "Đơn vị \"{text}\" không có trong danh sách đơn vị của xã; ghi đúng tên như trên trang Đơn vị (gõ không dấu cũng được), hoặc thêm đơn vị đó trước."
            )),
        }
    }
}

/// Folded name → indexes of people; citizen ID → index.
struct Registry<'a> {
    people: &'a [PersonKey],
    by_id: HashMap<&'a str, usize>,
    by_name: HashMap<String, Vec<usize>>,
}

impl<'a> Registry<'a> {
    fn new(people: &'a [PersonKey]) -> Self {
        let mut by_id = HashMap::new();
        let mut by_name: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in people.iter().enumerate() {
            if let Some(id) = p.citizen_id.as_deref() {
                by_id.insert(id, i);
            }
            by_name.entry(key(&p.full_name)).or_default().push(i);
        }
        Self {
            people,
            by_id,
            by_name,
        }
    }

    /// The one resident this row names, or why not.
    fn find(&self, p: &RosterPerson) -> Result<(&'a PersonKey, MatchedBy), String> {
        if let Some(id) = &p.citizen_id {
            if let Some(&i) = self.by_id.get(id.as_str()) {
                return Ok((&self.people[i], MatchedBy::CitizenId));
            }
        }
        let Some(birth) = p.birth else {
            return Err(
                "không có ai mang số CCCD này trong sổ dân cư; kiểm tra lại số CCCD, hoặc ghi thêm ngày sinh".into(),
            );
        };
        let same: Vec<&PersonKey> = self
            .by_name
            .get(&key(&p.full_name))
            .into_iter()
            .flatten()
            .map(|&i| &self.people[i])
            .filter(|k| k.birth_date.is_some_and(|b| same_birth(b, birth)))
            .collect();
        match same.as_slice() {
            [] => Err("không có trong sổ dân cư (không ai cùng họ tên và ngày sinh); kiểm tra lại họ tên, ngày sinh, hoặc thêm người này vào sổ trước".into()),
            [one] => match (&p.citizen_id, one.citizen_id.as_deref()) {
                // The registry has another number for this person.
                (Some(_), Some(_)) => Err("người cùng họ tên và ngày sinh trong sổ dân cư mang số CCCD khác; kiểm tra lại số CCCD".into()),
                _ => Ok((one, MatchedBy::NameAndBirth)),
            },
            many => Err(format!(
                "có {} người trùng họ tên và ngày sinh: cần số CCCD",
                many.len()
            )),
        }
    }
}

/// A full date matches the same date, or its year when one side has only
/// the year.
fn same_birth(a: BirthDate, b: BirthDate) -> bool {
    match (a, b) {
        (BirthDate::Full(x), BirthDate::Full(y)) => x == y,
        _ => a.year() == b.year(),
    }
}

/// Column indexes of each field.
struct Cols {
    name: Option<usize>,
    birth: Option<usize>,
    year: Option<usize>,
    citizen_id: Option<usize>,
    unit: Option<usize>,
    position: Option<usize>,
    category: Option<usize>,
    class: Option<usize>,
    grade: Option<usize>,
}

impl Cols {
    fn new(h: &RosterHeader) -> Self {
        Self {
            name: h.column_of(RosterColumn::FullName),
            birth: h.column_of(RosterColumn::BirthDate),
            year: h.column_of(RosterColumn::BirthYear),
            citizen_id: h.column_of(RosterColumn::CitizenId),
            unit: h.column_of(RosterColumn::Unit),
            position: h.column_of(RosterColumn::Position),
            category: h.column_of(RosterColumn::Category),
            class: h.column_of(RosterColumn::Class),
            grade: h.column_of(RosterColumn::Grade),
        }
    }
}

/// A message as a sentence of its own.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out = match chars.next() {
        Some(first) => first.to_uppercase().collect::<String>() + chars.as_str(),
        None => String::new(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

/// Words that end the table (totals, signatures) when they open a row.
fn ends_table(k: &str) -> bool {
    k == "tong"
        || k.starts_with("tong cong")
        || k.starts_with("tong so")
        || [
            "nguoi lap",
            "xac nhan",
            "tm ubnd",
            "t m ubnd",
            "hieu truong",
            "thu truong",
            "chu tich ubnd",
        ]
        .iter()
        .any(|m| k.starts_with(m))
}

fn is_numbering(s: &str) -> bool {
    let t = s
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ')', ':']);
    !t.is_empty() && t.chars().count() <= 5 && t.chars().all(|c| c.is_ascii_digit())
}

struct Checker<'a> {
    sheet: &'a SheetData,
    header: &'a RosterHeader,
    ctx: &'a RosterContext,
    cleaner: Cleaner,
    cols: Cols,
    units: Units<'a>,
    errors: Vec<RowError>,
    /// Valid rows with what they put the person into.
    rows: Vec<(RosterPerson, RosterEntry)>,
    skipped_blank: usize,
    seen_ids: HashMap<String, usize>,
}

impl<'a> Checker<'a> {
    fn header_text(&self, field: RosterColumn, col: Option<usize>) -> String {
        col.map(|c| {
            self.cleaner
                .clean(self.sheet.cell(self.header.header_row, c))
        })
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| field.label().to_string())
    }

    fn text(&self, row: &[String], col: Option<usize>) -> String {
        col.and_then(|c| row.get(c))
            .map(|raw| self.cleaner.clean(raw))
            .unwrap_or_default()
    }

    fn push(&mut self, row_number: usize, field: RosterColumn, value: &str, message: &str) {
        let col = match field {
            RosterColumn::FullName => self.cols.name,
            RosterColumn::BirthDate => self.cols.birth,
            RosterColumn::BirthYear => self.cols.year,
            RosterColumn::CitizenId => self.cols.citizen_id,
            RosterColumn::Unit => self.cols.unit,
            RosterColumn::Position => self.cols.position,
            RosterColumn::Category => self.cols.category,
            RosterColumn::Class => self.cols.class,
            RosterColumn::Grade => self.cols.grade,
            RosterColumn::Ignore => None,
        };
        self.errors.push(RowError {
            row_number,
            column: self.header_text(field, col),
            value: value.to_string(),
            message: sentence(message),
        });
    }

    /// A file-level problem, reported on the header row.
    fn file_problem(&mut self, field: RosterColumn, message: &str) {
        self.push(self.header.header_row + 1, field, "", message);
    }

    /// The unit for rows that name none, checked once for the file.
    fn default_unit(&self) -> Option<&'a Unit> {
        let id = self.ctx.unit?;
        let units: &'a [Unit] = &self.ctx.units;
        units.iter().find(|u| u.id == id)
    }

    fn run(&mut self) {
        if self.cols.name.is_none() {
            self.file_problem(
                RosterColumn::FullName,
                "Tệp không có cột \"Họ và tên\"; sửa tiêu đề cột thành \"Họ và tên\" rồi tải lên lại",
            );
            return;
        }
        match self.ctx.kind {
            RosterKind::Students => {
                match self.default_unit().map(|u| u.unit_type) {
                    Some(UnitType::School) => {}
                    Some(_) => {
                        return self.file_problem(
                            RosterColumn::Unit,
                            "Đơn vị đã chọn không phải trường học; danh sách học sinh chỉ nhập cho một trường",
                        )
                    }
                    None => {
                        return self.file_problem(
                            RosterColumn::Unit,
                            "Chưa chọn trường; danh sách học sinh nhập cho một trường (chọn trường rồi nhập lại)",
                        )
                    }
                }
                if self.cols.class.is_none() {
                    return self.file_problem(
                        RosterColumn::Class,
                        "Tệp không có cột \"Lớp\"; thêm cột \"Lớp\" ghi lớp của từng học sinh (ví dụ 3A) rồi tải lên lại",
                    );
                }
            }
            RosterKind::Staff => {
                if self.cols.unit.is_none() && self.default_unit().is_none() {
                    return self.file_problem(
                        RosterColumn::Unit,
                        "Tệp không có cột \"Đơn vị\" và chưa chọn đơn vị; thêm cột \"Đơn vị\" ghi đơn vị của từng người, hoặc chọn một đơn vị khi nhập",
                    );
                }
            }
        }
        if self.cols.birth.is_none() && self.cols.year.is_none() && self.cols.citizen_id.is_none() {
            return self.file_problem(
                RosterColumn::BirthDate,
                "Tệp không có cột \"Ngày sinh\" hay \"Số CCCD\"; cần ít nhất một trong hai để tìm đúng người trong sổ dân cư",
            );
        }
        let sheet = self.sheet;
        for (index, row) in sheet
            .rows
            .iter()
            .enumerate()
            .skip(self.header.header_row + 1)
        {
            let cells: Vec<String> = row
                .iter()
                .filter(|c| !c.trim().is_empty())
                .map(|c| self.cleaner.clean(c))
                .collect();
            if cells.is_empty() {
                self.skipped_blank += 1;
                continue;
            }
            // Column numbers "(1) (2) (3)" under the header.
            if cells.len() >= 2 && cells.iter().all(|c| is_numbering(c)) {
                continue;
            }
            if let Some(first) = cells.iter().find(|c| !is_numbering(c)) {
                if ends_table(&key(first)) {
                    break;
                }
            }
            self.row(row, index + 1);
        }
    }

    fn row(&mut self, row: &[String], row_number: usize) {
        let before = self.errors.len();
        let restore = self.cleaner.restores_case();
        let cols_name = self.cols.name;
        let raw_name = self.text(row, cols_name);
        let name = match FullName::parse_with(&raw_name, restore) {
            Ok(n) => n.into_string(),
            Err(e) => {
                self.push(
                    row_number,
                    RosterColumn::FullName,
                    raw_name.trim(),
                    &e.message,
                );
                FullName::tidy(&raw_name, restore)
            }
        };

        // Birth: a date, a year, or both (they must agree).
        let today = self.ctx.today;
        let raw_birth = self.text(row, self.cols.birth);
        let raw_year = self.text(row, self.cols.year);
        let mut birth = None;
        if !raw_birth.is_empty() {
            match BirthDate::parse(&raw_birth, today) {
                Ok(b) => birth = Some(b),
                Err(e) => self.push(row_number, RosterColumn::BirthDate, &raw_birth, &e.message),
            }
        }
        if !raw_year.is_empty() {
            match BirthDate::parse(&raw_year, today) {
                Ok(y) => match birth {
                    Some(b) if b.year() != y.year() => self.push(
                        row_number,
                        RosterColumn::BirthYear,
                        &raw_year,
                        &format!(
                            "Năm sinh {} khác với năm trong ngày sinh {}; sửa cho khớp",
                            y.year(),
                            b.display()
                        ),
                    ),
                    None if raw_birth.is_empty() => birth = Some(y),
                    _ => {}
                },
                Err(e) => self.push(
                    row_number,
                    RosterColumn::BirthYear,
                    &raw_year,
                    &e.message.replace("Ngày sinh", "Năm sinh"),
                ),
            }
        }

        // Citizen ID: optional; once in the file.
        let raw_id = self.text(row, self.cols.citizen_id);
        let mut citizen_id = None;
        if !raw_id.is_empty() {
            match CitizenId::parse_spreadsheet(raw_id.trim_start_matches('\'')) {
                Ok(id) => match id.check_against(None, birth.map(BirthDate::year)) {
                    Ok(()) => {
                        if let Some(first) = self.seen_ids.get(id.as_str()).copied() {
                            self.push(
                                row_number,
                                RosterColumn::CitizenId,
                                &id.masked(),
                                &format!("Số CCCD trùng với dòng {first}; mỗi người ghi một lần, xoá dòng bị lặp"),
                            );
                        } else {
                            self.seen_ids.insert(id.as_str().to_string(), row_number);
                            citizen_id = Some(id);
                        }
                    }
                    Err(e) => self.push(
                        row_number,
                        RosterColumn::CitizenId,
                        &id.masked(),
                        &format!("{}; kiểm tra lại số CCCD và năm sinh", e.message),
                    ),
                },
                Err(e) => self.push(row_number, RosterColumn::CitizenId, &raw_id, &e.message),
            }
        }
        if raw_birth.is_empty() && raw_year.is_empty() && raw_id.is_empty() {
            self.push(
                row_number,
                RosterColumn::BirthDate,
                "",
                "Cần ngày sinh hoặc số CCCD để tìm đúng người trong sổ dân cư; ghi thêm một trong hai",
            );
        }

        let entry = match self.ctx.kind {
            RosterKind::Staff => self.staff_entry(row, row_number),
            RosterKind::Students => self.student_entry(row, row_number),
        };
        if self.errors.len() == before {
            if let Some(entry) = entry {
                self.rows.push((
                    RosterPerson {
                        row_number,
                        full_name: name,
                        birth,
                        citizen_id,
                    },
                    entry,
                ));
            }
        }
    }

    fn staff_entry(&mut self, row: &[String], row_number: usize) -> Option<RosterEntry> {
        let raw_unit = self.text(row, self.cols.unit);
        let unit = if raw_unit.is_empty() {
            match self.default_unit() {
                Some(u) => Some(u),
                None => {
                    self.push(
                        row_number,
                        RosterColumn::Unit,
                        "",
                        "Đơn vị đang để trống; ghi tên đơn vị của người này (như trên trang Đơn vị)",
                    );
                    None
                }
            }
        } else {
            match self.units.find(&raw_unit) {
                Ok(u) => Some(u),
                Err(m) => {
                    self.push(row_number, RosterColumn::Unit, &raw_unit, &m);
                    None
                }
            }
        };
        let position = squash_spaces(&self.text(row, self.cols.position));
        if position.chars().count() > MAX_POSITION {
            self.push(
                row_number,
                RosterColumn::Position,
                &position,
                &format!("Chức vụ dài quá {MAX_POSITION} ký tự; viết gọn lại"),
            );
        }
        let raw_cat = self.text(row, self.cols.category);
        let category = if raw_cat.is_empty() {
            unit.map(|u| MemberCategory::default_for(u.unit_type))
        } else {
            match MemberCategory::parse_label(&raw_cat) {
                Some(c) => Some(c),
                None => {
                    let known = MemberCategory::ALL
                        .iter()
                        .map(|c| c.label())
                        .collect::<Vec<_>>()
                        .join("; ");
                    self.push(
                        row_number,
                        RosterColumn::Category,
                        &raw_cat,
                        &format!("Không nhận ra loại \"{raw_cat}\"; ghi một trong: {known}"),
                    );
                    None
                }
            }
        };
        Some(RosterEntry::Staff {
            unit_id: unit?.id,
            position,
            category: category?,
        })
    }

    fn student_entry(&mut self, row: &[String], row_number: usize) -> Option<RosterEntry> {
        let school = self.default_unit()?;
        let (school_id, level) = (school.id, school.school_level);
        let raw_class = self.text(row, self.cols.class);
        let raw_grade = self.text(row, self.cols.grade);
        // The class first (its own column), then the grade column against it.
        if let Err(e) = parse_class(&raw_class) {
            self.push(row_number, RosterColumn::Class, &raw_class, &e.message);
            return None;
        }
        let place = match parse_class_and_grade(&raw_class, Some(raw_grade.as_str())) {
            Ok(p) => p,
            Err(e) => {
                self.push(row_number, RosterColumn::Grade, &raw_grade, &e.message);
                return None;
            }
        };
        if let Some(level) = level {
            if let Err(e) = check_grade_in_school(level, &place) {
                self.push(row_number, RosterColumn::Class, &raw_class, &e.message);
                return None;
            }
        }
        Some(RosterEntry::Student {
            unit_id: school_id,
            place,
        })
    }
}

/// Check the data rows below `header.header_row` and match them to the
/// registry.
pub fn validate_roster(
    sheet: &SheetData,
    header: &RosterHeader,
    ctx: &RosterContext,
) -> RosterPreview {
    let cleaner = Cleaner::for_sheet(sheet);
    let mut c = Checker {
        sheet,
        header,
        ctx,
        cleaner,
        cols: Cols::new(header),
        units: Units::new(&ctx.units),
        errors: Vec::new(),
        rows: Vec::new(),
        skipped_blank: 0,
        seen_ids: HashMap::new(),
    };
    c.run();
    let registry = Registry::new(&ctx.people);
    let mut matched: Vec<MatchedRow> = Vec::new();
    let mut unmatched = Vec::new();
    // (resident, unit) → the first row that named them. A person may be on
    // the staff of several units, but once in each; a student is in one
    // class of the one school.
    let mut seen: HashMap<(i64, i64), usize> = HashMap::new();
    let mut errors = c.errors;
    for (person, entry) in c.rows {
        match registry.find(&person) {
            Ok((key, matched_by)) => {
                let slot = (key.id, entry.unit_id());
                if let Some(first) = seen.get(&slot) {
                    errors.push(RowError {
                        row_number: person.row_number,
                        column: RosterColumn::FullName.label().to_string(),
                        value: person.full_name.clone(),
                        message: format!(
                            "{} đã có ở dòng {first} (cùng một người trong sổ dân cư, cùng đơn vị); xoá một trong hai dòng.",
                            person.full_name
                        ),
                    });
                    continue;
                }
                seen.insert(slot, person.row_number);
                matched.push(MatchedRow {
                    resident_id: key.id,
                    registry_name: key.full_name.clone(),
                    matched_by,
                    person,
                    entry,
                });
            }
            Err(reason) => unmatched.push(UnmatchedRow {
                person,
                reason,
                entry,
            }),
        }
    }
    errors.sort_by_key(|e| e.row_number);
    let unused_columns = header
        .unknown
        .iter()
        .map(|(i, t)| format!("{} (cột {})", t, column_letter(*i)))
        .collect();
    RosterPreview {
        kind: ctx.kind,
        sheet_name: sheet.name.clone(),
        encoding: cleaner.encoding,
        matched,
        unmatched,
        errors,
        skipped_blank: c.skipped_blank,
        unused_columns,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn roster_headers() {
        use RosterColumn::*;
        for (t, c) in [
            ("Họ và tên", FullName),
            ("Ngày tháng năm sinh", BirthDate),
            ("Số CCCD/Số định danh", CitizenId),
            ("Số định danh cá nhân", CitizenId),
            ("Đơn vị", Unit),
            ("Đơn vị công tác", Unit),
            ("Chức vụ", Position),
            ("Chức danh, chức vụ", Position),
            ("Phân loại", Category),
            ("Loại cán bộ", Category),
            ("Lớp", Class),
            ("Khối", Grade),
            ("Khối lớp", Grade),
            ("STT", Ignore),
            ("Giới tính", Ignore),
        ] {
            assert_eq!(recognise_roster_header(t), Some(c), "{t}");
        }
        assert_eq!(recognise_roster_header("Xóm"), None);
        assert_eq!(
            recognise_roster_header(&vntext::unicode_to_tcvn3("Chức vụ")),
            Some(Position)
        );
        assert_eq!(
            recognise_roster_header(&vntext::unicode_to_vni("Đơn vị")),
            Some(Unit)
        );
    }

    #[test]
    fn births_match_a_date_or_a_year() {
        let d = |y, m, day| BirthDate::Full(NaiveDate::from_ymd_opt(y, m, day).unwrap());
        assert!(same_birth(d(1975, 3, 12), d(1975, 3, 12)));
        assert!(!same_birth(d(1975, 3, 12), d(1975, 3, 13)));
        assert!(same_birth(d(1975, 3, 12), BirthDate::Year(1975)));
        assert!(!same_birth(BirthDate::Year(1976), d(1975, 3, 12)));
    }

    #[test]
    fn kinds() {
        for k in [RosterKind::Staff, RosterKind::Students] {
            assert_eq!(RosterKind::from_code(k.code()), Some(k));
        }
        assert_eq!(RosterKind::from_code("residents"), None);
    }
}
