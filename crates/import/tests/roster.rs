//! Staff lists and class lists (issue 11): real .xlsx files (built with
//! rust_xlsxwriter, as Excel writes them), matched to a small registry.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use chrono::NaiveDate;
use hocvuso_domain::{BirthDate, MemberCategory, SchoolLevel, Unit, UnitType};
use hocvuso_import::{
    preview_roster, MatchedBy, PersonKey, RosterContext, RosterEntry, RosterFileError, RosterKind,
    RosterPreview,
};
use rust_xlsxwriter::Workbook;

const OFFICE: i64 = 10;
const SCHOOL: i64 = 20;
const FRONT: i64 = 30;
const KINDERGARTEN: i64 = 40;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).unwrap()
}

fn date(d: u32, m: u32, y: i32) -> Option<BirthDate> {
    Some(BirthDate::Full(NaiveDate::from_ymd_opt(y, m, d).unwrap()))
}

fn person(id: i64, name: &str, birth: Option<BirthDate>, cccd: Option<&str>) -> PersonKey {
    PersonKey {
        id,
        full_name: name.to_string(),
        birth_date: birth,
        citizen_id: cccd.map(str::to_string),
    }
}

fn registry() -> Vec<PersonKey> {
    vec![
        person(1, "Nông Văn Bình", date(12, 3, 1975), Some("019075000101")),
        person(2, "Hoàng Thị Lan", date(5, 7, 1980), None),
        person(3, "Lường Văn Chiến", Some(BirthDate::Year(1988)), None),
        // Two people with the same name and birth date.
        person(4, "Triệu Thị Mai", date(14, 2, 1990), None),
        person(5, "Triệu Thị Mai", date(14, 2, 1990), None),
        // Children.
        person(11, "Nông Thị Hoa", date(2, 9, 2017), None),
        person(12, "Hoàng Văn Nam", date(20, 1, 2016), None),
        person(13, "Lường Thị Thu", date(8, 8, 2021), None),
    ]
}

fn unit(id: i64, name: &str, t: UnitType, level: Option<SchoolLevel>) -> Unit {
    Unit {
        id,
        name: name.to_string(),
        unit_type: t,
        hamlet_id: None,
        active: true,
        school_level: level,
        created_on: None,
    }
}

fn units() -> Vec<Unit> {
    vec![
        unit(
            OFFICE,
            "Văn phòng HĐND và UBND xã",
            UnitType::PeoplesCommitteeOffice,
            None,
        ),
        unit(
            SCHOOL,
            "Trường Tiểu học Dân Tiến",
            UnitType::School,
            Some(SchoolLevel::TieuHoc),
        ),
        unit(
            FRONT,
            "Ủy ban MTTQ Việt Nam xã",
            UnitType::MassOrganisation,
            None,
        ),
        unit(
            KINDERGARTEN,
            "Trường Mầm non Dân Tiến",
            UnitType::School,
            Some(SchoolLevel::MamNon),
        ),
    ]
}

fn ctx(kind: RosterKind, unit: Option<i64>) -> RosterContext {
    RosterContext {
        kind,
        today: today(),
        people: registry(),
        units: units(),
        unit,
    }
}

