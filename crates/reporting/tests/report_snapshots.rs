//! Snapshots of the commune's quarterly report as its readers get it: the
//! text of the DOCX (every heading, paragraph and table cell, in order) and
//! the cells of the indicators' XLSX, for a fixed demo commune, quarter and
//! date. A change of wording (or of a figure) shows as a diff to review;
//! accept it with `cargo insta review`, or `INSTA_UPDATE=always cargo test`.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use chrono::NaiveDate;
use hocvuso_domain::Quarter;
use hocvuso_learning::Catalog;
use hocvuso_reporting::{render, Context, Definitions, ReportFormat, ReportInput};
use hocvuso_storage::{Store, StoreOptions};
use std::io::Read;

/// The demo's "today": the data is generated as of this day (never the clock).
fn demo_today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

/// The quarter reported: the one before `demo_today`, whose unit reports the
/// demo has all submitted (one late).
fn quarter() -> Quarter {
    Quarter::new(2026, 1).unwrap()
}

/// A fresh SQLite store with the seeded demo commune, its learning results,
/// pilot models and the units' reports.
async fn demo_store(dir: &std::path::Path) -> Store {
    let store = Store::connect(&StoreOptions::sqlite_file(&dir.join("t.sqlite")))
        .await
        .unwrap();
    let demo = hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
        seed: 7,
        hamlets: 3,
        households: 60,
        today: demo_today(),
    });
    store.load_demo(&demo, demo_today()).await.unwrap();
    let catalog = Catalog::embedded().unwrap();
    hocvuso_reporting::demo::load_demo_extras(&store, &catalog, demo_today(), 7)
        .await
        .unwrap();
    store
}

/// The report in `format`, for xã Dân Tiến, quarter I of 2026, dated 10/04/2026.
async fn report(store: &Store, format: ReportFormat) -> Vec<u8> {
    report_of(
        store,
        format,
        quarter(),
        NaiveDate::from_ymd_opt(2026, 4, 10).unwrap(),
    )
    .await
}

async fn report_of(store: &Store, format: ReportFormat, q: Quarter, date: NaiveDate) -> Vec<u8> {
    let catalog = Catalog::embedded().unwrap();
    let defs = Definitions::embedded(&catalog).unwrap();
    let plan = hocvuso_reporting::plan::embedded(&defs).unwrap();
    let cx = Context {
        store,
        catalog: &catalog,
        defs: &defs,
    };
    render(
        cx,
        format,
        &ReportInput {
            commune: "xã Dân Tiến",
            quarter: q,
            date,
            plan: Some(&plan),
        },
    )
    .await
    .unwrap()
}

fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut text = String::new();
    zip.by_name(name)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    text
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
}

/// The text of a WordprocessingML body: one line per paragraph; a table row
/// as `| cell | cell |` (a cell's paragraphs joined by " / ").
fn docx_text(xml: &str) -> String {
    let mut lines = Vec::new();
    let mut para = String::new();
    let mut cell: Vec<String> = Vec::new();
    let mut row: Vec<String> = Vec::new();
    let (mut in_cell, mut in_text) = (false, false);
    let mut rest = xml;
    while let Some(open) = rest.find('<') {
        if in_text {
            para.push_str(&unescape(&rest[..open]));
        }
        let close = open + rest[open..].find('>').unwrap();
        let tag = &rest[open + 1..close];
        rest = &rest[close + 1..];
        let self_closing = tag.ends_with('/');
        let name = tag
            .trim_end_matches('/')
            .split_whitespace()
            .next()
            .unwrap_or("");
        match name {
            "w:t" if !self_closing => in_text = true,
            "/w:t" => in_text = false,
            "w:tab" => para.push('\t'),
            "w:br" => para.push_str(" ⏎ "),
            "w:tc" => in_cell = true,
            "/w:p" => {
                let text = std::mem::take(&mut para);
                if in_cell {
                    cell.push(text);
                } else {
                    lines.push(text);
                }
            }
            "/w:tc" => {
                in_cell = false;
                let parts: Vec<String> = std::mem::take(&mut cell)
                    .into_iter()
                    .filter(|p| !p.is_empty())
                    .collect();
                row.push(parts.join(" / "));
            }
            "/w:tr" => lines.push(format!("| {} |", std::mem::take(&mut row).join(" | "))),
            _ => {}
        }
    }
    lines.join("\n")
}

/// Every sheet of an .xlsx as text: its name, then one line per row with
/// the cells' text between `|` (empty rows kept, so positions show).
fn xlsx_text(bytes: &[u8]) -> String {
    let wb = hocvuso_import::read_workbook(bytes, "bao-cao.xlsx").unwrap();
    let mut out = String::new();
    for sheet in &wb.sheets {
        out.push_str(&format!("== {}\n", sheet.name));
        for row in &sheet.rows {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
    }
    out
}

#[tokio::test]
async fn the_commune_report_reads_as_before() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path()).await;

    let docx = report(&store, ReportFormat::Docx).await;
    let text = docx_text(&zip_part(&docx, "word/document.xml"));
    assert!(text.contains("BÁO CÁO"), "{text}");
    insta::assert_snapshot!("commune_report_docx", text);

    let xlsx = report(&store, ReportFormat::Xlsx).await;
    insta::assert_snapshot!("commune_report_xlsx", xlsx_text(&xlsx));
}

