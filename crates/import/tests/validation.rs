//! Row validation on in-memory sheets: households, hamlets, groups, errors.

#![allow(clippy::unwrap_used)] // tests may unwrap

mod common;

use common::{ctx, sheet, KHUON_LANG, NA_MAY};
use hocvuso_domain::{BirthDate, Sex, TargetGroup};
use hocvuso_import::{find_header, validate, Column, HouseholdKey, Preview, SheetData};

fn run(s: &SheetData) -> Preview {
    let h = find_header(s).unwrap();
    validate(s, &h, &ctx())
}

fn head(s: &str) -> HouseholdKey {
    HouseholdKey::Head(s.to_string())
}

#[test]
fn household_code_column() {
    let p = run(&sheet(&[
        &["Họ và tên", "Xóm", "Số hộ", "Quan hệ"],
        &["Nguyễn Văn An", "Khuôn Lặng", "12", "Chủ hộ"],
        &["Hoàng Thị Ánh", "Khuôn Lặng", "12", "Vợ"],
        &["Ma Văn Tuấn", "Na Mấy", "HK-7", ""],
    ]));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    let keys: Vec<_> = p.rows.iter().map(|r| r.household.clone()).collect();
    assert_eq!(
        keys,
        vec![
            HouseholdKey::Code("12".into()),
            HouseholdKey::Code("12".into()),
            HouseholdKey::Code("HK-7".into())
        ]
    );
    assert_eq!(p.rows[2].hamlet_id, NA_MAY);
}

#[test]
fn head_name_column() {
    let p = run(&sheet(&[
        &["Họ và tên", "Xóm", "Họ tên chủ hộ"],
        &["Nguyễn Văn An", "Khuôn Lặng", "Nguyễn Văn An"],
        &["Hoàng Thị Ánh", "Khuôn Lặng", "NGUYỄN VĂN AN"],
        &["Ma Văn Tuấn", "Na Mấy", ""],
    ]));
    assert_eq!(p.rows.len(), 2);
    assert_eq!(p.rows[0].household, head("Nguyễn Văn An"));
    assert_eq!(p.rows[0].resident.relation, "Chủ hộ", "the head's own row");
    assert_eq!(
        p.rows[1].household,
        head("Nguyễn Văn An"),
        "capitals restored"
    );
    assert_eq!(p.rows[1].resident.relation, "");
    assert_eq!(p.errors.len(), 1);
    assert_eq!(p.errors[0].row_number, 4);
    assert_eq!(p.errors[0].column, "Họ tên chủ hộ");
}

