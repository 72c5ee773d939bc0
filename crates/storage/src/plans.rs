//! The plans the office edited (issue 15): one file's text per year,
//! checked before it is saved. Written once for both engines.

use crate::{PgStore, Result, SqliteStore, Store};
use chrono::{DateTime, Utc};

macro_rules! plan_text_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn plan_years(&self) -> Result<Vec<(i32, DateTime<Utc>)>> {
                Ok(sqlx::query_as::<$DB, (i32, DateTime<Utc>)>("SELECT year, updated_at FROM plans ORDER BY year")
                    .fetch_all(&self.read)
                    .await?)
            }

            async fn plan_text(&self, year: i32) -> Result<Option<String>> {
                Ok(sqlx::query_scalar::<$DB, String>("SELECT text FROM plans WHERE year = $1")
                    .bind(year)
                    .fetch_optional(&self.read)
                    .await?)
            }

            async fn save_plan_text(&self, year: i32, text: &str, by: Option<i64>, at: DateTime<Utc>) -> Result<()> {
                sqlx::query::<$DB>(
                    "INSERT INTO plans (year, text, updated_by, updated_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (year) DO UPDATE SET text = excluded.text, updated_by = excluded.updated_by, \
                     updated_at = excluded.updated_at",
                )
                .bind(year)
                .bind(text)
                .bind(by)
                .bind(at)
                .execute(&self.write)
                .await?;
                Ok(())
            }
        }
    };
}

plan_text_ops!(SqliteStore, sqlx::Sqlite);
plan_text_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// The years with a plan the office saved, and when each was last saved.
    pub async fn plan_years(&self) -> Result<Vec<(i32, DateTime<Utc>)>> {
        dispatch!(self, s => s.plan_years().await)
    }

    /// The saved plan file of a year, if the office saved one.
    pub async fn plan_text(&self, year: i32) -> Result<Option<String>> {
        dispatch!(self, s => s.plan_text(year).await)
    }

    /// Save a year's plan file; the caller has checked it
    /// (`hocvuso_reporting::plan::parse`).
    pub async fn save_plan_text(
        &self,
        year: i32,
        text: &str,
        by: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<()> {
        dispatch!(self, s => s.save_plan_text(year, text, by, at).await)
    }
}
