//! When a resident was entered in the registry (`residents.created_at`): a
//! quiz answered before then cannot be theirs, whatever the phone's clock
//! says (`hocvuso_domain::time::accepted_answer_time`). Written once for both
//! engines, like [`crate::units`].

use crate::{PgStore, Result, SqliteStore, Store};
use chrono::{DateTime, Utc};

macro_rules! resident_time_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn resident_created_at(&self, id: i64) -> Result<Option<DateTime<Utc>>> {
                Ok(sqlx::query_scalar::<$DB, DateTime<Utc>>(
                    "SELECT created_at FROM residents WHERE id = $1",
                )
                .bind(id)
                .fetch_optional(&self.read)
                .await?)
            }
        }
    };
}

resident_time_ops!(SqliteStore, sqlx::Sqlite);
resident_time_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// When the resident was entered in the registry; `None` for an unknown id.
    pub async fn resident_created_at(&self, id: i64) -> Result<Option<DateTime<Utc>>> {
        dispatch!(self, s => s.resident_created_at(id).await)
    }
}
