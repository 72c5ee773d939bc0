//! Editing a resident from the web: the form's messages in Vietnamese,
//! and every change written to the audit log.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::auth::ResidentScope;
use reqwest::StatusCode;

mod common;
use common::*;

async fn editing_validates_in_vietnamese_and_is_audited() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("truongxom").await;
    let mine = app.resident_in(app.hamlets[0]).await;
    let path = format!("/cu-dan/{}/sua", mine.id);
    let base = |phone: &'static str, cid: &'static str| {
        vec![
            ("csrf", csrf.clone()),
            ("full_name", "Hoàng Văn Thử".to_string()),
            ("sex", "Nam".into()),
            ("birth", "05/03/1962".into()),
            ("ethnicity", "tay".into()),
            ("phone", phone.into()),
            ("citizen_id", cid.into()),
            ("relation", "chủ hộ".into()),
            ("notes", "".into()),
        ]
    };
    let r = c
        .post(app.url(&path))
        .form(&base("0112", "12345"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let html = r.text().await.unwrap();
    assert!(
        html.contains("Số điện thoại") && html.contains("12 chữ số"),
        "{html}"
    );
    let r = c
        .post(app.url(&path))
        .form(&base("0912 345 678", "019062012345"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let saved = app
        .store
        .get_resident(ResidentScope::All, mine.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(saved.full_name, "Hoàng Văn Thử");
    assert_eq!(saved.ethnicity, "Tày");
    assert_eq!(saved.phone.unwrap().as_str(), "0912345678");
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("sua", "cu_dan", &mine.id.to_string())
            .await
            .unwrap(),
        1
    );
}

on_both_engines!(editing_validates_in_vietnamese_and_is_audited);
