//! What the indicators count, as SQL aggregates over the registry and the
//! learning records; pilot models; the units' quarterly reports. Written once
//! for both engines, like [`crate::registry`].

use crate::consent::consent_in_force;
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_domain::privacy::ConsentPurpose;
use hocvuso_domain::students::FIRST_COUNTED_GRADE;
use hocvuso_domain::{MemberCategory, UnitType};
use sqlx::QueryBuilder;

/// Who an indicator is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Population {
    /// Residents in a target group (`resident_groups.group_code`).
    Group(String),
    /// Members of the community digital teams.
    DigitalTeam,
    /// The cán bộ and công chức of the commune's own bodies (the plan's
    /// first target), by their category in an active unit
    /// (`MemberCategory::is_commune_official_in`).
    CommuneOfficials,
    /// Students from grade [`FIRST_COUNTED_GRADE`] up on an active school's
    /// class list (`students`), not a hand-set mark.
    Students,
    /// Staff of one unit.
    Staff(i64),
    /// Residents of one hamlet.
    Hamlet(i64),
}

/// What makes a resident count as reached (any one of the criteria).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Criterion {
    /// Passed every one of these courses (reached at the last pass).
    AllCourses(Vec<String>),
    /// Passed at least one of these courses.
    AnyCourse(Vec<String>),
    /// Asked the assistant while logged in.
    Assistant,
    /// Reached this digital milestone (its code, `domain::field::Milestone`),
    /// recorded at a visit or a class.
    Milestone(String),
}

/// One cell of an indicator's count: residents of the population in a
/// hamlet (or a group), by when they were reached. `bucket` is -1 for not
/// reached, `k` for reached before the k-th bound, `bounds.len()` for after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct ReachRow {
    pub key: i64,
    pub bucket: i64,
    pub n: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct GroupReachRow {
    pub bucket: i64,
    pub n: i64,
}

