//! What every web test needs: the application started on a random port with
//! a fresh database holding a small demo commune and one account per role,
//! and a client that behaves like a browser (cookies, forms, CSRF tokens).
//!
//! The database is a fresh SQLite file, or, for a test run through
//! [`on_both_engines!`]'s `postgres` variant, a fresh schema on the
//! PostgreSQL server at `HOCVUSO_TEST_PG_URL` (default
//! `postgres://postgres@127.0.0.1:5432/test`), dropped when the test ends.
//! As in the storage crate's tests (`crates/storage/tests/engines.rs`), an
//! unreachable server skips the PostgreSQL variants with a message, unless
//! `HOCVUSO_REQUIRE_PG=1`: then they fail.

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
    /// Keeps the test's database alive (the SQLite file's folder).
    pub _dir: TestDb,
}

/// The database engine a test runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

pub fn pg_url() -> String {
    std::env::var("HOCVUSO_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_string())
}

pub fn pg_required() -> bool {
    matches!(
        std::env::var("HOCVUSO_REQUIRE_PG").as_deref(),
        Ok("1") | Ok("true")
    )
}

/// What a test runs on: the engine, and the PostgreSQL schemas it made
/// (dropped when it ends).
#[derive(Clone)]
struct EngineScope {
    engine: Engine,
    schemas: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

tokio::task_local! {
    static ENGINE: EngineScope;
}

/// The engine of the running test: SQLite unless run by
/// [`on_both_engines!`]'s `postgres` variant.
pub fn engine() -> Engine {
    ENGINE.try_with(|s| s.engine).unwrap_or(Engine::Sqlite)
}

/// Schemas made by these tests are named `webt_<unix seconds>_<random>`,
/// so a run can drop those an interrupted run left behind.
const SCHEMA_PREFIX: &str = "webt_";
const STALE_SCHEMA_SECS: u64 = 6 * 3600;

fn unix_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The folder (SQLite) or schema (PostgreSQL) of one test's database.
pub struct TestDb {
    dir: tempfile::TempDir,
    pub engine: Engine,
    /// The PostgreSQL schema, if the test runs on PostgreSQL.
    pub pg_schema: Option<String>,
}

impl TestDb {
    /// The folder holding the SQLite file `t.sqlite` (empty on PostgreSQL).
    pub fn path(&self) -> &std::path::Path {
        self.dir.path()
    }
}

/// An empty, migrated database on the running test's engine.
pub async fn fresh_store() -> (Store, TestDb) {
    let dir = tempfile::tempdir().expect("tmp");
    match engine() {
        Engine::Sqlite => {
            let store = Store::connect(&StoreOptions::sqlite_file(&dir.path().join("t.sqlite")))
                .await
                .expect("store");
            (
                store,
                TestDb {
                    dir,
                    engine: Engine::Sqlite,
                    pg_schema: None,
                },
            )
        }
        Engine::Postgres => {
            use rand::RngCore;
            let mut b = [0u8; 6];
            rand::rngs::OsRng.fill_bytes(&mut b);
            let schema = format!("{SCHEMA_PREFIX}{}_{}", unix_secs(), hex::encode(b));
            // Registered before connecting: a half-made schema is dropped too.
            ENGINE
                .try_with(|s| s.schemas.lock().unwrap().push(schema.clone()))
                .expect("PostgreSQL tests run inside on_both_engines!");
            let mut opts = StoreOptions::new(pg_url());
            opts.pg_schema = Some(schema.clone());
            opts.max_connections = 4;
            let store = Store::connect(&opts).await.expect("PostgreSQL store");
            (
                store,
                TestDb {
                    dir,
                    engine: Engine::Postgres,
                    pg_schema: Some(schema),
                },
            )
        }
    }
}

/// Whether PostgreSQL can be reached; when it cannot, says so (skip) or
/// panics when `HOCVUSO_REQUIRE_PG=1`. Drops schemas that earlier,
/// interrupted runs left behind (once per test binary).
async fn postgres_ready() -> bool {
    use sqlx::Connection;
    static SWEPT: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);
    let url = pg_url();
    let connect = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        sqlx::PgConnection::connect(&url),
    )
    .await;
    let mut conn = match connect {
        Ok(Ok(c)) => c,
        Ok(Err(e)) if !pg_required() => {
            eprintln!("SKIP: PostgreSQL web test not run ({url} unreachable: {e}). Set HOCVUSO_REQUIRE_PG=1 to make this an error.");
            return false;
        }
        Err(_) if !pg_required() => {
            eprintln!("SKIP: PostgreSQL web test not run ({url} did not answer). Set HOCVUSO_REQUIRE_PG=1 to make this an error.");
            return false;
        }
        Ok(Err(e)) => {
            panic!("PostgreSQL required (HOCVUSO_REQUIRE_PG=1) but unreachable at {url}: {e}")
        }
        Err(_) => panic!("PostgreSQL required (HOCVUSO_REQUIRE_PG=1) but {url} did not answer"),
    };
    if !SWEPT.swap(true, std::sync::atomic::Ordering::SeqCst) {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT nspname::text FROM pg_namespace WHERE starts_with(nspname, $1)",
        )
        .bind(SCHEMA_PREFIX)
        .fetch_all(&mut conn)
        .await
        .unwrap_or_default();
        let now = unix_secs();
        for name in names {
            let made: Option<u64> = name
                .strip_prefix(SCHEMA_PREFIX)
                .and_then(|r| r.split('_').next())
                .and_then(|t| t.parse().ok());
            if made.is_some_and(|t| now.saturating_sub(t) > STALE_SCHEMA_SECS) {
                let _ = Store::drop_pg_schema(&url, &name).await;
            }
        }
    }
    let _ = conn.close().await;
    true
}

