//! Personal-data breaches the commune has found, and when it notified the
//! authority (issue 12; the deadline and what to notify are
//! `domain::breach`). Written once for both engines.

use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, Utc};
use hocvuso_domain::breach::BreachReport;
use sqlx::Row;

/// A breach as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachRecord {
    pub id: i64,
    pub report: BreachReport,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    /// When the office notified the authority, once it has.
    pub notified_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, discovered_at, happened, description, data_kinds, people, consequences, measures, recorded_by, recorded_at, notified_at";

macro_rules! breach_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn record_breach(&self, b: &BreachReport, by: &str, at: DateTime<Utc>) -> Result<i64> {
                let mut tx = self.write.begin().await?;
                let id = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO breaches (discovered_at, happened, description, data_kinds, people, consequences, measures, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(b.discovered_at)
                .bind(&b.happened)
                .bind(&b.description)
                .bind(&b.data_kinds)
                .bind(b.people)
                .bind(&b.consequences)
                .bind(&b.measures)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                self.commit_created(tx, Some(id)).await?;
                Ok(id)
            }

            async fn breaches(&self, id: Option<i64>) -> Result<Vec<BreachRecord>> {
                let sql = match id {
                    Some(_) => format!("SELECT {COLUMNS} FROM breaches WHERE id = $1"),
                    None => format!("SELECT {COLUMNS} FROM breaches WHERE id > $1 ORDER BY discovered_at DESC, id DESC"),
                };
                let rows = sqlx::query::<$DB>(&sql)
                    .bind(id.unwrap_or(0))
                    .fetch_all(&self.read)
                    .await?;
                rows.into_iter()
                    .map(|r| {
                        Ok(BreachRecord {
                            id: r.try_get(0)?,
                            report: BreachReport {
                                discovered_at: r.try_get(1)?,
                                happened: r.try_get(2)?,
                                description: r.try_get(3)?,
                                data_kinds: r.try_get(4)?,
                                people: r.try_get(5)?,
                                consequences: r.try_get(6)?,
                                measures: r.try_get(7)?,
                            },
                            recorded_by: r.try_get(8)?,
                            recorded_at: r.try_get(9)?,
                            notified_at: r.try_get(10)?,
                        })
                    })
                    .collect()
            }

            async fn mark_breach_notified(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
                let mut tx = self.write.begin().await?;
                let n = sqlx::query::<$DB>("UPDATE breaches SET notified_at = $1 WHERE id = $2 AND notified_at IS NULL")
                    .bind(at)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if n == 0 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                self.commit(tx).await?;
                Ok(true)
            }
        }
    };
}

breach_ops!(SqliteStore, sqlx::Sqlite);
breach_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Record a breach the office found, refused with the reason (nothing
    /// written) when the report does not hold (`BreachReport::problem`).
    pub async fn record_breach(&self, b: &BreachReport, recorded_by: &str) -> Result<i64> {
        let now = Utc::now();
        if let Some(problem) = b.problem(now) {
            return Err(StoreError::Invalid(problem));
        }
        dispatch!(self, s => s.record_breach(b, recorded_by, now).await)
    }

    /// Every breach recorded, the latest discovered first.
    pub async fn breaches(&self) -> Result<Vec<BreachRecord>> {
        dispatch!(self, s => s.breaches(None).await)
    }

    pub async fn breach(&self, id: i64) -> Result<Option<BreachRecord>> {
        Ok(dispatch!(self, s => s.breaches(Some(id)).await)?.pop())
    }

    /// Note that the authority was notified; `false` if there is no such
    /// breach or it was already noted (the first time is kept).
    pub async fn mark_breach_notified(&self, id: i64, at: DateTime<Utc>) -> Result<bool> {
        dispatch!(self, s => s.mark_breach_notified(id, at).await)
    }
}
