//! Reading the audit log back: the latest entries (optionally of one object
//! type) and how often an action was recorded on one object. Writing and
//! checking the log is in [`crate::audit`]. Written once for both engines,
//! like [`crate::learning`].

use crate::{PgStore, Result, SqliteStore, Store};
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Row};

macro_rules! audit_row_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn audit_rows(&self, object_type: Option<&str>, limit: i64) -> Result<Vec<(DateTime<Utc>, String, String, String, String, String)>> {
                let mut qb = QueryBuilder::<$DB>::new("SELECT at, username, action, object_type, object_id, detail FROM audit_log WHERE 1 = 1");
                if let Some(t) = object_type {
                    qb.push(" AND object_type = ").push_bind(t);
                }
                qb.push(" ORDER BY id DESC LIMIT ").push_bind(limit);
                let rows = qb.build().fetch_all(&self.read).await?;
                rows.into_iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?, r.try_get(3)?, r.try_get(4)?, r.try_get(5)?)))
                    .collect()
            }

            async fn count_audit(&self, action: &str, object_type: &str, object_id: &str) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(*) FROM audit_log WHERE action = $1 AND object_type = $2 AND object_id = $3",
                )
                .bind(action)
                .bind(object_type)
                .bind(object_id)
                .fetch_one(&self.read)
                .await?)
            }
        }
    };
}

audit_row_ops!(SqliteStore, sqlx::Sqlite);
audit_row_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Latest audit rows: (at, username, action, object type, object id, detail).
    pub async fn audit_rows(
        &self,
        object_type: Option<&str>,
        limit: i64,
    ) -> Result<Vec<(DateTime<Utc>, String, String, String, String, String)>> {
        dispatch!(self, s => s.audit_rows(object_type, limit).await)
    }

    pub async fn count_audit(
        &self,
        action: &str,
        object_type: &str,
        object_id: &str,
    ) -> Result<i64> {
        dispatch!(self, s => s.count_audit(action, object_type, object_id).await)
    }
}
