//! Procedure knowledge: the national catalogue and the detailed records.
//!
//! Every fact in a record comes from an official text named in
//! `legal_basis` / `sources`. A field that is not known stays empty, and the
//! assistant says so instead of guessing.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

include!(concat!(env!("OUT_DIR"), "/embedded.rs"));

/// One line of the national catalogue (names only, no steps or fees).
#[derive(Debug, Clone, Deserialize)]
pub struct CatalogueEntry {
    pub code: String,
    pub name: String,
    #[serde(default)]
    pub issued_by: String,
    #[serde(default)]
    pub performed_by: String,
    #[serde(default)]
    pub field: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub commune_level_2025_04: bool,
    /// The newest list this entry's name comes from.
    #[serde(skip)]
    pub snapshot: Snapshot,
    /// The first list it appears in (`September2026`: created or recoded since
    /// the July 2025 reform, known by name and field only).
    #[serde(skip)]
    pub first_listed: Snapshot,
    /// Earlier official names of the same code (from an older list), kept so
    /// that people who use them are still understood.
    #[serde(skip)]
    pub older_names: Vec<String>,
}

/// Who performs a procedure, as far as the catalogue says: a body a commune
/// office can send a citizen to, or only the province or the centre.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// A commune body, or a former district one (since 1 July 2025 most
    /// district procedures are done by the commune).
    Local,
    /// Only province or central bodies (a Sở, a Cục, a ministry, a bank's
    /// head office): not the commune's business.
    Beyond,
    /// The list does not say (the September 2026 list has no performing body).
    Unknown,
}

/// Words of a performing body (folded, whole syllables) that place it at
/// commune or former district level.
const LOCAL_BODIES: [&str; 7] = [
    "cap xa",
    "xa phuong",
    "cong an xa",
    "uy ban nhan dan xa",
    "huyen",
    "chi nhanh van phong dang ky dat dai",
    "ngan hang chinh sach xa hoi",
];

/// A district division ("Phòng Tư pháp", "Phòng Giáo dục và Đào tạo") is
/// local; these "Phòng" are departments of a province body.
const PROVINCE_DIVISIONS: [&str; 5] = [
    "canh sat",
    "dang ky kinh doanh",
    "cong chung",
    "xuat nhap canh",
    "quan ly hanh chinh",
];

/// Folded syllables, padded with a space on each side, so that a phrase is
/// found as whole syllables: "huyen" is not in "chuyên môn", "cap xa" not
/// in "cấp xác nhận".
fn syllables(s: &str) -> String {
    format!(" {} ", crate::text::tokens(s).join(" "))
}

fn says(syllables: &str, phrase: &str) -> bool {
    syllables.contains(&format!(" {phrase} "))
}

fn local_body(body: &str) -> bool {
    let f = syllables(body);
    LOCAL_BODIES.iter().any(|m| says(&f, m))
        || (f.starts_with(" phong ") && !PROVINCE_DIVISIONS.iter().any(|m| says(&f, m)))
}

impl CatalogueEntry {
    /// The performing bodies as listed, each once.
    pub fn bodies(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for b in self.performed_by.split(';').map(str::trim) {
            if !b.is_empty() && !out.iter().any(|o| o.eq_ignore_ascii_case(b)) {
                out.push(b);
            }
        }
        out
    }

    /// The level the procedure is performed at (see [`Level`]); a name that
    /// says "cấp xã" or "cấp tỉnh" is taken at its word.
    pub fn level(&self) -> Level {
        let name = syllables(&self.name);
        let bodies = self.bodies();
        if self.commune_level_2025_04
            || bodies.iter().any(|b| local_body(b))
            || says(&name, "cap xa")
            || says(&name, "cap huyen")
        {
            Level::Local
        } else if !bodies.is_empty() || says(&name, "cap tinh") {
            Level::Beyond
        } else {
            Level::Unknown
        }
    }
}

