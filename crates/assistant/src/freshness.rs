//! Keeping facts current: the table of replaced and amended legal instruments
//! (`knowledge/instruments.toml`) and the check that lists what the office must
//! re-read — records and lessons citing a replaced text, records not checked
//! in a year, records with an empty time, fee or document field, and texts
//! about to be replaced. This module is the one home of those rules; the CLI
//! (`hocvuso knowledge check`), the office's review page and the tests call it.

use crate::knowledge::{date, url_kind, KnowledgeError, ProcedureRecord, SourceKind};
use chrono::NaiveDate;
use serde::Deserialize;

/// A record none of whose sources was read for this many days is stale.
pub const STALE_AFTER_DAYS: i64 = 365;
/// A text replaced or lapsing within this many days is warned about.
pub const WARN_BEFORE_DAYS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Change {
    /// Replaced by another text (`by`) from `from`.
    Replaced,
    /// Still in force, amended by `by`.
    Amended,
    /// Lapses on `from` (a temporary text).
    Expires,
}

/// One legal instrument whose standing changed.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    /// Its number as texts write it: "59/2022/NĐ-CP".
    pub id: String,
    /// Its full name, for messages.
    pub title: String,
    /// Other ways texts name it ("Luật Hộ tịch năm 2014").
    #[serde(default)]
    pub aliases: Vec<String>,
    pub change: Change,
    /// The replacing or amending texts (numbers, or names when the number is
    /// not known).
    #[serde(default)]
    pub by: Vec<String>,
    /// YYYY-MM-DD the change takes effect; empty when not verified (taken as
    /// already in effect).
    #[serde(default)]
    pub from: String,
    /// Where this was learnt, and when it was read.
    pub source: String,
    #[serde(default)]
    pub read_on: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct InstrumentFile {
    #[serde(default)]
    instrument: Vec<Instrument>,
}

/// Parse `instruments.toml`; errors name the line or the entry and field.
pub fn parse_instruments(file: &str, text: &str) -> Result<Vec<Instrument>, KnowledgeError> {
    let fail = |message: String| KnowledgeError {
        file: file.to_string(),
        message,
    };
    let parsed: InstrumentFile = toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        fail(match line {
            Some(l) => format!("dòng {l}: {}", e.message()),
            None => e.message().to_string(),
        })
    })?;
    for (i, ins) in parsed.instrument.iter().enumerate() {
        let at = |field: &str, msg: &str| {
            fail(format!(
                "văn bản thứ {} ({}), trường `{field}`: {msg}",
                i + 1,
                ins.id
            ))
        };
        if ins.id.trim().is_empty() || ins.title.trim().is_empty() {
            return Err(at("id", "cần cả số hiệu `id` và tên `title`"));
        }
        if ins.change != Change::Expires && ins.by.iter().all(|b| b.trim().is_empty()) {
            return Err(at("by", "cần ghi văn bản thay thế hoặc sửa đổi"));
        }
        if ins.change == Change::Expires && date(&ins.from).is_none() {
            return Err(at("from", "văn bản hết hiệu lực cần ngày, dạng YYYY-MM-DD"));
        }
        for (key, value) in [("from", &ins.from), ("read_on", &ins.read_on)] {
            if !value.is_empty() && date(value).is_none() {
                return Err(at(key, "ngày phải có dạng YYYY-MM-DD"));
            }
        }
        if ins.source.trim().is_empty() {
            return Err(at("source", "cần ghi nguồn"));
        }
    }
    Ok(parsed.instrument)
}

/// The instrument table built into the binary.
pub fn embedded_instruments() -> Result<Vec<Instrument>, KnowledgeError> {
    let text = crate::knowledge::EMBEDDED
        .iter()
        .find(|(path, _)| *path == "instruments.toml")
        .map(|(_, text)| *text)
        .unwrap_or("");
    parse_instruments("instruments.toml", text)
}