#[test]
fn household_book_order() {
    let p = run(&sheet(&[
        &["Họ và tên", "Xóm", "Quan hệ với chủ hộ"],
        &["Lò Văn Mạnh", "Na Mấy", "Con"],
        &["Nguyễn Văn An", "Khuôn Lặng", "Chủ hộ"],
        &["Hoàng Thị Ánh", "Khuôn Lặng", "vợ"],
        &["Nguyễn Văn Bình", "Khuôn Lặng", "con đẻ"],
        &["Ma Văn Tuấn", "Na Mấy", "Chủ Hộ"],
        &["Ma Thị Hoa", "Na Mấy", ""],
        &["Lường Văn Tư", "Khuôn Lặng", "Cháu"],
    ]));
    let keys: Vec<_> = p
        .rows
        .iter()
        .map(|r| {
            (
                r.row_number,
                r.household.clone(),
                r.resident.relation.clone(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            (3, head("Nguyễn Văn An"), "Chủ hộ".into()),
            (4, head("Nguyễn Văn An"), "Vợ".into()),
            (5, head("Nguyễn Văn An"), "Con".into()),
            (6, head("Ma Văn Tuấn"), "Chủ hộ".into()),
            (7, head("Ma Văn Tuấn"), "".into()),
        ]
    );
    // No head above row 2; row 8 is in another hamlet than the last head.
    let rows: Vec<usize> = p.errors.iter().map(|e| e.row_number).collect();
    assert_eq!(rows, vec![2, 8]);
    for e in &p.errors {
        assert_eq!(e.column, "Quan hệ với chủ hộ");
        assert!(
            e.message.contains("Chưa có chủ hộ phía trên dòng này"),
            "{}",
            e.message
        );
        assert!(
            e.message.contains("thêm cột Số hộ hoặc Họ tên chủ hộ"),
            "{}",
            e.message
        );
    }
}

#[test]
fn without_household_columns_each_person_is_a_household() {
    let p = run(&sheet(&[
        &["Họ và tên", "Xóm"],
        &["Nguyễn Văn An", "Khuôn Lặng"],
        &["Ma Văn Tuấn", "Na Mấy"],
    ]));
    assert!(p.errors.is_empty());
    assert_eq!(p.rows[0].household, head("Nguyễn Văn An"));
    assert_eq!(p.rows[1].household, head("Ma Văn Tuấn"));
    assert_eq!(p.rows[1].resident.relation, "Chủ hộ");
}

#[test]
fn hamlet_spellings() {
    let p = run(&sheet(&[
        &["Họ và tên", "Xóm/Thôn"],
        &["Nguyễn Văn An", "Khuôn Lặng"],
        &["Nguyễn Văn Ba", "xom khuon lang"],
        &["Nguyễn Văn Ca", "XÓM KHUÔN LẶNG"],
        &["Nguyễn Văn Da", "Thôn Khuôn Lặng"],
        &["Nguyễn Văn Đa", "Xóm Khuôn Lặng, xã Dân Tiến"],
        &["Nguyễn Văn Ea", "Khuôn Lạng"],
        &["Nguyễn Văn Ga", ""],
        &["Nguyễn Văn Ha", "Làng Mới"],
    ]));
    // Matching is on folded text: "Khuôn Lạng" is read as "Khuôn Lặng".
    assert_eq!(p.rows.len(), 6);
    assert!(p.rows.iter().all(|r| r.hamlet_id == KHUON_LANG));
    assert_eq!(p.errors.len(), 2);
    assert_eq!(p.errors[0].row_number, 8);
    assert!(p.errors[0].message.contains("Xóm đang để trống"));
    assert_eq!(p.errors[1].row_number, 9);
    assert!(p.errors[1]
        .message
        .contains("Xóm \"Làng Mới\" không có trong danh sách xóm của xã; các xóm: Xóm Khuôn Lặng, Xóm Na Mấy, Xóm Làng Đèn"));
}

#[test]
fn section_rows_name_the_hamlet() {
    let p = run(&sheet(&[
        &["STT", "Họ và tên", "Năm sinh", "Quan hệ"],
        &["I", "XÓM KHUÔN LẶNG"],
        &["1", "Nguyễn Văn An", "1962", "Chủ hộ"],
        &["2", "Hoàng Thị Ánh", "1965", "Vợ"],
        &["II", "Xóm Na Mấy"],
        &["3", "Ma Văn Tuấn", "1975", "Chủ hộ"],
        &["", "Cộng xóm Na Mấy: 1"],
        &["", "Tổng cộng", "3"],
        &["", "Người lập biểu"],
        &["", "Nguyễn Thị Cán Bộ"],
    ]));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    let got: Vec<_> = p
        .rows
        .iter()
        .map(|r| (r.hamlet_id, r.resident.full_name.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (KHUON_LANG, "Nguyễn Văn An"),
            (KHUON_LANG, "Hoàng Thị Ánh"),
            (NA_MAY, "Ma Văn Tuấn")
        ]
    );
    assert_eq!(p.rows[2].resident.birth, Some(BirthDate::Year(1975)));
}

#[test]
fn missing_hamlet_column_is_reported_once() {
    let p = run(&sheet(&[
        &["Họ và tên", "Năm sinh"],
        &["Nguyễn Văn An", "1962"],
        &["Ma Văn Tuấn", "1975"],
    ]));
    assert!(p.rows.is_empty());
    assert_eq!(p.errors.len(), 1);
    assert!(p.errors[0].message.contains("không có cột Xóm/Thôn"));
}

#[test]
fn blank_numbering_and_template_rows() {
    let p = run(&sheet(&[
        &["STT", "Họ và tên", "Xóm", "Ghi chú"],
        &["(1)", "(2)", "(3)", "(4)"],
        &["1", "Nguyễn Văn An", "Khuôn Lặng", ""],
        &[],
        &["", "  ", "", ""],
        &["3"],
        &["4", "", "", ""],
    ]));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.rows.len(), 1);
    assert_eq!(p.skipped_blank, 4);
}

#[test]
fn every_field() {
    let p = run(&sheet(&[
        &[
            "Họ và tên",
            "Ngày sinh",
            "Giới tính",
            "Dân tộc",
            "CCCD",
            "ĐT",
            "Xóm",
            "Nhóm đối tượng",
            "Học sinh",
            "Ghi chú",
        ],
        &[
            "  nguyễn   văn  an ",
            "1962-03-05",
            "nam",
            "tay",
            "019.062.012.345",
            "+84 912 345 678 / 0987654321",
            "Khuôn Lặng",
            "Cán bộ, công chức, viên chức; Hộ sản xuất, kinh doanh",
            "",
            "'=cũ",
        ],
        &[
            "Hoàng Thị Ánh",
            "23806",
            "F",
            "Mèo",
            "19165001234",
            "912345678",
            "Khuôn Lặng",
            "",
            "có",
            "",
        ],
    ]));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    let a = &p.rows[0].resident;
    assert_eq!(a.full_name, "Nguyễn Văn An");
    assert_eq!(a.birth, common::date(5, 3, 1962));
    assert_eq!(a.sex, Some(Sex::Male));
    assert_eq!(a.ethnicity, "Tày");
    assert_eq!(a.citizen_id.as_ref().unwrap().as_str(), "019062012345");
    assert_eq!(a.phone.as_ref().unwrap().as_str(), "0912345678");
    assert_eq!(
        a.manual_groups,
        vec![TargetGroup::Officials, TargetGroup::FarmBusiness]
    );
    assert_eq!(
        a.notes, "=cũ; SĐT khác: 0987654321",
        "neutralised formula restored"
    );
    let b = &p.rows[1].resident;
    assert_eq!(b.birth, common::date(5, 3, 1965), "Excel serial");
    assert_eq!(b.ethnicity, "H'Mông");
    assert_eq!(
        b.citizen_id.as_ref().unwrap().as_str(),
        "019165001234",
        "lost leading zero"
    );
    assert_eq!(b.phone.as_ref().unwrap().as_str(), "0912345678");
    assert_eq!(b.manual_groups, vec![TargetGroup::Students]);
}

#[test]
fn field_errors_name_row_column_and_fix() {
    let p = run(&sheet(&[
        &["TIÊU ĐỀ"],
        &[
            "Họ và tên",
            "Năm sinh",
            "Ngày sinh",
            "Giới tính",
            "Dân tộc",
            "Số CCCD",
            "Xóm",
            "Đối tượng",
            "Học sinh",
        ],
        &["", "1962", "", "Nam", "Kinh", "", "Khuôn Lặng", "", ""],
        &[
            "Nguyễn 2 An",
            "1962",
            "",
            "Nam",
            "Kinh",
            "",
            "Khuôn Lặng",
            "",
            "",
        ],
        &[
            "Nguyễn Văn An",
            "1963",
            "05/03/1962",
            "Nam",
            "Kinh",
            "",
            "Khuôn Lặng",
            "",
            "",
        ],
        &[
            "Nguyễn Văn Bé",
            "2031",
            "",
            "Bê đê",
            "Klingon",
            "12345",
            "Khuôn Lặng",
            "phi hành gia",
            "hmm",
        ],
        &[
            "Nguyễn Văn Cả",
            "",
            "",
            "",
            "",
            "019062012345",
            "Khuôn Lặng",
            "",
            "",
        ],
        &[
            "Nguyễn Văn Dư",
            "",
            "",
            "",
            "",
            "019062012345",
            "Khuôn Lặng",
            "",
            "",
        ],
    ]));
    assert!(p.rows.iter().all(|r| r.row_number == 7), "{:?}", p.rows);
    let find = |row: usize, col: &str| {
        p.errors
            .iter()
            .find(|e| e.row_number == row && e.column == col)
            .unwrap_or_else(|| panic!("no error at {row}/{col}: {:#?}", p.errors))
    };
    assert!(find(3, "Họ và tên").message.contains("đang để trống"));
    assert!(find(4, "Họ và tên").message.contains("chữ số"));
    assert!(find(5, "Năm sinh")
        .message
        .contains("khác với năm trong ngày sinh 05/03/1962"));
    assert!(find(6, "Năm sinh").message.contains("không hợp lý"));
    assert!(find(6, "Giới tính").message.contains("Nam, Nữ hoặc Khác"));
    assert!(find(6, "Dân tộc").message.contains("54 dân tộc"));
    assert!(find(6, "Số CCCD").message.contains("12 chữ số"));
    assert!(find(6, "Đối tượng").message.contains("phi hành gia"));
    assert!(find(6, "Học sinh")
        .message
        .contains("ghi x nếu là học sinh"));
    assert!(find(8, "Số CCCD").message.contains("trùng với dòng 7"));
    // The message says only what to fix: row and column have their own
    // fields (the preview table's columns), and `Display` puts them in front.
    for e in &p.errors {
        assert!(!e.message.contains("Dòng "), "{}", e.message);
        assert!(
            e.message.starts_with(|c: char| !c.is_lowercase()),
            "a sentence of its own: {}",
            e.message
        );
        assert!(e.message.ends_with('.'), "{}", e.message);
        assert_eq!(
            e.to_string(),
            format!("Dòng {}, cột \"{}\": {}", e.row_number, e.column, e.message)
        );
    }
}

#[test]
fn wizard_override_of_the_mapping() {
    let s = sheet(&[&["Tên người", "Nơi ở"], &["Nguyễn Văn An", "Khuôn Lặng"]]);
    assert!(find_header(&s).is_err());
    let mut h = hocvuso_import::HeaderMatch {
        header_row: 0,
        columns: vec![None, None],
        unknown: vec![],
    };
    let p = validate(&s, &h, &ctx());
    assert!(p.rows.is_empty());
    assert_eq!(p.errors.len(), 1);
    assert!(p.errors[0].message.contains("không có cột \"Họ và tên\""));
    h.set(0, Some(Column::FullName));
    h.set(1, Some(Column::Hamlet));
    let p = validate(&s, &h, &ctx());
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.rows[0].hamlet_id, KHUON_LANG);
    // Messages use the file's own header texts.
    let s = sheet(&[&["Tên người", "Nơi ở"], &["Nguyễn Văn An", "Hà Nội"]]);
    let p = validate(&s, &h, &ctx());
    assert_eq!(p.errors[0].column, "Nơi ở");
}