/// The lists of the national procedures the catalogue is merged from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Snapshot {
    /// Crawled in April 2025: names, ministry, performing body, portal link.
    #[default]
    April2025,
    /// The portal's public listing of 22 September 2026: codes, names and
    /// fields only, including procedures created since the July 2025 reform.
    September2026,
}

impl Snapshot {
    /// How an answer names it.
    pub fn label(self) -> &'static str {
        match self {
            Snapshot::April2025 => "danh mục thủ tục quốc gia thu thập tháng 04/2025",
            Snapshot::September2026 => {
                "danh sách thủ tục trên Cổng Dịch vụ công quốc gia thu thập ngày 22/9/2026"
            }
        }
    }
}

/// The newer list's file, merged over `national-procedures.jsonl`.
pub const NEWER_CATALOGUE: &str = "national-procedures-2026-09.jsonl";

/// Merge the newer list into the catalogue: the newer name wins on the same
/// code (the older one is kept in `older_names`), new codes are added. Rows
/// that are not procedures (a code of the wrong shape, the portal's test
/// rows marked "(fix)") are left out.
fn merge_newer(
    catalogue: &mut Vec<CatalogueEntry>,
    path: &str,
    text: &str,
) -> Result<(), KnowledgeError> {
    let mut at: HashMap<String, usize> = catalogue
        .iter()
        .enumerate()
        .map(|(i, e)| (e.code.clone(), i))
        .collect();
    for (n, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let mut e: CatalogueEntry =
            serde_json::from_str(line).map_err(|e| err(path, format!("dòng {}: {e}", n + 1)))?;
        if !valid_code(&e.code) || e.name.contains("(fix)") || e.name.trim().is_empty() {
            continue;
        }
        e.snapshot = Snapshot::September2026;
        e.first_listed = Snapshot::September2026;
        match at.get(&e.code) {
            Some(&i) => {
                let old = &mut catalogue[i];
                if vntext::fold(&old.name) != vntext::fold(&e.name) {
                    let older = std::mem::replace(&mut old.name, e.name);
                    old.older_names.push(older);
                }
                if !e.field.is_empty() {
                    old.field = e.field;
                }
                old.snapshot = Snapshot::September2026;
            }
            None => {
                at.insert(e.code.clone(), catalogue.len());
                catalogue.push(e);
            }
        }
    }
    Ok(())
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Document {
    /// e.g. "Tờ khai đăng ký khai sinh theo mẫu".
    pub name: String,
    /// Number and kind of copies, as the official text says: "01 bản chính",
    /// "01 bản sao". Empty when the text does not say.
    #[serde(default)]
    pub copies: String,
    /// When this document is needed ("nếu người đi đăng ký không phải cha, mẹ").
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Fee {
    /// "Lệ phí", "Phí" and what for.
    pub name: String,
    /// As the text says: "Miễn lệ phí", "2.000 đồng/trang", "50.000 đồng".
    pub amount: String,
    /// Empty: national. Else the province whose People's Council set it.
    #[serde(default)]
    pub province: String,
    /// The text that sets it ("Thông tư 226/2016/TT-BTC, Điều 4").
    #[serde(default)]
    pub basis: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    #[serde(default)]
    pub url: String,
    /// The source's own date (the text's signing date, or the page's), YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issued: String,
    /// When someone read it for this record, YYYY-MM-DD. Empty: not read (the
    /// primary text named but not reached; `note` says why).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub read_on: String,
    /// The record's fields this source backs (`FIELDS`); empty: the whole record.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub covers: Vec<String>,
    /// E.g. why the primary text could not be read.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The fields of a record that a source can back or that can be unverified.
pub const FIELDS: [&str; 11] = [
    "name",
    "agency",
    "place",
    "online",
    "processing_time",
    "result",
    "conditions",
    "steps",
    "documents",
    "fees",
    "legal_basis",
];

/// Where a source stands: the primary text or the official portal, or a
/// secondary page (press, law-firm or document-sharing sites).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    Official,
    Secondary,
    /// No address: the text is named but was not reached from here.
    Unlinked,
}

impl SourceKind {
    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Official => "văn bản, cổng chính thức",
            SourceKind::Secondary => "trang báo, trang thứ cấp",
            SourceKind::Unlinked => "chưa có đường dẫn văn bản gốc",
        }
    }
}

