//! Login throttling (issue 12, finding 5): guessing is slowed, the owner is
//! not locked out. Failures count per (account, address) with a delay that
//! grows; per account across addresses only for addresses the account never
//! logged in from; per address with a much larger allowance. Each attempt is
//! counted before the slow password check, so parallel guesses get no more
//! checks than the allowance.
//!
//! Addresses: every 127.x.y.z reaches the server on Linux, so a client
//! bound to 127.0.0.2 is "another address".

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;

use common::*;
use hocvuso_domain::Role;
use hocvuso_web::auth::LoginLimits;
use hocvuso_web::{AppState, WebConfig};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::net::IpAddr;
use std::time::Duration;

/// A browser-like client whose requests come from `ip` (a loopback address).
fn client_from(ip: &str) -> reqwest::Client {
    let ip: IpAddr = ip.parse().unwrap();
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .local_address(ip)
        .build()
        .unwrap()
}

/// The application with these limits and a few office accounts (no
/// commune: logging in needs none).
async fn spawn_with(limits: LoginLimits) -> TestApp {
    let (store, dir) = fresh_store().await;
    for name in ["admin", "chutich", "ketoan", "vanthu", "diachinh", "tuphap"] {
        add_user(&store, name, Role::Admin, false).await;
    }
    let state = AppState::new(
        store.clone(),
        WebConfig {
            today: Some(today()),
            ..Default::default()
        },
    )
    .with_login_limits(limits);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = hocvuso_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, app).await.unwrap();
    });
    TestApp {
        base: format!("http://{addr}"),
        store,
        hamlets: Vec::new(),
        _dir: dir,
    }
}

/// The wait a refused login names ("thử lại sau N giây").
fn wait_named(body: &str) -> u64 {
    let rest = body
        .split("thử lại sau ")
        .nth(1)
        .expect("the page names the wait");
    rest.split(' ').next().unwrap().parse().expect("seconds")
}

