//! The plan's indicators and the reports: the dashboard and its drill-down
//! within the user's scope, a unit's quarterly report submitted and
//! returned, and a pilot model counted by indicator 6 once running.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::Role;
use reqwest::StatusCode;

mod common;
use common::*;

async fn the_dashboard_shows_every_indicator_and_drills_down_within_scope() {
    let app = spawn_app().await;
    let (admin, _) = app.login("admin").await;
    let (status, html) = app.get(&admin, "/chi-tieu").await;
    assert_eq!(status, StatusCode::OK);
    for name in [
        "Cán bộ, công chức xã",
        "Học sinh từ bậc tiểu học",
        "Người dân trưởng thành",
        "Tổ công nghệ số cộng đồng",
        "công cụ AI",
        "«Bình dân học AI»",
        "nộp trực tuyến",
        "không dùng tiền mặt",
    ] {
        assert!(html.contains(name), "{name} missing from the dashboard");
    }
    assert!(html.contains("<svg class=\"chart"), "server-drawn charts");
    assert!(html.contains("Quý II năm 2026"));
    let (status, html) = app.get(&admin, "/chi-tieu/3?quy=2026Q2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Cách tính") && html.contains("Tử số") && html.contains("Theo xóm"));
    assert!(html.contains("Theo nhóm đối tượng"));
    assert_eq!(
        app.get(&admin, "/chi-tieu/99").await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&admin, "/chi-tieu?quy=2026Q9").await.0,
        StatusCode::BAD_REQUEST
    );
    // Nobody has learned yet in this commune: everyone is on the "not yet" list.
    let (status, html) = app.get(&admin, "/chi-tieu/3/nguoi?quy=2026Q2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("Chưa đạt"));
    // A hamlet head sees their own hamlet only.
    let (head, _) = app.login("truongxom").await;
    let (status, html) = app.get(&head, "/chi-tieu/3/nguoi").await;
    assert_eq!(status, StatusCode::OK);
    let other = app.resident_in(app.hamlets[1]).await;
    assert!(!html.contains(&format!("/cu-dan/{}\"", other.id)));
    assert_eq!(
        app.get(&head, &format!("/chi-tieu/3/nguoi?xom={}", app.hamlets[1]))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    app.store.audit().flush().await;
    assert!(
        app.store
            .count_audit("xem_danh_sach", "chi_tieu", "3")
            .await
            .unwrap()
            >= 2
    );
    // Residents do not see the dashboard.
    let (me, _) = app.login("nguoidan").await;
    assert_eq!(app.get(&me, "/chi-tieu").await.0, StatusCode::FORBIDDEN);
}

async fn a_unit_submits_its_report_and_the_office_returns_it() {
    let app = spawn_app().await;
    let units = app.store.list_units().await.unwrap();
    let centre = units
        .iter()
        .find(|u| u.unit_type == hocvuso_domain::UnitType::PublicServiceCentre)
        .unwrap()
        .clone();
    add_user(
        &app.store,
        "hcc",
        Role::UnitReporter { unit_id: centre.id },
        false,
    )
    .await;
    let (c, _) = app.login("hcc").await;
    let url = format!("/bao-cao/don-vi/{}", centre.id);
    let (status, form) = app.get(&c, &url).await;
    assert_eq!(status, StatusCode::OK);
    assert!(form.contains("hệ thống điền sẵn"), "staff count prefilled");
    assert!(form.contains("Quý II năm 2026") || form.contains("quý II năm 2026"));
    let csrf = csrf_of(&form);
    let post = |fields: Vec<(&str, &str)>| {
        let c = c.clone();
        let url = app.url(&url);
        let mut f: Vec<(String, String)> = vec![
            ("csrf".into(), csrf.clone()),
            ("quy".into(), "2026Q2".into()),
        ];
        f.extend(
            fields
                .into_iter()
                .map(|(a, b)| (a.to_string(), b.to_string())),
        );
        async move {
            let r = c.post(url).form(&f).send().await.unwrap();
            (r.status(), r.text().await.unwrap())
        }
    };
    let full = vec![
        ("so_can_bo", "12"),
        ("can_bo_da_tap_huan", "10"),
        ("so_buoi_tuyen_truyen", "3"),
        ("so_luot_tham_gia", "140"),
        ("ho_so_tiep_nhan", "200"),
        ("ho_so_truc_tuyen", "150"),
        ("giao_dich_thu_phi", "80"),
        ("thu_phi_khong_tien_mat", "20"),
        (
            "ket_qua",
            "Hướng dẫn 150 hồ sơ trực tuyến tại bộ phận một cửa.",
        ),
    ];
    // A part larger than its whole is refused with what to fix.
    let mut wrong = full.clone();
    wrong[5] = ("ho_so_truc_tuyen", "250");
    wrong.push(("hanh_dong", "nop"));
    let (status, body) = post(wrong).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("lớn hơn"), "{body}");
    // Letters where a number goes.
    let (status, body) = post(vec![("so_can_bo", "mười hai"), ("hanh_dong", "luu")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("số nguyên"));
    // A draft may be incomplete; a submission may not.
    let (status, _) = post(vec![("so_can_bo", "12"), ("hanh_dong", "luu")]).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let (status, body) = post(vec![("so_can_bo", "12"), ("hanh_dong", "nop")]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body.contains("Trước khi nộp"));
    let mut ok = full.clone();
    ok.push(("hanh_dong", "nop"));
    let (status, _) = post(ok.clone()).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Submitted: no more edits until returned.
    let (status, _) = post(ok.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The office: status board, indicator 7 from the numbers, files.
    let (office, _) = app.login("vhxh").await;
    let (status, board) = app.get(&office, "/bao-cao?quy=2026Q2").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        board.contains("Đã nộp đúng hạn"),
        "submitted before 15 June"
    );
    assert!(board.contains("Chưa bắt đầu") && board.contains("Nhắc nộp báo cáo"));
    assert!(board.contains("trước ngày 15/06/2026"));
    let (_, dash) = app.get(&office, "/chi-tieu?quy=2026Q2").await;
    assert!(
        dash.contains("75%") && dash.contains("25%"),
        "online and cashless shares"
    );
    for (file, mime, magic) in [
        (
            "docx",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            &b"PK"[..],
        ),
        (
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            &b"PK"[..],
        ),
        ("pdf", "application/pdf", &b"%PDF"[..]),
    ] {
        let r = office
            .get(app.url(&format!("/bao-cao/xa/{file}?quy=2026Q2")))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{file}");
        assert_eq!(r.headers()["content-type"], mime);
        assert!(r.bytes().await.unwrap().starts_with(magic), "{file}");
    }
    // Returned for correction, with the reason shown to the unit.
    let (_, page) = app.get(&office, &url).await;
    let office_csrf = csrf_of(&page);
    let r = office
        .post(app.url(&format!("{url}/tra-lai")))
        .form(&[
            ("csrf", office_csrf.as_str()),
            ("quy", "2026Q2"),
            ("ly_do", "Thiếu số liệu tháng 6"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, form) = app.get(&c, &url).await;
    assert!(form.contains("Thiếu số liệu tháng 6") && form.contains("Trả lại để sửa"));
    let (status, _) = post(ok).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "editable again after return");
    // Another unit's form is not theirs; the board is not theirs either.
    let other = units.iter().find(|u| u.id != centre.id).unwrap();
    assert_eq!(
        app.get(&c, &format!("/bao-cao/don-vi/{}", other.id))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&c, "/bao-cao").await.0, StatusCode::FORBIDDEN);
}

async fn the_office_records_a_pilot_model_and_indicator_6_counts_it_once_running() {
    let app = spawn_app().await;
    let (c, _) = app.login("vhxh").await;
    let (status, page) = app.get(&c, "/mo-hinh").await;
    assert_eq!(status, StatusCode::OK);
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/mo-hinh"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("loai", "binh_dan_hoc_ai"),
            ("ten", "Điểm Bình dân học AI nhà văn hóa"),
            ("dia_diem", "Nhà văn hóa xã"),
            ("tieu_chi", "Lớp thực hành hằng tháng"),
            ("tinh_trang", "dang_xay_dung"),
            ("bat_dau", "15/04/2026"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, dash) = app.get(&c, "/chi-tieu/6a?quy=2026Q2").await;
    assert!(dash.contains("0 mô hình"), "not counted while being built");
    let id = app.store.pilot_models().await.unwrap()[0].id;
    let r = c
        .post(app.url(&format!("/mo-hinh/{id}")))
        .form(&[
            ("csrf", csrf.as_str()),
            ("tinh_trang", "dang_hoat_dong"),
            ("minh_chung", "Quyết định số 12/QĐ-UBND"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, dash) = app.get(&c, "/chi-tieu/6a?quy=2026Q2").await;
    assert!(
        dash.contains("1 mô hình") && dash.contains("Đã đạt"),
        "counted once running"
    );
    let (_, page) = app.get(&c, "/mo-hinh").await;
    assert!(page.contains("Quyết định số 12/QĐ-UBND") && page.contains("15/04/2026"));
    // Bad input is refused in Vietnamese; a hamlet head may look but not add.
    let r = c
        .post(app.url("/mo-hinh"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("loai", "khac"),
            ("ten", "x"),
            ("dia_diem", "y"),
            ("tinh_trang", "du_kien"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let (head, _) = app.login("truongxom").await;
    let (status, page) = app.get(&head, "/mo-hinh").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!page.contains("Thêm mô hình"));
}

on_both_engines!(
    the_dashboard_shows_every_indicator_and_drills_down_within_scope,
    a_unit_submits_its_report_and_the_office_returns_it,
    the_office_records_a_pilot_model_and_indicator_6_counts_it_once_running,
);
