//! Classes (issue 14): training sessions and their attendance. Ticks come
//! from phones like visits do ([`crate::field`]): each once by its id, one
//! row per session and person whichever phone ticked them first, and the
//! milestones reached at the class merged by the domain's rule. Written
//! once for both engines, like [`crate::students`].

use crate::field::SyncOutcome;
use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{NaiveDate, NaiveDateTime, Utc};
use hocvuso_domain::classes::{AttendanceRecord, AttendanceWay, NewSession, PlanTask};
use hocvuso_domain::field::{MilestoneSource, SyncStatus, MAX_BATCH};
use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::ResidentScope;
use serde::Serialize;

/// How `starts_at` is written: Vietnam's local time, sortable as text.
const STARTS_FORMAT: &str = "%Y-%m-%d %H:%M";

/// A training session as lists and pages show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Session {
    pub id: i64,
    pub topic: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub course_id: Option<String>,
    /// A TargetGroup code, or none for everyone.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hamlet_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hamlet: Option<String>,
    pub place: String,
    /// 'YYYY-MM-DD HH:MM', Vietnam's local time.
    pub starts_at: String,
    pub trainers: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    pub task: String,
    pub attended: i64,
}

impl Session {
    pub fn starts(&self) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(&self.starts_at, STARTS_FORMAT).ok()
    }

    pub fn day(&self) -> Option<NaiveDate> {
        self.starts().map(|t| t.date())
    }

    pub fn group(&self) -> Option<TargetGroup> {
        self.group.as_deref().and_then(TargetGroup::from_code)
    }

    pub fn task(&self) -> Option<PlanTask> {
        PlanTask::from_code(&self.task)
    }
}

/// Someone at a class.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    pub resident_id: i64,
    pub full_name: String,
    pub birth_year: Option<i32>,
    pub how: Option<AttendanceWay>,
}

const SESSION_COLUMNS: &str = "s.id, s.topic, s.course_id, s.target_group, s.hamlet_id, h.name, s.place, s.starts_at, \
     s.trainers, u.name, s.plan_task, (SELECT COUNT(*) FROM attendance a WHERE a.session_id = s.id)";
const SESSION_FROM: &str = "FROM training_sessions s LEFT JOIN hamlets h ON h.id = s.hamlet_id \
     LEFT JOIN units u ON u.id = s.unit_id";

type SessionTuple = (
    i64,
    String,
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
);

fn session_of(t: SessionTuple) -> Session {
    let (
        id,
        topic,
        course_id,
        group,
        hamlet_id,
        hamlet,
        place,
        starts_at,
        trainers,
        unit,
        task,
        attended,
    ) = t;
    Session {
        id,
        topic,
        course_id,
        group,
        hamlet_id,
        hamlet,
        place,
        starts_at,
        trainers,
        unit,
        task,
        attended,
    }
}

