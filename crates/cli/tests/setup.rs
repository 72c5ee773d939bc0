//! A real commune set up from an empty data folder with the command line
//! only (issue 11): hamlets, a resident import, units, members. The plan's
//! indicators then count the people added, not a demo.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

fn indicator(json: &serde_json::Value, code: &str) -> (i64, i64) {
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

#[test]
fn an_empty_install_set_up_from_the_command_line_counts_its_own_people() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    ok(&data, &["hamlet", "Khuôn Lặng"]);
    ok(&data, &["hamlet", "Na Mấy"]);
    // Seven people with their citizen IDs (Thái Nguyên: 019; century/sex
    // digit 0 = man born 19xx, 1 = woman born 19xx).
    let csv = dir.path().join("nhan-khau.csv");
    std::fs::write(
        &csv,
        "STT;Họ và tên;Ngày sinh;Giới tính;Số CCCD;Xóm;Quan hệ với chủ hộ\n\
         1;Nông Văn Bình;12/03/1975;Nam;019075000101;Khuôn Lặng;Chủ hộ\n\
         2;Hoàng Thị Lan;05/07/1980;Nữ;019180000102;Khuôn Lặng;Vợ\n\
         3;Lường Văn Chiến;20/01/1988;Nam;019088000103;Khuôn Lặng;Chủ hộ\n\
         4;Triệu Thị Mai;14/02/1990;Nữ;019190000104;Na Mấy;Chủ hộ\n\
         5;Đặng Văn Sơn;30/09/1985;Nam;019085000105;Na Mấy;Chồng\n\
         6;Ma Thị Hương;01/12/1992;Nữ;019192000106;Na Mấy;Chủ hộ\n\
         7;La Văn Tú;11/11/1970;Nam;019070000107;Khuôn Lặng;Chủ hộ\n",
    )
    .unwrap();
    let o = ok(&data, &["import", csv.to_str().unwrap()]);
    assert!(o.contains("7 người mới"), "{o}");

    let types = ok(&data, &["unit", "types"]);
    assert!(types.contains("truong_hoc\tTrường học") && types.contains("cong_chuc\tCông chức"));
    ok(
        &data,
        &[
            "unit",
            "add",
            "Văn phòng HĐND và UBND xã",
            "--type",
            "van_phong",
        ],
    );
    ok(
        &data,
        &[
            "unit",
            "add",
            "Trường Tiểu học Dân Tiến",
            "--type",
            "truong_hoc",
            "--level",
            "tieu_hoc",
        ],
    );

    // Bad input: a message naming what to fix, nothing written.
    refused(
        &data,
        &["unit", "add", "Trạm gì đó", "--type", "tram"],
        "Không có loại đơn vị \"tram\"",
    );
    refused(
        &data,
        &["unit", "add", "Tổ mới", "--type", "to_cnscd"],
        "phải gắn với một xóm",
    );
    refused(
        &data,
        &[
            "unit",
            "add",
            "Văn phòng HĐND và UBND xã",
            "--type",
            "van_phong",
        ],
        "đã có",
    );
    refused(
        &data,
        &[
            "unit",
            "member",
            "add",
            "Văn phòng HĐND và UBND xã",
            "--citizen-id",
            "019099999999",
        ],
        "Không có ai mang số CCCD này",
    );
    refused(
        &data,
        &[
            "unit",
            "member",
            "add",
            "Văn phòng không có",
            "--citizen-id",
            "019075000101",
        ],
        "Không có đơn vị",
    );
    refused(
        &data,
        &[
            "unit",
            "member",
            "add",
            "Văn phòng HĐND và UBND xã",
            "--citizen-id",
            "019075000101",
            "--category",
            "sep",
        ],
        "Không có loại thành viên",
    );

    // Two officials of the commune's office (typed without diacritics), a
    // teacher, and two members of Khuôn Lặng's community digital team.
    for (cid, category) in [("019075000101", "cong_chuc"), ("019180000102", "can_bo")] {
        ok(
            &data,
            &[
                "unit",
                "member",
                "add",
                "van phong hdnd va ubnd xa",
                "--citizen-id",
                cid,
                "--category",
                category,
                "--position",
                "Công chức Văn phòng – Thống kê",
            ],
        );
    }
    ok(
        &data,
        &[
            "unit",
            "member",
            "add",
            "Trường Tiểu học Dân Tiến",
            "--citizen-id",
            "019088000103",
        ],
    );
    for cid in ["019190000104", "019085000105"] {
        ok(
            &data,
            &[
                "unit",
                "member",
                "add",
                "Tổ công nghệ số cộng đồng xóm Khuôn Lặng",
                "--citizen-id",
                cid,
            ],
        );
    }

    let list: serde_json::Value =
        serde_json::from_str(&ok(&data, &["unit", "list", "--json"])).unwrap();
    let school = list
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["name"] == "Trường Tiểu học Dân Tiến")
        .unwrap();
    assert_eq!(school["school_level"], "tieu_hoc");
    assert_eq!(school["members"], 1);

    let json: serde_json::Value =
        serde_json::from_str(&ok(&data, &["indicators", "--json"])).unwrap();
    // Indicator 1: the two officials, not the teacher nor the team.
    assert_eq!(indicator(&json, "1").1, 2, "{json}");
    // Indicator 4: the team's two members.
    assert_eq!(indicator(&json, "4").1, 2, "{json}");
    // Nobody has learned yet.
    assert_eq!(indicator(&json, "1").0, 0);
}
