//! Staff lists and class lists from the command line (issue 11), on an empty
//! data folder: hamlets, a resident import and units first, then
//! `hocvuso import --kind staff|students`. People not in the registry are
//! listed and never written; bad input writes nothing; the indicators count
//! the people the lists put into units and schools.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;
use std::path::Path;

fn indicator(data: &Path, code: &str) -> (i64, i64) {
    let json: serde_json::Value =
        serde_json::from_str(&ok(data, &["indicators", "--json"])).unwrap();
    let i = json["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["code"] == code)
        .unwrap();
    (
        i["numerator"].as_i64().unwrap(),
        i["denominator"].as_i64().unwrap(),
    )
}

fn members_of(data: &Path, unit: &str) -> i64 {
    let list: serde_json::Value =
        serde_json::from_str(&ok(data, &["unit", "list", "--json"])).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == unit)
        .unwrap()["members"]
        .as_i64()
        .unwrap()
}

const OFFICE: &str = "Văn phòng HĐND và UBND xã";
const SCHOOL: &str = "Trường Tiểu học Dân Tiến";

#[test]
fn staff_and_class_lists_from_the_command_line_move_the_indicators() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = |name: &str, text: &str| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };

    ok(&data, &["hamlet", "Khuôn Lặng"]);
    ok(&data, &["hamlet", "Na Mấy"]);
    let residents = file(
        "nhan-khau.csv",
        "STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Xóm;Quan hệ với chủ hộ\n\
         1;Nông Văn Bình;12/03/1975;Nam;019075000101;Khuôn Lặng;Chủ hộ\n\
         2;Hoàng Thị Lan;05/07/1980;Nữ;019180000102;Khuôn Lặng;Vợ\n\
         3;Nông Thị Hoa;02/09/2017;Nữ;;Khuôn Lặng;Con\n\
         4;Nông Văn Khải;15/04/2020;Nam;;Khuôn Lặng;Con\n\
         5;Triệu Thị Mai;14/02/1990;Nữ;019190000104;Na Mấy;Chủ hộ\n\
         6;Đặng Văn Sơn;30/09/2015;Nam;;Na Mấy;Con\n",
    );
    assert!(ok(&data, &["import", &residents]).contains("6 người mới"));
    ok(&data, &["unit", "add", OFFICE, "--type", "van_phong"]);
    ok(
        &data,
        &[
            "unit",
            "add",
            SCHOOL,
            "--type",
            "truong_hoc",
            "--level",
            "tieu_hoc",
        ],
    );
    assert_eq!(indicator(&data, "1").1, 0);
    assert_eq!(indicator(&data, "2").1, 0);

    // A staff list with someone the registry does not have: listed with the
    // row and the reason, and nothing written.
    let staff = file(
        "can-bo.csv",
        "STT;Họ và tên;Ngày sinh;Số CCCD/Số định danh;Đơn vị;Chức vụ;Phân loại\n\
         1;Nông Văn Bình;12/03/1975;019075000101;Văn phòng HĐND và UBND xã;Công chức Văn phòng – Thống kê;Công chức\n\
         2;HOANG THI LAN;05/07/1980;;van phong hdnd va ubnd xa;Chủ tịch UBND;Cán bộ\n\
         3;Lý Văn Khoa;01/01/1970;;Văn phòng HĐND và UBND xã;Phó Chủ tịch;Cán bộ\n",
    );
    let o = hocvuso(&data, &["import", "--kind", "staff", &staff]);
    let out = text(&o);
    assert!(!o.status.success(), "{out}");
    assert!(
        out.contains("2 người khớp sổ dân cư, 1 người không tìm thấy, 0 lỗi"),
        "{out}"
    );
    assert!(
        out.contains("Dòng 4: Lý Văn Khoa, sinh 01/01/1970: không có trong sổ dân cư"),
        "{out}"
    );
    assert!(out.contains("--skip-unmatched"), "{out}");
    assert!(
        !out.contains("019075000101"),
        "no citizen ID printed: {out}"
    );
    assert_eq!(members_of(&data, OFFICE), 0);
    // --dry-run checks and writes nothing, whatever else is asked.
    let o = ok(
        &data,
        &[
            "import",
            "--kind",
            "staff",
            &staff,
            "--dry-run",
            "--skip-unmatched",
        ],
    );
    assert!(o.contains("chưa ghi gì"), "{o}");
    assert_eq!(members_of(&data, OFFICE), 0);

    // Errors in the file: every error listed, nothing written.
    let bad = file(
        "can-bo-loi.csv",
        "Họ và tên;Ngày sinh;Đơn vị;Phân loại\n\
         Nông Văn Bình;12/03/1975;Phòng không có;Công chức\n\
         Hoàng Thị Lan;05/07/1980;Văn phòng HĐND và UBND xã;phi hành gia\n",
    );
    refused(
        &data,
        &["import", "--kind", "staff", &bad, "--skip-unmatched"],
        "Tệp có 2 lỗi; chưa ghi gì",
    );
    let o = text(&hocvuso(&data, &["import", "--kind", "staff", &bad]));
    assert!(
        o.contains("Đơn vị \"Phòng không có\" không có trong danh sách đơn vị"),
        "{o}"
    );
    assert!(o.contains("Không nhận ra loại \"phi hành gia\""), "{o}");
    refused(
        &data,
        &["import", "--kind", "teachers", &staff],
        "Không có loại danh sách \"teachers\"",
    );
    refused(
        &data,
        &["import", &residents, "--unit", OFFICE],
        "--unit và --skip-unmatched chỉ dùng với --kind staff",
    );

    // Skipping the unknown person: the two found are written and counted.
    let o = ok(
        &data,
        &["import", "--kind", "staff", &staff, "--skip-unmatched"],
    );
    assert!(o.contains("Đã ghi 2 người vào 1 đơn vị: 2 mới"), "{o}");
    assert!(o.contains("bỏ qua 1 người không có trong sổ"), "{o}");
    assert_eq!(members_of(&data, OFFICE), 2);
    assert_eq!(indicator(&data, "1").1, 2);
    // The same list again updates, never doubles.
    let o = ok(
        &data,
        &["import", "--kind", "staff", &staff, "--skip-unmatched"],
    );
    assert!(o.contains("0 mới, 2 cập nhật"), "{o}");
    assert_eq!(members_of(&data, OFFICE), 2);

    // A teacher list without a unit column goes to --unit.
    let teachers = file(
        "giao-vien.csv",
        "Họ và tên;Số CCCD;Chức vụ\nTriệu Thị Mai;019190000104;Giáo viên chủ nhiệm lớp 3A\n",
    );
    refused(
        &data,
        &["import", "--kind", "staff", &teachers],
        "không có cột \"Đơn vị\"",
    );
    ok(
        &data,
        &[
            "import",
            "--kind",
            "staff",
            &teachers,
            "--unit",
            "truong tieu hoc dan tien",
        ],
    );
    assert_eq!(members_of(&data, SCHOOL), 1);
    // A teacher is not a commune official.
    assert_eq!(indicator(&data, "1").1, 2);

    // Students: the school is required, and must be a school.
    let classes = file(
        "hoc-sinh.csv",
        "STT;Họ và tên;Ngày sinh;Lớp;Khối\n\
         1;Nông Thị Hoa;02/09/2017;3a;3\n\
         2;Đặng Văn Sơn;30/09/2015;Lớp 5A;\n",
    );
    refused(
        &data,
        &["import", "--kind", "students", &classes],
        "thêm --unit \"Tên trường\"",
    );
    refused(
        &data,
        &["import", "--kind", "students", &classes, "--unit", OFFICE],
        "không phải trường học",
    );
    refused(
        &data,
        &[
            "import",
            "--kind",
            "students",
            &classes,
            "--unit",
            "Trường không có",
        ],
        "Không có đơn vị \"Trường không có\"",
    );
    // A grade that does not agree with the class: nothing written.
    let wrong = file(
        "hoc-sinh-loi.csv",
        "Họ và tên;Ngày sinh;Lớp;Khối\nNông Thị Hoa;02/09/2017;3A;Lớp 4\n",
    );
    let o = hocvuso(
        &data,
        &["import", "--kind", "students", &wrong, "--unit", SCHOOL],
    );
    assert!(!o.status.success());
    assert!(
        text(&o).contains("Khối \"Lớp 4\" không khớp với lớp \"3A\""),
        "{}",
        text(&o)
    );
    assert_eq!(indicator(&data, "2").1, 0);

    let o = ok(
        &data,
        &["import", "--kind", "students", &classes, "--unit", SCHOOL],
    );
    assert!(o.contains("Dòng 2: Nông Thị Hoa"), "{o}");
    assert!(o.contains("lớp 3A"), "{o}");
    assert!(
        o.contains("Đã ghi 2 học sinh vào \"Trường Tiểu học Dân Tiến\""),
        "{o}"
    );
    // Indicator 2 counts them by grade (from lớp 1 up).
    assert_eq!(indicator(&data, "2").1, 2);
}