macro_rules! class_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn add_session(&self, s: &NewSession, by: Option<i64>) -> Result<i64> {
                let mut tx = self.write.begin().await?;
                let id: i64 = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO training_sessions (topic, course_id, target_group, hamlet_id, place, starts_at, trainers, unit_id, plan_task, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                )
                .bind(&s.topic)
                .bind(&s.course_id)
                .bind(s.group.map(|g| g.code()))
                .bind(s.hamlet_id)
                .bind(&s.place)
                .bind(s.starts_at.format(STARTS_FORMAT).to_string())
                .bind(&s.trainers)
                .bind(s.unit_id)
                .bind(s.task.code())
                .bind(by)
                .bind(Utc::now())
                .fetch_one(&mut *tx)
                .await?;
                self.commit_created(tx, Some(id)).await?;
                Ok(id)
            }

            pub(crate) async fn sessions_between(&self, hamlet: Option<i64>, from: &str, to: &str) -> Result<Vec<Session>> {
                let sql = format!(
                    "SELECT {SESSION_COLUMNS} {SESSION_FROM} WHERE s.starts_at >= $1 AND s.starts_at < $2 \
                     AND (CAST($3 AS BIGINT) IS NULL OR s.hamlet_id = $3) ORDER BY s.starts_at, s.id LIMIT 500"
                );
                Ok(sqlx::query_as::<$DB, SessionTuple>(&sql)
                    .bind(from)
                    .bind(to)
                    .bind(hamlet)
                    .fetch_all(&self.read)
                    .await?
                    .into_iter()
                    .map(session_of)
                    .collect())
            }

            async fn session(&self, id: i64) -> Result<Option<Session>> {
                let sql = format!("SELECT {SESSION_COLUMNS} {SESSION_FROM} WHERE s.id = $1");
                Ok(sqlx::query_as::<$DB, SessionTuple>(&sql)
                    .bind(id)
                    .fetch_optional(&self.read)
                    .await?
                    .map(session_of))
            }

            async fn attendees(&self, session_id: i64) -> Result<Vec<Attendee>> {
                let rows = sqlx::query_as::<$DB, (i64, String, Option<i32>, String)>(
                    "SELECT r.id, r.full_name, r.birth_year, a.how FROM attendance a \
                     JOIN residents r ON r.id = a.resident_id WHERE a.session_id = $1 ORDER BY r.name_key, r.id",
                )
                .bind(session_id)
                .fetch_all(&self.read)
                .await?;
                Ok(rows
                    .into_iter()
                    .map(|(resident_id, full_name, birth_year, how)| Attendee {
                        resident_id,
                        full_name,
                        birth_year,
                        how: AttendanceWay::from_code(&how),
                    })
                    .collect())
            }

            async fn sync_attendance(
                &self,
                scope: &ResidentScope,
                user_id: Option<i64>,
                records: &[AttendanceRecord],
            ) -> Result<Vec<SyncOutcome>> {
                let mut out = Vec::with_capacity(records.len());
                let mut tx = self.write.begin().await?;
                for r in records {
                    let canonical = r.canonical();
                    let session: Option<(Option<i64>, String)> = sqlx::query_as::<$DB, (Option<i64>, String)>(
                        "SELECT hamlet_id, starts_at FROM training_sessions WHERE id = $1",
                    )
                    .bind(r.session_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                    let person: Option<i64> = sqlx::query_scalar::<$DB, i64>("SELECT hamlet_id FROM residents WHERE id = $1")
                        .bind(r.resident_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                    let within = |hamlet: Option<i64>| match scope {
                        ResidentScope::All => true,
                        ResidentScope::Hamlet(h) => hamlet == Some(*h),
                        _ => false,
                    };
                    let Some((session_hamlet, starts_at)) = session.filter(|(h, _)| within(*h)) else {
                        out.push(SyncOutcome::rejected(&r.id, "Không tìm thấy buổi học này trong xóm bạn phụ trách: hãy tải lại danh sách"));
                        continue;
                    };
                    let _ = session_hamlet;
                    if !person.is_some_and(|h| within(Some(h)) || r.how.reaches_other_hamlets()) {
                        out.push(SyncOutcome::rejected(&r.id, "Không tìm thấy người này trong xóm bạn phụ trách: hãy tải lại danh sách"));
                        continue;
                    }
                    let day = NaiveDateTime::parse_from_str(&starts_at, STARTS_FORMAT)
                        .map(|t| t.date())
                        .map_err(|e| StoreError::Invalid(format!("giờ học không đọc được: {e}")))?;
                    let inserted = sqlx::query::<$DB>(
                        "INSERT INTO attendance (session_id, resident_id, client_id, how, content, recorded_by, received_at) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
                    )
                    .bind(r.session_id)
                    .bind(r.resident_id)
                    .bind(&r.id)
                    .bind(r.how.code())
                    .bind(&canonical)
                    .bind(user_id)
                    .bind(Utc::now())
                    .execute(&mut *tx)
                    .await?
                    .rows_affected()
                        > 0;
                    let status = if inserted {
                        SyncStatus::Saved
                    } else {
                        let kept: Option<String> = sqlx::query_scalar::<$DB, String>("SELECT content FROM attendance WHERE client_id = $1")
                            .bind(&r.id)
                            .fetch_optional(&mut *tx)
                            .await?;
                        match kept {
                            Some(k) if k != canonical => {
                                Self::keep_conflict(&mut tx, "diem_danh", &r.id, &k, &canonical, user_id).await?;
                                SyncStatus::Conflict
                            }
                            // The same tick again, or another phone's tick of
                            // the same person at the same class.
                            _ => SyncStatus::Duplicate,
                        }
                    };
                    if status != SyncStatus::Conflict {
                        for m in &r.milestones {
                            Self::claim_milestone(&mut tx, r.resident_id, *m, day, MilestoneSource::Class, &r.id, user_id).await?;
                        }
                    }
                    out.push(SyncOutcome::status(&r.id, status));
                }
                self.commit(tx).await?;
                Ok(out)
            }
        }
    };
}

class_ops!(SqliteStore, sqlx::Sqlite);
class_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Add a class (already checked by [`NewSession::checked`]); its id.
    /// A hamlet or unit that does not exist is refused.
    pub async fn add_session(&self, s: &NewSession, by: Option<i64>) -> Result<i64> {
        self.ensure_places(s.hamlet_id, s.unit_id).await?;
        dispatch!(self, st => st.add_session(s, by).await)
    }

    /// Classes from `from` to `to` (both included), of one hamlet or all,
    /// by time (500 at most).
    pub async fn sessions_between(
        &self,
        hamlet: Option<i64>,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<Session>> {
        let from = from.format("%Y-%m-%d").to_string();
        let to = (to + chrono::Days::new(1)).format("%Y-%m-%d").to_string();
        dispatch!(self, s => s.sessions_between(hamlet, &from, &to).await)
    }

    pub async fn session(&self, id: i64) -> Result<Option<Session>> {
        dispatch!(self, s => s.session(id).await)
    }

    /// Who attended a class, by name.
    pub async fn attendees(&self, session_id: i64) -> Result<Vec<Attendee>> {
        dispatch!(self, s => s.attendees(session_id).await)
    }

    /// Write attendance ticks sent from a phone, each once by its id and
    /// one per person and class; a class or person outside `scope` is
    /// rejected with the reason, the others written.
    pub async fn sync_attendance(
        &self,
        scope: &ResidentScope,
        user_id: Option<i64>,
        records: &[AttendanceRecord],
    ) -> Result<Vec<SyncOutcome>> {
        if records.len() > MAX_BATCH {
            return Err(StoreError::Invalid(format!(
                "Mỗi lần gửi nhiều nhất {MAX_BATCH} bản ghi"
            )));
        }
        let (ok, refused): (Vec<_>, Vec<_>) = records
            .iter()
            .enumerate()
            .partition(|(_, r)| r.check().is_ok());
        let ok: Vec<AttendanceRecord> = ok.into_iter().map(|(_, r)| r.clone()).collect();
        let written = dispatch!(self, s => s.sync_attendance(scope, user_id, &ok).await)?;
        Ok(crate::field::in_order(
            records.len(),
            refused
                .into_iter()
                .map(|(i, r)| {
                    let why = r.check().err().unwrap_or_default();
                    (i, SyncOutcome::rejected(&r.id, why))
                })
                .collect(),
            written,
        ))
    }
}