/// A resident behind an indicator's number (drill-down).
/// The people behind an indicator, one page of them: everyone is counted
/// in `total`; only those who consented to be named are in `named` and
/// listed in `people` (domain::privacy::ConsentPurpose::NamedLists).
#[derive(Debug, Clone)]
pub struct ReachList {
    pub total: i64,
    pub named: i64,
    pub people: Vec<ReachPerson>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ReachPerson {
    pub id: i64,
    pub full_name: String,
    pub hamlet_id: i64,
    pub birth_year: Option<i32>,
    pub reached_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PilotModel {
    pub id: i64,
    pub kind: String,
    pub name: String,
    pub place: String,
    pub unit_id: Option<i64>,
    pub hamlet_id: Option<i64>,
    pub criteria: String,
    pub status: String,
    pub evidence: String,
    pub started_on: Option<NaiveDate>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct NewPilotModel {
    pub kind: String,
    pub name: String,
    pub place: String,
    pub unit_id: Option<i64>,
    pub hamlet_id: Option<i64>,
    pub criteria: String,
    pub status: String,
    pub evidence: String,
    pub started_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct UnitReport {
    pub id: i64,
    pub unit_id: i64,
    pub quarter: String,
    pub state: String,
    /// JSON object: field key → number.
    pub numbers: String,
    /// JSON object: narrative key → text.
    pub narrative: String,
    pub return_note: String,
    pub updated_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
}

impl UnitReport {
    /// Its numbers, key → number (stored JSON that does not read as one
    /// gives none).
    pub fn figures(&self) -> std::collections::BTreeMap<String, i64> {
        serde_json::from_str(&self.numbers).unwrap_or_default()
    }

    /// Whether it was submitted (and not returned since).
    pub fn is_submitted(&self) -> bool {
        hocvuso_domain::StoredState::from_code(&self.state)
            == Some(hocvuso_domain::StoredState::Submitted)
    }
}

/// Residents noted as changed in `(after, upto]` of `indicator_dirty`.
type Dirty = Option<(i64, i64)>;

/// `AND <col> IN (the residents noted as changed)`, when refreshing only those.
fn push_dirty<'a, DB: sqlx::Database>(qb: &mut QueryBuilder<'a, DB>, col: &str, dirty: Dirty)
where
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    if let Some((after, upto)) = dirty {
        qb.push(format!(
            " AND {col} IN (SELECT resident_id FROM indicator_dirty WHERE seq > "
        ))
        .push_bind(after)
        .push(" AND seq <= ")
        .push_bind(upto)
        .push(")");
    }
}

/// Push the population as a subquery selecting `resident_id`.
fn push_population<'a, DB: sqlx::Database>(
    qb: &mut QueryBuilder<'a, DB>,
    p: &'a Population,
    dirty: Dirty,
) where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    match p {
        Population::Group(g) => {
            qb.push("SELECT DISTINCT resident_id FROM resident_groups WHERE group_code = ")
                .push_bind(g.clone());
            push_dirty(qb, "resident_id", dirty);
        }
        Population::DigitalTeam => {
            qb.push(
                "SELECT DISTINCT m.resident_id FROM unit_members m JOIN units u ON u.id = m.unit_id \
                 WHERE u.unit_type = 'to_cnscd'",
            );
            push_dirty(qb, "m.resident_id", dirty);
        }
        Population::CommuneOfficials => {
            // The lists come from the domain rule, not restated here.
            let quote = |codes: Vec<&str>| {
                codes
                    .iter()
                    .map(|c| format!("'{c}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let categories = quote(
                MemberCategory::ALL
                    .into_iter()
                    .filter(|c| c.is_official())
                    .map(MemberCategory::code)
                    .collect(),
            );
            let bodies = quote(
                UnitType::ALL
                    .into_iter()
                    .filter(|t| t.is_commune_body())
                    .map(UnitType::code)
                    .collect(),
            );
            qb.push(format!(
                "SELECT DISTINCT m.resident_id FROM unit_members m JOIN units u ON u.id = m.unit_id \
                 WHERE u.active AND m.category IN ({categories}) AND u.unit_type IN ({bodies})"
            ));
            push_dirty(qb, "m.resident_id", dirty);
        }
        Population::Students => {
            qb.push(format!(
                "SELECT s.resident_id FROM students s JOIN units u ON u.id = s.unit_id \
                 WHERE u.active AND s.grade >= {FIRST_COUNTED_GRADE}"
            ));
            push_dirty(qb, "s.resident_id", dirty);
        }
        Population::Staff(unit) => {
            qb.push("SELECT resident_id FROM unit_members WHERE unit_id = ")
                .push_bind(*unit);
            push_dirty(qb, "resident_id", dirty);
        }
        Population::Hamlet(h) => {
            qb.push("SELECT id AS resident_id FROM residents WHERE hamlet_id = ")
                .push_bind(*h);
            push_dirty(qb, "id", dirty);
        }
    }
}

/// Push the reached set as a subquery selecting `resident_id, t` (when).
/// `course_col` is how the certificates' course column is named in the
/// filter: SQLite gets `+course_id`, which keeps it from the course index so
/// it walks the (resident, course, date) index in order with no sort.
fn push_reached<'a, DB: sqlx::Database>(
    qb: &mut QueryBuilder<'a, DB>,
    criteria: &'a [Criterion],
    course_col: &str,
    dirty: Dirty,
) where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push("SELECT resident_id, MIN(t) AS t FROM (");
    let mut first = true;
    for c in criteria {
        if !first {
            qb.push(" UNION ALL ");
        }
        first = false;
        match c {
            Criterion::AllCourses(ids) | Criterion::AnyCourse(ids) => {
                let all = matches!(c, Criterion::AllCourses(_));
                qb.push(if all {
                    "SELECT resident_id, MAX(issued_at) AS t FROM certificates WHERE "
                } else {
                    "SELECT resident_id, MIN(issued_at) AS t FROM certificates WHERE "
                });
                qb.push(course_col).push(" IN (");
                let mut sep = qb.separated(", ");
                for id in ids {
                    sep.push_bind(id.clone());
                }
                qb.push(")");
                push_dirty(qb, "resident_id", dirty);
                qb.push(" GROUP BY resident_id");
                if all {
                    // One certificate per resident and course (UNIQUE), so
                    // COUNT(*) counts distinct courses.
                    qb.push(" HAVING COUNT(*) = ").push_bind(ids.len() as i64);
                }
            }
            Criterion::Assistant => {
                qb.push(
                    "SELECT resident_id, MIN(at) AS t FROM assistant_questions \
                     WHERE resident_id IS NOT NULL",
                );
                push_dirty(qb, "resident_id", dirty);
                qb.push(" GROUP BY resident_id");
            }
            Criterion::Milestone(code) => {
                // One row per person and milestone (its primary key).
                qb.push("SELECT resident_id, reached_at AS t FROM milestones WHERE milestone = ")
                    .push_bind(code.clone());
                push_dirty(qb, "resident_id", dirty);
            }
        }
    }
    if first {
        // No criterion: nobody is reached.
        qb.push("SELECT resident_id, issued_at AS t FROM certificates WHERE 1 = 0");
    }
    qb.push(") u GROUP BY resident_id");
}