/// Run one test body on `engine`, in a runtime of its own like
/// `#[tokio::test]` (`flavor` "multi_thread" for four worker threads,
/// anything else for one thread). On PostgreSQL, the schemas the test made
/// are dropped when it ends, or, if it panics, by a later run.
pub fn run_test<F: std::future::Future<Output = ()>>(engine: Engine, flavor: &str, body: F) {
    let runtime = if flavor == "multi_thread" {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
    } else {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
    }
    .expect("runtime");
    runtime.block_on(async move {
        if engine == Engine::Postgres && !postgres_ready().await {
            return;
        }
        let scope = EngineScope {
            engine,
            schemas: Default::default(),
        };
        ENGINE.scope(scope.clone(), body).await;
        let schemas = std::mem::take(&mut *scope.schemas.lock().unwrap());
        // The app's background tasks (the audit writer) may still be
        // writing: a DROP can then deadlock with them. Try again a few
        // times; what is left is swept by a later run (older than 6 h).
        for schema in schemas {
            let mut tries = 0;
            while let Err(e) = Store::drop_pg_schema(&pg_url(), &schema).await {
                tries += 1;
                if tries == 5 {
                    eprintln!("NOTE: schema {schema} not dropped ({e}); a later run sweeps it");
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(200 * tries)).await;
            }
        }
    });
}

/// Run the named `async fn`s (tests without the `#[tokio::test]`
/// attribute) on both engines: `on_both_engines!(a, b, c[multi_thread])`
/// makes `sqlite::a`, `postgres::a`, ... A name followed by
/// `[multi_thread]` runs like `#[tokio::test(flavor = "multi_thread")]`.
#[macro_export]
macro_rules! on_both_engines {
    ($($name:ident $([$flavor:ident])?),* $(,)?) => {
        mod sqlite {
            $(
                #[test]
                fn $name() {
                    $crate::common::run_test(
                        $crate::common::Engine::Sqlite,
                        stringify!($($flavor)?),
                        super::$name(),
                    );
                }
            )*
        }
        mod postgres {
            $(
                #[test]
                fn $name() {
                    $crate::common::run_test(
                        $crate::common::Engine::Postgres,
                        stringify!($($flavor)?),
                        super::$name(),
                    );
                }
            )*
        }
    };
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
    spawn_app_at(llm, today()).await
}

/// The app with its clock on `day` (the demo data still made on `today()`).
pub async fn spawn_app_on(day: NaiveDate) -> TestApp {
    spawn_app_at(None, day).await
}

async fn spawn_app_at(llm: Option<hocvuso_web::llm::LlmConfig>, day: NaiveDate) -> TestApp {
    spawn_app_config(WebConfig {
        llm,
        today: Some(day),
        ..Default::default()
    })
    .await
}

/// The app with these settings (`today` should be set: the demo data is
/// made on `today()`).
pub async fn spawn_app_config(config: WebConfig) -> TestApp {
    let (store, dir) = fresh_store().await;
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
    let state = AppState::new(store.clone(), config);
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

/// The text of a PDF by `pdftotext` (pages split by form feeds), when it is
/// installed (CI installs poppler-utils).
pub fn pdf_text(bytes: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("in.pdf");
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A mail server for tests: speaks just enough SMTP to take messages, and
/// keeps each one's text (headers and body) for the test to read.
pub struct FakeSmtp {
    pub url: String,
    pub messages: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl FakeSmtp {
    pub async fn start() -> FakeSmtp {
        use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let messages = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let keep = messages.clone();
        tokio::spawn(async move {
            while let Ok((sock, _)) = listener.accept().await {
                let keep = keep.clone();
                tokio::spawn(async move {
                    let (r, mut w) = sock.into_split();
                    let mut lines = BufReader::new(r).lines();
                    let _ = w.write_all(b"220 fake ESMTP\r\n").await;
                    let mut data: Option<String> = None;
                    while let Ok(Some(line)) = lines.next_line().await {
                        if let Some(text) = data.as_mut() {
                            if line == "." {
                                keep.lock().expect("lock").push(std::mem::take(text));
                                data = None;
                                let _ = w.write_all(b"250 kept\r\n").await;
                            } else {
                                text.push_str(&line);
                                text.push('\n');
                            }
                            continue;
                        }
                        let verb = line.get(..4).unwrap_or("").to_ascii_uppercase();
                        let reply: &[u8] = match verb.as_str() {
                            "EHLO" | "HELO" => b"250-fake\r\n250 8BITMIME\r\n",
                            "DATA" => {
                                data = Some(String::new());
                                b"354 go on\r\n"
                            }
                            "QUIT" => {
                                let _ = w.write_all(b"221 bye\r\n").await;
                                break;
                            }
                            _ => b"250 ok\r\n",
                        };
                        let _ = w.write_all(reply).await;
                    }
                });
            }
        });
        FakeSmtp {
            url: format!("smtp://127.0.0.1:{port}"),
            messages,
        }
    }

    pub fn taken(&self) -> Vec<String> {
        self.messages.lock().expect("lock").clone()
    }
}
