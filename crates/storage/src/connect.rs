//! Opening a store from a URL: `sqlite://path` (or a bare path) or `postgres://...`.

use crate::{AuditWriter, Inner, PgStore, Result, SqliteStore, Store, StoreError};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// `sqlite:///path/to/file.sqlite`, `sqlite::memory:` or `postgres://user@host/db`.
    pub url: String,
    /// PostgreSQL schema to use (created if missing); tests give each its own.
    pub pg_schema: Option<String>,
    pub max_connections: u32,
}

impl StoreOptions {
    pub fn new(url: impl Into<String>) -> Self {
        Self {
            url: url.into(),
            pg_schema: None,
            max_connections: 8,
        }
    }

    pub fn sqlite_file(path: &std::path::Path) -> Self {
        Self::new(format!("sqlite://{}", path.display()))
    }
}

/// Create an empty database file readable by its owner only (mode 0600 on
/// Unix), when there is none yet: SQLite would create it world-readable
/// (0644), and its WAL and shared-memory files take the database file's
/// mode. An existing file is left as it is; an error (no such folder) is
/// left for SQLite to report.
fn create_private_file(path: &std::path::Path) {
    let mut open = std::fs::OpenOptions::new();
    open.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut open, 0o600);
    let _ = open.open(path);
}

impl Store {
    /// Connect and run the embedded migrations of the engine.
    pub async fn connect(opts: &StoreOptions) -> Result<Store> {
        let url = opts.url.trim();
        let inner = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let mut o =
                PgConnectOptions::from_str(url).map_err(|e| StoreError::Connect(e.to_string()))?;
            if let Some(schema) = &opts.pg_schema {
                if !schema
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    return Err(StoreError::Invalid(format!(
                        "Tên schema không hợp lệ: {schema}"
                    )));
                }
                let admin = PgPoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(Duration::from_secs(10))
                    .connect_with(o.clone())
                    .await
                    .map_err(|e| StoreError::Connect(e.to_string()))?;
                sqlx::query(&format!("CREATE SCHEMA IF NOT EXISTS {schema}"))
                    .execute(&admin)
                    .await?;
                admin.close().await;
                o = o.options([("search_path", schema.as_str())]);
            }
            let pool = PgPoolOptions::new()
                .max_connections(opts.max_connections.max(2))
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(o)
                .await
                .map_err(|e| StoreError::Connect(e.to_string()))?;
            sqlx::migrate!("./migrations/postgres").run(&pool).await?;
            Inner::Postgres(PgStore {
                read: pool.clone(),
                write: pool,
                audit: None,
            })
        } else {
            let path = url
                .strip_prefix("sqlite://")
                .or_else(|| url.strip_prefix("sqlite:"))
                .unwrap_or(url);
            let base = if path == ":memory:" {
                SqliteConnectOptions::from_str("sqlite::memory:")
                    .map_err(|e| StoreError::Connect(e.to_string()))?
            } else {
                create_private_file(std::path::Path::new(path));
                SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
            };
            let base = base
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-16000")
                .pragma("temp_store", "memory");
            // One writer: every write is serialised on this connection.
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .acquire_timeout(Duration::from_secs(30))
                .connect_with(base.clone())
                .await
                .map_err(|e| StoreError::Connect(e.to_string()))?;
            sqlx::migrate!("./migrations/sqlite").run(&write).await?;
            let read = if path == ":memory:" {
                write.clone()
            } else {
                SqlitePoolOptions::new()
                    .max_connections(opts.max_connections.max(1))
                    .acquire_timeout(Duration::from_secs(30))
                    .connect_with(base.read_only(true))
                    .await
                    .map_err(|e| StoreError::Connect(e.to_string()))?
            };
            Inner::Sqlite(SqliteStore {
                read,
                write,
                audit: None,
            })
        };
        let audit = AuditWriter::spawn(inner.clone());
        let questions = crate::assistant_log::QuestionWriter::spawn(inner.clone());
        Ok(Store {
            inner,
            audit,
            questions,
            hamlets: crate::cache::Cached::new(std::time::Duration::from_secs(5)),
            sessions: crate::cache::CachedMap::new(
                std::time::Duration::from_secs(crate::users::SESSION_CACHE_SECS),
                10_000,
            ),
        })
    }

    /// Drop a PostgreSQL schema (test clean-up).
    pub async fn drop_pg_schema(url: &str, schema: &str) -> Result<()> {
        if !schema
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            return Err(StoreError::Invalid(format!(
                "Tên schema không hợp lệ: {schema}"
            )));
        }
        let o = PgConnectOptions::from_str(url).map_err(|e| StoreError::Connect(e.to_string()))?;
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .connect_with(o)
            .await
            .map_err(|e| StoreError::Connect(e.to_string()))?;
        sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
            .execute(&pool)
            .await?;
        pool.close().await;
        Ok(())
    }
}