/// Whether `text` names `name`: a number ("23/2015/NĐ-CP") is matched whole,
/// not inside "123/2015/NĐ-CP"; a name is matched without regard to case.
pub fn names(text: &str, name: &str) -> bool {
    let name = name.trim();
    if name.is_empty() {
        return false;
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        let mut from = 0;
        while let Some(i) = text[from..].find(name) {
            let start = from + i;
            let end = start + name.len();
            let before = text[..start].chars().next_back();
            let after = text[end..].chars().next();
            if !before.is_some_and(|c| c.is_ascii_digit())
                && !after.is_some_and(|c| c.is_alphanumeric())
            {
                return true;
            }
            from = end;
        }
        false
    } else {
        text.to_lowercase().contains(&name.to_lowercase())
    }
}

impl Instrument {
    fn named_in(&self, text: &str) -> bool {
        names(text, &self.id) || self.aliases.iter().any(|a| names(text, a))
    }

    fn successor_named_in(&self, text: &str) -> bool {
        self.by.iter().any(|b| names(text, b))
    }

    fn effective(&self) -> Option<NaiveDate> {
        date(&self.from)
    }

    /// In effect on `today` (a change with no verified date counts as in effect).
    fn in_effect(&self, today: NaiveDate) -> bool {
        self.effective().is_none_or(|d| d <= today)
    }

    /// Days until the change takes effect, when it is still ahead.
    fn days_ahead(&self, today: NaiveDate) -> Option<i64> {
        self.effective()
            .map(|d| (d - today).num_days())
            .filter(|&n| n > 0)
    }

    fn when(&self) -> String {
        self.effective()
            .map(|d| format!(" từ {}", d.format("%d/%m/%Y")))
            .unwrap_or_default()
    }

    fn successors(&self) -> String {
        self.by.join(", ")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Wrong now: must be fixed before shipping.
    Error,
    /// To re-check soon.
    Warning,
    /// Known and explained in the record (e.g. a field left empty, with why).
    Note,
}

impl Level {
    pub fn label(self) -> &'static str {
        match self {
            Level::Error => "Lỗi",
            Level::Warning => "Cần xem lại",
            Level::Note => "Lưu ý",
        }
    }
}

/// One thing to re-check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub level: Level,
    /// "thủ tục 1.001776" or "bài vneid-danh-tinh-so/02-...".
    pub subject: String,
    /// The record's code, for findings about a procedure record.
    pub record: Option<String>,
    /// The record's or lesson's name.
    pub title: String,
    pub message: String,
}

/// What the check needs of a lesson.
pub struct LessonText<'a> {
    /// "course/file", for messages.
    pub key: String,
    pub title: &'a str,
    /// The lesson's text (HTML or Markdown).
    pub body: &'a str,
    /// (title, url) of its sources.
    pub sources: Vec<(&'a str, &'a str)>,
    /// "Content correct as of", if the lesson carries one.
    pub as_of: Option<NaiveDate>,
}

/// Numbered instruments a text names: "147/2024/NĐ-CP", "06/QĐ-TTg".
pub fn instrument_numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit() && (i == 0 || !chars[i - 1].is_ascii_digit());
        if !starts {
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j].is_ascii_digit() {
            j += 1;
        }
        let number_end = j;
        if chars.get(j) != Some(&'/') {
            i = j;
            continue;
        }
        j += 1;
        let year: String = chars[j..].iter().take(4).collect();
        if year.len() == 4
            && year.chars().all(|c| c.is_ascii_digit())
            && chars.get(j + 4) == Some(&'/')
        {
            j += 5;
        }
        if !chars.get(j).is_some_and(|c| c.is_uppercase()) {
            i = number_end;
            continue;
        }
        let mut k = j;
        while k < chars.len() && (chars[k].is_alphanumeric() || chars[k] == '-') {
            k += 1;
        }
        let id: String = chars[i..k].iter().collect();
        let id = id.trim_end_matches('-').to_string();
        if !out.contains(&id) {
            out.push(id);
        }
        i = k;
    }
    out
}

/// The texts of a record in which a citation can stand, each apart (so that
/// "X, đã được thay bằng Y" in one entry is read as history).
fn record_texts(r: &ProcedureRecord) -> Vec<&str> {
    let mut texts: Vec<&str> = vec![&r.agency, &r.place, &r.processing_time, &r.result];
    texts.extend(r.legal_basis.iter().map(String::as_str));
    texts.extend(r.conditions.iter().map(String::as_str));
    texts.extend(r.steps.iter().map(String::as_str));
    for d in &r.documents {
        texts.push(&d.name);
        texts.push(&d.note);
    }
    for f in &r.fees {
        texts.push(&f.name);
        texts.push(&f.basis);
    }
    texts
}

