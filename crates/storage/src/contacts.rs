//! How a unit and a hamlet's team are reached (issue 15): the address a
//! unit's report reminders are emailed to, the reminders sent (one per unit
//! and quarter), and the team members of a hamlet as its public "who to
//! ask" page shows them, a phone number only where its owner agreed.
//! Written once for both engines.

use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, Utc};
use serde::Serialize;

/// A hamlet's helper as the public page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Helper {
    pub full_name: String,
    /// "Tổ trưởng", "Thành viên"…
    pub position: String,
    /// The team's name or the hamlet's ("Tổ công nghệ số cộng đồng xóm Nà Mòn").
    pub unit: String,
    /// Only where the member agreed to publish it.
    pub phone: Option<String>,
}

macro_rules! contact_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn unit_emails(&self) -> Result<Vec<(i64, String)>> {
                Ok(sqlx::query_as::<$DB, (i64, String)>(
                    "SELECT unit_id, email FROM unit_contacts ORDER BY unit_id",
                )
                .fetch_all(&self.read)
                .await?)
            }

            async fn set_unit_email(&self, unit_id: i64, email: Option<&str>) -> Result<()> {
                match email {
                    Some(e) => {
                        sqlx::query::<$DB>(
                            "INSERT INTO unit_contacts (unit_id, email) VALUES ($1, $2) \
                             ON CONFLICT (unit_id) DO UPDATE SET email = excluded.email",
                        )
                        .bind(unit_id)
                        .bind(e)
                        .execute(&self.write)
                        .await?;
                    }
                    None => {
                        sqlx::query::<$DB>("DELETE FROM unit_contacts WHERE unit_id = $1")
                            .bind(unit_id)
                            .execute(&self.write)
                            .await?;
                    }
                }
                Ok(())
            }

            async fn reminders_sent(&self, quarter: &str) -> Result<Vec<(i64, DateTime<Utc>)>> {
                Ok(sqlx::query_as::<$DB, (i64, DateTime<Utc>)>(
                    "SELECT unit_id, sent_at FROM report_reminders WHERE quarter = $1 ORDER BY unit_id",
                )
                .bind(quarter)
                .fetch_all(&self.read)
                .await?)
            }

            async fn claim_reminder(&self, unit_id: i64, quarter: &str, at: DateTime<Utc>) -> Result<bool> {
                let n = sqlx::query::<$DB>(
                    "INSERT INTO report_reminders (unit_id, quarter, sent_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (unit_id, quarter) DO NOTHING",
                )
                .bind(unit_id)
                .bind(quarter)
                .bind(at)
                .execute(&self.write)
                .await?
                .rows_affected();
                Ok(n == 1)
            }

            async fn release_reminder(&self, unit_id: i64, quarter: &str) -> Result<()> {
                sqlx::query::<$DB>("DELETE FROM report_reminders WHERE unit_id = $1 AND quarter = $2")
                    .bind(unit_id)
                    .bind(quarter)
                    .execute(&self.write)
                    .await?;
                Ok(())
            }

            async fn set_publish_phone(&self, unit_id: i64, resident_id: i64, on: bool) -> Result<bool> {
                let n = sqlx::query::<$DB>(
                    "UPDATE unit_members SET publish_phone = $1 WHERE unit_id = $2 AND resident_id = $3",
                )
                .bind(on)
                .bind(unit_id)
                .bind(resident_id)
                .execute(&self.write)
                .await?
                .rows_affected();
                Ok(n == 1)
            }

            async fn published_phones(&self, unit_id: i64) -> Result<Vec<i64>> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT resident_id FROM unit_members WHERE unit_id = $1 AND publish_phone ORDER BY resident_id",
                )
                .bind(unit_id)
                .fetch_all(&self.read)
                .await?)
            }

            async fn helpers(&self, hamlet_id: i64, team_type: &str) -> Result<Vec<Helper>> {
                let rows = sqlx::query_as::<$DB, (String, String, String, Option<String>, bool)>(
                    "SELECT r.full_name, m.title, u.name, r.phone, m.publish_phone \
                     FROM unit_members m JOIN units u ON u.id = m.unit_id JOIN residents r ON r.id = m.resident_id \
                     WHERE u.hamlet_id = $1 AND u.unit_type = $2 AND u.active \
                     ORDER BY m.title = '', r.name_key LIMIT 100",
                )
                .bind(hamlet_id)
                .bind(team_type)
                .fetch_all(&self.read)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(full_name, position, unit, phone, publish)| Helper {
                        full_name,
                        position,
                        unit,
                        phone: phone.filter(|p| publish && !p.trim().is_empty()),
                    })
                    .collect())
            }
        }
    };
}

contact_ops!(SqliteStore, sqlx::Sqlite);
contact_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Each unit's reminder address: (unit id, email).
    pub async fn unit_emails(&self) -> Result<Vec<(i64, String)>> {
        dispatch!(self, s => s.unit_emails().await)
    }

    /// Set (or, with `None`, remove) the address a unit's report reminders
    /// go to. The address is checked by the caller
    /// ([`hocvuso_domain::contact::email`]).
    pub async fn set_unit_email(&self, unit_id: i64, email: Option<&str>) -> Result<()> {
        if !self.list_units().await?.iter().any(|u| u.id == unit_id) {
            return Err(StoreError::NotFound("đơn vị".into()));
        }
        dispatch!(self, s => s.set_unit_email(unit_id, email).await)
    }

    /// The reminders emailed for a quarter: (unit id, when).
    pub async fn reminders_sent(&self, quarter: &str) -> Result<Vec<(i64, DateTime<Utc>)>> {
        dispatch!(self, s => s.reminders_sent(quarter).await)
    }

    /// Mark the unit's reminder for the quarter as sent, before sending it:
    /// true for the one caller that may send it, false if it went already
    /// (two servers or a click during the hourly round send it once).
    pub async fn claim_reminder(
        &self,
        unit_id: i64,
        quarter: &str,
        at: DateTime<Utc>,
    ) -> Result<bool> {
        dispatch!(self, s => s.claim_reminder(unit_id, quarter, at).await)
    }

    /// Undo [`Store::claim_reminder`] when the email could not be sent, so
    /// that the next round tries again.
    pub async fn release_reminder(&self, unit_id: i64, quarter: &str) -> Result<()> {
        dispatch!(self, s => s.release_reminder(unit_id, quarter).await)
    }

    /// Record whether a member agreed to have their phone number on the
    /// public "who to ask" page; false if they are not a member of it.
    pub async fn set_publish_phone(
        &self,
        unit_id: i64,
        resident_id: i64,
        on: bool,
    ) -> Result<bool> {
        dispatch!(self, s => s.set_publish_phone(unit_id, resident_id, on).await)
    }

    /// The members of a unit who agreed to publish their phone number.
    pub async fn published_phones(&self, unit_id: i64) -> Result<Vec<i64>> {
        dispatch!(self, s => s.published_phones(unit_id).await)
    }

    /// The community digital team of a hamlet, as its public page shows
    /// them: names and positions, phone numbers only where agreed.
    pub async fn helpers(&self, hamlet_id: i64) -> Result<Vec<Helper>> {
        let team = hocvuso_domain::UnitType::DigitalTeam.code();
        dispatch!(self, s => s.helpers(hamlet_id, team).await)
    }
}
