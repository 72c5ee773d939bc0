//! Header recognition and header-row search.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::sheet;
use hocvuso_import::{find_header, recognise_header, Column, FileError};
use unicode_normalization::UnicodeNormalization;

#[test]
fn headers_as_officials_write_them() {
    use Column::*;
    let cases: &[(&str, Column)] = &[
        ("Họ và tên", FullName),
        ("HỌ VÀ TÊN", FullName),
        ("họ tên", FullName),
        ("Họ, chữ đệm và tên", FullName),
        ("Họ và tên (viết in hoa)", FullName),
        ("Tên", FullName),
        ("Ngày sinh", BirthDate),
        ("Ngày tháng năm sinh", BirthDate),
        ("Ngày, tháng, năm sinh", BirthDate),
        ("Ngày sinh (dd/mm/yyyy)", BirthDate),
        ("NS", BirthDate),
        ("Năm sinh", BirthYear),
        ("Giới tính", Sex),
        ("Nam/Nữ", Sex),
        ("GT", Sex),
        ("Dân tộc", Ethnicity),
        ("Số CCCD", CitizenId),
        ("CCCD", CitizenId),
        ("Số định danh", CitizenId),
        ("Số định danh cá nhân", CitizenId),
        ("CMND/CCCD", CitizenId),
        ("Số CMND", CitizenId),
        ("Số điện thoại", Phone),
        ("SĐT", Phone),
        ("Điện thoại", Phone),
        ("ĐT", Phone),
        ("Xóm", Hamlet),
        ("Thôn", Hamlet),
        ("Xóm/Thôn", Hamlet),
        ("Thôn/Xóm", Hamlet),
        ("Bản", Hamlet),
        ("Tổ dân phố", Hamlet),
        ("Địa chỉ (xóm)", Hamlet),
        ("Quan hệ với chủ hộ", Relation),
        ("Quan hệ", Relation),
        ("QH với CH", Relation),
        ("Số hộ", HouseholdCode),
        ("Mã hộ", HouseholdCode),
        ("Số sổ hộ khẩu", HouseholdCode),
        ("Họ tên chủ hộ", HeadName),
        ("Chủ hộ", HeadName),
        ("Ghi chú", Notes),
        ("Nhóm đối tượng", Groups),
        ("Đối tượng", Groups),
        ("Học sinh", Student),
        ("STT", Ignore),
        ("TT", Ignore),
    ];
    for (text, want) in cases {
        assert_eq!(recognise_header(text), Some(*want), "{text}");
        // NFD input and odd spacing make no difference.
        let nfd: String = unicode_nfd(text);
        assert_eq!(
            recognise_header(&format!("  {nfd} ")),
            Some(*want),
            "NFD {text}"
        );
        // Neither does TCVN3 (.VnTime) text.
        let legacy = vntext::unicode_to_tcvn3(text);
        assert_eq!(
            recognise_header(&legacy),
            Some(*want),
            "TCVN3 {text} = {legacy}"
        );
    }
    for text in [
        "Ngày cấp",
        "Nơi sinh",
        "Nghề nghiệp",
        "Tên xã",
        "",
        "   ",
        "Tôn giáo",
        "Nhóm máu",
    ] {
        assert_ne!(recognise_header(text), Some(Column::FullName), "{text}");
        assert_ne!(recognise_header(text), Some(Column::BirthDate), "{text}");
    }
    assert_eq!(recognise_header("Nghề nghiệp"), None);
}

fn unicode_nfd(s: &str) -> String {
    s.nfd().collect()
}

#[test]
fn header_below_titles() {
    let s = sheet(&[
        &["UBND XÃ DÂN TIẾN"],
        &["", "DANH SÁCH NHÂN KHẨU"],
        &[],
        &["STT", "Họ và tên", "Năm sinh", "Xóm", "Tôn giáo"],
        &["1", "Nguyễn Văn An", "1962", "Khuôn Lặng", "Không"],
    ]);
    let h = find_header(&s).unwrap();
    assert_eq!(h.header_row, 3);
    assert_eq!(
        h.columns,
        vec![
            Some(Column::Ignore),
            Some(Column::FullName),
            Some(Column::BirthYear),
            Some(Column::Hamlet),
            None
        ]
    );
    assert_eq!(h.unknown, vec![(4, "Tôn giáo".to_string())]);
}