/// An .xlsx file with these rows (text cells; `#n` writes the number n).
fn xlsx(rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (r as u32, c as u16);
            if let Some(n) = cell.strip_prefix('#') {
                sheet.write_number(r, c, n.parse::<f64>().unwrap()).unwrap();
            } else if !cell.is_empty() {
                sheet.write_string(r, c, *cell).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

fn preview(bytes: &[u8], ctx: &RosterContext) -> RosterPreview {
    preview_roster(bytes, "danh-sach.xlsx", ctx).unwrap()
}

fn staff(p: &RosterPreview, resident: i64) -> (i64, String, MemberCategory) {
    let m = p
        .matched
        .iter()
        .find(|m| m.resident_id == resident)
        .unwrap_or_else(|| panic!("{resident} not matched: {p:#?}"));
    match &m.entry {
        RosterEntry::Staff {
            unit_id,
            position,
            category,
        } => (*unit_id, position.clone(), *category),
        e => panic!("{e:?}"),
    }
}

#[test]
fn a_staff_list_is_matched_to_the_registry_and_unknown_people_are_listed() {
    let bytes = xlsx(&[
        &["UBND XÃ DÂN TIẾN"],
        &["DANH SÁCH CÁN BỘ, CÔNG CHỨC XÃ"],
        &[],
        &[
            "STT",
            "Họ và tên",
            "Ngày sinh",
            "Số CCCD/Số định danh",
            "Đơn vị",
            "Chức vụ",
            "Phân loại",
        ],
        // By citizen ID (typed as a number: the leading zero is gone), the
        // name typed without diacritics.
        &[
            "1",
            "Nong Van Binh",
            "12/03/1975",
            "#19075000101",
            "Văn phòng HĐND và UBND xã",
            "Công chức Văn phòng – Thống kê",
            "Công chức",
        ],
        // By name and birth date: capitals and spaces do not matter.
        &[
            "2",
            "HOÀNG  THỊ LAN",
            "05/07/1980",
            "",
            "van phong hdnd va ubnd xa",
            "Chủ tịch",
            "cán bộ",
        ],
        // The registry has only the year: the year matches.
        &[
            "3",
            "Lường Văn Chiến",
            "20/01/1988",
            "",
            "Ủy ban MTTQ Việt Nam xã",
            "",
            "",
        ],
        // Nobody of that name.
        &[
            "4",
            "Đặng Văn Sơn",
            "30/09/1985",
            "",
            "Văn phòng HĐND và UBND xã",
            "",
            "Công chức",
        ],
        // Two people of that name and birth date.
        &[
            "5",
            "Triệu Thị Mai",
            "14/02/1990",
            "",
            "Văn phòng HĐND và UBND xã",
            "",
            "KCT",
        ],
        &[],
        &["", "Người lập biểu"],
        &[
            "",
            "Ma Văn Ký",
            "01/01/1960",
            "",
            "Không có đơn vị này",
            "",
            "",
        ],
    ]);
    let p = preview(&bytes, &ctx(RosterKind::Staff, None));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.kind, RosterKind::Staff);
    assert_eq!(p.matched.len(), 3, "{p:#?}");
    assert_eq!(
        staff(&p, 1),
        (
            OFFICE,
            "Công chức Văn phòng – Thống kê".into(),
            MemberCategory::CongChuc
        )
    );
    assert_eq!(p.matched[0].matched_by, MatchedBy::CitizenId);
    assert_eq!(p.matched[0].registry_name, "Nông Văn Bình");
    assert_eq!(p.matched[0].person.row_number, 5);
    assert_eq!(
        staff(&p, 2),
        (OFFICE, "Chủ tịch".into(), MemberCategory::CanBo)
    );
    assert_eq!(p.matched[1].matched_by, MatchedBy::NameAndBirth);
    // No category: the unit type's default.
    assert_eq!(staff(&p, 3), (FRONT, String::new(), MemberCategory::Khac));

    assert_eq!(p.unmatched.len(), 2, "{p:#?}");
    let son = &p.unmatched[0];
    assert_eq!(son.person.row_number, 8);
    assert_eq!(son.person.full_name, "Đặng Văn Sơn");
    assert!(
        son.reason.contains("không có trong sổ dân cư"),
        "{}",
        son.reason
    );
    let mai = &p.unmatched[1];
    assert_eq!(mai.person.row_number, 9);
    assert!(
        mai.reason
            .contains("có 2 người trùng họ tên và ngày sinh: cần số CCCD"),
        "{}",
        mai.reason
    );
    assert!(matches!(
        mai.entry,
        RosterEntry::Staff {
            category: MemberCategory::KhongChuyenTrach,
            ..
        }
    ));
}

#[test]
fn bad_cells_are_errors_that_say_what_to_fix() {
    let bytes = xlsx(&[
        &["Họ và tên", "Ngày sinh", "Số CCCD", "Đơn vị", "Phân loại"],
        &[
            "Nông Văn Bình",
            "12/03/1975",
            "019075000101",
            "Phòng không có",
            "Công chức",
        ],
        &[
            "Hoàng Thị Lan",
            "05/07/1980",
            "",
            "Văn phòng HĐND và UBND xã",
            "phi hành gia",
        ],
        &["Lường Văn Chiến", "", "", "Văn phòng HĐND và UBND xã", ""],
        &[
            "Triệu Thị Mai",
            "31/02/1990",
            "",
            "Văn phòng HĐND và UBND xã",
            "",
        ],
        &[
            "Nông Văn Bình",
            "12/03/1975",
            "019075000101",
            "Văn phòng HĐND và UBND xã",
            "",
        ],
        &["", "", "", "Văn phòng HĐND và UBND xã", ""],
    ]);
    let p = preview(&bytes, &ctx(RosterKind::Staff, None));
    let at = |row: usize| {
        p.errors
            .iter()
            .filter(|e| e.row_number == row)
            .map(|e| format!("{}: {}", e.column, e.message))
            .collect::<Vec<_>>()
            .join(" | ")
    };
    assert!(
        at(2).contains("Đơn vị: Đơn vị \"Phòng không có\" không có trong danh sách đơn vị"),
        "{}",
        at(2)
    );
    assert!(
        at(3).contains("Phân loại: Không nhận ra loại \"phi hành gia\""),
        "{}",
        at(3)
    );
    assert!(at(4).contains("Cần ngày sinh hoặc số CCCD"), "{}", at(4));
    assert!(at(5).starts_with("Ngày sinh:"), "{}", at(5));
    assert!(at(6).contains("Số CCCD trùng với dòng 2"), "{}", at(6));
    // The error never shows the whole citizen ID.
    assert!(p.errors.iter().all(|e| !e.value.contains("019075000101")));
    assert!(at(7).contains("Họ và tên đang để trống"), "{}", at(7));
    assert!(p.matched.is_empty() && p.unmatched.is_empty(), "{p:#?}");
}

#[test]
fn a_staff_list_without_a_unit_column_goes_to_the_unit_given() {
    let bytes = xlsx(&[
        &["Họ và tên", "Năm sinh", "Chức vụ"],
        &["Nông Văn Bình", "1975", "Chủ tịch Hội"],
    ]);
    let p = preview(&bytes, &ctx(RosterKind::Staff, Some(FRONT)));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(
        staff(&p, 1),
        (FRONT, "Chủ tịch Hội".into(), MemberCategory::Khac)
    );
    // Without a unit given: one message for the file, nothing matched.
    let p = preview(&bytes, &ctx(RosterKind::Staff, None));
    assert_eq!(p.errors.len(), 1, "{:#?}", p.errors);
    assert!(p.errors[0].message.contains("không có cột \"Đơn vị\""));
    assert!(p.matched.is_empty());
    // A teacher list for the school: the school's default category.
    let p = preview(&bytes, &ctx(RosterKind::Staff, Some(SCHOOL)));
    assert_eq!(staff(&p, 1).2, MemberCategory::GiaoVien);
}

#[test]
fn a_class_list_links_students_to_the_school_by_grade() {
    let bytes = xlsx(&[
        &["DANH SÁCH HỌC SINH NĂM HỌC 2025-2026"],
        &["STT", "Họ và tên", "Ngày sinh", "Lớp", "Khối"],
        &["1", "Nông Thị Hoa", "02/09/2017", "3a", "3"],
        &["2", "Hoàng Văn Nam", "20/01/2016", "Lớp 4B", ""],
        &["3", "Vi Văn Khánh", "03/03/2017", "3A", "Khối 3"],
    ]);
    let p = preview(&bytes, &ctx(RosterKind::Students, Some(SCHOOL)));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    let places: Vec<(i64, i64, i32, &str)> = p
        .matched
        .iter()
        .map(|m| match &m.entry {
            RosterEntry::Student { unit_id, place } => (
                m.resident_id,
                *unit_id,
                place.grade,
                place.class_name.as_str(),
            ),
            e => panic!("{e:?}"),
        })
        .collect();
    assert_eq!(places, vec![(11, SCHOOL, 3, "3A"), (12, SCHOOL, 4, "4B")]);
    assert_eq!(p.unmatched.len(), 1);
    assert_eq!(p.unmatched[0].person.full_name, "Vi Văn Khánh");
}

#[test]
fn a_class_list_refuses_grades_that_do_not_fit() {
    let bytes = xlsx(&[
        &["Họ và tên", "Ngày sinh", "Lớp", "Khối lớp"],
        &["Nông Thị Hoa", "02/09/2017", "3A", "Lớp 4"],
        &["Hoàng Văn Nam", "20/01/2016", "8A", ""],
        &["Lường Thị Thu", "08/08/2021", "Lá", ""],
        &["Nông Thị Hoa", "02/09/2017", "", ""],
        &["Hoàng Văn Nam", "20/01/2016", "4B", "bốn"],
    ]);
    let p = preview(&bytes, &ctx(RosterKind::Students, Some(SCHOOL)));
    let msgs: Vec<String> = p
        .errors
        .iter()
        .map(|e| format!("{} {}: {}", e.row_number, e.column, e.message))
        .collect();
    assert_eq!(msgs.len(), 5, "{msgs:#?}");
    assert!(
        msgs[0].starts_with("2 Khối lớp:")
            && msgs[0].contains("\"Lớp 4\"")
            && msgs[0].contains("\"3A\""),
        "{}",
        msgs[0]
    );
    assert!(
        msgs[1].starts_with("3 Lớp:") && msgs[1].contains("lớp 1 đến lớp 5"),
        "{}",
        msgs[1]
    );
    assert!(msgs[2].starts_with("4 Lớp:"), "{}", msgs[2]);
    assert!(msgs[3].contains("Lớp đang để trống"), "{}", msgs[3]);
    assert!(
        msgs[4].starts_with("6 Khối lớp:") && msgs[4].contains("Không hiểu khối \"bốn\""),
        "{}",
        msgs[4]
    );
    assert!(p.matched.is_empty());

    // A kindergarten's groups are grade 0.
    let bytes = xlsx(&[
        &["Họ và tên", "Ngày sinh", "Lớp"],
        &["Lường Thị Thu", "08/08/2021", "Mầm"],
    ]);
    let p = preview(&bytes, &ctx(RosterKind::Students, Some(KINDERGARTEN)));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert!(matches!(
        &p.matched[0].entry,
        RosterEntry::Student { place, .. } if place.grade == 0 && place.class_name == "Mầm"
    ));
}

#[test]
fn a_class_list_needs_a_school() {
    let bytes = xlsx(&[
        &["Họ và tên", "Ngày sinh", "Lớp"],
        &["Nông Thị Hoa", "02/09/2017", "3A"],
    ]);
    for unit in [None, Some(OFFICE)] {
        let p = preview(&bytes, &ctx(RosterKind::Students, unit));
        assert_eq!(p.errors.len(), 1, "{:#?}", p.errors);
        assert!(p.errors[0].message.contains("trường"), "{:#?}", p.errors);
        assert!(p.matched.is_empty());
    }
}

#[test]
fn a_tcvn3_staff_list_is_converted_and_matched() {
    let t = vntext::unicode_to_tcvn3;
    let header = [
        t("Họ và tên"),
        t("Ngày sinh"),
        t("Đơn vị"),
        t("Chức vụ"),
        t("Phân loại"),
    ];
    let row = [
        t("Hoàng Thị Lan"),
        "05/07/1980".to_string(),
        t("Văn phòng HĐND và UBND xã"),
        t("Phó Chủ tịch UBND xã"),
        t("Cán bộ"),
    ];
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let row: Vec<&str> = row.iter().map(String::as_str).collect();
    let bytes = xlsx(&[&header, &row]);
    let p = preview(&bytes, &ctx(RosterKind::Staff, None));
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.encoding, vntext::Encoding::Tcvn3);
    assert!(p.encoding_note().unwrap().contains("TCVN3"));
    assert_eq!(
        staff(&p, 2),
        (OFFICE, "Phó Chủ tịch UBND xã".into(), MemberCategory::CanBo)
    );
}

