//! What staff lists and class lists are matched against: every resident's
//! name, birth date and citizen ID (`hocvuso_domain::exchange::PersonKey`). Written
//! once for both engines, like [`crate::units`].

use crate::{PgStore, Result, SqliteStore, Store};
use hocvuso_domain::exchange::PersonKey;
use hocvuso_domain::BirthDate;
use sqlx::Row;

macro_rules! people_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn person_keys(&self) -> Result<Vec<PersonKey>> {
                let rows = sqlx::query::<$DB>(
                    "SELECT id, full_name, birth, citizen_id FROM residents ORDER BY id",
                )
                .fetch_all(&self.read)
                .await?;
                rows.into_iter()
                    .map(|r| {
                        let birth: Option<String> = r.try_get(2)?;
                        Ok(PersonKey {
                            id: r.try_get(0)?,
                            full_name: r.try_get(1)?,
                            birth_date: birth.as_deref().and_then(BirthDate::from_storage),
                            citizen_id: r.try_get(3)?,
                        })
                    })
                    .collect()
            }
        }
    };
}

people_ops!(SqliteStore, sqlx::Sqlite);
people_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Every resident as a staff list or class list is matched against: id,
    /// name, birth date (or year) and citizen ID. Never logged.
    pub async fn person_keys(&self) -> Result<Vec<PersonKey>> {
        dispatch!(self, s => s.person_keys().await)
    }
}
