//! Consent per resident and purpose (issue 12, Law 91/2025/QH15). Each
//! change appends a row; the latest row of a (resident, purpose) is the
//! consent in force ([`consent_in_force`] is the one SQL form of that rule,
//! used by the lists that name people). Written once for both engines.

use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_domain::privacy::{
    consent_parties, ConsentGiven, ConsentMethod, ConsentPurpose, MAX_GUARDIAN_CHARS,
};
use hocvuso_domain::BirthDate;
use sqlx::Row;

/// One recorded consent (or refusal, or withdrawal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentRecord {
    pub purpose: ConsentPurpose,
    pub agreed: bool,
    pub by_person: bool,
    pub guardian: String,
    pub method: ConsentMethod,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

impl ConsentRecord {
    /// A stored row, or `None` for a purpose or method code that a later
    /// version wrote and this one does not know (skipped, not an error).
    #[allow(clippy::too_many_arguments)] // the columns of one row, in order
    pub(crate) fn from_parts(
        purpose: String,
        agreed: bool,
        by_person: bool,
        guardian: String,
        method: String,
        recorded_by: String,
        recorded_at: DateTime<Utc>,
    ) -> Option<ConsentRecord> {
        Some(ConsentRecord {
            purpose: ConsentPurpose::from_code(&purpose)?,
            agreed,
            by_person,
            guardian,
            method: ConsentMethod::from_code(&method)?,
            recorded_by,
            recorded_at,
        })
    }
}

/// The columns of a consent row, newest first, for `$1`'s resident.
pub(crate) const CONSENT_COLUMNS: &str =
    "purpose, agreed, by_person, guardian, method, recorded_by, recorded_at";

/// The consents in force of one person: the latest record per purpose.
pub fn in_force(history: &[ConsentRecord]) -> Vec<(ConsentPurpose, Option<&ConsentRecord>)> {
    ConsentPurpose::ALL
        .into_iter()
        .map(|p| {
            // `history` is newest first.
            (p, history.iter().find(|c| c.purpose == p))
        })
        .collect()
}

/// Whether `purpose` is in force in one person's history (newest first):
/// their latest record for it says agreed.
pub fn consent_given_in(history: &[ConsentRecord], purpose: ConsentPurpose) -> bool {
    history
        .iter()
        .find(|c| c.purpose == purpose)
        .is_some_and(|c| c.agreed)
}

/// The SQL form of [`consent_given_in`]: true when the resident aliased `r`
/// has `purpose` in force: their latest row for it says agreed.
pub(crate) fn consent_in_force(purpose: ConsentPurpose) -> String {
    // The code is a fixed ASCII word from the domain, never user input.
    let code = purpose.code();
    format!(
        "EXISTS (SELECT 1 FROM consents c WHERE c.resident_id = r.id AND c.purpose = '{code}' \
         AND c.agreed AND NOT EXISTS (SELECT 1 FROM consents c2 WHERE c2.resident_id = c.resident_id \
         AND c2.purpose = c.purpose AND c2.id > c.id))"
    )
}

/// Every Nth demo resident has given no consent, so that the demo shows
/// people counted but not named.
const DEMO_WITHOUT_CONSENT: i64 = 8;

