//! Row validation: every mapped cell parsed with the domain parsers, rows
//! grouped into households, and a precise list of what to fix.

use std::collections::HashMap;

use chrono::NaiveDate;
use hocvuso_domain::person::{canonical_ethnicity, canonical_relation, is_head_relation};
use hocvuso_domain::{BirthDate, CitizenId, NewResident, PhoneNumber, Sex, TargetGroup};
use serde::{Deserialize, Serialize};
use vntext::Encoding;

use crate::header::{header_text, Column, HeaderMatch};
use crate::read::SheetData;
use crate::text::{key, squash_spaces, Cleaner};
use hocvuso_domain::FullName;

/// What validation needs from the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationContext {
    /// Birth dates after this day are refused.
    pub today: NaiveDate,
    /// (id, name as in the registry, e.g. "Xóm Khuôn Lặng").
    pub hamlets: Vec<(i64, String)>,
}

pub use hocvuso_domain::exchange::{HouseholdKey, ImportRow};

/// One thing to fix in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("Dòng {row_number}, cột \"{column}\": {message}")]
pub struct RowError {
    /// 1-based, as the spreadsheet program shows it.
    pub row_number: usize,
    /// The header text as in the file, or the Vietnamese field name.
    pub column: String,
    /// The cell's text (after conversion to Unicode).
    pub value: String,
    /// What to fix, as a whole Vietnamese sentence. The row and the column
    /// are not repeated in it: they are in their own fields (and in the
    /// `Display` form).
    pub message: String,
}

/// The outcome of validating a sheet. Only rows without any error are in
/// `rows`; the file should be written only when `errors` is empty.
#[derive(Debug, Clone, PartialEq)]
pub struct Preview {
    /// The legacy encoding found (and converted from), or Unicode.
    pub encoding: Encoding,
    pub sheet_name: String,
    pub rows: Vec<ImportRow>,
    pub errors: Vec<RowError>,
    /// Fully blank rows (or rows with text only in unmapped columns) skipped.
    pub skipped_blank: usize,
}

impl Preview {
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// A sentence about the encoding for the UI, when the file was not Unicode.
    pub fn encoding_note(&self) -> Option<String> {
        encoding_note(self.encoding)
    }
}

/// A sentence about a sheet's encoding for the user, when it was not Unicode.
pub(crate) fn encoding_note(encoding: Encoding) -> Option<String> {
    let name = match encoding {
        Encoding::Tcvn3 => "TCVN3 (ABC)",
        Encoding::Vni => "VNI-Windows",
        _ => return None,
    };
    Some(format!("Tệp dùng bảng mã {name}, đã chuyển sang Unicode."))
}

/// Column indexes of each field.
#[derive(Default)]
struct Cols {
    name: Option<usize>,
    birth: Option<usize>,
    year: Option<usize>,
    sex: Option<usize>,
    ethnicity: Option<usize>,
    citizen_id: Option<usize>,
    phone: Option<usize>,
    hamlet: Option<usize>,
    relation: Option<usize>,
    code: Option<usize>,
    head: Option<usize>,
    notes: Option<usize>,
    groups: Option<usize>,
    student: Option<usize>,
}

impl Cols {
    fn new(h: &HeaderMatch) -> Self {
        Self {
            name: h.column_of(Column::FullName),
            birth: h.column_of(Column::BirthDate),
            year: h.column_of(Column::BirthYear),
            sex: h.column_of(Column::Sex),
            ethnicity: h.column_of(Column::Ethnicity),
            citizen_id: h.column_of(Column::CitizenId),
            phone: h.column_of(Column::Phone),
            hamlet: h.column_of(Column::Hamlet),
            relation: h.column_of(Column::Relation),
            code: h.column_of(Column::HouseholdCode),
            head: h.column_of(Column::HeadName),
            notes: h.column_of(Column::Notes),
            groups: h.column_of(Column::Groups),
            student: h.column_of(Column::Student),
        }
    }
}

/// Hamlet names matched after folding, with or without "xóm"/"thôn"/"bản".
struct Hamlets<'a> {
    by_key: HashMap<String, i64>,
    names: &'a [(i64, String)],
    cache: HashMap<String, Option<i64>>,
}

