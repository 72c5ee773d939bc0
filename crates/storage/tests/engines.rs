//! Test harness: every storage test is written once and run against each
//! engine. SQLite always runs (a fresh temporary file per test). PostgreSQL
//! runs against `HOCVUSO_TEST_PG_URL` (default: the local server on
//! 127.0.0.1:5432, database `test`), each test in its own fresh schema so
//! tests run in parallel. If PostgreSQL cannot be reached, the tests skip
//! with a message, unless `HOCVUSO_REQUIRE_PG=1` (set by CI): then they fail.

use hocvuso_storage::{Store, StoreOptions};

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

pub struct TestDb {
    pub store: Store,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::connect(&StoreOptions::sqlite_file(&dir.path().join("test.sqlite")))
            .await
            .expect("open sqlite");
        TestDb {
            store,
            cleanup: Cleanup::Sqlite(dir),
        }
    }

    /// `None` when PostgreSQL is unreachable and not required.
    pub async fn postgres() -> Option<TestDb> {
        let url = pg_url();
        let schema = format!("t_{}", uuid_like());
        let mut opts = StoreOptions::new(url.clone());
        opts.pg_schema = Some(schema.clone());
        opts.max_connections = 4;
        match Store::connect(&opts).await {
            Ok(store) => Some(TestDb {
                store,
                cleanup: Cleanup::Postgres { url, schema },
            }),
            Err(e) if !pg_required() => {
                eprintln!("SKIP: PostgreSQL suite not run ({url} unreachable: {e}). Set HOCVUSO_REQUIRE_PG=1 to make this an error.");
                None
            }
            Err(e) => {
                panic!("PostgreSQL required (HOCVUSO_REQUIRE_PG=1) but unreachable at {url}: {e}")
            }
        }
    }

    pub async fn finish(self) {
        self.store.close().await;
        if let Cleanup::Postgres { url, schema } = &self.cleanup {
            Store::drop_pg_schema(url, schema)
                .await
                .expect("drop schema");
        }
    }
}

impl TestDb {
    /// Run SQL on this database behind the store's back, as someone with
    /// the database file or server would (tests of tamper detection).
    #[allow(dead_code)]
    pub async fn tamper(&self, sql: &str) {
        use sqlx::Connection;
        match &self.cleanup {
            Cleanup::Sqlite(dir) => {
                let url = format!("sqlite://{}", dir.path().join("test.sqlite").display());
                let mut c = sqlx::SqliteConnection::connect(&url)
                    .await
                    .expect("open sqlite");
                sqlx::query(sql).execute(&mut c).await.expect("tamper");
                c.close().await.expect("close");
            }
            Cleanup::Postgres { url, schema } => {
                let mut c = sqlx::PgConnection::connect(url).await.expect("open pg");
                sqlx::query(&format!("SET search_path TO {schema}"))
                    .execute(&mut c)
                    .await
                    .expect("search_path");
                sqlx::query(sql).execute(&mut c).await.expect("tamper");
                c.close().await.expect("close");
            }
        }
    }
}

fn uuid_like() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}

/// Run a test body against SQLite and PostgreSQL:
/// `engine_tests! { fn name(store) { ... } }` makes `sqlite::name` and `postgres::name`.
#[macro_export]
macro_rules! engine_tests {
    ($(async fn $name:ident($store:ident: Store) $body:block)*) => {
        $(async fn $name($store: hocvuso_storage::Store) $body)*
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let db = $crate::engines::TestDb::sqlite().await;
                    super::$name(db.store.clone()).await;
                    db.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(db) = $crate::engines::TestDb::postgres().await else { return };
                    super::$name(db.store.clone()).await;
                    db.finish().await;
                }
            )*
        }
    };
}
