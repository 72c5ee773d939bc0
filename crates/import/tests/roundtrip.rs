//! Export → import gives back the same residents; exports are formula-safe.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::{ctx, expected};
use hocvuso_domain::{BirthDate, Sex, TargetGroup};
use hocvuso_import::{
    export_xlsx, find_header, neutralise_formula, read_workbook, validate, Column, ExportRow,
    FileKind, HouseholdKey, EXPORT_HEADERS,
};

fn hamlet_name(id: i64) -> String {
    ctx()
        .hamlets
        .iter()
        .find(|(i, _)| *i == id)
        .unwrap()
        .1
        .clone()
}

fn sex_label(s: Option<Sex>) -> String {
    s.map(|s| s.label().to_string()).unwrap_or_default()
}

/// Export rows from the fixture residents plus awkward values.
fn export_rows() -> Vec<(i64, HouseholdKey, hocvuso_domain::NewResident)> {
    let mut all = expected();
    // Household codes and notes that look like formulas.
    let (h, _, mut r) = all[0].clone();
    r.full_name = "Lò Văn Mạnh".into();
    r.citizen_id = None;
    r.phone = None;
    r.notes = "=HYPERLINK(\"http://x\",\"bấm\")".into();
    r.manual_groups = vec![TargetGroup::Officials, TargetGroup::FarmBusiness];
    r.relation = "Chủ hộ".into();
    all.push((h, HouseholdKey::Code("-12".into()), r));
    let (h, _, mut r) = all[1].clone();
    r.full_name = "H'Hen Niê".into();
    r.citizen_id = None;
    r.notes = "+ghi chú; @ai đó".into();
    r.birth = Some(BirthDate::Year(1990));
    r.sex = None;
    r.ethnicity = String::new();
    r.relation = "Em rể".into();
    all.push((h, HouseholdKey::Code("-12".into()), r));
    all
}

fn to_export(rows: &[(i64, HouseholdKey, hocvuso_domain::NewResident)]) -> Vec<ExportRow> {
    rows.iter()
        .map(|(hamlet, key, r)| {
            let (code, head) = match key {
                HouseholdKey::Code(c) => (c.clone(), String::new()),
                HouseholdKey::Head(h) => (String::new(), h.clone()),
            };
            ExportRow {
                full_name: r.full_name.clone(),
                birth: r.birth.map(BirthDate::display).unwrap_or_default(),
                sex: sex_label(r.sex),
                ethnicity: r.ethnicity.clone(),
                citizen_id: r
                    .citizen_id
                    .as_ref()
                    .map(|c| c.as_str().to_string())
                    .unwrap_or_default(),
                phone: r
                    .phone
                    .as_ref()
                    .map(|p| p.as_str().to_string())
                    .unwrap_or_default(),
                hamlet: hamlet_name(*hamlet),
                relation: r.relation.clone(),
                household_code: code,
                head_name: head,
                groups: r
                    .manual_groups
                    .iter()
                    .map(|g| g.label())
                    .collect::<Vec<_>>()
                    .join("; "),
                notes: r.notes.clone(),
            }
        })
        .collect()
}

#[test]
fn export_then_import_gives_the_same_residents() {
    let want = export_rows();
    let bytes = export_xlsx("DANH SÁCH NHÂN KHẨU XÃ DÂN TIẾN", &to_export(&want), true).unwrap();
    let wb = read_workbook(&bytes, "xuat.xlsx").unwrap();
    assert_eq!(wb.kind, FileKind::Xlsx);
    let sheet = &wb.sheets[0];
    assert_eq!(sheet.name, "Danh sách");
    assert_eq!(sheet.rows[0][0], "DANH SÁCH NHÂN KHẨU XÃ DÂN TIẾN");
    let header = find_header(sheet).unwrap();
    assert_eq!(header.header_row, 2);
    assert!(header.unknown.is_empty());
    assert_eq!(header.columns.len(), EXPORT_HEADERS.len());
    assert_eq!(header.columns[0], Some(Column::Ignore));
    // Text cells, formula-like values neutralised in the file itself.
    let last = sheet.rows.len() - 1;
    assert_eq!(sheet.rows[last - 1][9], "'-12");
    assert!(sheet.rows[last - 1][12].starts_with("'=HYPERLINK"));
    assert_eq!(
        sheet.rows[3][5], "019062012345",
        "CCCD stays text with its leading zero"
    );

    let p = validate(sheet, &header, &ctx());
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    let got: Vec<_> = p
        .rows
        .iter()
        .map(|r| (r.hamlet_id, r.household.clone(), r.resident.clone()))
        .collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w);
    }
}