#[test]
fn merged_two_row_header() {
    let s = sheet(&[
        &["DANH SÁCH"],
        &["STT", "Họ và tên", "Ngày sinh", "Địa chỉ", "", "Ghi chú"],
        &["", "", "", "Xóm", "Số hộ", ""],
        &["1", "Nguyễn Văn An", "05/03/1962", "Khuôn Lặng", "12", ""],
    ]);
    let h = find_header(&s).unwrap();
    assert_eq!(h.header_row, 2, "data start below the second header row");
    assert_eq!(h.column_of(Column::Hamlet), Some(3));
    assert_eq!(h.column_of(Column::HouseholdCode), Some(4));
    assert_eq!(h.column_of(Column::FullName), Some(1));
    assert_eq!(h.column_of(Column::Notes), Some(5));

    // "Địa chỉ" over "Số nhà" and "Xóm": the specific sub-header wins.
    let s = sheet(&[
        &["STT", "Họ và tên", "Địa chỉ", ""],
        &["", "", "Số nhà", "Xóm"],
        &["1", "Nguyễn Văn An", "12", "Khuôn Lặng"],
    ]);
    let h = find_header(&s).unwrap();
    assert_eq!(h.header_row, 1);
    assert_eq!(h.column_of(Column::Hamlet), Some(3));
    assert_eq!(h.columns[2], None);
    assert!(h.unknown.contains(&(2, "Số nhà".to_string())));
}

#[test]
fn the_first_data_row_is_not_a_second_header() {
    let s = sheet(&[
        &["Họ và tên", "Quan hệ", "Xóm", "Ghi chú"],
        &["Nguyễn Văn An", "Chủ hộ", "Khuôn Lặng", "Chủ hộ"],
    ]);
    let h = find_header(&s).unwrap();
    assert_eq!(h.header_row, 0);
}

#[test]
fn tcvn3_headers() {
    let row: Vec<String> = ["STT", "Họ và tên", "Ngày sinh", "Xóm"]
        .iter()
        .map(|h| vntext::unicode_to_tcvn3(h))
        .collect();
    let s = hocvuso_import::SheetData {
        name: "x".into(),
        rows: vec![
            row,
            vec![
                "1".into(),
                vntext::unicode_to_tcvn3("Nguyễn Văn An"),
                "1962".into(),
                "Xãm".into(),
            ],
        ],
    };
    let h = find_header(&s).unwrap();
    assert_eq!(h.column_of(Column::FullName), Some(1));
    assert_eq!(h.column_of(Column::Hamlet), Some(3));
}

#[test]
fn ten_alone_or_beside_ho() {
    let s = sheet(&[&["Tên", "Xóm"], &["Nguyễn Văn An", "Khuôn Lặng"]]);
    assert_eq!(
        find_header(&s).unwrap().column_of(Column::FullName),
        Some(0)
    );
    // "Họ" | "Tên": the given name alone is not the full name.
    let s = sheet(&[&["Họ", "Tên", "Xóm"], &["Nguyễn Văn", "An", "Khuôn Lặng"]]);
    assert_eq!(find_header(&s), Err(FileError::NoHeader));
}

#[test]
fn no_header() {
    assert_eq!(
        find_header(&sheet(&[&["a", "b"], &["1", "2"]])),
        Err(FileError::NoHeader)
    );
    // A full-name column alone is not enough.
    assert_eq!(
        find_header(&sheet(&[&["Họ và tên"], &["Nguyễn Văn An"]])),
        Err(FileError::NoHeader)
    );
    // The header must be within the first 30 rows.
    let mut rows: Vec<&[&str]> = vec![&["tiêu đề"]; 30];
    rows.push(&["Họ và tên", "Xóm"]);
    assert_eq!(find_header(&sheet(&rows)), Err(FileError::NoHeader));
    assert!(FileError::NoHeader.to_string().contains("Họ và tên"));
}

#[test]
fn repeated_field_goes_to_the_wizard() {
    let s = sheet(&[
        &["Họ và tên", "Xóm", "Thôn"],
        &["Nguyễn Văn An", "Khuôn Lặng", "Khuôn Lặng"],
    ]);
    let h = find_header(&s).unwrap();
    assert_eq!(
        h.columns,
        vec![Some(Column::FullName), Some(Column::Hamlet), None]
    );
    assert_eq!(h.unknown, vec![(2, "Thôn".to_string())]);
    // The wizard maps it by hand.
    let mut h = h;
    h.set(2, Some(Column::Hamlet));
    assert_eq!(
        h.columns,
        vec![Some(Column::FullName), None, Some(Column::Hamlet)]
    );
    assert!(h.unknown.is_empty());
}