async fn the_owner_logs_in_from_a_known_address_whatever_others_guess() {
    let app = spawn_app().await;
    let owner = client_from("127.0.0.1");
    let (status, _) = app.login_status(&owner, "admin", PASSWORD).await;
    assert_eq!(
        status,
        StatusCode::SEE_OTHER,
        "first login, now a known address"
    );
    // Five wrong passwords from another address.
    let other = client_from("127.0.0.2");
    for _ in 0..5 {
        let (status, _) = app.login_status(&other, "admin", "doan-bua-thoi").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let owner = client_from("127.0.0.1");
    let (status, body) = app.login_status(&owner, "admin", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    // Many more, spread over many addresses: past twenty, addresses the
    // account never used wait; the owner's address still works.
    for n in 3..10 {
        let c = client_from(&format!("127.0.0.{n}"));
        for _ in 0..5 {
            let (status, _) = app.login_status(&c, "admin", "doan-bua-thoi").await;
            assert!(
                matches!(
                    status,
                    StatusCode::UNAUTHORIZED | StatusCode::TOO_MANY_REQUESTS
                ),
                "127.0.0.{n}: {status}"
            );
        }
    }
    let stranger = client_from("127.0.0.20");
    let (status, body) = app.login_status(&stranger, "admin", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "a new address waits");
    assert!(body.contains("thử lại sau"), "{body}");
    let owner = client_from("127.0.0.1");
    let (status, body) = app.login_status(&owner, "admin", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

async fn parallel_guesses_get_no_more_checks_than_allowed() {
    let app = spawn_app().await;
    // Each guess its own browser, its login form loaded first.
    let mut forms = Vec::new();
    for _ in 0..40 {
        let c = client_from("127.0.0.5");
        let page = c
            .get(app.url("/dang-nhap"))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        forms.push((c, csrf_of(&page)));
    }
    let mut set = tokio::task::JoinSet::new();
    for (c, csrf) in forms {
        let url = app.url("/dang-nhap");
        set.spawn(async move {
            c.post(url)
                .form(&[
                    ("username", "vhxh"),
                    ("password", "khong-phai-mat-khau"),
                    ("csrf", csrf.as_str()),
                ])
                .send()
                .await
                .unwrap()
                .status()
        });
    }
    let mut checked = 0;
    let mut waited = 0;
    while let Some(status) = set.join_next().await {
        match status.unwrap() {
            StatusCode::UNAUTHORIZED => checked += 1,
            StatusCode::TOO_MANY_REQUESTS => waited += 1,
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(checked + waited, 40);
    assert!(
        checked <= 5,
        "{checked} passwords checked for 40 parallel guesses, at most 5 allowed"
    );
}

async fn failures_for_others_behind_one_address_do_not_shut_out_a_sixth_user() {
    let app = spawn_app().await;
    // A commune office behind one address: twenty mistakes, four each.
    let office = client_from("127.0.0.7");
    for user in ["truongxom", "tocnscd", "vhxh", "nguoidan", "moi"] {
        for _ in 0..4 {
            let (status, _) = app.login_status(&office, user, "go-nham-roi").await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{user}");
        }
    }
    let (status, body) = app.login_status(&office, "admin", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
}

/// With a small allowance per address, an office's mistakes make the next
/// login wait a little, growing, and never more: the right password gets in
/// without anyone's help.
async fn an_address_over_its_allowance_waits_then_logs_in() {
    let app = spawn_with(LoginLimits {
        per_address: 16,
        first_wait: Duration::from_millis(300),
        longest_wait: Duration::from_millis(600),
        ..LoginLimits::default()
    })
    .await;
    let office = client_from("127.0.0.8");
    let mut refused = 0;
    for user in ["chutich", "ketoan", "vanthu", "diachinh", "tuphap"] {
        let mut failed = 0;
        while failed < 4 {
            let (status, body) = app.login_status(&office, user, "go-nham-roi").await;
            match status {
                StatusCode::UNAUTHORIZED => failed += 1,
                StatusCode::TOO_MANY_REQUESTS => {
                    assert_eq!(wait_named(&body), 1, "{body}");
                    refused += 1;
                    tokio::time::sleep(Duration::from_millis(650)).await;
                }
                other => panic!("{user}: {other}"),
            }
        }
    }
    assert!(refused > 0, "past sixteen failures the address waits");
    let mut tries = 0;
    loop {
        tries += 1;
        let (status, body) = app.login_status(&office, "admin", PASSWORD).await;
        match status {
            StatusCode::SEE_OTHER => break,
            StatusCode::TOO_MANY_REQUESTS if tries < 5 => {
                assert!(body.contains("thử lại sau"), "{body}");
                tokio::time::sleep(Duration::from_millis(650)).await;
            }
            other => panic!("try {tries}: {other} {body}"),
        }
    }
}

/// One account from one address: the wait doubles with each failure after
/// the fifth, and one success from there forgets them.
async fn the_wait_grows_with_each_failure_and_a_success_forgets_them() {
    let app = spawn_with(LoginLimits {
        first_wait: Duration::from_secs(1),
        longest_wait: Duration::from_secs(60),
        ..LoginLimits::default()
    })
    .await;
    let c = client_from("127.0.0.9");
    for _ in 0..5 {
        let (status, _) = app.login_status(&c, "ketoan", "sai-roi").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = app.login_status(&c, "ketoan", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(wait_named(&body), 1, "the first wait");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    let (status, _) = app.login_status(&c, "ketoan", "sai-roi").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "one more check after the wait"
    );
    let (status, body) = app.login_status(&c, "ketoan", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(wait_named(&body), 2, "the sixth failure doubled the wait");
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (status, _) = app.login_status(&c, "ketoan", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // Forgotten: a mistake now is just a mistake.
    let c = client_from("127.0.0.9");
    let (status, _) = app.login_status(&c, "ketoan", "sai-roi").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = app.login_status(&c, "ketoan", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

async fn the_admin_lets_an_account_log_in_again() {
    let app = spawn_app().await;
    let c = client_from("127.0.0.4");
    for _ in 0..5 {
        let (status, _) = app.login_status(&c, "vhxh", "sai-mat-khau").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = app.login_status(&c, "vhxh", PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let id = app.store.find_user("vhxh").await.unwrap().unwrap().0.id;
    let path = format!("/nguoi-dung/{id}/cho-dang-nhap");
    // Only the admin may.
    let (other, csrf) = app.login("truongxom").await;
    let r = app.post(&other, &path, &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let (admin, csrf) = app.login("admin").await;
    let (_, page) = app.get(&admin, "/nguoi-dung").await;
    assert!(
        page.contains("5 lần đăng nhập sai, đang phải chờ"),
        "{page}"
    );
    assert!(page.contains(&format!("action=\"{path}\"")), "the button");
    let r = app.post(&admin, &path, &[("csrf", csrf.as_str())]).await;
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains("Đã cho vhxh đăng nhập lại"), "{page}");
    assert!(
        !page.contains("Cho đăng nhập lại</button>"),
        "nothing left to clear"
    );
    let (status, body) = app.login_status(&c, "vhxh", PASSWORD).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    app.store.audit().flush().await;
    let rows = app.store.audit_rows(Some("tai_khoan"), 50).await.unwrap();
    assert!(
        rows.iter()
            .any(|(_, who, action, _, object, detail)| who == "admin"
                && action == "mo_khoa"
                && *object == id.to_string()
                && detail.contains("đăng nhập sai")),
        "audited: {rows:?}"
    );
}

on_both_engines!(
    the_owner_logs_in_from_a_known_address_whatever_others_guess,
    parallel_guesses_get_no_more_checks_than_allowed[multi_thread],
    failures_for_others_behind_one_address_do_not_shut_out_a_sixth_user,
    an_address_over_its_allowance_waits_then_logs_in,
    the_wait_grows_with_each_failure_and_a_success_forgets_them,
    the_admin_lets_an_account_log_in_again,
);