#[test]
fn a_list_without_its_headers_is_refused_with_what_to_add() {
    let bytes = xlsx(&[&["Họ và tên", "Xóm"], &["Nông Văn Bình", "Khuôn Lặng"]]);
    let e = preview_roster(&bytes, "x.xlsx", &ctx(RosterKind::Students, Some(SCHOOL))).unwrap_err();
    assert!(matches!(e, RosterFileError::NoHeader(RosterKind::Students)));
    assert!(e.to_string().contains("cột \"Lớp\""), "{e}");
    let e =
        preview_roster(b"\x00\x01garbage", "x.xlsx", &ctx(RosterKind::Staff, None)).unwrap_err();
    assert!(matches!(e, RosterFileError::File(_)), "{e:?}");
}

#[test]
fn a_csv_staff_list_with_a_citizen_id_the_registry_gives_someone_else() {
    // The CCCD is unknown; the name and birth date belong to a resident who
    // has another CCCD on record: not matched, the reason says to check it.
    let csv = "Họ và tên;Ngày sinh;Số CCCD;Đơn vị\n\
               Nông Văn Bình;12/03/1975;019075000999;Văn phòng HĐND và UBND xã\n";
    let p = preview_roster(csv.as_bytes(), "ds.csv", &ctx(RosterKind::Staff, None)).unwrap();
    assert!(p.errors.is_empty(), "{:#?}", p.errors);
    assert_eq!(p.unmatched.len(), 1);
    assert!(p.unmatched[0].reason.contains("số CCCD khác"), "{p:#?}");
}