/// `INSERT INTO indicator_reach`: every resident of the population (or of
/// its changed part) once, with hamlet and when reached (NULL if not).
fn push_fill<'a, DB: sqlx::Database>(
    qb: &mut QueryBuilder<'a, DB>,
    key_id: i64,
    p: &'a Population,
    criteria: &'a [Criterion],
    course_col: &str,
    dirty: Dirty,
) where
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push("INSERT INTO indicator_reach (key_id, resident_id, hamlet_id, t) SELECT ")
        .push_bind(key_id)
        .push(", p.resident_id, r.hamlet_id, x.t FROM (");
    push_population(qb, p, dirty);
    qb.push(") p JOIN residents r ON r.id = p.resident_id LEFT JOIN (");
    push_reached(qb, criteria, course_col, dirty);
    qb.push(") x ON x.resident_id = p.resident_id");
}

/// A counting rule's identity: its population and criteria, written out.
fn rule_key(p: &Population, criteria: &[Criterion]) -> String {
    format!("{p:?}|{criteria:?}")
}

/// Above this many residents noted as changed, a rule is rebuilt whole
/// rather than resident by resident (after an import, say).
const REFRESH_LIMIT: i64 = 2000;

fn push_bucket<'a, DB: sqlx::Database>(qb: &mut QueryBuilder<'a, DB>, bounds: &'a [DateTime<Utc>])
where
    DateTime<Utc>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    qb.push("CAST(CASE WHEN x.t IS NULL THEN -1");
    for (k, b) in bounds.iter().enumerate() {
        qb.push(" WHEN x.t < ")
            .push_bind(*b)
            .push(format!(" THEN {k}"));
    }
    qb.push(format!(" ELSE {} END AS BIGINT)", bounds.len()));
}

fn check_criteria(criteria: &[Criterion]) -> Result<()> {
    for c in criteria {
        if let Criterion::AllCourses(ids) | Criterion::AnyCourse(ids) = c {
            if ids.is_empty() {
                return Err(StoreError::Invalid(
                    "chỉ tiêu đếm theo khóa học nhưng chưa có khóa học nào".into(),
                ));
            }
        }
    }
    Ok(())
}

