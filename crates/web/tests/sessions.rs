//! Logging in and staying safe: the health check, the session cookie,
//! wrong passwords and their throttling, the CSRF token on every form,
//! one-time passwords and the admin creating users. The app runs on a random
//! port with a fresh database holding the demo commune, driven over HTTP
//! like a browser (cookies, forms, CSRF tokens).

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::Role;
use reqwest::StatusCode;

mod common;
use common::*;

async fn healthz_reports_the_database() {
    let app = spawn_app().await;
    let (status, body) = app.get(&client(), "/healthz").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        body.contains("\"status\":\"ok\"")
            && body.contains(match engine() {
                Engine::Sqlite => "\"database\":\"sqlite\"",
                Engine::Postgres => "\"database\":\"postgres\"",
            }),
        "{body}"
    );
}

async fn login_works_and_the_registry_lists_the_demo_commune() {
    let app = spawn_app().await;
    let anon = client();
    let r = anon.get(app.url("/so-dan-cu")).send().await.unwrap();
    assert_eq!(
        r.status(),
        StatusCode::SEE_OTHER,
        "anonymous users are sent to the login page"
    );
    let (c, _) = app.login("admin").await;
    let (status, html) = app.get(&c, "/so-dan-cu").await;
    assert_eq!(status, StatusCode::OK);
    let total = app.store.count_residents().await.unwrap();
    assert!(
        html.contains(&format!("{total} người")),
        "list shows the total"
    );
    assert!(html.contains("Sổ dân cư"));
    let session = c.get(app.url("/dang-nhap")).send().await.unwrap();
    assert_eq!(session.status(), StatusCode::OK);
}

