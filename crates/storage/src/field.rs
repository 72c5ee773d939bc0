//! Door-to-door guidance (issue 14): the hamlet's list a team member takes
//! onto a phone, the visits and milestones the phone sends back, and each
//! person's milestones. The merge rules are the domain's
//! ([`hocvuso_domain::field`]); the upsert below writes
//! [`Reached::merge`](hocvuso_domain::field::Reached::merge) as its WHERE,
//! and `tests/field_sync.rs` checks the two agree on both engines.
//! Written once for both engines, like [`crate::students`].

use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{Datelike, NaiveDate, Utc};
use hocvuso_domain::field::{Milestone, MilestoneSource, SyncStatus, VisitRecord, MAX_BATCH};
use hocvuso_domain::groups::ELDERLY_AGE;
use hocvuso_domain::ResidentScope;
use serde::Serialize;
use std::collections::BTreeMap;

/// A hamlet as the field app keeps it on the phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldPack {
    pub hamlet_id: i64,
    pub hamlet: String,
    pub households: Vec<PackHousehold>,
    /// The latest visits to the hamlet's households (50 at most), newest
    /// first: what the server holds, for the team to see what arrived.
    pub visits: Vec<PackVisit>,
    /// The hamlet's classes from a month back to two months ahead, for
    /// ticking attendance.
    pub sessions: Vec<crate::Session>,
    /// Whether the commune records where visits take place
    /// ([`Store::field_location_on`]): the phone asks for its location
    /// only then.
    pub record_location: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackVisit {
    pub id: String,
    pub household_id: i64,
    pub visited_on: NaiveDate,
    pub people: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackHousehold {
    pub id: i64,
    pub head: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub address: String,
    pub people: Vec<PackPerson>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackPerson {
    pub id: i64,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<i32>,
    /// To be visited first ("không để ai bị bỏ lại phía sau"): elderly or
    /// of an ethnic minority. The reason is not sent: ethnicity is
    /// sensitive and the team does not see it.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub priority: bool,
    /// Milestone codes reached.
    pub reached: Vec<&'static str>,
}

/// What became of one record a phone sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncOutcome {
    pub id: String,
    pub status: SyncStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl SyncOutcome {
    pub fn status(id: &str, status: SyncStatus) -> Self {
        Self::new(id, status)
    }

    fn new(id: &str, status: SyncStatus) -> Self {
        SyncOutcome {
            id: id.to_string(),
            status,
            message: None,
        }
    }

    pub fn rejected(id: &str, message: impl Into<String>) -> Self {
        SyncOutcome {
            id: id.to_string(),
            status: SyncStatus::Rejected,
            message: Some(message.into()),
        }
    }
}

/// A milestone of one person, as their page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneRow {
    pub milestone: Milestone,
    pub reached_on: NaiveDate,
    pub source: Option<MilestoneSource>,
    pub record_id: String,
}

/// A visit as the office lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VisitRow {
    pub id: i64,
    pub client_id: String,
    pub household_id: i64,
    pub head: String,
    pub visited_on: NaiveDate,
    pub people: i64,
    pub note: String,
    pub recorded_by: Option<String>,
    /// 'lat,lon' where the commune records places (sensitive).
    pub location: Option<String>,
}

/// The columns of a [`VisitRow`], before a WHERE on the household `h`.
const VISIT_ROWS: &str = "SELECT v.id, v.client_id, v.household_id, h.head_name, v.visited_on, \
     (SELECT COUNT(*) FROM visit_people p WHERE p.visit_id = v.id), v.note, u.display_name, v.location \
     FROM visits v JOIN households h ON h.id = v.household_id \
     LEFT JOIN users u ON u.id = v.recorded_by";

type VisitTuple = (
    i64,
    String,
    i64,
    String,
    NaiveDate,
    i64,
    String,
    Option<String>,
    Option<String>,
);

impl From<VisitTuple> for VisitRow {
    fn from(t: VisitTuple) -> Self {
        let (id, client_id, household_id, head, visited_on, people, note, recorded_by, location) =
            t;
        VisitRow {
            id,
            client_id,
            household_id,
            head,
            visited_on,
            people,
            note,
            recorded_by,
            location,
        }
    }
}