macro_rules! indicator_ops {
    ($Store:ident, $DB:ty, $course_col:expr, $lock:expr) => {
        impl $Store {
            /// The id of a counting rule in `indicator_reach`, brought up to
            /// date: built whole the first time (or after many changes),
            /// otherwise refreshed for the residents noted as changed since.
            async fn reach_key(&self, p: &Population, criteria: &[Criterion]) -> Result<i64> {
                let key = rule_key(p, criteria);
                let now = Utc::now();
                let known: Option<(i64, i64, DateTime<Utc>)> = sqlx::query_as::<$DB, (i64, i64, DateTime<Utc>)>(
                    "SELECT id, applied, used_at FROM indicator_reach_keys WHERE key = $1",
                )
                .bind(&key)
                .fetch_optional(&self.read)
                .await?;
                let latest: i64 = sqlx::query_scalar::<$DB, i64>("SELECT COALESCE(MAX(seq), 0) FROM indicator_dirty")
                    .fetch_one(&self.read)
                    .await?;
                if let Some((id, applied, used_at)) = known {
                    if applied >= latest && now - used_at < chrono::Duration::hours(1) {
                        return Ok(id);
                    }
                }
                let mut tx = self.write.begin().await?;
                // PostgreSQL: wait for writers still noting changes, keep new
                // ones out until this commits, and one refresh at a time.
                sqlx::query::<$DB>($lock).execute(&mut *tx).await?;
                let latest: i64 = sqlx::query_scalar::<$DB, i64>("SELECT COALESCE(MAX(seq), 0) FROM indicator_dirty")
                    .fetch_one(&mut *tx)
                    .await?;
                let known: Option<(i64, i64)> = sqlx::query_as::<$DB, (i64, i64)>(
                    "SELECT id, applied FROM indicator_reach_keys WHERE key = $1",
                )
                .bind(&key)
                .fetch_optional(&mut *tx)
                .await?;
                let (id, whole, applied) = match known {
                    Some((id, applied)) => {
                        let pending: i64 = sqlx::query_scalar::<$DB, i64>(
                            "SELECT COUNT(*) FROM indicator_dirty WHERE seq > $1 AND seq <= $2",
                        )
                        .bind(applied)
                        .bind(latest)
                        .fetch_one(&mut *tx)
                        .await?;
                        (id, pending > REFRESH_LIMIT, applied)
                    }
                    None => {
                        let id: i64 = sqlx::query_scalar::<$DB, i64>(
                            "INSERT INTO indicator_reach_keys (key, applied, used_at) VALUES ($1, 0, $2) RETURNING id",
                        )
                        .bind(&key)
                        .bind(now)
                        .fetch_one(&mut *tx)
                        .await?;
                        (id, true, 0)
                    }
                };
                if whole {
                    sqlx::query::<$DB>("DELETE FROM indicator_reach WHERE key_id = $1")
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                    let mut qb = QueryBuilder::<$DB>::new("");
                    push_fill(&mut qb, id, p, criteria, $course_col, None);
                    qb.build().execute(&mut *tx).await?;
                } else if applied < latest {
                    sqlx::query::<$DB>(
                        "DELETE FROM indicator_reach WHERE key_id = $1 AND resident_id IN \
                         (SELECT resident_id FROM indicator_dirty WHERE seq > $2 AND seq <= $3)",
                    )
                    .bind(id)
                    .bind(applied)
                    .bind(latest)
                    .execute(&mut *tx)
                    .await?;
                    let mut qb = QueryBuilder::<$DB>::new("");
                    push_fill(&mut qb, id, p, criteria, $course_col, Some((applied, latest)));
                    qb.build().execute(&mut *tx).await?;
                }
                sqlx::query::<$DB>("UPDATE indicator_reach_keys SET applied = $2, used_at = $3 WHERE id = $1")
                    .bind(id)
                    .bind(latest)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                // Rules unused for a week (the office changed the definitions)
                // are dropped; changes every rule has applied are forgotten.
                let stale = now - chrono::Duration::days(7);
                sqlx::query::<$DB>(
                    "DELETE FROM indicator_reach WHERE key_id IN (SELECT id FROM indicator_reach_keys WHERE used_at < $1)",
                )
                .bind(stale)
                .execute(&mut *tx)
                .await?;
                sqlx::query::<$DB>("DELETE FROM indicator_reach_keys WHERE used_at < $1")
                    .bind(stale)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query::<$DB>(
                    "DELETE FROM indicator_dirty WHERE seq <= (SELECT MIN(applied) FROM indicator_reach_keys)",
                )
                .execute(&mut *tx)
                .await?;
                self.commit(tx).await?;
                Ok(id)
            }

            async fn reach_by_hamlet(&self, p: &Population, criteria: &[Criterion], bounds: &[DateTime<Utc>]) -> Result<Vec<ReachRow>> {
                let id = self.reach_key(p, criteria).await?;
                let mut qb = QueryBuilder::<$DB>::new("SELECT x.hamlet_id AS key, ");
                push_bucket(&mut qb, bounds);
                qb.push(" AS bucket, COUNT(*) AS n FROM indicator_reach x WHERE x.key_id = ")
                    .push_bind(id)
                    .push(" GROUP BY 1, 2");
                Ok(qb.build_query_as::<ReachRow>().fetch_all(&self.read).await?)
            }

            async fn reach_in_group(&self, p: &Population, group: &Population, criteria: &[Criterion], bounds: &[DateTime<Utc>]) -> Result<Vec<GroupReachRow>> {
                let id = self.reach_key(p, criteria).await?;
                let mut qb = QueryBuilder::<$DB>::new("SELECT ");
                push_bucket(&mut qb, bounds);
                qb.push(" AS bucket, COUNT(*) AS n FROM indicator_reach x WHERE x.key_id = ")
                    .push_bind(id)
                    .push(" AND x.resident_id IN (");
                push_population(&mut qb, group, None);
                qb.push(") GROUP BY 1");
                Ok(qb.build_query_as::<GroupReachRow>().fetch_all(&self.read).await?)
            }

            #[allow(clippy::too_many_arguments)]
            async fn reach_people(&self, p: &Population, criteria: &[Criterion], as_of: DateTime<Utc>, reached: bool, hamlet: Option<i64>, limit: i64, offset: i64) -> Result<ReachList> {
                let id = self.reach_key(p, criteria).await?;
                // `named`: only people whose consent to be named in lists is
                // in force; the others are in the total only.
                let build = |count: bool, named: bool| {
                    let mut qb = QueryBuilder::<$DB>::new("");
                    if count && !named {
                        qb.push("SELECT COUNT(*) FROM indicator_reach x ");
                    } else if count {
                        qb.push("SELECT COUNT(*) FROM indicator_reach x JOIN residents r ON r.id = x.resident_id ");
                    } else {
                        qb.push("SELECT r.id, r.full_name, r.hamlet_id, r.birth_year, CASE WHEN x.t < ")
                            .push_bind(as_of)
                            .push(" THEN x.t END AS reached_at FROM indicator_reach x JOIN residents r ON r.id = x.resident_id ");
                    }
                    qb.push("WHERE x.key_id = ").push_bind(id).push(" AND ");
                    if reached {
                        qb.push("x.t < ").push_bind(as_of);
                    } else {
                        qb.push("(x.t IS NULL OR x.t >= ").push_bind(as_of).push(")");
                    }
                    if let Some(h) = hamlet {
                        qb.push(" AND x.hamlet_id = ").push_bind(h);
                    }
                    if named {
                        qb.push(" AND ").push(consent_in_force(ConsentPurpose::NamedLists));
                    }
                    if !count {
                        qb.push(" ORDER BY r.hamlet_id, r.name_key, r.id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
                    }
                    qb
                };
                let total: i64 = build(true, false).build_query_scalar::<i64>().fetch_one(&self.read).await?;
                let named: i64 = build(true, true).build_query_scalar::<i64>().fetch_one(&self.read).await?;
                let people = build(false, true).build_query_as::<ReachPerson>().fetch_all(&self.read).await?;
                Ok(ReachList { total, named, people })
            }

            async fn residents_passing(&self, course_ids: &[String], from: DateTime<Utc>, to: DateTime<Utc>, hamlet: i64) -> Result<i64> {
                if course_ids.is_empty() {
                    return Ok(0);
                }
                let mut qb = QueryBuilder::<$DB>::new(
                    "SELECT COUNT(DISTINCT c.resident_id) FROM certificates c JOIN residents r ON r.id = c.resident_id WHERE r.hamlet_id = ",
                );
                qb.push_bind(hamlet).push(" AND c.issued_at >= ").push_bind(from).push(" AND c.issued_at < ").push_bind(to);
                qb.push(" AND c.course_id IN (");
                let mut sep = qb.separated(", ");
                for id in course_ids {
                    sep.push_bind(id.clone());
                }
                qb.push(")");
                Ok(qb.build_query_scalar::<i64>().fetch_one(&self.read).await?)
            }

            async fn save_indicator_snapshot(&self, quarter: &str, at: DateTime<Utc>, data: &str) -> Result<()> {
                sqlx::query::<$DB>(
                    "INSERT INTO indicator_snapshots (quarter, computed_at, data) VALUES ($1, $2, $3) \
                     ON CONFLICT (quarter) DO UPDATE SET computed_at = excluded.computed_at, data = excluded.data",
                )
                .bind(quarter)
                .bind(at)
                .bind(data)
                .execute(&self.write)
                .await?;
                Ok(())
            }

            async fn indicator_snapshot(&self, quarter: &str) -> Result<Option<(DateTime<Utc>, String)>> {
                Ok(sqlx::query_as::<$DB, (DateTime<Utc>, String)>(
                    "SELECT computed_at, data FROM indicator_snapshots WHERE quarter = $1",
                )
                .bind(quarter)
                .fetch_optional(&self.read)
                .await?)
            }

            async fn analyze(&self) -> Result<()> {
                sqlx::query::<$DB>("ANALYZE").execute(&self.write).await?;
                Ok(())
            }

            async fn pilot_models(&self) -> Result<Vec<PilotModel>> {
                Ok(sqlx::query_as::<$DB, PilotModel>(
                    "SELECT id, kind, name, place, unit_id, hamlet_id, criteria, status, evidence, started_on, updated_at FROM pilot_models ORDER BY kind, id",
                )
                .fetch_all(&self.read)
                .await?)
            }

            async fn save_pilot_model(&self, id: Option<i64>, m: &NewPilotModel) -> Result<i64> {
                let q = match id {
                    Some(id) => sqlx::query_scalar::<$DB, i64>(
                        "UPDATE pilot_models SET kind = $1, name = $2, place = $3, unit_id = $4, hamlet_id = $5, criteria = $6, status = $7, evidence = $8, started_on = $9, updated_at = $10 WHERE id = $11 RETURNING id",
                    )
                    .bind(&m.kind).bind(&m.name).bind(&m.place).bind(m.unit_id).bind(m.hamlet_id).bind(&m.criteria).bind(&m.status).bind(&m.evidence).bind(m.started_on).bind(Utc::now()).bind(id),
                    None => sqlx::query_scalar::<$DB, i64>(
                        "INSERT INTO pilot_models (kind, name, place, unit_id, hamlet_id, criteria, status, evidence, started_on, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
                    )
                    .bind(&m.kind).bind(&m.name).bind(&m.place).bind(m.unit_id).bind(m.hamlet_id).bind(&m.criteria).bind(&m.status).bind(&m.evidence).bind(m.started_on).bind(Utc::now()),
                };
                q.fetch_optional(&self.write).await?.ok_or_else(|| StoreError::NotFound("mô hình".into()))
            }

            async fn unit_reports(&self, quarter: &str) -> Result<Vec<UnitReport>> {
                Ok(sqlx::query_as::<$DB, UnitReport>(
                    "SELECT id, unit_id, quarter, state, numbers, narrative, return_note, updated_at, submitted_at FROM unit_reports WHERE quarter = $1 ORDER BY unit_id",
                )
                .bind(quarter)
                .fetch_all(&self.read)
                .await?)
            }

            async fn unit_report(&self, unit_id: i64, quarter: &str) -> Result<Option<UnitReport>> {
                Ok(sqlx::query_as::<$DB, UnitReport>(
                    "SELECT id, unit_id, quarter, state, numbers, narrative, return_note, updated_at, submitted_at FROM unit_reports WHERE unit_id = $1 AND quarter = $2",
                )
                .bind(unit_id)
                .bind(quarter)
                .fetch_optional(&self.read)
                .await?)
            }

            #[allow(clippy::too_many_arguments)]
            async fn save_unit_report(&self, unit_id: i64, quarter: &str, state: &str, numbers: &str, narrative: &str, user_id: Option<i64>, submit: bool, now: DateTime<Utc>) -> Result<()> {
                let mut tx = self.write.begin().await?;
                let current: Option<String> = sqlx::query_scalar::<$DB, String>(
                    "SELECT state FROM unit_reports WHERE unit_id = $1 AND quarter = $2",
                )
                .bind(unit_id)
                .bind(quarter)
                .fetch_optional(&mut *tx)
                .await?;
                if current.as_deref() == Some("da_nop") {
                    return Err(StoreError::Conflict(
                        "Báo cáo đã nộp; chỉ sửa được khi phòng Văn hóa – Xã hội trả lại".into(),
                    ));
                }
                sqlx::query::<$DB>(
                    "INSERT INTO unit_reports (unit_id, quarter, state, numbers, narrative, updated_at, updated_by, submitted_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (unit_id, quarter) DO UPDATE SET state = excluded.state, numbers = excluded.numbers, \
                     narrative = excluded.narrative, updated_at = excluded.updated_at, updated_by = excluded.updated_by, \
                     submitted_at = excluded.submitted_at",
                )
                .bind(unit_id)
                .bind(quarter)
                .bind(state)
                .bind(numbers)
                .bind(narrative)
                .bind(now)
                .bind(user_id)
                .bind(submit.then_some(now))
                .execute(&mut *tx)
                .await?;
                self.commit(tx).await?;
                Ok(())
            }

            async fn return_unit_report(&self, unit_id: i64, quarter: &str, note: &str) -> Result<bool> {
                Ok(sqlx::query::<$DB>(
                    "UPDATE unit_reports SET state = 'tra_lai', return_note = $3, submitted_at = NULL, updated_at = $4 WHERE unit_id = $1 AND quarter = $2 AND state = 'da_nop'",
                )
                .bind(unit_id)
                .bind(quarter)
                .bind(note)
                .bind(Utc::now())
                .execute(&self.write)
                .await?
                .rows_affected()
                    > 0)
            }
        }
    };
}

// SQLite's single writer connection already serialises refreshes.
indicator_ops!(SqliteStore, sqlx::Sqlite, "+course_id", "SELECT 1");
indicator_ops!(
    PgStore,
    sqlx::Postgres,
    "course_id",
    "LOCK TABLE indicator_dirty IN SHARE ROW EXCLUSIVE MODE"
);

impl Store {
    /// Residents of `p` by hamlet and by when they met `criteria` (quarter
    /// buckets bounded by `bounds`, ascending).
    pub async fn reach_by_hamlet(
        &self,
        p: &Population,
        criteria: &[Criterion],
        bounds: &[DateTime<Utc>],
    ) -> Result<Vec<ReachRow>> {
        check_criteria(criteria)?;
        dispatch!(self, s => s.reach_by_hamlet(p, criteria, bounds).await)
    }

    /// The same, for the part of `p` that is also in `group`.
    pub async fn reach_in_group(
        &self,
        p: &Population,
        group: &Population,
        criteria: &[Criterion],
        bounds: &[DateTime<Utc>],
    ) -> Result<Vec<GroupReachRow>> {
        check_criteria(criteria)?;
        dispatch!(self, s => s.reach_in_group(p, group, criteria, bounds).await)
    }

    /// The residents behind a number: those of `p` reached (or not) by
    /// `as_of`, optionally in one hamlet; (total, one page).
    #[allow(clippy::too_many_arguments)]
    pub async fn reach_people(
        &self,
        p: &Population,
        criteria: &[Criterion],
        as_of: DateTime<Utc>,
        reached: bool,
        hamlet: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<ReachList> {
        check_criteria(criteria)?;
        dispatch!(self, s => s.reach_people(p, criteria, as_of, reached, hamlet, limit, offset).await)
    }

    /// Residents of a hamlet who passed one of these courses in [from, to).
    pub async fn residents_passing(
        &self,
        course_ids: &[String],
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        hamlet: i64,
    ) -> Result<i64> {
        dispatch!(self, s => s.residents_passing(course_ids, from, to, hamlet).await)
    }

    /// Store the computed indicators of a quarter (JSON), replacing the last.
    pub async fn save_indicator_snapshot(
        &self,
        quarter: &str,
        at: DateTime<Utc>,
        data: &str,
    ) -> Result<()> {
        dispatch!(self, s => s.save_indicator_snapshot(quarter, at, data).await)
    }

    /// The latest stored indicators of a quarter: (when computed, JSON).
    pub async fn indicator_snapshot(
        &self,
        quarter: &str,
    ) -> Result<Option<(DateTime<Utc>, String)>> {
        dispatch!(self, s => s.indicator_snapshot(quarter).await)
    }

    /// Refresh the query planner's statistics (after bulk loads).
    pub async fn analyze(&self) -> Result<()> {
        dispatch!(self, s => s.analyze().await)
    }

    pub async fn pilot_models(&self) -> Result<Vec<PilotModel>> {
        dispatch!(self, s => s.pilot_models().await)
    }

    /// Create (no id) or update a pilot model; returns its id.
    pub async fn save_pilot_model(&self, id: Option<i64>, m: &NewPilotModel) -> Result<i64> {
        dispatch!(self, s => s.save_pilot_model(id, m).await)
    }

    pub async fn unit_reports(&self, quarter: &str) -> Result<Vec<UnitReport>> {
        dispatch!(self, s => s.unit_reports(quarter).await)
    }

    pub async fn unit_report(&self, unit_id: i64, quarter: &str) -> Result<Option<UnitReport>> {
        dispatch!(self, s => s.unit_report(unit_id, quarter).await)
    }

    /// Save a unit's report as a draft, or submit it, at `at`. A submitted report
    /// cannot change until the office returns it.
    #[allow(clippy::too_many_arguments)]
    pub async fn save_unit_report(
        &self,
        unit_id: i64,
        quarter: &str,
        numbers: &str,
        narrative: &str,
        user_id: Option<i64>,
        submit: bool,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let state = if submit { "da_nop" } else { "nhap" };
        dispatch!(self, s => s.save_unit_report(unit_id, quarter, state, numbers, narrative, user_id, submit, at).await)
    }

    /// The office returns a submitted report for correction; false if it
    /// was not submitted.
    pub async fn return_unit_report(
        &self,
        unit_id: i64,
        quarter: &str,
        note: &str,
    ) -> Result<bool> {
        dispatch!(self, s => s.return_unit_report(unit_id, quarter, note).await)
    }
}