/// Words a text uses to say a citation is history, not the rule in force.
const HISTORY_WORDS: [&str; 4] = [
    "đã được thay",
    "thay thế bởi",
    "hết hiệu lực",
    "trước 01/7/",
];

fn is_history(text: &str, ins: &Instrument) -> bool {
    ins.successor_named_in(text) || HISTORY_WORDS.iter().any(|w| text.contains(w))
}

/// The findings about citations of changed instruments in `texts`.
fn citation_findings(
    texts: &[&str],
    instruments: &[Instrument],
    today: NaiveDate,
    push: &mut dyn FnMut(Level, String),
) {
    for ins in instruments {
        let citing: Vec<&&str> = texts.iter().filter(|t| ins.named_in(t)).collect();
        if citing.is_empty() {
            continue;
        }
        match ins.change {
            Change::Replaced | Change::Expires => {
                let current = citing.iter().any(|t| !is_history(t, ins));
                if !current {
                    continue;
                }
                let what = match ins.change {
                    Change::Replaced => format!("được thay thế bởi {}", ins.successors()),
                    _ => "hết hiệu lực".to_string(),
                };
                if ins.in_effect(today) {
                    push(
                        Level::Error,
                        format!(
                            "trích dẫn {} như đang có hiệu lực, nhưng văn bản này đã {what}{}",
                            ins.title,
                            ins.when()
                        ),
                    );
                } else if ins.days_ahead(today).is_some_and(|n| n <= WARN_BEFORE_DAYS) {
                    push(
                        Level::Warning,
                        format!(
                            "trích dẫn {}, sẽ {what}{}: rà soát lại trước ngày đó",
                            ins.title,
                            ins.when()
                        ),
                    );
                }
            }
            Change::Amended => {
                let all = texts.join("\n");
                if ins.in_effect(today) && !ins.successor_named_in(&all) {
                    push(
                        Level::Warning,
                        format!(
                            "trích dẫn {} nhưng chưa nêu văn bản sửa đổi {}{}",
                            ins.title,
                            ins.successors(),
                            ins.when()
                        ),
                    );
                }
            }
        }
    }
}

/// Wording of the district level, gone since 1 July 2025.
const DISTRICT_WORDS: [&str; 5] = [
    "cấp huyện",
    "quận, huyện",
    "ubnd huyện",
    "ủy ban nhân dân huyện",
    "phòng lao động - thương binh và xã hội huyện",
];

fn district_wording(text: &str) -> bool {
    let t = text.to_lowercase();
    DISTRICT_WORDS.iter().any(|w| t.contains(w))
        && !(t.contains("trước 01/7/2025") || t.contains("từ 01/7/2025"))
}

/// Check the records against the instrument table on `today` (Vietnam's date).
pub fn check_records(
    records: &[ProcedureRecord],
    instruments: &[Instrument],
    today: NaiveDate,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for r in records {
        let mut push = |level: Level, message: String| {
            out.push(Finding {
                level,
                subject: format!("thủ tục {}", r.code),
                record: Some(r.code.clone()),
                title: r.name.clone(),
                message,
            })
        };
        citation_findings(&record_texts(r), instruments, today, &mut push);
        match r.last_read() {
            Some(d) if (today - d).num_days() > STALE_AFTER_DAYS => push(
                Level::Warning,
                format!(
                    "chưa kiểm tra lại nguồn trong 12 tháng (lần cuối {})",
                    d.format("%d/%m/%Y")
                ),
            ),
            None => push(Level::Warning, "không có ngày đọc nguồn nào".to_string()),
            _ => {}
        }
        if !r.sources.iter().any(|s| s.kind() == SourceKind::Official) {
            push(
                Level::Warning,
                "chưa có nguồn chính thức (văn bản trên vbpl.vn, cổng .gov.vn): các nguồn hiện có là trang thứ cấp hoặc chưa có đường dẫn".to_string(),
            );
        }
        for (field, empty, what) in [
            (
                "processing_time",
                r.processing_time.trim().is_empty(),
                "thời hạn giải quyết",
            ),
            ("fees", r.fees.is_empty(), "phí, lệ phí"),
            ("documents", r.documents.is_empty(), "giấy tờ cần nộp"),
        ] {
            if !empty {
                continue;
            }
            match r.unverified(field) {
                Some(why) => push(Level::Note, format!("chưa có {what}: {why}")),
                None => push(
                    Level::Warning,
                    format!("chưa có {what} và chưa ghi lý do (ghi vào `unverified.{field}`)"),
                ),
            }
        }
        for (field, text) in [("agency", &r.agency), ("place", &r.place)] {
            if district_wording(text) {
                push(
                    Level::Warning,
                    format!(
                        "trường `{field}` còn nói cấp huyện (không còn từ 01/7/2025): \"{text}\""
                    ),
                );
            }
        }
    }
    out
}

