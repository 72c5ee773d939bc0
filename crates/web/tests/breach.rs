//! The breach page (issue 12): the admin records a breach, sees the
//! deadline 72 hours from its discovery and a draft of Mẫu số 08, and notes
//! when the authority was notified; nobody else reaches it; a bad form
//! writes nothing.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

use hocvuso_domain::time::vn_zone;
use reqwest::StatusCode;

async fn the_admin_records_a_breach_and_its_deadline() {
    let app = spawn_app().await;
    let (admin, csrf) = app.login("admin").await;
    let (status, html) = app.get(&admin, "/bao-mat/su-co").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains("72 giờ") && html.contains("Mẫu số 08"),
        "{html}"
    );
    assert!(html.contains("Chưa có sự cố nào"));

    // No discovery time: refused, kept, nothing written.
    let r = admin
        .post(app.url("/bao-mat/su-co"))
        .form(&[("csrf", csrf.as_str()), ("mo_ta", "Mất máy tính xách tay")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(html.contains("Ghi thời điểm phát hiện") && html.contains("Mất máy tính xách tay"));
    assert!(app.store.breaches().await.unwrap().is_empty());

    // Discovered an hour ago (Vietnam's time, as the form sends it).
    let found = (chrono::Utc::now() - chrono::Duration::hours(1)).with_timezone(&vn_zone());
    let when = found.format("%Y-%m-%dT%H:%M").to_string();
    let r = admin
        .post(app.url("/bao-mat/su-co"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("phat_hien", when.as_str()),
            ("mo_ta", "Mất máy tính xách tay có bản sao sổ dân cư"),
            ("loai_du_lieu", "Họ tên, ngày sinh, số CCCD"),
            ("so_nguoi", "1.250"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let to = r.headers()["location"].to_str().unwrap().to_string();
    let (status, draft) = app.get(&admin, &to).await;
    assert_eq!(status, StatusCode::OK);
    let deadline = (found + chrono::Duration::hours(72))
        .format("%d/%m/%Y %H:%M")
        .to_string();
    assert!(draft.contains(&deadline), "{deadline} in {draft}");
    assert!(draft.contains("Mất máy tính xách tay") && draft.contains("1.250"));
    assert!(draft.contains("THÔNG BÁO VI PHẠM QUY ĐỊNH BẢO VỆ DỮ LIỆU CÁ NHÂN"));
    assert!(
        draft.contains("Chưa thông báo, còn 70 giờ")
            || draft.contains("Chưa thông báo, còn 71 giờ"),
        "{draft}"
    );
    let id = app.store.breaches().await.unwrap()[0].id;
    assert_eq!(
        app.store
            .count_audit("tao", "su_co", &id.to_string())
            .await
            .unwrap(),
        1
    );

    // Notified: noted once, with the time.
    let r = admin
        .post(app.url(&format!("/bao-mat/su-co/{id}/da-thong-bao")))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (_, list) = app.get(&admin, "/bao-mat/su-co").await;
    assert!(list.contains("Đã thông báo lúc"), "{list}");
    assert!(app.store.breaches().await.unwrap()[0].notified_at.is_some());
}

async fn only_the_admin_reaches_the_breach_page() {
    let app = spawn_app().await;
    for who in ["vhxh", "truongxom", "tocnscd", "nguoidan"] {
        let (c, csrf) = app.login(who).await;
        let (status, _) = app.get(&c, "/bao-mat/su-co").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        let r = c
            .post(app.url("/bao-mat/su-co"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("phat_hien", "2026-12-01T08:00"),
                ("mo_ta", "x"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{who}");
    }
    assert!(app.store.breaches().await.unwrap().is_empty());
}

on_both_engines!(
    the_admin_records_a_breach_and_its_deadline,
    only_the_admin_reaches_the_breach_page,
);
