//! Pilot models over their life (issue 15, task III.5): new evidence joins
//! the history instead of replacing the old; a review and a replication are
//! added; a replication that names no place is refused with nothing
//! written; the plan's task III.5 counts the replication.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use chrono::NaiveDate;
use reqwest::StatusCode;

async fn a_models_evidence_reviews_and_replications_are_kept_as_a_history() {
    // In quarter III: "duy trì và nhân rộng".
    let app = spawn_app_on(NaiveDate::from_ymd_opt(2026, 8, 20).unwrap()).await;
    let (office, csrf) = app.login("vhxh").await;
    let r = app
        .post(
            &office,
            "/mo-hinh",
            &[
                ("csrf", &csrf),
                ("loai", "binh_dan_hoc_vu_so"),
                ("ten", "Điểm Bình dân học vụ số xóm thử"),
                ("dia_diem", "Nhà văn hóa"),
                ("tinh_trang", "dang_xay_dung"),
                ("minh_chung", "Quyết định số 12/QĐ-UBND"),
                ("bat_dau", "2026-05-10"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    // Evidence too long to keep: the model is refused, not made without it.
    let long = "x".repeat(2001);
    let r = app
        .post(
            &office,
            "/mo-hinh",
            &[
                ("csrf", &csrf),
                ("loai", "gia_dinh_so"),
                ("ten", "Mô hình minh chứng dài"),
                ("dia_diem", "Nhà văn hóa"),
                ("tinh_trang", "dang_xay_dung"),
                ("minh_chung", &long),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("dài quá 2000 ký tự"));
    assert!(!app
        .store
        .pilot_models()
        .await
        .unwrap()
        .iter()
        .any(|m| m.name == "Mô hình minh chứng dài"));
    let id = app
        .store
        .pilot_models()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.name == "Điểm Bình dân học vụ số xóm thử")
        .unwrap()
        .id;
    // A status update with new evidence: the old evidence stays.
    app.post(
        &office,
        &format!("/mo-hinh/{id}"),
        &[
            ("csrf", &csrf),
            ("tinh_trang", "dang_hoat_dong"),
            ("minh_chung", "Biên bản ra mắt ngày 02/6"),
        ],
    )
    .await;
    // A replication with no place: refused, the page says why.
    let r = app
        .post(
            &office,
            &format!("/mo-hinh/{id}/ghi"),
            &[("csrf", &csrf), ("loai", "nhan_rong"), ("noi_dung", "")],
        )
        .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("Hãy chọn xóm hoặc đơn vị"));
    let hamlet = app.hamlets[1].to_string();
    for form in [
        vec![
            ("loai", "danh_gia"),
            ("noi_dung", "Sơ kết: đạt 4/5 tiêu chí"),
        ],
        vec![("loai", "nhan_rong"), ("xom", hamlet.as_str())],
    ] {
        let mut f = vec![("csrf", csrf.as_str())];
        f.extend(form);
        let r = app.post(&office, &format!("/mo-hinh/{id}/ghi"), &f).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
    }
    let (status, page) = app.get(&office, &format!("/mo-hinh/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    for text in [
        "Quyết định số 12/QĐ-UBND",
        "Biên bản ra mắt ngày 02/6",
        "Sơ kết: đạt 4/5 tiêu chí",
        "Lịch sử (4)",
        "1 nơi",
    ] {
        assert!(page.contains(text), "{text} missing:\n{page}");
    }
    let hamlet_name = app
        .store
        .list_hamlets()
        .await
        .unwrap()
        .into_iter()
        .find(|h| h.id == app.hamlets[1])
        .unwrap()
        .name;
    assert!(page.contains(&format!("tới {hamlet_name}")), "{page}");
    // The list links to it and shows the latest evidence.
    let (_, list) = app.get(&office, "/mo-hinh").await;
    assert!(list.contains(&format!("href=\"/mo-hinh/{id}\"")));
    assert!(list.contains("Biên bản ra mắt ngày 02/6"));
    // Task III.5 counts the replication.
    let (_, task) = app.get(&office, "/ke-hoach/III.5").await;
    assert!(task.contains("1 lần nhân rộng mô hình"), "{task}");
    // A resident sees no model page; an unknown model is not found.
    let (resident, _) = app.login("nguoidan").await;
    assert_eq!(
        app.get(&resident, &format!("/mo-hinh/{id}")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        app.get(&office, "/mo-hinh/987654").await.0,
        StatusCode::NOT_FOUND
    );
}

on_both_engines!(a_models_evidence_reviews_and_replications_are_kept_as_a_history);