/// A record that came back with other content under the same id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncConflict {
    pub client_id: String,
    pub kind: String,
    pub kept: String,
    pub incoming: String,
    pub sent_by: Option<String>,
    pub received_at: chrono::DateTime<Utc>,
}

/// When a milestone reached on `day` counts for the indicators: the day's
/// start in Vietnam.
fn reached_at(day: NaiveDate) -> chrono::DateTime<Utc> {
    hocvuso_domain::time::vn_midnight(day)
}

/// The answers to a batch in the order its records came: those refused
/// before the database (by index) among those the database answered.
pub(crate) fn in_order(
    n: usize,
    refused: Vec<(usize, SyncOutcome)>,
    written: Vec<SyncOutcome>,
) -> Vec<SyncOutcome> {
    let mut written = written.into_iter();
    let mut refused = refused.into_iter().peekable();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let next = match refused.peek() {
            Some((j, _)) if *j == i => refused.next().map(|(_, o)| o),
            _ => written.next(),
        };
        out.extend(next);
    }
    out
}

/// How many records the field work has produced, commune-wide.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldCounts {
    pub visits: i64,
    /// Rows of (visit, person guided).
    pub people_guided: i64,
    /// Rows of (person, milestone reached).
    pub milestones: i64,
    pub conflicts: i64,
}

/// What a hamlet's field work amounts to over some days: the numbers its
/// quarterly report is prefilled with.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldTotals {
    pub households_visited: i64,
    pub people_guided: i64,
    /// Classes with at least one person ticked present.
    pub classes_held: i64,
    pub attendance: i64,
}

/// How many people have reached each milestone, by hamlet (adults) and by
/// target group, with the totals to divide by: the dashboard's table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MilestoneShares {
    /// (hamlet, milestone code, adults of the hamlet who reached it).
    pub by_hamlet: Vec<(i64, String, i64)>,
    /// (hamlet, adults).
    pub hamlet_totals: Vec<(i64, i64)>,
    /// (group code, milestone code, members who reached it).
    pub by_group: Vec<(String, String, i64)>,
    /// (group code, members).
    pub group_totals: Vec<(String, i64)>,
}

/// The upsert of one milestone claim: the row changes only for an earlier
/// date, or the same date and a smaller record id (`Reached::merge`).
/// Binds: resident, milestone, reached_on, source, record id, user,
/// reached_at ([`reached_at`] of reached_on).
const MILESTONE_UPSERT: &str = "INSERT INTO milestones (resident_id, milestone, reached_on, source, record_id, recorded_by, reached_at) \
     VALUES ($1, $2, $3, $4, $5, $6, $7) \
     ON CONFLICT (resident_id, milestone) DO UPDATE SET reached_on = excluded.reached_on, reached_at = excluded.reached_at, \
     source = excluded.source, record_id = excluded.record_id, recorded_by = excluded.recorded_by \
     WHERE excluded.reached_on < milestones.reached_on \
     OR (excluded.reached_on = milestones.reached_on AND excluded.record_id < milestones.record_id)";