impl Source {
    /// Official when its host is a government one (`.gov.vn`) or the law
    /// database (vbpl.vn); any other address is secondary.
    pub fn kind(&self) -> SourceKind {
        url_kind(&self.url)
    }

    /// The day it was read; none when it could not be read (its `note` says why).
    pub fn read_date(&self) -> Option<chrono::NaiveDate> {
        date(&self.read_on)
    }
}

/// Official when the host is a government one (`.gov.vn`) or the law database
/// (vbpl.vn); any other address is secondary; none is unlinked.
pub fn url_kind(url: &str) -> SourceKind {
    let rest = url
        .trim()
        .strip_prefix("https://")
        .or_else(|| url.trim().strip_prefix("http://"));
    let Some(rest) = rest else {
        return SourceKind::Unlinked;
    };
    let host = rest
        .split(['/', '?', '#', ':'])
        .next()
        .unwrap_or("")
        .to_lowercase();
    if host.ends_with(".gov.vn") || host == "vbpl.vn" || host.ends_with(".vbpl.vn") {
        SourceKind::Official
    } else {
        SourceKind::Secondary
    }
}

/// A YYYY-MM-DD date.
pub fn date(s: &str) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

/// A detailed procedure record, keyed by its national code.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureRecord {
    /// National code, e.g. "1.001193". Codes published after the catalogue
    /// (April 2025) are allowed when `new_code = true`.
    pub code: String,
    #[serde(default)]
    pub new_code: bool,
    /// Official name.
    pub name: String,
    /// How people say it: "làm giấy khai sinh", "khai sinh cho con".
    #[serde(default)]
    pub aliases: Vec<String>,
    pub field: String,
    /// The body that decides (cơ quan thực hiện).
    pub agency: String,
    /// Where to submit.
    #[serde(default)]
    pub place: String,
    /// Online options (Cổng Dịch vụ công quốc gia, VNeID...). Empty: not known.
    #[serde(default)]
    pub online: String,
    #[serde(default)]
    pub processing_time: String,
    /// What the citizen receives.
    #[serde(default)]
    pub result: String,
    #[serde(default)]
    pub conditions: Vec<String>,
    #[serde(default)]
    pub steps: Vec<String>,
    #[serde(default)]
    pub documents: Vec<Document>,
    #[serde(default)]
    pub fees: Vec<Fee>,
    pub legal_basis: Vec<String>,
    pub sources: Vec<Source>,
    /// When the office last reviewed the record as a whole, YYYY-MM-DD.
    pub last_checked: String,
    /// Fields that could not be checked against the primary text, each with
    /// the reason; an answer showing one says so.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub unverified: std::collections::BTreeMap<String, String>,
}

impl ProcedureRecord {
    /// Why `field` could not be verified, if it could not.
    pub fn unverified(&self, field: &str) -> Option<&str> {
        self.unverified.get(field).map(String::as_str)
    }

    /// The last day one of its sources was read.
    pub fn last_read(&self) -> Option<chrono::NaiveDate> {
        self.sources.iter().filter_map(Source::read_date).max()
    }

