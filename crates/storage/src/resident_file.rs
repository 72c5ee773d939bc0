//! A resident's page in one statement: the resident within the reader's
//! scope, their groups, their learning (`crate::learning::LEARNER_ROWS`) and
//! their consent history, as one row whose last two columns are JSON. The
//! page is the one officials open most; on SQLite every statement is a hand-
//! over to the driver's thread, so one statement instead of three is most of
//! its cost (issue 13). Written once for both engines, like
//! [`crate::learning`].

use crate::consent::{ConsentRecord, CONSENT_COLUMNS};
use crate::learning::{LearnerRow, LearnerSummary, LEARNER_ROWS};
use crate::registry::push_scope_and_filter;
use crate::rows::ResidentWithGroups;
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, Utc};
use hocvuso_domain::auth::ResidentScope;
use hocvuso_domain::{Resident, ResidentFilter};
use sqlx::QueryBuilder;

/// What a resident's page shows, read at once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResidentFile {
    pub resident: Resident,
    pub learning: LearnerSummary,
    /// Newest first, as [`Store::consents_of`] gives them.
    pub consents: Vec<ConsentRecord>,
}

/// Push `sql`, binding `id` wherever it says `$1` (the fragments are shared
/// with statements that bind `$1` once; here they sit beside other binds).
fn push_with_id<'a, DB: sqlx::Database>(qb: &mut QueryBuilder<'a, DB>, sql: &str, id: i64)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut pieces = sql.split("$1");
    if let Some(first) = pieces.next() {
        qb.push(first);
    }
    for piece in pieces {
        qb.push_bind(id);
        qb.push(piece);
    }
}

/// A JSON column that does not read as this code wrote it.
fn corrupt(what: String) -> StoreError {
    StoreError::Database(sqlx::Error::Decode(what.into()))
}

/// A time as either engine writes it into JSON: RFC 3339 (PostgreSQL) or
/// SQLite's text with a space between date and time.
fn json_time(v: &serde_json::Value) -> Option<DateTime<Utc>> {
    let s = v.as_str()?;
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_rfc3339(&s.replacen(' ', "T", 1)))
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%:z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A boolean as either engine writes it into JSON: `true` or `1`.
fn json_bool(v: &serde_json::Value) -> Option<bool> {
    v.as_bool().or_else(|| v.as_i64().map(|n| n != 0))
}

fn json_text(v: &serde_json::Value) -> Option<String> {
    v.as_str().map(str::to_string)
}

fn decode_learning(json: &str) -> Result<LearnerSummary> {
    let rows: Vec<LearnerRow> =
        serde_json::from_str(json).map_err(|e| corrupt(format!("learning: {e}")))?;
    Ok(LearnerSummary::of(rows))
}

fn decode_consents(json: &str) -> Result<Vec<ConsentRecord>> {
    let rows: Vec<Vec<serde_json::Value>> =
        serde_json::from_str(json).map_err(|e| corrupt(format!("consents: {e}")))?;
    let mut out: Vec<(i64, ConsentRecord)> = Vec::with_capacity(rows.len());
    for row in rows {
        let bad = || corrupt(format!("consent row {row:?}"));
        let [id, purpose, agreed, by_person, guardian, method, recorded_by, recorded_at] =
            row.as_slice()
        else {
            return Err(bad());
        };
        let record = ConsentRecord::from_parts(
            json_text(purpose).ok_or_else(bad)?,
            json_bool(agreed).ok_or_else(bad)?,
            json_bool(by_person).ok_or_else(bad)?,
            json_text(guardian).ok_or_else(bad)?,
            json_text(method).ok_or_else(bad)?,
            json_text(recorded_by).ok_or_else(bad)?,
            json_time(recorded_at).ok_or_else(bad)?,
        );
        if let Some(r) = record {
            out.push((id.as_i64().ok_or_else(bad)?, r));
        }
    }
    // Newest first: the aggregate's order is not promised by either engine.
    out.sort_by_key(|(id, _)| std::cmp::Reverse(*id));
    Ok(out.into_iter().map(|(_, r)| r).collect())
}

macro_rules! resident_file_ops {
    ($Store:ident, $DB:ty, $learning_json:expr, $consents_json:expr) => {
        impl $Store {
            async fn resident_file(
                &self,
                scope: ResidentScope,
                id: i64,
            ) -> Result<Option<ResidentFile>> {
                let mut qb = QueryBuilder::<$DB>::new(format!(
                    "SELECT {}, {}, (SELECT ",
                    crate::rows::RESIDENT_COLUMNS,
                    Self::GROUPS_COLUMN
                ));
                qb.push($learning_json).push(" FROM (");
                push_with_id(&mut qb, LEARNER_ROWS, id);
                qb.push(") x) AS learning, (SELECT ").push($consents_json);
                qb.push(format!(
                    " FROM (SELECT id, {CONSENT_COLUMNS} FROM consents WHERE resident_id = "
                ));
                qb.push_bind(id);
                qb.push(") c) AS consents FROM residents r WHERE r.id = ");
                qb.push_bind(id);
                push_scope_and_filter!(&mut qb, scope, &ResidentFilter::default(), " AND ");
                let Some(row) = qb.build().fetch_optional(&self.read).await? else {
                    return Ok(None);
                };
                use sqlx::Row;
                let resident = <ResidentWithGroups as sqlx::FromRow<
                    '_,
                    <$DB as sqlx::Database>::Row,
                >>::from_row(&row)?
                .into_resident();
                let learning: Option<String> = row.try_get("learning")?;
                let consents: Option<String> = row.try_get("consents")?;
                Ok(Some(ResidentFile {
                    resident,
                    learning: decode_learning(learning.as_deref().unwrap_or("[]"))?,
                    consents: decode_consents(consents.as_deref().unwrap_or("[]"))?,
                }))
            }
        }
    };
}

resident_file_ops!(
    SqliteStore,
    sqlx::Sqlite,
    "json_group_array(json_array(x.k, x.c, x.t, x.n, x.b))",
    "json_group_array(json_array(c.id, c.purpose, c.agreed, c.by_person, c.guardian, c.method, c.recorded_by, c.recorded_at))"
);
resident_file_ops!(
    PgStore,
    sqlx::Postgres,
    "COALESCE(json_agg(json_build_array(x.k, x.c, x.t, x.n, x.b))::text, '[]')",
    "COALESCE(json_agg(json_build_array(c.id, c.purpose, c.agreed, c.by_person, c.guardian, c.method, c.recorded_by, c.recorded_at))::text, '[]')"
);

impl Store {
    /// A resident within `scope` with their learning and consent history,
    /// in one statement; `None` when the id is unknown or outside the scope.
    /// The same as [`Store::get_resident`], [`Store::learner_summary`] and
    /// [`Store::consents_of`] together (a test holds them equal).
    pub async fn resident_file(
        &self,
        scope: ResidentScope,
        id: i64,
    ) -> Result<Option<ResidentFile>> {
        dispatch!(self, s => s.resident_file(scope, id).await)
    }
}