macro_rules! field_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn field_pack(&self, hamlet_id: i64, today: NaiveDate) -> Result<Option<FieldPack>> {
                let this_year = today.year();
                let Some(hamlet) = sqlx::query_scalar::<$DB, String>("SELECT name FROM hamlets WHERE id = $1")
                    .bind(hamlet_id)
                    .fetch_optional(&self.read)
                    .await?
                else {
                    return Ok(None);
                };
                let people = sqlx::query_as::<$DB, (i64, String, String, i64, String, Option<i32>, bool)>(
                    "SELECT h.id, h.head_name, h.address, r.id, r.full_name, r.birth_year, r.is_minority \
                     FROM households h JOIN residents r ON r.household_id = h.id \
                     WHERE h.hamlet_id = $1 ORDER BY h.head_key, h.id, r.id",
                )
                .bind(hamlet_id)
                .fetch_all(&self.read)
                .await?;
                let reached = sqlx::query_as::<$DB, (i64, String)>(
                    "SELECT m.resident_id, m.milestone FROM milestones m \
                     JOIN residents r ON r.id = m.resident_id WHERE r.hamlet_id = $1",
                )
                .bind(hamlet_id)
                .fetch_all(&self.read)
                .await?;
                let mut by_person: BTreeMap<i64, Vec<&'static str>> = BTreeMap::new();
                for (resident, code) in &reached {
                    if let Some(m) = Milestone::from_code(code) {
                        by_person.entry(*resident).or_default().push(m.code());
                    }
                }
                let mut households: Vec<PackHousehold> = Vec::new();
                for (hid, head, address, rid, name, birth_year, minority) in people {
                    if households.last().map(|h| h.id) != Some(hid) {
                        households.push(PackHousehold { id: hid, head, address, people: Vec::new() });
                    }
                    let elderly = birth_year.is_some_and(|y| this_year - y >= ELDERLY_AGE);
                    let mut reached = by_person.remove(&rid).unwrap_or_default();
                    reached.sort_by_key(|c| Milestone::from_code(c));
                    if let Some(h) = households.last_mut() {
                        h.people.push(PackPerson { id: rid, name, birth_year, priority: elderly || minority, reached });
                    }
                }
                let visits = self
                    .visits_of_hamlet(hamlet_id, 50)
                    .await?
                    .into_iter()
                    .map(|v| PackVisit {
                        id: v.client_id,
                        household_id: v.household_id,
                        visited_on: v.visited_on,
                        people: v.people,
                        by: v.recorded_by,
                    })
                    .collect();
                let from = (today - chrono::Days::new(31)).format("%Y-%m-%d").to_string();
                let to = (today + chrono::Days::new(62)).format("%Y-%m-%d").to_string();
                let sessions = self.sessions_between(Some(hamlet_id), &from, &to).await?;
                Ok(Some(FieldPack { hamlet_id, hamlet, households, visits, sessions, record_location: false }))
            }

            async fn sync_visits(
                &self,
                scope: &ResidentScope,
                user_id: Option<i64>,
                records: &[VisitRecord],
            ) -> Result<Vec<SyncOutcome>> {
                let mut out = Vec::with_capacity(records.len());
                let mut tx = self.write.begin().await?;
                let mut members: BTreeMap<i64, Option<(i64, Vec<i64>)>> = BTreeMap::new();
                for v in records {
                    let canonical = v.canonical();
                    let kept: Option<String> = sqlx::query_scalar::<$DB, String>("SELECT content FROM visits WHERE client_id = $1")
                        .bind(&v.id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(kept) = kept {
                        out.push(Self::settle_again(&mut tx, v, &canonical, kept, user_id).await?);
                        continue;
                    }
                    if !members.contains_key(&v.household_id) {
                        let hamlet: Option<i64> = sqlx::query_scalar::<$DB, i64>("SELECT hamlet_id FROM households WHERE id = $1")
                            .bind(v.household_id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        let found = match hamlet {
                            Some(h) => Some((
                                h,
                                sqlx::query_scalar::<$DB, i64>("SELECT id FROM residents WHERE household_id = $1")
                                    .bind(v.household_id)
                                    .fetch_all(&mut *tx)
                                    .await?,
                            )),
                            None => None,
                        };
                        members.insert(v.household_id, found);
                    }
                    let in_scope = match members.get(&v.household_id) {
                        Some(Some((hamlet, ids))) => match scope {
                            ResidentScope::All => Some(ids),
                            ResidentScope::Hamlet(h) if h == hamlet => Some(ids),
                            _ => None,
                        },
                        _ => None,
                    };
                    let Some(ids) = in_scope else {
                        out.push(SyncOutcome::rejected(&v.id, "Không tìm thấy hộ này trong xóm bạn phụ trách: hãy tải lại danh sách xóm"));
                        continue;
                    };
                    if let Some(p) = v.everyone().into_iter().find(|p| !ids.contains(p)) {
                        out.push(SyncOutcome::rejected(&v.id, format!("Người có mã {p} không thuộc hộ này (có thể đã chuyển hộ): hãy tải lại danh sách xóm")));
                        continue;
                    }
                    let inserted: Option<i64> = sqlx::query_scalar::<$DB, i64>(
                        "INSERT INTO visits (client_id, household_id, visited_on, note, content, recorded_by, received_at, location) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (client_id) DO NOTHING RETURNING id",
                    )
                    .bind(&v.id)
                    .bind(v.household_id)
                    .bind(v.visited_on)
                    .bind(v.note.trim())
                    .bind(&canonical)
                    .bind(user_id)
                    .bind(Utc::now())
                    .bind(v.location.map(|l| l.to_text()))
                    .fetch_optional(&mut *tx)
                    .await?;
                    let Some(visit_id) = inserted else {
                        // Written by a request running beside this one
                        // (PostgreSQL): settled as if it came first.
                        let kept: String = sqlx::query_scalar::<$DB, String>("SELECT content FROM visits WHERE client_id = $1")
                            .bind(&v.id)
                            .fetch_one(&mut *tx)
                            .await?;
                        out.push(Self::settle_again(&mut tx, v, &canonical, kept, user_id).await?);
                        continue;
                    };
                    for p in v.people.iter().copied().collect::<std::collections::BTreeSet<i64>>() {
                        sqlx::query::<$DB>("INSERT INTO visit_people (visit_id, resident_id) VALUES ($1, $2)")
                            .bind(visit_id)
                            .bind(p)
                            .execute(&mut *tx)
                            .await?;
                    }
                    for m in &v.milestones {
                        Self::claim_milestone(&mut tx, m.resident_id, m.milestone, v.visited_on, MilestoneSource::Visit, &v.id, user_id).await?;
                    }
                    out.push(SyncOutcome::new(&v.id, SyncStatus::Saved));
                }
                self.commit(tx).await?;
                Ok(out)
            }

            /// One claim of a milestone, merged by [`MILESTONE_UPSERT`]: by a
            /// visit, at a class or by the person; whether the row changed.
            pub(crate) async fn claim_milestone(
                tx: &mut sqlx::Transaction<'static, $DB>,
                resident_id: i64,
                milestone: Milestone,
                day: NaiveDate,
                source: MilestoneSource,
                record: &str,
                user_id: Option<i64>,
            ) -> Result<bool> {
                Ok(sqlx::query::<$DB>(MILESTONE_UPSERT)
                    .bind(resident_id)
                    .bind(milestone.code())
                    .bind(day)
                    .bind(source.code())
                    .bind(record)
                    .bind(user_id)
                    .bind(reached_at(day))
                    .execute(&mut **tx)
                    .await?
                    .rows_affected()
                    > 0)
            }

            /// A record of `kind` that came back under a used id with other
            /// content: kept aside for the office, once per difference.
            pub(crate) async fn keep_conflict(
                tx: &mut sqlx::Transaction<'static, $DB>,
                kind: &str,
                client_id: &str,
                kept: &str,
                incoming: &str,
                user_id: Option<i64>,
            ) -> Result<()> {
                sqlx::query::<$DB>(
                    "INSERT INTO sync_conflicts (client_id, kind, kept, incoming, sent_by, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (client_id, incoming) DO NOTHING",
                )
                .bind(client_id)
                .bind(kind)
                .bind(kept)
                .bind(incoming)
                .bind(user_id)
                .bind(Utc::now())
                .execute(&mut **tx)
                .await?;
                Ok(())
            }

            /// A record whose id was written before: the same content is a
            /// duplicate; other content is kept aside for the office.
            async fn settle_again(
                tx: &mut sqlx::Transaction<'static, $DB>,
                v: &VisitRecord,
                canonical: &str,
                kept: String,
                user_id: Option<i64>,
            ) -> Result<SyncOutcome> {
                if kept == canonical {
                    return Ok(SyncOutcome::new(&v.id, SyncStatus::Duplicate));
                }
                Self::keep_conflict(tx, "tham", &v.id, &kept, canonical, user_id).await?;
                Ok(SyncOutcome {
                    id: v.id.clone(),
                    status: SyncStatus::Conflict,
                    message: Some("Lần thăm này đã được gửi trước đó với nội dung khác: xã giữ bản đầu và sẽ xem lại phần khác".into()),
                })
            }

            pub(crate) async fn milestones_of(&self, resident_id: i64) -> Result<Vec<MilestoneRow>> {
                let rows = sqlx::query_as::<$DB, (String, NaiveDate, String, String)>(
                    "SELECT milestone, reached_on, source, record_id FROM milestones WHERE resident_id = $1",
                )
                .bind(resident_id)
                .fetch_all(&self.read)
                .await?;
                let mut out: Vec<MilestoneRow> = rows
                    .into_iter()
                    .filter_map(|(m, on, source, record_id)| {
                        Some(MilestoneRow {
                            milestone: Milestone::from_code(&m)?,
                            reached_on: on,
                            source: MilestoneSource::from_code(&source),
                            record_id,
                        })
                    })
                    .collect();
                out.sort_by_key(|r| r.milestone);
                Ok(out)
            }

            async fn visits_of_hamlet(&self, hamlet_id: i64, limit: i64) -> Result<Vec<VisitRow>> {
                let sql = format!("{VISIT_ROWS} WHERE h.hamlet_id = $1 ORDER BY v.visited_on DESC, v.id DESC LIMIT $2");
                Ok(sqlx::query_as::<$DB, VisitTuple>(&sql)
                    .bind(hamlet_id)
                    .bind(limit)
                    .fetch_all(&self.read)
                    .await?
                    .into_iter()
                    .map(VisitRow::from)
                    .collect())
            }

            async fn field_totals(&self, hamlet_id: i64, from: NaiveDate, to: NaiveDate) -> Result<FieldTotals> {
                let (from_text, to_text) = (
                    from.format("%Y-%m-%d").to_string(),
                    (to + chrono::Days::new(1)).format("%Y-%m-%d").to_string(),
                );
                let (households_visited, people_guided, classes_held, attendance) = sqlx::query_as::<$DB, (i64, i64, i64, i64)>(
                    "SELECT \
                     (SELECT COUNT(DISTINCT v.household_id) FROM visits v JOIN households h ON h.id = v.household_id \
                      WHERE h.hamlet_id = $1 AND v.visited_on >= $2 AND v.visited_on <= $3), \
                     (SELECT COUNT(DISTINCT p.resident_id) FROM visit_people p JOIN visits v ON v.id = p.visit_id \
                      JOIN households h ON h.id = v.household_id \
                      WHERE h.hamlet_id = $1 AND v.visited_on >= $2 AND v.visited_on <= $3), \
                     (SELECT COUNT(*) FROM training_sessions s WHERE s.hamlet_id = $1 AND s.starts_at >= $4 AND s.starts_at < $5 \
                      AND EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id)), \
                     (SELECT COUNT(*) FROM attendance a JOIN training_sessions s ON s.id = a.session_id \
                      WHERE s.hamlet_id = $1 AND s.starts_at >= $4 AND s.starts_at < $5)",
                )
                .bind(hamlet_id)
                .bind(from)
                .bind(to)
                .bind(from_text)
                .bind(to_text)
                .fetch_one(&self.read)
                .await?;
                Ok(FieldTotals { households_visited, people_guided, classes_held, attendance })
            }

            async fn attendance_by_group(&self, hamlet_id: i64, from: &str, to: &str) -> Result<Vec<(String, i64)>> {
                Ok(sqlx::query_as::<$DB, (String, i64)>(
                    "SELECT g.group_code, COUNT(*) FROM attendance a JOIN training_sessions s ON s.id = a.session_id \
                     JOIN (SELECT DISTINCT resident_id, group_code FROM resident_groups) g ON g.resident_id = a.resident_id \
                     WHERE s.hamlet_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 GROUP BY g.group_code",
                )
                .bind(hamlet_id)
                .bind(from)
                .bind(to)
                .fetch_all(&self.read)
                .await?)
            }

            async fn visits_between(&self, hamlet_id: i64, from: NaiveDate, to: NaiveDate) -> Result<Vec<VisitRow>> {
                let sql = format!(
                    "{VISIT_ROWS} WHERE h.hamlet_id = $1 AND v.visited_on >= $2 AND v.visited_on <= $3 \
                     ORDER BY v.visited_on, v.id LIMIT 5000"
                );
                Ok(sqlx::query_as::<$DB, VisitTuple>(&sql)
                    .bind(hamlet_id)
                    .bind(from)
                    .bind(to)
                    .fetch_all(&self.read)
                    .await?
                    .into_iter()
                    .map(VisitRow::from)
                    .collect())
            }

            async fn milestone_shares(&self, adults: &str) -> Result<MilestoneShares> {
                let by_hamlet = sqlx::query_as::<$DB, (i64, String, i64)>(
                    "SELECT r.hamlet_id, m.milestone, COUNT(*) FROM milestones m JOIN residents r ON r.id = m.resident_id \
                     WHERE EXISTS (SELECT 1 FROM resident_groups g WHERE g.resident_id = r.id AND g.group_code = $1) \
                     GROUP BY r.hamlet_id, m.milestone",
                )
                .bind(adults)
                .fetch_all(&self.read)
                .await?;
                let hamlet_totals = sqlx::query_as::<$DB, (i64, i64)>(
                    "SELECT r.hamlet_id, COUNT(*) FROM residents r \
                     WHERE EXISTS (SELECT 1 FROM resident_groups g WHERE g.resident_id = r.id AND g.group_code = $1) \
                     GROUP BY r.hamlet_id",
                )
                .bind(adults)
                .fetch_all(&self.read)
                .await?;
                let by_group = sqlx::query_as::<$DB, (String, String, i64)>(
                    "SELECT g.group_code, m.milestone, COUNT(DISTINCT m.resident_id) FROM milestones m \
                     JOIN resident_groups g ON g.resident_id = m.resident_id GROUP BY g.group_code, m.milestone",
                )
                .fetch_all(&self.read)
                .await?;
                let group_totals = sqlx::query_as::<$DB, (String, i64)>(
                    "SELECT group_code, COUNT(DISTINCT resident_id) FROM resident_groups GROUP BY group_code",
                )
                .fetch_all(&self.read)
                .await?;
                Ok(MilestoneShares { by_hamlet, hamlet_totals, by_group, group_totals })
            }

            async fn record_own_milestones(&self, resident_id: i64, milestones: &[Milestone], today: NaiveDate, record: &str) -> Result<usize> {
                let mut tx = self.write.begin().await?;
                let mut n = 0;
                for m in milestones {
                    if Self::claim_milestone(&mut tx, resident_id, *m, today, MilestoneSource::SelfReport, record, None).await? {
                        n += 1;
                    }
                }
                self.commit(tx).await?;
                Ok(n)
            }

            async fn field_counts(&self) -> Result<FieldCounts> {
                let (visits, people_guided, milestones, conflicts) = sqlx::query_as::<$DB, (i64, i64, i64, i64)>(
                    "SELECT (SELECT COUNT(*) FROM visits), (SELECT COUNT(*) FROM visit_people), \
                     (SELECT COUNT(*) FROM milestones), (SELECT COUNT(*) FROM sync_conflicts)",
                )
                .fetch_one(&self.read)
                .await?;
                Ok(FieldCounts { visits, people_guided, milestones, conflicts })
            }

            async fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
                let rows = sqlx::query_as::<$DB, (String, String, String, String, Option<String>, chrono::DateTime<Utc>)>(
                    "SELECT c.client_id, c.kind, c.kept, c.incoming, u.display_name, c.received_at \
                     FROM sync_conflicts c LEFT JOIN users u ON u.id = c.sent_by ORDER BY c.id DESC LIMIT 200",
                )
                .fetch_all(&self.read)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(client_id, kind, kept, incoming, sent_by, received_at)| SyncConflict {
                        client_id, kind, kept, incoming, sent_by, received_at,
                    })
                    .collect())
            }
        }
    };
}

