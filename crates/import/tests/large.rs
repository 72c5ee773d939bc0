//! 20,000 generated rows validate (and export/re-import). No timing
//! assertions; the time is printed (`cargo test --release -- --nocapture`).

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::ctx;
use hocvuso_import::{export_xlsx, find_header, read_workbook, validate, ExportRow, SheetData};
use std::time::Instant;

const N: usize = 20_000;

const FAMILY: [&str; 8] = [
    "Nguyễn", "Hoàng", "Đặng", "Triệu", "Bàn", "Ma", "Lường", "Lý",
];
const MIDDLE: [&str; 4] = ["Văn", "Thị", "Đức", "Minh"];
const GIVEN: [&str; 10] = [
    "An", "Ánh", "Bình", "Cúc", "Dũng", "Hương", "Hùng", "Tuấn", "Yến", "Mười",
];
const ETHNIC: [&str; 5] = ["Kinh", "Tày", "Nùng", "Dao", "H'Mông"];
const HAMLETS: [&str; 3] = ["Xóm Khuôn Lặng", "Na Mấy", "xom lang den"];

fn generated() -> SheetData {
    let mut rows = vec![
        vec!["UBND XÃ DÂN TIẾN".to_string()],
        vec![],
        [
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Dân tộc",
            "Số CCCD",
            "SĐT",
            "Xóm",
            "Số hộ",
            "Quan hệ với chủ hộ",
            "Ghi chú",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ];
    for i in 0..N {
        let female = i % 2 == 1;
        let year = 1940 + (i % 80) as i32;
        let century_sex = if year >= 2000 { 2 } else { 0 } + usize::from(female);
        let cccd = format!("019{century_sex}{:02}{:06}", year % 100, i);
        let phone = if i % 3 == 0 {
            format!("09{:08}", i)
        } else {
            String::new()
        };
        rows.push(vec![
            (i + 1).to_string(),
            format!(
                "{} {} {}",
                FAMILY[i % 8],
                MIDDLE[(i / 8) % 4],
                GIVEN[(i / 32) % 10]
            ),
            format!("{:02}/{:02}/{year}", 1 + i % 28, 1 + i % 12),
            if female { "Nữ" } else { "Nam" }.to_string(),
            ETHNIC[i % 5].to_string(),
            cccd,
            phone,
            HAMLETS[(i / 4) % 3].to_string(),
            format!("H{}", i / 4),
            if i % 4 == 0 { "Chủ hộ" } else { "Con" }.to_string(),
            if i % 50 == 0 {
                "Hộ nghèo".to_string()
            } else {
                String::new()
            },
        ]);
    }
    SheetData {
        name: "Lớn".into(),
        rows,
    }
}

#[test]
fn twenty_thousand_rows_validate() {
    let sheet = generated();
    let header = find_header(&sheet).unwrap();
    let start = Instant::now();
    let p = validate(&sheet, &header, &ctx());
    let took = start.elapsed();
    eprintln!("validate {N} rows: {took:?}");
    assert!(
        p.errors.is_empty(),
        "{:#?}",
        &p.errors[..p.errors.len().min(5)]
    );
    assert_eq!(p.rows.len(), N);
    assert_eq!(p.rows[N - 1].row_number, N + 3);
    assert_eq!(p.rows[5].hamlet_id, 2);
}

#[test]
fn twenty_thousand_rows_round_trip_through_xlsx() {
    let sheet = generated();
    let header = find_header(&sheet).unwrap();
    let first = validate(&sheet, &header, &ctx());
    let export: Vec<ExportRow> = first
        .rows
        .iter()
        .map(|r| ExportRow {
            full_name: r.resident.full_name.clone(),
            birth: r.resident.birth.map(|b| b.display()).unwrap_or_default(),
            sex: r
                .resident
                .sex
                .map(|s| s.label().to_string())
                .unwrap_or_default(),
            ethnicity: r.resident.ethnicity.clone(),
            citizen_id: r
                .resident
                .citizen_id
                .as_ref()
                .map(|c| c.as_str().to_string())
                .unwrap_or_default(),
            phone: r
                .resident
                .phone
                .as_ref()
                .map(|p| p.as_str().to_string())
                .unwrap_or_default(),
            hamlet: ctx()
                .hamlets
                .iter()
                .find(|h| h.0 == r.hamlet_id)
                .unwrap()
                .1
                .clone(),
            relation: r.resident.relation.clone(),
            household_code: match &r.household {
                hocvuso_import::HouseholdKey::Code(c) => c.clone(),
                hocvuso_import::HouseholdKey::Head(_) => String::new(),
            },
            head_name: String::new(),
            groups: String::new(),
            notes: r.resident.notes.clone(),
        })
        .collect();
    let start = Instant::now();
    let bytes = export_xlsx("Danh sách", &export, true).unwrap();
    let wb = read_workbook(&bytes, "lon.xlsx").unwrap();
    let header = find_header(&wb.sheets[0]).unwrap();
    let again = validate(&wb.sheets[0], &header, &ctx());
    eprintln!(
        "export + read + validate {N} rows: {:?} ({} bytes)",
        start.elapsed(),
        bytes.len()
    );
    assert!(again.errors.is_empty());
    let a: Vec<_> = first
        .rows
        .iter()
        .map(|r| (&r.resident, &r.household, r.hamlet_id))
        .collect();
    let b: Vec<_> = again
        .rows
        .iter()
        .map(|r| (&r.resident, &r.household, r.hamlet_id))
        .collect();
    assert_eq!(a, b);
}