/// Check lessons: a replaced text cited as current, a numbered text with no
/// source naming it, a stale "as of" date.
pub fn check_lessons(
    lessons: &[LessonText],
    instruments: &[Instrument],
    today: NaiveDate,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for l in lessons {
        let mut push = |level: Level, message: String| {
            out.push(Finding {
                level,
                subject: format!("bài {}", l.key),
                record: None,
                title: l.title.to_string(),
                message,
            })
        };
        let mut texts: Vec<&str> = vec![l.body];
        texts.extend(l.sources.iter().map(|(t, _)| *t));
        // A lesson is read as one text: naming the successor anywhere makes an
        // old text's mention history.
        let whole = texts.join("\n");
        citation_findings(&[whole.as_str()], instruments, today, &mut push);
        for number in instrument_numbers(l.body) {
            let naming: Vec<&(&str, &str)> = l
                .sources
                .iter()
                .filter(|(t, _)| names(t, &number))
                .collect();
            if naming.is_empty() {
                push(
                    Level::Error,
                    format!("nhắc văn bản {number} nhưng không có nguồn nào ghi văn bản này"),
                );
            } else if !naming
                .iter()
                .any(|(_, url)| url_kind(url) == SourceKind::Official)
            {
                push(
                    Level::Note,
                    format!("văn bản {number} chưa có đường dẫn bản gốc (vbpl.vn, cổng .gov.vn)"),
                );
            }
        }
        if let Some(d) = l.as_of {
            if (today - d).num_days() > STALE_AFTER_DAYS {
                push(
                    Level::Warning,
                    format!(
                        "nội dung ghi \"đúng đến ngày {}\", đã quá 12 tháng",
                        d.format("%d/%m/%Y")
                    ),
                );
            }
        }
    }
    out
}

/// Texts about to change (within `WARN_BEFORE_DAYS`), whether or not anything
/// cites them, so the office plans the re-reading.
pub fn check_instruments(instruments: &[Instrument], today: NaiveDate) -> Vec<Finding> {
    instruments
        .iter()
        .filter(|i| i.days_ahead(today).is_some_and(|n| n <= WARN_BEFORE_DAYS))
        .map(|i| Finding {
            level: Level::Warning,
            subject: format!("văn bản {}", i.id),
            record: None,
            title: i.title.clone(),
            message: match i.change {
                Change::Expires => format!("hết hiệu lực{}", i.when()),
                Change::Replaced => format!("được thay thế bởi {}{}", i.successors(), i.when()),
                Change::Amended => format!("được sửa đổi bởi {}{}", i.successors(), i.when()),
            },
        })
        .collect()
}

/// How many findings of each level: errors, warnings, notes.
pub fn counts(findings: &[Finding]) -> (usize, usize, usize) {
    let of = |l: Level| findings.iter().filter(|f| f.level == l).count();
    (of(Level::Error), of(Level::Warning), of(Level::Note))
}

