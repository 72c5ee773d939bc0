//! Every fixture file gives the right outcome. See tests/fixtures/README.md.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::{ctx, expected, fixture};
use hocvuso_import::{
    find_header, pick_sheet, preview_file, read_workbook, validate, FileError, FileKind, Preview,
};
use vntext::Encoding;

fn preview(name: &str) -> Preview {
    let bytes = fixture(name);
    let wb = read_workbook(&bytes, name).unwrap_or_else(|e| panic!("{name}: {e}"));
    let (i, header) = pick_sheet(&wb).unwrap_or_else(|e| panic!("{name}: {e}"));
    validate(&wb.sheets[i], &header, &ctx())
}

fn assert_residents(name: &str, p: &Preview) {
    assert!(p.errors.is_empty(), "{name}: {:#?}", p.errors);
    let got: Vec<_> = p
        .rows
        .iter()
        .map(|r| (r.hamlet_id, r.household.clone(), r.resident.clone()))
        .collect();
    let want = expected();
    assert_eq!(got.len(), want.len(), "{name}");
    for (g, w) in got.iter().zip(&want) {
        assert_eq!(g, w, "{name}");
    }
}

#[test]
fn tcvn3_xlsx_saved_by_libreoffice() {
    let bytes = fixture("tcvn3_libreoffice.xlsx");
    let wb = read_workbook(&bytes, "tcvn3_libreoffice.xlsx").unwrap();
    assert_eq!(wb.kind, FileKind::Xlsx);
    // The cells really hold the Windows-1252 view of TCVN3 bytes.
    assert_eq!(wb.sheets[0].rows[4][1], "NguyÔn V¨n An");
    let header = find_header(&wb.sheets[0]).unwrap();
    assert_eq!(header.header_row, 3, "title rows above the header");
    assert!(header.unknown.is_empty(), "{:?}", header.unknown);

    let p = validate(&wb.sheets[0], &header, &ctx());
    assert_eq!(p.encoding, Encoding::Tcvn3);
    assert_eq!(
        p.encoding_note().unwrap(),
        "Tệp dùng bảng mã TCVN3 (ABC), đã chuyển sang Unicode."
    );
    assert_residents("tcvn3_libreoffice.xlsx", &p);
    // Names come out as NFC Unicode with their capitals, rows as Excel numbers them.
    let names: Vec<&str> = p
        .rows
        .iter()
        .map(|r| r.resident.full_name.as_str())
        .collect();
    assert!(names.contains(&"Nguyễn Văn An"));
    assert!(names.contains(&"Hoàng Thị Ánh"));
    assert!(names.contains(&"Đặng Văn Hùng"));
    assert!(names.contains(&"Lường Thị Yến"));
    for n in names {
        assert_eq!(n, vntext::nfc(n));
    }
    assert_eq!(p.rows[0].row_number, 5);
    assert_eq!(p.rows[9].row_number, 14);
}

#[test]
fn vni_csv() {
    let p = preview("vni.csv");
    assert_eq!(p.encoding, Encoding::Vni);
    assert_eq!(
        p.encoding_note().unwrap(),
        "Tệp dùng bảng mã VNI-Windows, đã chuyển sang Unicode."
    );
    assert_residents("vni.csv", &p);
    assert_eq!(p.rows[0].row_number, 3);
}

#[test]
fn utf8_bom_csv() {
    let bytes = fixture("utf8_bom.csv");
    let wb = read_workbook(&bytes, "utf8_bom.csv").unwrap();
    assert_eq!(wb.kind, FileKind::Csv);
    assert_eq!(wb.sheets[0].name, "utf8_bom");
    assert_eq!(wb.sheets[0].rows[0][0], "UBND XÃ DÂN TIẾN", "BOM stripped");
    let p = preview("utf8_bom.csv");
    assert_eq!(p.encoding, Encoding::Unicode);
    assert!(p.encoding_note().is_none());
    assert_residents("utf8_bom.csv", &p);
}

#[test]
fn nfd_csv_with_tabs() {
    let bytes = fixture("nfd.csv");
    let raw = String::from_utf8(bytes).unwrap();
    assert_ne!(raw, vntext::nfc(&raw), "the fixture really is NFD");
    let p = preview("nfd.csv");
    assert_residents("nfd.csv", &p);
}

#[test]
fn legacy_xls() {
    let bytes = fixture("legacy.xls");
    let wb = read_workbook(&bytes, "legacy.xls").unwrap();
    assert_eq!(wb.kind, FileKind::Xls);
    assert_eq!(wb.sheets.len(), 2);
    assert_eq!(
        wb.sheets[0].rows[4][2], "05/03/1962",
        "date cell as dd/mm/yyyy"
    );
    assert_residents("legacy.xls", &preview("legacy.xls"));
}