    /// The sources behind `field`: those that name it in `covers`, then those
    /// that back the whole record.
    pub fn sources_for(&self, field: &str) -> Vec<&Source> {
        let names = |s: &&Source| s.covers.iter().any(|c| c == field);
        let mut out: Vec<&Source> = self.sources.iter().filter(names).collect();
        out.extend(self.sources.iter().filter(|s| s.covers.is_empty()));
        out
    }
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ProcedureFile {
    #[serde(default)]
    procedure: Vec<ProcedureRecord>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {message}")]
pub struct KnowledgeError {
    pub file: String,
    pub message: String,
}

fn err(file: &str, message: impl Into<String>) -> KnowledgeError {
    KnowledgeError {
        file: file.to_string(),
        message: message.into(),
    }
}

/// All knowledge, loaded and checked.
#[derive(Debug, Clone, Default)]
pub struct Knowledge {
    pub catalogue: Vec<CatalogueEntry>,
    pub records: Vec<ProcedureRecord>,
    /// Record index by code.
    pub by_code: HashMap<String, usize>,
}

fn valid_code(code: &str) -> bool {
    let b = code.as_bytes();
    b.len() == 8 && b[0].is_ascii_digit() && b[1] == b'.' && b[2..].iter().all(u8::is_ascii_digit)
}

/// Parse one procedure file; errors name the file, the record and the field.
pub fn parse_procedure_file(
    file: &str,
    text: &str,
) -> Result<Vec<ProcedureRecord>, KnowledgeError> {
    let parsed: ProcedureFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        match line {
            Some(l) => err(file, format!("dòng {l}: {}", e.message())),
            None => err(file, e.message().to_string()),
        }
    })?;
    for (i, r) in parsed.procedure.iter().enumerate() {
        let at = |field: &str, msg: &str| {
            err(
                file,
                format!(
                    "thủ tục thứ {} ({}), trường `{field}`: {msg}",
                    i + 1,
                    r.code
                ),
            )
        };
        if !valid_code(&r.code) {
            return Err(at("code", "mã thủ tục phải có dạng 1.001193"));
        }
        for (field, value) in [
            ("name", &r.name),
            ("field", &r.field),
            ("agency", &r.agency),
        ] {
            if value.trim().is_empty() {
                return Err(at(field, "không được để trống"));
            }
        }
        if r.legal_basis.iter().all(|s| s.trim().is_empty()) {
            return Err(at("legal_basis", "cần ít nhất một văn bản căn cứ"));
        }
        if r.sources.is_empty() {
            return Err(at("sources", "cần ghi nguồn lấy thông tin"));
        }
        if date(&r.last_checked).is_none() {
            return Err(at("last_checked", "ngày kiểm tra phải có dạng YYYY-MM-DD"));
        }
        for (j, s) in r.sources.iter().enumerate() {
            for (key, value) in [("issued", &s.issued), ("read_on", &s.read_on)] {
                if !value.is_empty() && date(value).is_none() {
                    return Err(at(
                        &format!("sources[{j}].{key}"),
                        "ngày phải có dạng YYYY-MM-DD",
                    ));
                }
            }
            if let Some(c) = s.covers.iter().find(|c| !FIELDS.contains(&c.as_str())) {
                return Err(at(
                    &format!("sources[{j}].covers"),
                    &format!(
                        "không có trường `{c}`; dùng một trong: {}",
                        FIELDS.join(", ")
                    ),
                ));
            }
        }
        if let Some((k, _)) = r
            .unverified
            .iter()
            .find(|(k, _)| !FIELDS.contains(&k.as_str()))
        {
            return Err(at(
                "unverified",
                &format!(
                    "không có trường `{k}`; dùng một trong: {}",
                    FIELDS.join(", ")
                ),
            ));
        }
        if let Some((k, _)) = r.unverified.iter().find(|(_, v)| v.trim().is_empty()) {
            return Err(at(
                &format!("unverified.{k}"),
                "cần ghi lý do chưa xác minh được",
            ));
        }
        for (j, d) in r.documents.iter().enumerate() {
            if d.name.trim().is_empty() {
                return Err(at(&format!("documents[{j}].name"), "không được để trống"));
            }
        }
        for (j, f) in r.fees.iter().enumerate() {
            if f.name.trim().is_empty() || f.amount.trim().is_empty() {
                return Err(at(
                    &format!("fees[{j}]"),
                    "cần cả `name` và `amount`; phí chưa rõ thì bỏ hẳn mục này",
                ));
            }
        }
    }
    Ok(parsed.procedure)
}