/// Findings in the order the office reads them: errors first, then by subject.
pub fn sorted(mut findings: Vec<Finding>) -> Vec<Finding> {
    findings.sort_by(|a, b| a.level.cmp(&b.level).then(a.subject.cmp(&b.subject)));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::parse_procedure_file;

    fn day(s: &str) -> NaiveDate {
        date(s).unwrap_or_default()
    }

    const TABLE: &str = r#"
[[instrument]]
id = "59/2022/NĐ-CP"
title = "Nghị định 59/2022/NĐ-CP"
change = "replaced"
by = ["69/2024/NĐ-CP"]
from = "2024-07-01"
source = "thử"

[[instrument]]
id = "20/2021/NĐ-CP"
title = "Nghị định 20/2021/NĐ-CP"
change = "amended"
by = ["76/2024/NĐ-CP"]
from = "2024-07-01"
source = "thử"

[[instrument]]
id = "147/2025/NĐ-CP"
title = "Nghị định 147/2025/NĐ-CP"
change = "expires"
from = "2027-03-01"
source = "thử"
"#;

    fn record(legal: &str, extra: &str) -> ProcedureRecord {
        let text = format!(
            "[[procedure]]\ncode = \"1.001193\"\nname = \"Thử\"\nfield = \"Hộ tịch\"\nagency = \"UBND xã\"\nprocessing_time = \"Ngay\"\nlegal_basis = [{legal}]\nlast_checked = \"2026-12-01\"\n{extra}\n[[procedure.documents]]\nname = \"Tờ khai\"\n[[procedure.fees]]\nname = \"Lệ phí\"\namount = \"Miễn\"\n[[procedure.sources]]\ntitle = \"Nguồn\"\nurl = \"https://vbpl.vn/x\"\nread_on = \"2026-12-01\"\n"
        );
        parse_procedure_file("thử.toml", &text)
            .unwrap_or_else(|e| panic!("{e}"))
            .remove(0)
    }

    fn table() -> Vec<Instrument> {
        parse_instruments("instruments.toml", TABLE).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn numbers_are_matched_whole() {
        assert!(names("theo Nghị định số 123/2015/NĐ-CP.", "123/2015/NĐ-CP"));
        assert!(!names("theo Nghị định số 123/2015/NĐ-CP.", "23/2015/NĐ-CP"));
        assert!(!names("Thông tư 59/2022/NĐ-CPX", "59/2022/NĐ-CP"));
        assert_eq!(
            instrument_numbers(
                "Nghị định 147/2024/NĐ-CP ngày 25/12/2024, Quyết định 06/QĐ-TTg; 2.000 đồng"
            ),
            vec!["147/2024/NĐ-CP", "06/QĐ-TTg"]
        );
    }

    #[test]
    fn a_replaced_text_cited_as_current_is_an_error_and_history_is_not() {
        let t = table();
        let today = day("2026-12-08");
        let f = check_records(&[record("\"Nghị định 59/2022/NĐ-CP\"", "")], &t, today);
        assert!(
            f.iter()
                .any(|f| f.level == Level::Error && f.message.contains("69/2024/NĐ-CP")),
            "{f:?}"
        );
        let f = check_records(
            &[record(
                "\"Nghị định 59/2022/NĐ-CP (đã được thay bằng 69/2024/NĐ-CP)\"",
                "",
            )],
            &t,
            today,
        );
        assert!(f.iter().all(|f| f.level != Level::Error), "{f:?}");
        // Before the replacement took effect it was the rule in force.
        let f = check_records(
            &[record("\"Nghị định 59/2022/NĐ-CP\"", "")],
            &t,
            day("2024-01-01"),
        );
        assert!(f.iter().all(|f| f.level != Level::Error), "{f:?}");
    }

    #[test]
    fn an_amended_text_needs_its_amendment_named() {
        let t = table();
        let today = day("2026-12-08");
        let f = check_records(&[record("\"Nghị định 20/2021/NĐ-CP\"", "")], &t, today);
        assert!(
            f.iter()
                .any(|f| f.level == Level::Warning && f.message.contains("76/2024")),
            "{f:?}"
        );
        let f = check_records(
            &[record(
                "\"Nghị định 20/2021/NĐ-CP\", \"Nghị định 76/2024/NĐ-CP\"",
                "",
            )],
            &t,
            today,
        );
        assert!(f.iter().all(|f| !f.message.contains("76/2024")), "{f:?}");
    }

    #[test]
    fn a_lapsing_text_is_warned_about_60_days_before_and_an_error_after() {
        let t = table();
        let r = record("\"Nghị định 147/2025/NĐ-CP\"", "");
        let level_on = |d: &str| {
            check_records(std::slice::from_ref(&r), &t, day(d))
                .into_iter()
                .filter(|f| f.message.contains("147/2025"))
                .map(|f| f.level)
                .collect::<Vec<_>>()
        };
        assert_eq!(level_on("2026-12-08"), vec![], "84 days ahead: nothing yet");
        assert_eq!(
            level_on("2026-12-31"),
            vec![Level::Warning],
            "60 days ahead"
        );
        assert_eq!(
            level_on("2027-03-01"),
            vec![Level::Error],
            "from the day it lapses"
        );
        assert_eq!(check_instruments(&t, day("2026-12-31")).len(), 1);
        assert!(check_instruments(&t, day("2026-12-08")).is_empty());
    }

    #[test]
    fn stale_records_and_empty_fields_are_listed_with_their_reason() {
        let t = table();
        let r = record("\"Luật X\"", "");
        assert!(check_records(std::slice::from_ref(&r), &t, day("2027-12-01")).is_empty());
        let f = check_records(std::slice::from_ref(&r), &t, day("2027-12-03"));
        assert!(f.iter().any(|f| f.message.contains("12 tháng")), "{f:?}");
        let mut empty = r.clone();
        empty.processing_time.clear();
        let f = check_records(std::slice::from_ref(&empty), &t, day("2026-12-08"));
        assert!(
            f.iter()
                .any(|f| f.level == Level::Warning && f.message.contains("thời hạn")),
            "{f:?}"
        );
        let explained = record(
            "\"Luật X\"",
            "[procedure.unverified]\nprocessing_time = \"Chưa đọc được văn bản gốc\"",
        );
        let mut explained = explained;
        explained.processing_time.clear();
        let f = check_records(&[explained], &t, day("2026-12-08"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].level, Level::Note);
        assert!(f[0].message.contains("Chưa đọc được"));
    }

    #[test]
    fn district_wording_and_secondary_sources_are_flagged() {
        let t = table();
        let mut r = record("\"Luật X\"", "");
        r.agency = "UBND cấp huyện".into();
        r.sources[0].url = "https://thuvienphapluat.vn/x".into();
        let f = check_records(&[r], &t, day("2026-12-08"));
        assert!(f.iter().any(|f| f.message.contains("cấp huyện")), "{f:?}");
        assert!(
            f.iter().any(|f| f.message.contains("nguồn chính thức")),
            "{f:?}"
        );
    }

    #[test]
    fn a_lesson_naming_a_text_needs_a_source_naming_it() {
        let t = table();
        let body = "Theo Nghị định 147/2024/NĐ-CP, tài khoản phải xác thực.";
        let lesson = |sources: Vec<(&'static str, &'static str)>| LessonText {
            key: "k/01".into(),
            title: "Bài",
            body,
            sources,
            as_of: Some(day("2026-12-08")),
        };
        let f = check_lessons(&[lesson(vec![])], &t, day("2026-12-08"));
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].level, Level::Error);
        let f = check_lessons(
            &[lesson(vec![("Nghị định số 147/2024/NĐ-CP", "")])],
            &t,
            day("2026-12-08"),
        );
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(f[0].level, Level::Note, "named, but no address of the text");
        let f = check_lessons(
            &[lesson(vec![(
                "Nghị định số 147/2024/NĐ-CP",
                "https://vbpl.vn/147",
            )])],
            &t,
            day("2026-12-08"),
        );
        assert!(f.is_empty(), "{f:?}");
        let f = check_lessons(
            &[lesson(vec![(
                "Nghị định số 147/2024/NĐ-CP",
                "https://vbpl.vn/147",
            )])],
            &t,
            day("2028-01-01"),
        );
        assert!(f.iter().any(|f| f.message.contains("12 tháng")), "{f:?}");
    }

    #[test]
    fn the_shipped_table_is_valid() {
        let t = embedded_instruments().unwrap_or_else(|e| panic!("{e}"));
        assert!(t
            .iter()
            .any(|i| i.id == "147/2025/NĐ-CP" && i.change == Change::Expires));
    }
}