#[test]
fn residents_ods() {
    let bytes = fixture("residents.ods");
    let wb = read_workbook(&bytes, "residents.ods").unwrap();
    assert_eq!(wb.kind, FileKind::Ods);
    assert_eq!(wb.sheets[0].name, "Danh sách");
    assert_residents("residents.ods", &preview("residents.ods"));
    // The list-only second sheet has no header.
    assert_eq!(find_header(&wb.sheets[1]), Err(FileError::NoHeader));
}

#[test]
fn format_comes_from_bytes_not_name() {
    let bytes = fixture("residents.ods");
    assert_eq!(
        read_workbook(&bytes, "danh_sach.xlsx").unwrap().kind,
        FileKind::Ods
    );
    let bytes = fixture("legacy.xls");
    assert_eq!(
        read_workbook(&bytes, "danh_sach.csv").unwrap().kind,
        FileKind::Xls
    );
    let bytes = fixture("tcvn3_libreoffice.xlsx");
    assert_eq!(
        read_workbook(&bytes, "no_extension").unwrap().kind,
        FileKind::Xlsx
    );
}

#[test]
fn encrypted_xlsx() {
    let bytes = fixture("encrypted.xlsx");
    let err = read_workbook(&bytes, "encrypted.xlsx").unwrap_err();
    assert_eq!(err, FileError::PasswordProtected);
    assert!(err.to_string().contains("mật khẩu"));
}

#[test]
fn broken_empty_random() {
    let err = read_workbook(&fixture("broken.xlsx"), "broken.xlsx").unwrap_err();
    assert!(matches!(err, FileError::Broken(_)), "{err:?}");
    assert!(err.to_string().contains("Lưu thành"), "{err}");

    assert_eq!(
        read_workbook(&fixture("empty.xlsx"), "empty.xlsx"),
        Err(FileError::Empty)
    );

    let err = read_workbook(&fixture("random.bin"), "random.bin").unwrap_err();
    assert!(matches!(err, FileError::Broken(_)), "{err:?}");
    let err = read_workbook(&fixture("random.bin"), "danh_sach.xlsx").unwrap_err();
    assert!(
        matches!(err, FileError::Broken(ref m) if m.contains(".xlsx")),
        "{err:?}"
    );
}

#[test]
fn errors_carry_excel_row_numbers() {
    let p = preview("errors.xlsx");
    let at = |row: usize| {
        p.errors
            .iter()
            .filter(|e| e.row_number == row)
            .collect::<Vec<_>>()
    };
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.rows[0].row_number, 4);
    assert_eq!(p.skipped_blank, 1, "row 7 is blank");

    let e = at(5);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].column, "Ngày sinh");
    assert_eq!(e[0].value, "31/02/1965");
    assert!(
        e[0].message
            .starts_with("Ngày sinh \"31/02/1965\" không đúng"),
        "{}",
        e[0].message
    );

    let e = at(6);
    assert_eq!(e[0].column, "Họ và tên");
    assert!(e[0].message.contains("một chữ"), "{}", e[0].message);

    assert!(at(7).is_empty());

    let e = at(8);
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!(e[0].column, "Số CCCD");
    assert!(
        e[0].message.contains("trùng với dòng 4"),
        "{}",
        e[0].message
    );

    let e = at(9);
    assert_eq!(e.len(), 2, "{e:#?}");
    assert!(e
        .iter()
        .any(|e| e.column == "SĐT" && e.value == "0112345678"));
    let hamlet = e.iter().find(|e| e.column == "Xóm").unwrap();
    assert!(
        hamlet.message.contains("Xóm \"Xóm Mới\" không có trong danh sách xóm của xã; các xóm: Xóm Khuôn Lặng, Xóm Na Mấy, Xóm Làng Đèn"),
        "{}",
        hamlet.message
    );

    let e = at(10);
    assert_eq!(e[0].column, "Số CCCD");
    assert!(e[0].message.contains("giới tính"), "{}", e[0].message);

    let e = at(11);
    assert_eq!(e[0].column, "Số hộ");
    assert!(
        e[0].message.contains("Số hộ đang để trống"),
        "{}",
        e[0].message
    );

    // Messages do not repeat the row and column (the preview shows them in
    // their own columns); the `Display` form names both.
    for e in &p.errors {
        assert!(!e.message.starts_with("Dòng"), "{}", e.message);
        assert!(
            e.to_string()
                .starts_with(&format!("Dòng {}, cột \"{}\": ", e.row_number, e.column)),
            "{e}"
        );
    }
}

#[test]
fn preview_file_in_one_call() {
    let p = preview_file(&fixture("legacy.xls"), "legacy.xls", &ctx()).unwrap();
    assert_eq!(p.sheet_name, "Danh sách");
    assert_eq!(p.rows.len(), 10);
    assert_eq!(
        preview_file(&fixture("empty.xlsx"), "x.xlsx", &ctx()).unwrap_err(),
        FileError::Empty
    );
}
