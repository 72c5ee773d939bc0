//! Settings (key and value), procedure records edited from the web, and the
//! SQLite backup. Written once for both engines, like [`crate::learning`].

use crate::{Engine, PgStore, Result, SqliteStore, Store, StoreError};
use chrono::Utc;
use sqlx::Row;

macro_rules! settings_ops {
    ($Store:ident, $DB:ty, $engine:expr) => {
        impl $Store {
            async fn get_setting(&self, key: &str) -> Result<Option<String>> {
                Ok(sqlx::query_scalar::<$DB, String>("SELECT value FROM settings WHERE key = $1")
                    .bind(key)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
                sqlx::query::<$DB>(
                    "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                )
                .bind(key)
                .bind(value)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn procedure_overrides(&self) -> Result<Vec<(String, String)>> {
                let rows = sqlx::query::<$DB>("SELECT code, toml FROM procedure_overrides ORDER BY code").fetch_all(&self.read).await?;
                rows.into_iter().map(|r| Ok((r.try_get(0)?, r.try_get(1)?))).collect()
            }

            async fn save_procedure_override(&self, code: &str, toml: &str, by: &str) -> Result<()> {
                sqlx::query::<$DB>(
                    "INSERT INTO procedure_overrides (code, toml, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (code) DO UPDATE SET toml = excluded.toml, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                )
                .bind(code)
                .bind(toml)
                .bind(by)
                .bind(Utc::now())
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn backup_to(&self, path: &str) -> Result<()> {
                if $engine == Engine::Postgres {
                    return Err(StoreError::Invalid(
                        "Sao lưu PostgreSQL dùng công cụ pg_dump của máy chủ cơ sở dữ liệu (ví dụ: pg_dump -Fc hocvuso > hocvuso.dump)".into(),
                    ));
                }
                sqlx::query::<$DB>("VACUUM INTO $1").bind(path).execute(&self.write).await?;
                Ok(())
            }
        }
    };
}

settings_ops!(SqliteStore, sqlx::Sqlite, Engine::Sqlite);
settings_ops!(PgStore, sqlx::Postgres, Engine::Postgres);

impl Store {
    pub async fn get_setting(&self, key: &str) -> Result<Option<String>> {
        dispatch!(self, s => s.get_setting(key).await)
    }

    pub async fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        dispatch!(self, s => s.set_setting(key, value).await)
    }

    /// Procedure records edited from the web: (code, TOML of one record).
    pub async fn procedure_overrides(&self) -> Result<Vec<(String, String)>> {
        dispatch!(self, s => s.procedure_overrides().await)
    }

    /// Save an edited procedure record (already validated by the caller).
    pub async fn save_procedure_override(&self, code: &str, toml: &str, by: &str) -> Result<()> {
        dispatch!(self, s => s.save_procedure_override(code, toml, by).await)
    }

    /// Copy the SQLite database to a file (consistent, while serving).
    pub async fn backup_to(&self, path: &str) -> Result<()> {
        dispatch!(self, s => s.backup_to(path).await)
    }
}

impl Store {
    /// The day of a quarter's last month before which units report: the
    /// commune's setting, else the plan's 15
    /// ([`hocvuso_domain::quarter::report_before_day`]).
    pub async fn report_before_day(&self) -> Result<u32> {
        let v = self
            .get_setting(hocvuso_domain::quarter::REPORT_DAY_SETTING)
            .await?;
        Ok(hocvuso_domain::quarter::report_before_day(v.as_deref()))
    }
}
