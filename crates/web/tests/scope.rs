//! Who sees whom in the registry: a hamlet head only their hamlet, a
//! resident only their own record; and the registry's search, which
//! ignores diacritics and case.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::auth::ResidentScope;
use reqwest::StatusCode;

mod common;
use common::*;

async fn a_hamlet_head_cannot_open_a_resident_of_another_hamlet() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("truongxom").await;
    let mine = app.resident_in(app.hamlets[0]).await;
    let other = app.resident_in(app.hamlets[1]).await;
    let (status, html) = app.get(&c, &format!("/cu-dan/{}", other.id)).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!html.contains(&other.full_name));
    assert_eq!(
        app.get(&c, &format!("/ho/{}", other.household_id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{}/sua", other.id)).await.0,
        StatusCode::NOT_FOUND
    );
    let r = c
        .post(app.url(&format!("/cu-dan/{}/sua", other.id)))
        .form(&[
            ("csrf", csrf.as_str()),
            ("full_name", "Tên Bị Sửa"),
            ("sex", ""),
            ("birth", ""),
            ("ethnicity", ""),
            ("phone", ""),
            ("citizen_id", ""),
            ("relation", ""),
            ("notes", ""),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.store
            .get_resident(ResidentScope::All, other.id)
            .await
            .unwrap()
            .unwrap()
            .full_name,
        other.full_name
    );
    // Filtering the list by another hamlet shows nobody.
    let (_, html) = app
        .get(&c, &format!("/so-dan-cu?xom={}", app.hamlets[1]))
        .await;
    assert!(html.contains("0 người"), "cross-hamlet filter is empty");
    // Their own hamlet works, and the read is audited.
    let (status, html) = app.get(&c, &format!("/cu-dan/{}", mine.id)).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(&mine.full_name));
    app.store.audit().flush().await;
    assert_eq!(
        app.store
            .count_audit("xem", "cu_dan", &mine.id.to_string())
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        app.store
            .count_audit("xem", "cu_dan", &other.id.to_string())
            .await
            .unwrap(),
        0
    );
    // Export and user management are not for hamlet heads.
    assert_eq!(app.get(&c, "/xuat-excel").await.0, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&c, "/nguoi-dung").await.0, StatusCode::FORBIDDEN);
}

async fn a_resident_sees_only_their_own_record() {
    let app = spawn_app().await;
    let (c, _) = app.login("nguoidan").await;
    let (u, _) = app.store.find_user("nguoidan").await.unwrap().unwrap();
    let own = u.role.resident_id().unwrap();
    let r = c.get(app.url("/")).send().await.unwrap();
    assert_eq!(r.headers()["location"], format!("/cu-dan/{own}").as_str());
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{own}")).await.0,
        StatusCode::OK
    );
    let other = app.resident_in(app.hamlets[0]).await;
    assert_eq!(
        app.get(&c, &format!("/cu-dan/{}", other.id)).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&c, "/so-dan-cu").await.0, StatusCode::FORBIDDEN);
}

async fn search_ignores_diacritics_and_case() {
    let app = spawn_app().await;
    let (c, _) = app.login("vhxh").await;
    let someone = app.resident_in(app.hamlets[2]).await;
    let folded = vntext::fold(&someone.full_name);
    let (status, html) = app
        .get(&c, &format!("/so-dan-cu?q={}", folded.replace(' ', "+")))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        html.contains(&someone.full_name),
        "{folded} finds {}",
        someone.full_name
    );
    let upper = someone.full_name.to_uppercase();
    let (_, html) = app
        .get(&c, &format!("/so-dan-cu?q={}", urlencode(&upper)))
        .await;
    assert!(html.contains(&someone.full_name));
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

on_both_engines!(
    a_hamlet_head_cannot_open_a_resident_of_another_hamlet,
    a_resident_sees_only_their_own_record,
    search_ignores_diacritics_and_case,
);