use hocvuso_domain::hamlet_name::{match_key as hamlet_key, without_kind as strip_hamlet_prefix};

impl<'a> Hamlets<'a> {
    fn new(names: &'a [(i64, String)]) -> Self {
        let mut by_key = HashMap::new();
        for (id, name) in names {
            let k = hamlet_key(name);
            by_key
                .entry(strip_hamlet_prefix(&k).to_string())
                .or_insert(*id);
            by_key.entry(k).or_insert(*id);
        }
        Self {
            by_key,
            names,
            cache: HashMap::new(),
        }
    }

    fn find(&mut self, text: &str) -> Option<i64> {
        if let Some(hit) = self.cache.get(text) {
            return *hit;
        }
        let found = self.lookup(text).or_else(|| {
            // An address: "Xóm Khuôn Lặng, xã Dân Tiến" → try each part.
            text.split([',', ';', '-', '–'])
                .map(str::trim)
                .filter(|p| !p.is_empty() && p.len() < text.len())
                .find_map(|p| self.lookup(p))
        });
        self.cache.insert(text.to_string(), found);
        found
    }

    fn lookup(&self, text: &str) -> Option<i64> {
        let k = hamlet_key(text);
        if k.is_empty() {
            return None;
        }
        self.by_key
            .get(&k)
            .or_else(|| self.by_key.get(strip_hamlet_prefix(&k)))
            .copied()
    }

