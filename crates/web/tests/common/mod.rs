//! What every web test needs: the application started on a random port with
//! a fresh SQLite file holding a small demo commune and one account per role,
//! and a client that behaves like a browser (cookies, forms, CSRF tokens).

#![allow(dead_code)] // each test file uses a different part
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use chrono::NaiveDate;
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{ResidentFilter, Role};
use hocvuso_storage::{NewUser, Store, StoreOptions};
use hocvuso_web::auth::hash_password;
use hocvuso_web::{AppState, WebConfig};
use reqwest::redirect::Policy;
use reqwest::StatusCode;

pub const PASSWORD: &str = "Ruộng bậc thang 2026";

pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub hamlets: Vec<i64>,
    pub _dir: tempfile::TempDir,
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 1).expect("date")
}

pub async fn add_user(store: &Store, username: &str, role: Role, must_change: bool) {
    store
        .create_user(&NewUser {
            username: username.into(),
            display_name: format!("Người dùng {username}"),
            password_hash: hash_password(PASSWORD).expect("hash"),
            role,
            must_change_password: must_change,
        })
        .await
        .expect("user");
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(None).await
}

pub async fn spawn_app_with(llm: Option<hocvuso_web::llm::LlmConfig>) -> TestApp {
    let dir = tempfile::tempdir().expect("tmp");
    let store = Store::connect(&StoreOptions::sqlite_file(&dir.path().join("t.sqlite")))
        .await
        .expect("store");
    let demo = hocvuso_demo::generate(&hocvuso_demo::DemoOptions {
        seed: 11,
        hamlets: 3,
        households: 80,
        today: today(),
    });
    store.load_demo(&demo, today()).await.expect("demo");
    let hamlets: Vec<i64> = store
        .list_hamlets()
        .await
        .expect("hamlets")
        .iter()
        .map(|h| h.id)
        .collect();
    add_user(&store, "admin", Role::Admin, false).await;
    add_user(
        &store,
        "truongxom",
        Role::HamletHead {
            hamlet_id: hamlets[0],
        },
        false,
    )
    .await;
    add_user(
        &store,
        "tocnscd",
        Role::DigitalTeamMember {
            hamlet_id: hamlets[0],
        },
        false,
    )
    .await;
    add_user(&store, "vhxh", Role::CultureOffice, false).await;
    let someone = store
        .list_residents(
            ResidentScope::Hamlet(hamlets[1]),
            &ResidentFilter::default(),
            1,
            1,
        )
        .await
        .expect("list")
        .items[0]
        .id;
    add_user(
        &store,
        "nguoidan",
        Role::Resident {
            resident_id: someone,
        },
        false,
    )
    .await;
    add_user(&store, "moi", Role::CultureOffice, true).await;
    let state = AppState::new(
        store.clone(),
        WebConfig {
            secure_cookies: false,
            today: Some(today()),
            llm,
            ..Default::default()
        },
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = hocvuso_web::app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move {
        axum::serve(listener, app).await.expect("serve");
    });
    TestApp {
        base: format!("http://{addr}"),
        store,
        hamlets,
        _dir: dir,
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

/// The value of the first hidden `csrf` field in a page.
pub fn csrf_of(html: &str) -> String {
    let marker = "name=\"csrf\" value=\"";
    let start = html
        .find(marker)
        .map(|i| i + marker.len())
        .expect("page has a csrf field");
    html[start..].split('"').next().expect("value").to_string()
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    pub async fn login_status(
        &self,
        c: &reqwest::Client,
        user: &str,
        password: &str,
    ) -> (StatusCode, String) {
        let page = c
            .get(self.url("/dang-nhap"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        let csrf = csrf_of(&page);
        let r = c
            .post(self.url("/dang-nhap"))
            .form(&[
                ("username", user),
                ("password", password),
                ("csrf", csrf.as_str()),
            ])
            .send()
            .await
            .expect("post");
        let status = r.status();
        let location = r
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string();
        let body = r.text().await.expect("text");
        (status, if location.is_empty() { body } else { location })
    }

    /// Log in and return the session's CSRF token (read from a page).
    pub async fn login(&self, user: &str) -> (reqwest::Client, String) {
        let c = client();
        let (status, to) = self.login_status(&c, user, PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER, "login of {user}: {to}");
        let page = c
            .get(self.url("/doi-mat-khau"))
            .send()
            .await
            .expect("get")
            .text()
            .await
            .expect("text");
        (c, csrf_of(&page))
    }

    pub async fn get(&self, c: &reqwest::Client, path: &str) -> (StatusCode, String) {
        let r = c.get(self.url(path)).send().await.expect("get");
        (r.status(), r.text().await.expect("text"))
    }

    pub async fn post(
        &self,
        c: &reqwest::Client,
        path: &str,
        form: &[(&str, &str)],
    ) -> reqwest::Response {
        c.post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("post")
    }

    pub async fn resident_in(&self, hamlet: i64) -> hocvuso_domain::Resident {
        self.store
            .list_residents(
                ResidentScope::Hamlet(hamlet),
                &ResidentFilter::default(),
                1,
                1,
            )
            .await
            .expect("list")
            .items[0]
            .clone()
    }
}