/// Load from (path, contents) pairs: `national-procedures.jsonl` and
/// `procedures/*.toml`. Checks codes against the catalogue and duplicates.
pub fn load(files: &[(&str, &str)]) -> Result<Knowledge, KnowledgeError> {
    let mut k = Knowledge::default();
    for (path, text) in files {
        if path.ends_with("national-procedures.jsonl") {
            for (n, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let e: CatalogueEntry = serde_json::from_str(line)
                    .map_err(|e| err(path, format!("dòng {}: {e}", n + 1)))?;
                k.catalogue.push(e);
            }
        }
    }
    if let Some((path, text)) = files.iter().find(|(p, _)| p.ends_with(NEWER_CATALOGUE)) {
        merge_newer(&mut k.catalogue, path, text)?;
    }
    let known: HashMap<&str, ()> = k.catalogue.iter().map(|e| (e.code.as_str(), ())).collect();
    let mut records = Vec::new();
    let mut seen: HashMap<String, String> = HashMap::new();
    for (path, text) in files {
        if path.starts_with("procedures/") && path.ends_with(".toml") {
            for r in parse_procedure_file(path, text)? {
                if !r.new_code && !known.contains_key(r.code.as_str()) {
                    return Err(err(path, format!("mã {} không có trong danh mục quốc gia; nếu là mã mới sau 04/2025 thì ghi `new_code = true`", r.code)));
                }
                if let Some(other) = seen.insert(r.code.clone(), path.to_string()) {
                    return Err(err(path, format!("mã {} đã có trong {other}", r.code)));
                }
                records.push(r);
            }
        }
    }
    k.by_code = records
        .iter()
        .enumerate()
        .map(|(i, r)| (r.code.clone(), i))
        .collect();
    k.records = records;
    Ok(k)
}

/// The knowledge built into the binary.
pub fn load_embedded() -> Result<Knowledge, KnowledgeError> {
    load(EMBEDDED)
}

/// One record as TOML, the way the office edits it.
pub fn record_to_toml(r: &ProcedureRecord) -> String {
    toml::to_string(&ProcedureFile {
        procedure: vec![r.clone()],
    })
    .unwrap_or_default()
}

/// Parse an edited record: exactly one `[[procedure]]`, with the given code.
pub fn parse_edited(code: &str, text: &str) -> Result<ProcedureRecord, KnowledgeError> {
    let mut records = parse_procedure_file("bản sửa", text)?;
    if records.len() != 1 {
        return Err(err(
            "bản sửa",
            format!("cần đúng một mục [[procedure]] (đang có {})", records.len()),
        ));
    }
    let r = records.remove(0);
    if r.code != code {
        return Err(err(
            "bản sửa",
            format!("trường `code` phải giữ là {code} (đang là {})", r.code),
        ));
    }
    Ok(r)
}