    fn list(&self) -> String {
        if self.names.is_empty() {
            return "(xã chưa có xóm nào: thêm xóm trong phần Danh mục trước)".to_string();
        }
        self.names
            .iter()
            .map(|(_, n)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// A numbering token: "1", "(2)", "IV.", "a)" — column numbers under a
/// header and section numbers before a hamlet's name.
fn is_numbering(s: &str) -> bool {
    let t = s
        .trim()
        .trim_start_matches('(')
        .trim_end_matches(['.', ')', ':']);
    if t.is_empty() || t.chars().count() > 5 {
        return false;
    }
    t.chars().all(|c| c.is_ascii_digit())
        || t.chars().all(|c| matches!(c, 'I' | 'V' | 'X' | 'L'))
        || (t.chars().count() == 1 && t.chars().all(|c| c.is_ascii_alphabetic()))
}

/// Drop a leading section number: "I. Xóm Khuôn Lặng", "2 - Xóm Na Mấy".
fn strip_section_number(s: &str) -> &str {
    let mut parts = s.splitn(2, [' ', '.', ')']);
    match (parts.next(), parts.next()) {
        (Some(first), Some(rest)) if is_numbering(first) => {
            rest.trim_start_matches([' ', '.', '-', ')', '–']).trim()
        }
        _ => s,
    }
}

enum RowKind {
    Blank,
    /// Column numbers "(1) (2) (3)" under the header.
    Numbering,
    /// "Tổng cộng", "Người lập biểu": the table ends here.
    End,
    /// "Cộng xóm ...": a subtotal, skipped.
    Subtotal,
    /// A row holding only a hamlet's name: rows below belong to it.
    Section(i64),
    Data,
}

fn student_flag(raw: &str) -> Option<bool> {
    if raw.contains(['✓', '✔', '☑']) {
        return Some(true);
    }
    match key(raw).as_str() {
        "x" | "co" | "1" | "yes" | "y" | "true" | "dung" | "hs" | "hoc sinh" | "v"
        | "la hoc sinh" => Some(true),
        "" | "0" | "khong" | "k" | "no" | "n" | "false" | "sai" => Some(false),
        _ => None,
    }
}

/// Validate the data rows below `header.header_row`.
pub fn validate(sheet: &SheetData, header: &HeaderMatch, ctx: &ValidationContext) -> Preview {
    let cleaner = Cleaner::for_sheet(sheet);
    let mut v = Validator {
        sheet,
        header,
        ctx,
        cleaner,
        cols: Cols::new(header),
        hamlets: Hamlets::new(&ctx.hamlets),
        header_texts: HashMap::new(),
        errors: Vec::new(),
        rows: Vec::new(),
        skipped_blank: 0,
        seen_ids: HashMap::new(),
        sex_cache: HashMap::new(),
        ethnicity_cache: HashMap::new(),
        relation_cache: HashMap::new(),
        groups_cache: HashMap::new(),
        current_head: None,
        section_hamlet: None,
        missing_hamlet_reported: false,
    };
    v.run();
    Preview {
        encoding: cleaner.encoding,
        sheet_name: sheet.name.clone(),
        rows: v.rows,
        errors: v.errors,
        skipped_blank: v.skipped_blank,
    }
}

struct Validator<'a> {
    sheet: &'a SheetData,
    header: &'a HeaderMatch,
    ctx: &'a ValidationContext,
    cleaner: Cleaner,
    cols: Cols,
    hamlets: Hamlets<'a>,
    header_texts: HashMap<usize, String>,
    errors: Vec<RowError>,
    rows: Vec<ImportRow>,
    skipped_blank: usize,
    /// CCCD → first row number.
    seen_ids: HashMap<String, usize>,
    sex_cache: HashMap<String, Result<Sex, String>>,
    ethnicity_cache: HashMap<String, Result<&'static str, String>>,
    relation_cache: HashMap<String, String>,
    groups_cache: HashMap<String, Result<Vec<TargetGroup>, String>>,
    /// The last head of household seen (household-book order): hamlet, key.
    current_head: Option<(Option<i64>, HouseholdKey)>,
    /// The hamlet named by the last section row.
    section_hamlet: Option<i64>,
    missing_hamlet_reported: bool,
}

/// Errors of one row, collected before deciding whether the row is valid.
struct RowErrors {
    row_number: usize,
    list: Vec<RowError>,
}

impl RowErrors {
    fn push(&mut self, column: &str, value: &str, detail: &str) {
        self.list.push(RowError {
            row_number: self.row_number,
            column: column.to_string(),
            value: value.to_string(),
            message: sentence(detail),
        });
    }
}

impl Validator<'_> {
    fn column_name(&mut self, field: Column, col: Option<usize>) -> String {
        match col {
            Some(c) => self
                .header_texts
                .entry(c)
                .or_insert_with(|| header_text(self.sheet, self.header, &self.cleaner, c))
                .clone(),
            None => field.label().to_string(),
        }
    }

    fn text(&self, row: &[String], col: Option<usize>) -> String {
        match col.and_then(|c| row.get(c)) {
            Some(raw) => self.cleaner.clean(raw),
            None => String::new(),
        }
    }

    fn run(&mut self) {
        let header_row_number = self.header.header_row + 1;
        if self.cols.name.is_none() {
            self.errors.push(RowError {
                row_number: header_row_number,
                column: Column::FullName.label().to_string(),
                value: String::new(),
                message: "Tệp không có cột \"Họ và tên\"; ghép một cột của tệp với \"Họ và tên\" (hoặc sửa tiêu đề cột thành \"Họ và tên\") rồi kiểm tra lại.".to_string(),
            });
            return;
        }
        let sheet = self.sheet;
        for (index, row) in sheet
            .rows
            .iter()
            .enumerate()
            .skip(self.header.header_row + 1)
        {
            let row_number = index + 1;
            match self.classify(row, index) {
                RowKind::Blank => self.skipped_blank += 1,
                RowKind::Numbering | RowKind::Subtotal => {}
                RowKind::End => break,
                RowKind::Section(hamlet) => {
                    self.section_hamlet = Some(hamlet);
                    self.current_head = None;
                }
                RowKind::Data => self.data_row(row, row_number),
            }
        }
    }

    fn classify(&mut self, row: &[String], index: usize) -> RowKind {
        let mapped =
            |c: usize| matches!(self.header.columns.get(c), Some(Some(f)) if *f != Column::Ignore);
        let mut any = false;
        let mut mapped_cells = 0;
        for (c, cell) in row.iter().enumerate() {
            if !cell.trim().is_empty() {
                any = true;
                if mapped(c) {
                    mapped_cells += 1;
                }
            }
        }
        if !any {
            return RowKind::Blank;
        }
        let any_mapped = mapped_cells > 0;
        // Cheap path: a name beside other fields, and not a marker word,
        // means a data row.
        let name = self.text(row, self.cols.name);
        if !name.is_empty() && mapped_cells >= 2 {
            let k = key(&name);
            if !is_marker(&k) && !is_numbering(&name) {
                return RowKind::Data;
            }
        }
        let texts: Vec<(usize, String)> = row
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.trim().is_empty())
            .map(|(i, c)| (i, self.cleaner.clean(c)))
            .collect();
        if texts.len() >= 3
            && texts.iter().all(|(_, t)| is_numbering(t))
            && index <= self.header.header_row + 3
        {
            return RowKind::Numbering;
        }
        if let Some((_, first)) = texts.iter().find(|(_, t)| !is_numbering(t)) {
            let k = key(first);
            if k == "tong"
                || k.starts_with("tong cong")
                || k.starts_with("tong so")
                || is_footer(&k)
            {
                return RowKind::End;
            }
            if k == "cong" || k.starts_with("cong ") {
                return RowKind::Subtotal;
            }
        }
        let words: Vec<&(usize, String)> = texts.iter().filter(|(_, t)| !is_numbering(t)).collect();
        if let [(c, t)] = words.as_slice() {
            if Some(*c) != self.cols.hamlet {
                if let Some(id) = self.hamlets.find(strip_section_number(t)) {
                    return RowKind::Section(id);
                }
            }
        }
        if !any_mapped {
            return RowKind::Blank;
        }
        RowKind::Data
    }