#[test]
fn number_cells_that_lost_leading_zeros() {
    let p = run(&sheet(&[
        &[
            "Họ và tên",
            "Giới tính",
            "Năm sinh",
            "Số CCCD",
            "SĐT",
            "Xóm",
        ],
        // 019…: one zero lost; 001… (Hà Nội): two zeros lost.
        &[
            "Nguyễn Văn An",
            "Nam",
            "1962",
            "19062012345",
            "912345678",
            "Khuôn Lặng",
        ],
        &[
            "Trần Văn Bình",
            "Nam",
            "1980",
            "1080012345",
            "",
            "Khuôn Lặng",
        ],
        // A landline that lost its 0 is not guessed: the message says why.
        &["Lê Thị Cúc", "Nữ", "1990", "", "2083123456", "Khuôn Lặng"],
    ]));
    assert_eq!(p.rows.len(), 2, "{:#?}", p.errors);
    let id = |i: usize| p.rows[i].resident.citizen_id.as_ref().unwrap().as_str();
    assert_eq!(id(0), "019062012345");
    assert_eq!(id(1), "001080012345");
    assert_eq!(
        p.rows[0].resident.phone.as_ref().unwrap().as_str(),
        "0912345678"
    );
    assert_eq!(p.errors.len(), 1, "{:#?}", p.errors);
    assert_eq!(p.errors[0].row_number, 4);
    assert_eq!(p.errors[0].column, "SĐT");
    assert!(
        p.errors[0]
            .message
            .starts_with("Số điện thoại có 10 chữ số, bắt đầu bằng 2: có thể Excel đã bỏ số 0"),
        "{}",
        p.errors[0].message
    );
}