impl Knowledge {
    /// Replace (or add) records with edited ones.
    pub fn with_overrides(mut self, edited: Vec<ProcedureRecord>) -> Self {
        for r in edited {
            match self.by_code.get(&r.code) {
                Some(&i) => self.records[i] = r,
                None => {
                    self.by_code.insert(r.code.clone(), self.records.len());
                    self.records.push(r);
                }
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(name: &str, performed_by: &str, commune: bool) -> CatalogueEntry {
        CatalogueEntry {
            code: "1.000001".into(),
            name: name.into(),
            issued_by: String::new(),
            performed_by: performed_by.into(),
            field: String::new(),
            url: String::new(),
            commune_level_2025_04: commune,
            snapshot: Snapshot::April2025,
            first_listed: Snapshot::April2025,
            older_names: vec![],
        }
    }

    #[test]
    fn a_procedure_level_comes_from_who_performs_it() {
        let cases = [
            (
                "Khai quyết toán thuế",
                "Cục Thuế - Bộ tài chính; Cục Thuế - Bộ tài chính",
                false,
                Level::Beyond,
            ),
            ("Cấp giấy phép", "Sở Y tế", false, Level::Beyond),
            (
                "Đăng ký khai sinh",
                "Ủy ban nhân dân cấp xã",
                true,
                Level::Local,
            ),
            (
                "Đăng ký hộ kinh doanh",
                "Phòng Tài chính - Kế hoạch; Sở Tài chính",
                false,
                Level::Local,
            ),
            (
                "Cho vay hộ nghèo",
                "Ngân hàng Chính sách xã hội",
                false,
                Level::Local,
            ),
            (
                "Đăng ký BHXH",
                "Bảo hiểm xã hội cấp huyện",
                false,
                Level::Local,
            ),
            // "xã hội" is not "xã", a police department of the province is not a district one.
            (
                "Cấp hộ chiếu",
                "Phòng Cảnh sát quản lý hành chính về trật tự xã hội",
                false,
                Level::Beyond,
            ),
            (
                "Cấp lại thẻ (thực hiện tại cấp tỉnh)",
                "",
                false,
                Level::Beyond,
            ),
            // Whole syllables: "chuyên" is not "huyện", "cấp xác nhận" not "cấp xã".
            (
                "Cấp giấy phép",
                "Cơ quan chuyên môn về thể dục, thể thao thuộc Ủy ban nhân dân cấp tỉnh",
                false,
                Level::Beyond,
            ),
            (
                "Cấp xác nhận nội dung quảng cáo",
                "Cục Quản lý Dược - Bộ Y tế",
                false,
                Level::Beyond,
            ),
            (
                "Đăng ký",
                "Ủy ban Nhân dân xã, phường, thị trấn.",
                false,
                Level::Local,
            ),
            ("Xác nhận (cấp xã)", "", false, Level::Local),
            ("Thủ tục mới", "", false, Level::Unknown),
        ];
        for (name, body, commune, level) in cases {
            assert_eq!(entry(name, body, commune).level(), level, "{name} / {body}");
        }
        assert_eq!(
            entry("x", "Sở Y tế; Sở Y tế; Bộ Y tế", false).bodies(),
            vec!["Sở Y tế", "Bộ Y tế"]
        );
    }

    #[test]
    fn embedded_knowledge_is_valid() {
        let k = load_embedded().unwrap_or_else(|e| panic!("{e}"));
        assert!(k.catalogue.len() > 5000, "national catalogue loaded");
        for r in &k.records {
            assert!(!r.name.is_empty());
        }
    }

    #[test]
    fn errors_name_file_line_and_field() {
        let e = parse_procedure_file(
            "procedures/x.toml",
            "[[procedure]]\ncode = \"1.001193\"\nname = 5\n",
        )
        .unwrap_err();
        assert!(
            e.to_string().starts_with("procedures/x.toml: dòng 3"),
            "{e}"
        );
        let rec = "[[procedure]]\ncode = \"1.001193\"\nname = \"Đăng ký khai sinh\"\nfield = \"Hộ tịch\"\nagency = \"UBND cấp xã\"\nlegal_basis = []\nsources = []\nlast_checked = \"2026-11-25\"\n";
        let e = parse_procedure_file("procedures/x.toml", rec).unwrap_err();
        assert!(e.to_string().contains("`legal_basis`"), "{e}");
        let typo = rec.replace("field =", "feild =");
        assert!(parse_procedure_file("procedures/x.toml", &typo)
            .unwrap_err()
            .to_string()
            .contains("feild"));
    }
}

#[cfg(test)]
mod edit_tests {
    use super::*;

    #[test]
    fn a_record_survives_the_edit_round_trip() {
        let k = load_embedded().unwrap_or_else(|e| panic!("{e}"));
        for r in &k.records {
            let text = record_to_toml(r);
            let back =
                parse_edited(&r.code, &text).unwrap_or_else(|e| panic!("{}: {e}\n{text}", r.code));
            assert_eq!(format!("{back:?}"), format!("{r:?}"));
        }
        let first = &k.records[0];
        let e = parse_edited("9.999999", &record_to_toml(first)).unwrap_err();
        assert!(e.message.contains("`code`"), "{e}");
        let e = parse_edited(&first.code, "[[procedure]]\ncode = 1\n").unwrap_err();
        assert!(e.message.contains("dòng"), "{e}");
    }
}