#[test]
fn export_never_writes_formulas() {
    let row = ExportRow {
        full_name: "=1+1".into(),
        notes: "@SUM(A1:A2)".into(),
        phone: "+84912345678".into(),
        ..Default::default()
    };
    let bytes = export_xlsx("=cmd|' /C calc'!A0", &[row], true).unwrap();
    // No formula element anywhere in the package.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(&bytes)).unwrap();
    for i in 0..zip.len() {
        let mut f = zip.by_index(i).unwrap();
        let mut s = String::new();
        if std::io::Read::read_to_string(&mut f, &mut s).is_ok() {
            assert!(!s.contains("<f>") && !s.contains("<f "), "{:?}", f.name());
        }
    }
    let wb = read_workbook(&bytes, "x.xlsx").unwrap();
    let rows = &wb.sheets[0].rows;
    assert_eq!(rows[0][0], "'=cmd|' /C calc'!A0");
    assert_eq!(rows[3][1], "'=1+1");
    assert_eq!(rows[3][6], "'+84912345678");
    assert_eq!(rows[3][12], "'@SUM(A1:A2)");
    assert_eq!(neutralise_formula("-1"), "'-1");
}

#[test]
fn empty_export_still_has_its_header() {
    let bytes = export_xlsx("Trống", &[], true).unwrap();
    let wb = read_workbook(&bytes, "x.xlsx").unwrap();
    let h = find_header(&wb.sheets[0]).unwrap();
    assert_eq!(h.header_row, 2);
    let p = validate(&wb.sheets[0], &h, &ctx());
    assert!(p.rows.is_empty() && p.errors.is_empty());
}

#[test]
fn the_template_reads_back_as_one_valid_row() {
    let hamlets: Vec<String> = common::ctx().hamlets.into_iter().map(|(_, n)| n).collect();
    let bytes = hocvuso_import::template_xlsx(&hamlets).unwrap();
    let wb = hocvuso_import::read_workbook(&bytes, "mau.xlsx").unwrap();
    assert_eq!(wb.sheets.len(), 2);
    assert_eq!(wb.sheets[1].name, hocvuso_import::TEMPLATE_GUIDE_SHEET);
    // The header row is exactly the importer's own names of the fields.
    let labels: Vec<&str> = hocvuso_import::TEMPLATE_COLUMNS
        .iter()
        .map(|c| c.label())
        .collect();
    assert_eq!(wb.sheets[0].rows[0], labels);
    // The example row keeps the CCCD's and the phone's leading zero.
    assert!(wb.sheets[0].rows[1].iter().any(|c| c == "001080000000"));
    assert!(wb.sheets[0].rows[1].iter().any(|c| c == "0900000000"));
    let p = hocvuso_import::preview_file(&bytes, "mau.xlsx", &common::ctx()).unwrap();
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].resident.full_name, "Nguyễn Văn Mẫu");
    assert_eq!(p.rows[0].hamlet_id, common::KHUON_LANG);
    // The guide explains every column: required or not, and the formats.
    let guide = &wb.sheets[1];
    for c in hocvuso_import::TEMPLATE_COLUMNS {
        assert!(
            guide
                .rows
                .iter()
                .any(|r| r.first().map(String::as_str) == Some(c.label())),
            "{} is explained",
            c.label()
        );
    }
    let text: String = guide
        .rows
        .iter()
        .flatten()
        .cloned()
        .collect::<Vec<_>>()
        .join(" ");
    assert!(text.contains("dd/mm/yyyy") && text.contains("12 chữ số") && text.contains("Bắt buộc"));
}