async fn session_cookie_is_httponly_and_samesite() {
    let app = spawn_app().await;
    let c = client();
    let page = c
        .get(app.url("/dang-nhap"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/dang-nhap"))
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let cookies: Vec<String> = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .collect();
    let session = cookies
        .iter()
        .find(|c| c.starts_with("hv_session="))
        .expect("session cookie");
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );
    assert!(!session.contains("Secure"), "plain HTTP in tests");
    // Behind a TLS-terminating proxy the cookie is marked Secure.
    let c = client();
    let page = c
        .get(app.url("/dang-nhap"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let r = c
        .post(app.url("/dang-nhap"))
        .header("x-forwarded-proto", "https")
        .form(&[
            ("username", "admin"),
            ("password", PASSWORD),
            ("csrf", &csrf),
        ])
        .send()
        .await
        .unwrap();
    let secure = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("hv_session="))
        .unwrap();
    assert!(secure.contains("; Secure"), "{secure}");
}

async fn wrong_passwords_are_refused_then_throttled() {
    let app = spawn_app().await;
    let c = client();
    for _ in 0..5 {
        let (status, body) = app.login_status(&c, "admin", "sai-mat-khau-roi").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(body.contains("không đúng"));
    }
    let (status, body) = app.login_status(&c, "admin", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits"
    );
    assert!(body.contains("quá nhiều lần"), "{body}");
    // Another account from the same address is not locked yet.
    let (status, _) = app.login_status(&c, "vhxh", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    // Login without the pre-login cookie's token.
    let r = client()
        .post(app.url("/dang-nhap"))
        .form(&[("username", "admin"), ("password", PASSWORD), ("csrf", "x")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (c, csrf) = app.login("admin").await;
    let bad = [
        ("/dang-xuat", vec![("csrf", "sai")]),
        (
            "/nguoi-dung",
            vec![
                ("csrf", "sai"),
                ("username", "abc"),
                ("display_name", "A B"),
                ("role", "admin"),
            ],
        ),
        ("/nguoi-dung/1/dat-lai-mat-khau", vec![("csrf", "")]),
        ("/nguoi-dung/2/khoa", vec![("csrf", "sai")]),
    ];
    for (path, form) in bad {
        let r = c.post(app.url(path)).form(&form).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    }
    let someone = app.resident_in(app.hamlets[0]).await;
    let r = c
        .post(app.url(&format!("/cu-dan/{}/sua", someone.id)))
        .form(&[
            ("csrf", "sai"),
            ("full_name", "Tên Mới Hẳn"),
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
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        app.store
            .get_resident(ResidentScope::All, someone.id)
            .await
            .unwrap()
            .unwrap()
            .full_name,
        someone.full_name
    );
    // With the token, logout works.
    let r = c
        .post(app.url("/dang-xuat"))
        .form(&[("csrf", csrf.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        c.get(app.url("/so-dan-cu")).send().await.unwrap().status(),
        StatusCode::SEE_OTHER
    );
}

async fn one_time_passwords_must_be_changed_and_common_ones_refused() {
    let app = spawn_app().await;
    let c = client();
    let (status, to) = app.login_status(&c, "moi", PASSWORD).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/doi-mat-khau")
    );
    let r = c.get(app.url("/so-dan-cu")).send().await.unwrap();
    assert_eq!(r.headers()["location"], "/doi-mat-khau");
    let page = c
        .get(app.url("/doi-mat-khau"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let csrf = csrf_of(&page);
    let change = |new: &str| {
        vec![
            ("csrf", csrf.clone()),
            ("current", PASSWORD.to_string()),
            ("new_password", new.to_string()),
            ("confirm", new.to_string()),
        ]
    };
    let r = c
        .post(app.url("/doi-mat-khau"))
        .form(&change("12345678"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("quá phổ biến"));
    let r = c
        .post(app.url("/doi-mat-khau"))
        .form(&change("ngắn"))
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("ít nhất 8"));
    let r = c
        .post(app.url("/doi-mat-khau"))
        .form(&change("Đồi chè Tân Cương 1975"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let (status, to) = app
        .login_status(&client(), "moi", "Đồi chè Tân Cương 1975")
        .await;
    assert_eq!((status, to.as_str()), (StatusCode::SEE_OTHER, "/"));
}

async fn admins_create_users_with_a_one_time_password() {
    let app = spawn_app().await;
    let (c, csrf) = app.login("admin").await;
    let hamlet = app.hamlets[1].to_string();
    let r = c
        .post(app.url("/nguoi-dung"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "to.cnscd.2"),
            ("display_name", "Lưu Thị Hoa"),
            ("role", "to_cnscd"),
            ("hamlet_id", hamlet.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let html = r.text().await.unwrap();
    let marker = "<code class=\"big\">";
    let start = html.find(marker).expect("one-time password shown") + marker.len();
    let password = html[start..].split('<').next().unwrap().to_string();
    let (status, to) = app.login_status(&client(), "to.cnscd.2", &password).await;
    assert_eq!(
        (status, to.as_str()),
        (StatusCode::SEE_OTHER, "/doi-mat-khau")
    );
    let (u, _) = app.store.find_user("to.cnscd.2").await.unwrap().unwrap();
    assert_eq!(
        u.role,
        Role::DigitalTeamMember {
            hamlet_id: app.hamlets[1]
        }
    );
    // A role that needs a hamlet without one is refused with a message.
    let r = c
        .post(app.url("/nguoi-dung"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("username", "xom.khong"),
            ("display_name", "A B"),
            ("role", "truong_xom"),
        ])
        .send()
        .await
        .unwrap();
    assert!(r.text().await.unwrap().contains("cần chọn xóm"));
}

on_both_engines!(
    healthz_reports_the_database,
    login_works_and_the_registry_lists_the_demo_commune,
    session_cookie_is_httponly_and_samesite,
    wrong_passwords_are_refused_then_throttled,
    forms_without_the_csrf_token_are_refused,
    one_time_passwords_must_be_changed_and_common_ones_refused,
    admins_create_users_with_a_one_time_password,
);
