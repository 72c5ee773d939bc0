//! Pages stay light for slow village connections: each page with its CSS
//! under 100 KB.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use reqwest::StatusCode;

mod common;
use common::*;

async fn pages_stay_under_100_kb() {
    let app = spawn_app().await;
    let (c, _) = app.login("admin").await;
    let css = c
        .get(app.url("/static/app.css"))
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap()
        .len();
    let someone = app.resident_in(app.hamlets[0]).await;
    for path in [
        "/dang-nhap".to_string(),
        "/so-dan-cu".into(),
        format!("/cu-dan/{}", someone.id),
        format!("/ho/{}", someone.household_id),
        "/nhap".into(),
        "/nguoi-dung".into(),
    ] {
        let r = c.get(app.url(&path)).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{path}");
        let html = r.bytes().await.unwrap().len();
        assert!(html + css < 100 * 1024, "{path}: {html} B + {css} B CSS");
    }
}

on_both_engines!(pages_stay_under_100_kb);