macro_rules! consent_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn record_consent(&self, resident_id: i64, c: &ConsentGiven, by: &str, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.write.begin().await?;
                sqlx::query::<$DB>(
                    "INSERT INTO consents (resident_id, purpose, agreed, by_person, guardian, method, recorded_by, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(resident_id)
                .bind(c.purpose.code())
                .bind(c.agreed)
                .bind(c.by_person)
                .bind(c.guardian.trim())
                .bind(c.method.code())
                .bind(by)
                .bind(at)
                .execute(&mut *tx)
                .await?;
                self.commit(tx).await
            }

            async fn consents_of(&self, resident_id: i64) -> Result<Vec<ConsentRecord>> {
                let rows = sqlx::query::<$DB>(
                    &format!("SELECT {CONSENT_COLUMNS} FROM consents WHERE resident_id = $1 ORDER BY id DESC"),
                )
                .bind(resident_id)
                .fetch_all(&self.read)
                .await?;
                let mut out = Vec::with_capacity(rows.len());
                for r in rows {
                    out.extend(ConsentRecord::from_parts(
                        r.try_get(0)?,
                        r.try_get(1)?,
                        r.try_get(2)?,
                        r.try_get(3)?,
                        r.try_get(4)?,
                        r.try_get(5)?,
                        r.try_get(6)?,
                    ));
                }
                Ok(out)
            }

            async fn seed_demo_consents(&self, today: NaiveDate, at: DateTime<Utc>) -> Result<usize> {
                let rows = sqlx::query::<$DB>(
                    "SELECT r.id, r.birth, h.head_name FROM residents r JOIN households h ON h.id = r.household_id \
                     WHERE NOT EXISTS (SELECT 1 FROM consents c WHERE c.resident_id = r.id) ORDER BY r.id",
                )
                .fetch_all(&self.read)
                .await?;
                let mut given: Vec<(i64, bool, String)> = Vec::new();
                for r in rows {
                    let id: i64 = r.try_get(0)?;
                    if id % DEMO_WITHOUT_CONSENT == 0 {
                        continue;
                    }
                    let birth: Option<String> = r.try_get(1)?;
                    let head: String = r.try_get(2)?;
                    let parties = consent_parties(birth.as_deref().and_then(BirthDate::from_storage), today);
                    let guardian = if parties.guardian { head } else { String::new() };
                    given.push((id, parties.person, guardian));
                }
                let mut tx = self.write.begin().await?;
                for chunk in given.chunks(500) {
                    let mut qb = sqlx::QueryBuilder::<$DB>::new(
                        "INSERT INTO consents (resident_id, purpose, agreed, by_person, guardian, method, recorded_by, recorded_at) ",
                    );
                    let rows = chunk.iter().flat_map(|g| ConsentPurpose::ALL.into_iter().map(move |p| (g, p)));
                    qb.push_values(rows, |mut b, ((id, by_person, guardian), p)| {
                        b.push_bind(*id)
                            .push_bind(p.code())
                            .push_bind(true)
                            .push_bind(*by_person)
                            .push_bind(guardian.clone())
                            .push_bind(ConsentMethod::Paper.code())
                            .push_bind("xa-mau")
                            .push_bind(at);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                tx.commit().await?;
                Ok(given.len())
            }
        }
    };
}

consent_ops!(SqliteStore, sqlx::Sqlite);
consent_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Record a consent, refusal or withdrawal for a resident, checked
    /// against who must agree at the resident's age today (a child of 7 or
    /// more and a guardian; under 7 a guardian; an adult alone). Refused
    /// with the reason, nothing written, when it does not hold.
    pub async fn record_consent(
        &self,
        resident_id: i64,
        birth: Option<BirthDate>,
        c: &ConsentGiven,
        recorded_by: &str,
        today: NaiveDate,
    ) -> Result<()> {
        if c.guardian.chars().count() > MAX_GUARDIAN_CHARS {
            return Err(StoreError::Invalid(format!(
                "Họ tên cha, mẹ hoặc người giám hộ dài quá {MAX_GUARDIAN_CHARS} ký tự"
            )));
        }
        if let Some(problem) = c.problem(consent_parties(birth, today)) {
            return Err(StoreError::Invalid(problem.to_string()));
        }
        dispatch!(self, s => s.record_consent(resident_id, c, recorded_by, Utc::now()).await)
    }

    /// Every consent recorded for a resident, newest first.
    pub async fn consents_of(&self, resident_id: i64) -> Result<Vec<ConsentRecord>> {
        dispatch!(self, s => s.consents_of(resident_id).await)
    }

    /// Whether `purpose` is in force for this resident.
    pub async fn consent_given(&self, resident_id: i64, purpose: ConsentPurpose) -> Result<bool> {
        Ok(consent_given_in(
            &self.consents_of(resident_id).await?,
            purpose,
        ))
    }

    /// The demo commune: most residents agreed on paper to every purpose
    /// (a guardian, the head of household, for children); every eighth has
    /// not, to show lists that count people without naming them.
    pub async fn seed_demo_consents(&self, today: NaiveDate) -> Result<usize> {
        dispatch!(self, s => s.seed_demo_consents(today, Utc::now()).await)
    }
}