field_ops!(SqliteStore, sqlx::Sqlite);
field_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// A hamlet's households and people with the milestones each has
    /// reached, for the field app; `None` for an unknown hamlet. The caller
    /// checks the hamlet is within the user's reach.
    pub async fn field_pack(&self, hamlet_id: i64, today: NaiveDate) -> Result<Option<FieldPack>> {
        let mut pack = dispatch!(self, s => s.field_pack(hamlet_id, today).await)?;
        if let Some(p) = pack.as_mut() {
            p.record_location = self.field_location_on().await?;
        }
        Ok(pack)
    }

    /// Whether the commune turned on recording where visits take place
    /// (off unless it did: [`hocvuso_domain::field::LOCATION_SETTING`]).
    pub async fn field_location_on(&self) -> Result<bool> {
        let value = self
            .get_setting(hocvuso_domain::field::LOCATION_SETTING)
            .await?;
        Ok(hocvuso_domain::field::location_on(value.as_deref()))
    }

    /// Write the visits a phone sent, in one transaction, each once by its
    /// id: a batch sent twice, or cut off and sent again, changes nothing
    /// the second time. A visit to a household outside `scope`, or naming
    /// someone not in the household, is rejected with the reason and the
    /// others are written. `today` is Vietnam's date (dates are checked
    /// against it); the caller passes at most [`MAX_BATCH`] records.
    pub async fn sync_visits(
        &self,
        scope: &ResidentScope,
        user_id: Option<i64>,
        records: &[VisitRecord],
        today: NaiveDate,
    ) -> Result<Vec<SyncOutcome>> {
        if records.len() > MAX_BATCH {
            return Err(StoreError::Invalid(format!(
                "Mỗi lần gửi nhiều nhất {MAX_BATCH} bản ghi"
            )));
        }
        // A place sent while the commune does not record places is dropped.
        let keep_location = self.field_location_on().await?;
        let mut checked = Vec::with_capacity(records.len());
        let mut refused = Vec::new();
        for (i, v) in records.iter().enumerate() {
            match v.check(today) {
                Ok(()) => checked.push(VisitRecord {
                    location: v.location.filter(|_| keep_location),
                    ..v.clone()
                }),
                Err(m) => refused.push((i, SyncOutcome::rejected(&v.id, m))),
            }
        }
        let written = dispatch!(self, s => s.sync_visits(scope, user_id, &checked).await)?;
        Ok(in_order(records.len(), refused, written))
    }

    /// One person's milestones, in the domain's order.
    pub async fn milestones_of(&self, resident_id: i64) -> Result<Vec<MilestoneRow>> {
        dispatch!(self, s => s.milestones_of(resident_id).await)
    }

    /// The latest visits to a hamlet's households, newest first.
    pub async fn visits_of_hamlet(&self, hamlet_id: i64, limit: i64) -> Result<Vec<VisitRow>> {
        dispatch!(self, s => s.visits_of_hamlet(hamlet_id, limit.clamp(1, 1000)).await)
    }

    /// A hamlet's households visited, people guided, classes held and
    /// presences from `from` to `to` (both included): the hamlet's
    /// quarterly report is prefilled with them.
    pub async fn field_totals(
        &self,
        hamlet_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<FieldTotals> {
        dispatch!(self, s => s.field_totals(hamlet_id, from, to).await)
    }

    /// Presences at a hamlet's classes from `from` to `to`, by target group
    /// (a person in two groups counts in both).
    pub async fn attendance_by_group(
        &self,
        hamlet_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<(String, i64)>> {
        let from = from.format("%Y-%m-%d").to_string();
        let to = (to + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
        dispatch!(self, s => s.attendance_by_group(hamlet_id, &from, &to).await)
    }

    /// The visits behind [`Store::field_totals`], by date (5,000 at most).
    pub async fn visits_between(
        &self,
        hamlet_id: i64,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<VisitRow>> {
        dispatch!(self, s => s.visits_between(hamlet_id, from, to).await)
    }

    /// Milestones a person says they reached today, on their own account:
    /// the same merge as a visit's (one already reached keeps its date).
    /// How many rows changed.
    pub async fn record_own_milestones(
        &self,
        resident_id: i64,
        milestones: &[Milestone],
        today: NaiveDate,
    ) -> Result<usize> {
        if milestones.is_empty() {
            return Err(StoreError::Invalid(
                "Chọn ít nhất một việc bạn đã làm được".into(),
            ));
        }
        let record = format!("tu-{resident_id}-{}", today.format("%Y%m%d"));
        dispatch!(self, s => s.record_own_milestones(resident_id, milestones, today, &record).await)
    }

    /// Each milestone's reach by hamlet (among adults) and by target group.
    pub async fn milestone_shares(&self) -> Result<MilestoneShares> {
        let adults = hocvuso_domain::TargetGroup::Adults.code();
        dispatch!(self, s => s.milestone_shares(adults).await)
    }

    /// Visits, people guided, milestones and conflicts, commune-wide.
    pub async fn field_counts(&self) -> Result<FieldCounts> {
        dispatch!(self, s => s.field_counts().await)
    }

    /// Records that came back with other content, newest first (200 at most).
    pub async fn sync_conflicts(&self) -> Result<Vec<SyncConflict>> {
        dispatch!(self, s => s.sync_conflicts().await)
    }
}