/// `pdftotext -layout` of a PDF (poppler-utils, installed by .ci/run).
fn pdf_text(bytes: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed by this test");
    String::from_utf8(out.stdout).unwrap()
}

/// The demo's numbers summed by hand: what the units submitted for `q`.
async fn submitted_sum(store: &Store, q: Quarter, key: &str) -> i64 {
    store
        .unit_reports(&q.to_string())
        .await
        .unwrap()
        .iter()
        .filter(|r| r.state == "da_nop")
        .map(|r| {
            serde_json::from_str::<std::collections::BTreeMap<String, i64>>(&r.numbers)
                .unwrap()
                .get(key)
                .copied()
                .unwrap_or(0)
        })
        .sum()
}

#[tokio::test]
async fn the_units_totals_are_the_sums_of_their_submitted_reports_in_all_three_files() {
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(dir.path()).await;
    // Quarter II: the demo left a few drafts; two units submit, with
    // numbers of their own; the drafts must count for nothing.
    let q2 = Quarter::new(2026, 2).unwrap();
    let units: Vec<_> = store
        .list_units()
        .await
        .unwrap()
        .into_iter()
        .filter(|u| u.unit_type != hocvuso_domain::UnitType::DigitalTeam)
        .collect();
    let drafts_before = store.unit_reports("2026Q2").await.unwrap();
    assert!(
        drafts_before.iter().any(|r| r.state != "da_nop"),
        "the demo leaves drafts"
    );
    let at = NaiveDate::from_ymd_opt(2026, 6, 5)
        .unwrap()
        .and_hms_opt(3, 0, 0)
        .unwrap()
        .and_utc();
    for (u, people) in [(&units[1], 40), (&units[2], 1_234)] {
        let numbers = serde_json::json!({"so_luot_tham_gia": people, "so_buoi_tuyen_truyen": 3});
        store
            .save_unit_report(u.id, "2026Q2", &numbers.to_string(), "{}", None, true, at)
            .await
            .unwrap();
    }
    let people = submitted_sum(&store, q2, "so_luot_tham_gia").await;
    assert_eq!(people, 1_274, "only the two submitted reports");
    let before = submitted_sum(&store, quarter(), "so_luot_tham_gia").await;
    assert!(before > 0);
    let sessions = submitted_sum(&store, q2, "so_buoi_tuyen_truyen").await;
    let fmt = hocvuso_domain::numbers::integer;
    let change = if people >= before {
        format!("+{}", fmt(people - before))
    } else {
        format!("-{}", fmt(before - people))
    };
    let date = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();

    // DOCX: the totals' table against last quarter, and the units' table
    // closing with the sums.
    let docx = report_of(&store, ReportFormat::Docx, q2, date).await;
    let text = docx_text(&zip_part(&docx, "word/document.xml"));
    let totals_row = format!(
        "| Lượt người tham gia | {} | {} | {change} |",
        fmt(people),
        fmt(before)
    );
    assert!(text.contains(&totals_row), "{totals_row} not in\n{text}");
    let sum_row = format!(
        "| Tổng cộng | 2/{} đã nộp |  | {} | {} |",
        units.len(),
        fmt(sessions),
        fmt(people)
    );
    assert!(text.contains(&sum_row), "{sum_row} not in\n{text}");
    for code in ["III.1", "III.2", "III.3", "III.4", "III.5", "III.6"] {
        assert!(text.contains(&format!("| {code}. ")), "task {code} missing");
    }
    assert!(
        text.contains(&format!(
            "Lượt người tham gia: {} (quý trước {}",
            fmt(people),
            fmt(before)
        )),
        "task III.1 carries its figures against last quarter\n{text}"
    );

    // XLSX: the same rows, the numbers as numbers.
    let xlsx = report_of(&store, ReportFormat::Xlsx, q2, date).await;
    let cells = xlsx_text(&xlsx);
    let sheet = cells
        .split("== ")
        .find(|s| s.starts_with("Báo cáo"))
        .unwrap();
    let xlsx_row = format!(
        "| Lượt người tham gia | {people} | {before} | {} |",
        people - before
    );
    assert!(sheet.contains(&xlsx_row), "{xlsx_row} not in\n{sheet}");
    assert!(
        sheet.contains(&format!(
            "| Tổng cộng | 2/{} đã nộp |  | {sessions} | {people} |",
            units.len()
        )),
        "{sheet}"
    );

    // PDF: the same figures, from the same model.
    let pdf = report_of(&store, ReportFormat::Pdf, q2, date).await;
    let words: String = pdf_text(&pdf)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    // (A long label wraps onto lines of its own; the row's numbers stay together.)
    assert!(
        words.contains(&format!("{} {} {change}", fmt(people), fmt(before))),
        "{words}"
    );
    assert!(words.contains("Lượt người tham gia"), "{words}");
}