    fn data_row(&mut self, row: &[String], row_number: usize) {
        let mut errs = RowErrors {
            row_number,
            list: Vec::new(),
        };
        let cols = std::mem::take(&mut self.cols);
        let resident = self.parse_row(row, &cols, &mut errs);
        self.cols = cols;
        if errs.list.is_empty() {
            if let Some(r) = resident {
                self.rows.push(r);
            }
        }
        self.errors.append(&mut errs.list);
    }

    fn parse_row(
        &mut self,
        row: &[String],
        cols: &Cols,
        errs: &mut RowErrors,
    ) -> Option<ImportRow> {
        let restore = self.cleaner.restores_case();

        // Full name: required, at least two words, no digits.
        let raw_name = self.text(row, cols.name);
        let name_col = self.column_name(Column::FullName, cols.name);
        let name = match FullName::parse_with(&raw_name, restore) {
            Ok(n) => n.into_string(),
            Err(e) => {
                errs.push(&name_col, raw_name.trim(), &e.message);
                FullName::tidy(&raw_name, restore)
            }
        };

        // Sex.
        let raw_sex = self.text(row, cols.sex);
        let sex = if raw_sex.is_empty() {
            None
        } else {
            let parsed = self
                .sex_cache
                .entry(raw_sex.clone())
                .or_insert_with(|| Sex::parse(&raw_sex).map_err(|e| e.message))
                .clone();
            match parsed {
                Ok(s) => Some(s),
                Err(m) => {
                    let col = self.column_name(Column::Sex, cols.sex);
                    errs.push(&col, &raw_sex, &m);
                    None
                }
            }
        };

        // Birth: date column, year column, or both (then they must agree).
        let today = self.ctx.today;
        let raw_birth = self.text(row, cols.birth);
        let raw_year = self.text(row, cols.year);
        let mut birth = None;
        if !raw_birth.is_empty() {
            match BirthDate::parse(&raw_birth, today) {
                Ok(b) => birth = Some(b),
                Err(e) => {
                    let col = self.column_name(Column::BirthDate, cols.birth);
                    errs.push(&col, &raw_birth, &e.message);
                }
            }
        }
        if !raw_year.is_empty() {
            let col = self.column_name(Column::BirthYear, cols.year);
            match BirthDate::parse(&raw_year, today) {
                Ok(y) => match birth {
                    Some(b) if b.year() != y.year() => errs.push(
                        &col,
                        &raw_year,
                        &format!(
                            "Năm sinh {} khác với năm trong ngày sinh {}; sửa cho khớp.",
                            y.year(),
                            b.display()
                        ),
                    ),
                    Some(_) => {}
                    None if raw_birth.is_empty() => birth = Some(y),
                    None => {}
                },
                Err(e) => errs.push(&col, &raw_year, &e.message.replace("Ngày sinh", "Năm sinh")),
            }
        }

        // Citizen ID: optional; consistent with sex and birth year.
        let raw_id = self.text(row, cols.citizen_id);
        let mut citizen_id = None;
        if !raw_id.is_empty() {
            let col = self.column_name(Column::CitizenId, cols.citizen_id);
            // A number cell drops the leading zeros of the province code
            // (001–096); the domain type puts them back.
            match CitizenId::parse_spreadsheet(raw_id.trim_start_matches('\'')) {
                Ok(id) => match id.check_against(sex, birth.map(BirthDate::year)) {
                    Ok(()) => {
                        if let Some(first) = self.seen_ids.get(id.as_str()) {
                            errs.push(
                                &col,
                                &raw_id,
                                &format!("Số CCCD trùng với dòng {first}; mỗi người có một số CCCD riêng, kiểm tra lại hai dòng này (hoặc xoá dòng bị lặp)."),
                            );
                        } else {
                            self.seen_ids
                                .insert(id.as_str().to_string(), errs.row_number);
                            citizen_id = Some(id);
                        }
                    }
                    Err(e) => errs.push(
                        &col,
                        &raw_id,
                        &format!(
                            "{}; kiểm tra lại số CCCD, giới tính và năm sinh.",
                            e.message
                        ),
                    ),
                },
                Err(e) => errs.push(&col, &raw_id, &e.message),
            }
        }

        // Phone: optional; a second number goes to the notes.
        let raw_phone = self.text(row, cols.phone);
        let mut phone = None;
        let mut extra_phones = String::new();
        if !raw_phone.is_empty() {
            let mut parts = raw_phone
                .split(['/', ',', ';', '\n'])
                .map(str::trim)
                .filter(|p| !p.is_empty());
            let first = parts.next().unwrap_or("");
            let rest: Vec<&str> = parts.collect();
            match PhoneNumber::parse(first) {
                Ok(p) => {
                    phone = Some(p);
                    if !rest.is_empty() {
                        extra_phones = format!("SĐT khác: {}", rest.join(", "));
                    }
                }
                Err(e) => {
                    let col = self.column_name(Column::Phone, cols.phone);
                    errs.push(&col, &raw_phone, &e.message);
                }
            }
        }

        // Ethnicity: optional; canonical spelling.
        let raw_eth = self.text(row, cols.ethnicity);
        let mut ethnicity = String::new();
        if !raw_eth.is_empty() {
            let parsed = self
                .ethnicity_cache
                .entry(raw_eth.clone())
                .or_insert_with(|| canonical_ethnicity(&raw_eth).map_err(|e| e.message))
                .clone();
            match parsed {
                Ok(e) => ethnicity = e.to_string(),
                Err(m) => {
                    let col = self.column_name(Column::Ethnicity, cols.ethnicity);
                    errs.push(&col, &raw_eth, &m);
                }
            }
        }

        // Hamlet: required; from the column or the section row above.
        let raw_hamlet = self.text(row, cols.hamlet);
        let mut hamlet_id = None;
        if !raw_hamlet.is_empty() {
            hamlet_id = self.hamlets.find(&raw_hamlet);
            if hamlet_id.is_none() {
                let col = self.column_name(Column::Hamlet, cols.hamlet);
                let list = self.hamlets.list();
                errs.push(
                    &col,
                    &raw_hamlet,
                    &format!("Xóm \"{raw_hamlet}\" không có trong danh sách xóm của xã; các xóm: {list}. Sửa lại tên xóm cho đúng."),
                );
            }
        } else if let Some(id) = self.section_hamlet {
            hamlet_id = Some(id);
        } else if cols.hamlet.is_some() {
            let col = self.column_name(Column::Hamlet, cols.hamlet);
            let list = self.hamlets.list();
            errs.push(
                &col,
                "",
                &format!("Xóm đang để trống; ghi tên xóm (các xóm: {list})."),
            );
        } else if !self.missing_hamlet_reported {
            self.missing_hamlet_reported = true;
            errs.push(
                Column::Hamlet.label(),
                "",
                "Tệp không có cột Xóm/Thôn; thêm cột \"Xóm\" ghi tên xóm của từng người (hoặc ghép cột tương ứng), rồi tải lên lại.",
            );
        }
        // Else: reported once for the file above; without a hamlet the row
        // stays out of `rows`.

        // Relation.
        let raw_rel = self.text(row, cols.relation);
        let mut relation = if raw_rel.is_empty() {
            String::new()
        } else {
            self.relation_cache
                .entry(raw_rel.clone())
                .or_insert_with(|| canonical_relation(&raw_rel))
                .clone()
        };
        let is_head = !relation.is_empty() && is_head_relation(&relation);

        // Household.
        let code = squash_spaces(&self.text(row, cols.code));
        let head = FullName::tidy(&self.text(row, cols.head), restore);
        let household = if !code.is_empty() {
            Some(HouseholdKey::Code(code))
        } else if !head.is_empty() {
            Some(HouseholdKey::Head(head))
        } else if is_head {
            Some(HouseholdKey::Head(name.clone()))
        } else if cols.relation.is_some() {
            match &self.current_head {
                Some((h, k)) if *h == hamlet_id => Some(k.clone()),
                _ => {
                    let col = self.column_name(Column::Relation, cols.relation);
                    errs.push(
                        &col,
                        &raw_rel,
                        "Chưa có chủ hộ phía trên dòng này (cùng xóm); thêm cột Số hộ hoặc Họ tên chủ hộ, hoặc ghi \"Chủ hộ\" cho người đứng đầu hộ ở dòng ngay trên các thành viên.",
                    );
                    None
                }
            }
        } else if cols.code.is_some() {
            let col = self.column_name(Column::HouseholdCode, cols.code);
            errs.push(
                &col,
                "",
                "Số hộ đang để trống; ghi số hộ cho người này (những người cùng hộ ghi cùng một số; nếu ô Số hộ đang gộp nhiều dòng, hãy bỏ gộp ô và điền số cho từng dòng).",
            );
            None
        } else if cols.head.is_some() {
            let col = self.column_name(Column::HeadName, cols.head);
            errs.push(
                &col,
                "",
                "Họ tên chủ hộ đang để trống; ghi họ tên chủ hộ (chủ hộ ghi tên chính mình).",
            );
            None
        } else {
            // No household columns at all: each person is their own household.
            Some(HouseholdKey::Head(name.clone()))
        };
        if is_head {
            if let Some(k) = &household {
                self.current_head = Some((hamlet_id, k.clone()));
            }
        }
        if relation.is_empty() {
            if let Some(HouseholdKey::Head(h)) = &household {
                if key(h) == key(&name) {
                    relation = "Chủ hộ".to_string();
                }
            }
        }

        // Groups and the student mark.
        let mut groups = Vec::new();
        let raw_groups = self.text(row, cols.groups);
        if !raw_groups.is_empty() {
            let parsed = self
                .groups_cache
                .entry(raw_groups.clone())
                .or_insert_with(|| parse_groups(&raw_groups))
                .clone();
            match parsed {
                Ok(g) => groups = g,
                Err(m) => {
                    let col = self.column_name(Column::Groups, cols.groups);
                    errs.push(&col, &raw_groups, &m);
                }
            }
        }
        let raw_student = self.text(row, cols.student);
        match student_flag(&raw_student) {
            Some(true) => {
                if !groups.contains(&TargetGroup::Students) {
                    groups.push(TargetGroup::Students);
                    groups.sort();
                }
            }
            Some(false) => {}
            None => {
                let col = self.column_name(Column::Student, cols.student);
                errs.push(
                    &col,
                    &raw_student,
                    &format!(
                        "Giá trị \"{raw_student}\" không rõ; ghi x nếu là học sinh, để trống nếu không."
                    ),
                );
            }
        }

        // Notes.
        let mut notes = self.text(row, cols.notes);
        if !extra_phones.is_empty() {
            if !notes.is_empty() {
                notes.push_str("; ");
            }
            notes.push_str(&extra_phones);
        }

        if !errs.list.is_empty() {
            return None;
        }
        Some(ImportRow {
            row_number: errs.row_number,
            hamlet_id: hamlet_id?,
            household: household?,
            resident: NewResident {
                full_name: name,
                sex,
                birth,
                ethnicity,
                phone,
                citizen_id,
                relation,
                notes,
                manual_groups: groups,
            },
        })
    }
}

/// Words that end the table (totals, signatures) when they open a row.
fn is_marker(k: &str) -> bool {
    k == "tong" || k == "cong" || k.starts_with("tong ") || k.starts_with("cong ") || is_footer(k)
}

fn is_footer(k: &str) -> bool {
    [
        "nguoi lap",
        "xac nhan",
        "tm ubnd",
        "t m ubnd",
        "tm uy ban",
        "chu tich ubnd",
        "truong thon",
        "truong xom",
    ]
    .iter()
    .any(|m| k.starts_with(m))
}

/// A message as a sentence of its own: capital first letter, full stop at
/// the end.
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

/// "Học sinh; Người cao tuổi" or "Học sinh, Người cao tuổi". Labels that
/// contain commas ("Cán bộ, công chức, viên chức") still work: every piece of
/// them names the same group.
fn parse_groups(raw: &str) -> Result<Vec<TargetGroup>, String> {
    let pieces: Vec<&str> = if raw.contains([';', '\n']) {
        raw.split([';', '\n']).collect()
    } else {
        raw.split(',').collect()
    };
    let mut groups = Vec::new();
    let mut unknown = Vec::new();
    for p in pieces.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        match TargetGroup::parse_label(p) {
            Some(g) => {
                if !groups.contains(&g) {
                    groups.push(g);
                }
            }
            None => unknown.push(p.to_string()),
        }
    }
    if !unknown.is_empty() {
        let known = TargetGroup::ALL
            .iter()
            .map(|g| g.label())
            .collect::<Vec<_>>()
            .join("; ");
        return Err(format!(
            "Không nhận ra nhóm đối tượng \"{}\"; ghi một hoặc nhiều nhóm cách nhau bởi dấu chấm phẩy, trong số: {known}.",
            unknown.join("\", \"")
        ));
    }
    groups.sort();
    Ok(groups)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn numbering_tokens() {
        assert!(is_numbering("(1)"));
        assert!(is_numbering("12"));
        assert!(is_numbering("IV."));
        assert!(is_numbering("a)"));
        assert!(!is_numbering("Xóm"));
        assert_eq!(strip_section_number("I. Xóm Khuôn Lặng"), "Xóm Khuôn Lặng");
        assert_eq!(strip_section_number("2 - Xóm Na Mấy"), "Xóm Na Mấy");
        assert_eq!(strip_section_number("Xóm Na Mấy"), "Xóm Na Mấy");
    }

    #[test]
    fn hamlet_matching() {
        let list = vec![(1, "Xóm Khuôn Lặng".to_string()), (2, "Xóm 01".to_string())];
        let mut h = Hamlets::new(&list);
        for t in [
            "Khuôn Lặng",
            "xom khuon lang",
            "XÓM KHUÔN LẶNG",
            "Thôn Khuôn Lặng",
            "Xóm Khuôn Lặng, xã Dân Tiến",
        ] {
            assert_eq!(h.find(t), Some(1), "{t}");
        }
        assert_eq!(h.find("xóm 1"), Some(2));
        assert_eq!(h.find("Khuôn"), None);
    }

    #[test]
    fn groups() {
        assert_eq!(
            parse_groups("Học sinh; Người cao tuổi").unwrap(),
            vec![TargetGroup::Students, TargetGroup::Elderly]
        );
        assert_eq!(
            parse_groups("Cán bộ, công chức, viên chức").unwrap(),
            vec![TargetGroup::Officials]
        );
        assert!(parse_groups("Học sinh, phi hành gia")
            .unwrap_err()
            .contains("phi hành gia"));
    }

    #[test]
    fn students() {
        assert_eq!(student_flag("x"), Some(true));
        assert_eq!(student_flag("Có"), Some(true));
        assert_eq!(student_flag(""), Some(false));
        assert_eq!(student_flag("không"), Some(false));
        assert_eq!(student_flag("hmm"), None);
    }
}
