//! A person's rights over the data held on them (Law 91/2025/QH15; issue
//! 12): everything held about one resident, gathered from every table that
//! names them ([`Store::personal_data`]); their requests to correct or
//! delete it ([`Store::create_data_request`], [`Store::answer_data_request`]);
//! and anonymising the record, which is what deletion means here
//! ([`Store::anonymise_resident`]): the rows counted in the commune's
//! reports stay, with nothing left that says who they were.
//!
//! [`COVERED_TABLES`] and [`DERIVED_TABLES`] list every table with a
//! `resident_id` column; a test compares them with the schema, so a new
//! table about people cannot be left out of what a person is shown.
//! Written once for both engines, like [`crate::students`].

use crate::{Engine, PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_domain::audit::AuditAction;
use hocvuso_domain::groups::TargetGroup;
use hocvuso_domain::person::is_head_relation;
use hocvuso_domain::privacy::{
    anonymised_birth, anonymised_name, anonymised_username, request_answer, request_body,
    DataRequestKind, DataRequestStatus, ANONYMISED_ANSWER,
};
use hocvuso_domain::{BirthDate, RoleKind};
use serde::Serialize;
use sqlx::Row;

/// The tables with a `resident_id` column that [`Store::personal_data`]
/// shows, each in its own part (`residents` itself is the record).
pub const COVERED_TABLES: [&str; 13] = [
    "resident_groups",
    "unit_members",
    "students",
    "lesson_reads",
    "quiz_attempts",
    "certificates",
    "assistant_questions",
    "users",
    "consents",
    "data_requests",
    "visit_people",
    "milestones",
    "attendance",
];

/// Tables with a `resident_id` column that only keep counts up to date,
/// recomputed from the covered ones (the indicators' reach): nothing in
/// them that the covered tables do not already show.
pub const DERIVED_TABLES: [&str; 2] = ["indicator_reach", "indicator_dirty"];

/// The resident's row, every column, with the hamlet's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResidentRecord {
    pub id: i64,
    pub household_id: i64,
    pub hamlet_id: i64,
    pub hamlet: String,
    pub full_name: String,
    /// The name without diacritics, for search.
    pub name_key: String,
    pub sex: Option<String>,
    /// "YYYY-MM-DD", or "YYYY" when only the year is known.
    pub birth: Option<String>,
    pub birth_year: Option<i32>,
    pub ethnicity: String,
    pub is_minority: bool,
    pub phone: Option<String>,
    pub citizen_id: Option<String>,
    pub relation: String,
    pub notes: String,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HouseholdRecord {
    pub id: i64,
    pub code: Option<String>,
    pub head_name: String,
    pub address: String,
    pub hamlet: String,
    pub farm_business: bool,
}

/// A target group the person is in, and how: `derived` (computed from the
/// record) or `manual` (marked by the office).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRecord {
    pub group_code: String,
    pub label: String,
    pub source: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MembershipRecord {
    pub unit_id: i64,
    pub unit: String,
    pub unit_type: String,
    /// The position held ("Chủ tịch", "Tổ viên").
    pub title: String,
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StudentRecord {
    pub school_id: i64,
    pub school: String,
    pub grade: i32,
    pub class_name: String,
    pub listed_on: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LessonReadRecord {
    pub course_id: String,
    pub lesson_id: String,
    pub first_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AttemptRecord {
    pub id: i64,
    pub course_id: String,
    pub correct: i32,
    pub total: i32,
    pub passed: bool,
    /// `tu_hoc`, `lop_hoc`, `tai_nha` ([`crate::LearningMode`]).
    pub mode: String,
    /// The answers chosen, as JSON.
    pub answers: String,
    /// The account that recorded it for the person, if not themself.
    pub recorded_by: Option<String>,
    pub answered_at: DateTime<Utc>,
    pub received_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CertificateRecord {
    pub code: String,
    pub course_id: String,
    pub course_title: String,
    pub holder_name: String,
    pub issued_at: DateTime<Utc>,
}

/// A question the person asked the assistant while logged in (phone and
/// ID numbers were removed before it was kept).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionRecord {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub question: String,
    pub behavior: String,
    pub code: Option<String>,
    pub rating: Option<i32>,
}

/// An account linked to the person: never its password hash or sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccountRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub created_at: DateTime<Utc>,
    pub disabled: bool,
    pub must_change_password: bool,
    /// The last successful login, from the audit log.
    pub last_login: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConsentEntry {
    pub id: i64,
    pub purpose: String,
    pub agreed: bool,
    pub by_person: bool,
    pub guardian: String,
    pub method: String,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A request to correct or delete data, and its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DataRequest {
    pub id: i64,
    pub resident_id: i64,
    /// The person's name as the registry has it now.
    pub resident_name: String,
    /// `sua` or `xoa` ([`DataRequestKind`]).
    pub kind: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub created_by: String,
    /// `cho`, `da_sua`, `tu_choi` or `da_an_danh` ([`DataRequestStatus`]).
    pub status: String,
    pub answer: String,
    pub answered_at: Option<DateTime<Utc>>,
    pub answered_by: Option<String>,
}

impl DataRequest {
    pub fn kind(&self) -> Option<DataRequestKind> {
        DataRequestKind::from_code(&self.kind)
    }

    pub fn status(&self) -> Option<DataRequestStatus> {
        DataRequestStatus::from_code(&self.status)
    }

    pub fn is_open(&self) -> bool {
        self.status() == Some(DataRequestStatus::Open)
    }
}

/// One entry of the audit log about the person: who did what, when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRecord {
    pub at: DateTime<Utc>,
    /// The account's current username (an anonymised account's new one).
    pub username: String,
    pub action: String,
    pub action_label: String,
}

/// Everything held about one person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PersonalData {
    pub resident: ResidentRecord,
    pub household: Option<HouseholdRecord>,
    pub groups: Vec<GroupRecord>,
    pub units: Vec<MembershipRecord>,
    pub student: Option<StudentRecord>,
    pub lessons_read: Vec<LessonReadRecord>,
    pub quiz_attempts: Vec<AttemptRecord>,
    pub certificates: Vec<CertificateRecord>,
    pub assistant_questions: Vec<QuestionRecord>,
    pub accounts: Vec<AccountRecord>,
    pub consents: Vec<ConsentEntry>,
    pub data_requests: Vec<DataRequest>,
    /// Home visits of the digital team in which the person was guided.
    pub visits: Vec<VisitEntry>,
    /// Digital milestones reached (issue 14).
    pub milestones: Vec<MilestoneEntry>,
    /// Classes attended.
    pub classes: Vec<ClassEntry>,
    /// Who saw or changed the record (audit entries on this resident).
    pub access_log: Vec<AccessRecord>,
}

/// A home visit in which the person was guided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VisitEntry {
    pub visited_on: NaiveDate,
    pub household_id: i64,
    pub note: String,
    pub received_at: DateTime<Utc>,
    /// Where, when the commune records places ('lat,lon').
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// A class the person attended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassEntry {
    pub topic: String,
    /// 'YYYY-MM-DD HH:MM', Vietnam's local time.
    pub starts_at: String,
    pub place: String,
    /// How the presence was taken (`AttendanceWay`'s code).
    pub how: String,
}

/// A digital milestone the person reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneEntry {
    /// The code (`hocvuso_domain::field::Milestone`).
    pub milestone: String,
    pub label: String,
    pub reached_on: NaiveDate,
    /// `lop`, `tham` or `tu` (`MilestoneSource`).
    pub source: String,
}

/// A request to file.
#[derive(Debug, Clone)]
pub struct NewDataRequest {
    pub resident_id: i64,
    pub kind: DataRequestKind,
    pub body: String,
    /// The username of who filed it (the person, or the office for them).
    pub created_by: String,
}

/// What anonymising did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anonymised {
    /// The record was already anonymised: nothing of the person was left.
    pub already: bool,
    /// The person was the head of their household, whose name changed too.
    pub was_head: bool,
    /// Linked accounts disabled and logged out.
    pub accounts: usize,
    /// Open requests closed as anonymised.
    pub requests_closed: u64,
}

const REQUEST_COLUMNS: &str = "d.id, d.resident_id, r.full_name, d.kind, d.body, d.created_at, d.created_by, \
     d.status, d.answer, d.answered_at, d.answered_by FROM data_requests d JOIN residents r ON r.id = d.resident_id";

/// Open requests first, oldest first (a queue); then answered, newest first.
const REQUEST_ORDER: &str =
    " ORDER BY CASE WHEN d.status = 'cho' THEN 0 ELSE 1 END, CASE WHEN d.status = 'cho' THEN d.id ELSE -d.id END";

macro_rules! request_from_row {
    ($r:expr) => {{
        let r = $r;
        Ok::<DataRequest, StoreError>(DataRequest {
            id: r.try_get(0)?,
            resident_id: r.try_get(1)?,
            resident_name: r.try_get(2)?,
            kind: r.try_get(3)?,
            body: r.try_get(4)?,
            created_at: r.try_get(5)?,
            created_by: r.try_get(6)?,
            status: r.try_get(7)?,
            answer: r.try_get(8)?,
            answered_at: r.try_get(9)?,
            answered_by: r.try_get(10)?,
        })
    }};
}

macro_rules! subject_ops {
    ($Store:ident, $DB:ty, $engine:expr) => {
        impl $Store {
            async fn personal_data(&self, id: i64) -> Result<Option<PersonalData>> {
                let Some(r) = sqlx::query::<$DB>(
                    "SELECT r.id, r.household_id, r.hamlet_id, h.name, r.full_name, r.name_key, r.sex, r.birth, r.birth_year, \
                     r.ethnicity, r.is_minority, r.phone, r.citizen_id, r.relation, r.notes, r.created_at, r.updated_at \
                     FROM residents r JOIN hamlets h ON h.id = r.hamlet_id WHERE r.id = $1",
                )
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                else {
                    return Ok(None);
                };
                let resident = ResidentRecord {
                    id: r.try_get(0)?,
                    household_id: r.try_get(1)?,
                    hamlet_id: r.try_get(2)?,
                    hamlet: r.try_get(3)?,
                    full_name: r.try_get(4)?,
                    name_key: r.try_get(5)?,
                    sex: r.try_get(6)?,
                    birth: r.try_get(7)?,
                    birth_year: r.try_get(8)?,
                    ethnicity: r.try_get(9)?,
                    is_minority: r.try_get(10)?,
                    phone: r.try_get(11)?,
                    citizen_id: r.try_get(12)?,
                    relation: r.try_get(13)?,
                    notes: r.try_get(14)?,
                    created_at: r.try_get(15)?,
                    updated_at: r.try_get(16)?,
                };

                let household = match sqlx::query::<$DB>(
                    "SELECT hh.id, hh.code, hh.head_name, hh.address, h.name, hh.farm_business \
                     FROM households hh JOIN hamlets h ON h.id = hh.hamlet_id WHERE hh.id = $1",
                )
                .bind(resident.household_id)
                .fetch_optional(&self.read)
                .await?
                {
                    Some(r) => Some(HouseholdRecord {
                        id: r.try_get(0)?,
                        code: r.try_get(1)?,
                        head_name: r.try_get(2)?,
                        address: r.try_get(3)?,
                        hamlet: r.try_get(4)?,
                        farm_business: r.try_get(5)?,
                    }),
                    None => None,
                };

                let groups = sqlx::query::<$DB>(
                    "SELECT group_code, source FROM resident_groups WHERE resident_id = $1 ORDER BY group_code, source",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    let code: String = r.try_get(0)?;
                    Ok(GroupRecord {
                        label: TargetGroup::from_code(&code).map(|g| g.label().to_string()).unwrap_or_else(|| code.clone()),
                        group_code: code,
                        source: r.try_get(1)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let units = sqlx::query::<$DB>(
                    "SELECT u.id, u.name, u.unit_type, m.title, m.category FROM unit_members m JOIN units u ON u.id = m.unit_id \
                     WHERE m.resident_id = $1 ORDER BY u.name",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(MembershipRecord {
                        unit_id: r.try_get(0)?,
                        unit: r.try_get(1)?,
                        unit_type: r.try_get(2)?,
                        title: r.try_get(3)?,
                        category: r.try_get(4)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let student = match sqlx::query::<$DB>(
                    "SELECT u.id, u.name, s.grade, s.class_name, s.listed_on FROM students s JOIN units u ON u.id = s.unit_id \
                     WHERE s.resident_id = $1",
                )
                .bind(id)
                .fetch_optional(&self.read)
                .await?
                {
                    Some(r) => Some(StudentRecord {
                        school_id: r.try_get(0)?,
                        school: r.try_get(1)?,
                        grade: r.try_get(2)?,
                        class_name: r.try_get(3)?,
                        listed_on: r.try_get(4)?,
                    }),
                    None => None,
                };

                let lessons_read = sqlx::query::<$DB>(
                    "SELECT course_id, lesson_id, first_at FROM lesson_reads WHERE resident_id = $1 ORDER BY first_at, course_id, lesson_id",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(LessonReadRecord {
                        course_id: r.try_get(0)?,
                        lesson_id: r.try_get(1)?,
                        first_at: r.try_get(2)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let quiz_attempts = sqlx::query::<$DB>(
                    "SELECT q.id, q.course_id, q.correct, q.total, q.passed, q.mode, q.answers, u.username, q.answered_at, q.received_at \
                     FROM quiz_attempts q LEFT JOIN users u ON u.id = q.recorded_by \
                     WHERE q.resident_id = $1 ORDER BY q.answered_at, q.id",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(AttemptRecord {
                        id: r.try_get(0)?,
                        course_id: r.try_get(1)?,
                        correct: r.try_get(2)?,
                        total: r.try_get(3)?,
                        passed: r.try_get(4)?,
                        mode: r.try_get(5)?,
                        answers: r.try_get(6)?,
                        recorded_by: r.try_get(7)?,
                        answered_at: r.try_get(8)?,
                        received_at: r.try_get(9)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let certificates = sqlx::query::<$DB>(
                    "SELECT code, course_id, course_title, holder_name, issued_at FROM certificates WHERE resident_id = $1 ORDER BY issued_at, code",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(CertificateRecord {
                        code: r.try_get(0)?,
                        course_id: r.try_get(1)?,
                        course_title: r.try_get(2)?,
                        holder_name: r.try_get(3)?,
                        issued_at: r.try_get(4)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let assistant_questions = sqlx::query::<$DB>(
                    "SELECT id, at, question, behavior, code, rating FROM assistant_questions WHERE resident_id = $1 ORDER BY at, id",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(QuestionRecord {
                        id: r.try_get(0)?,
                        at: r.try_get(1)?,
                        question: r.try_get(2)?,
                        behavior: r.try_get(3)?,
                        code: r.try_get(4)?,
                        rating: r.try_get(5)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let accounts = sqlx::query::<$DB>(
                    "SELECT u.id, u.username, u.display_name, u.role, u.created_at, u.disabled, u.must_change_password, \
                     (SELECT MAX(a.at) FROM audit_log a WHERE a.object_type = 'tai_khoan' AND a.object_id = CAST(u.id AS TEXT) \
                      AND a.action = $2) AS last_login \
                     FROM users u WHERE u.resident_id = $1 ORDER BY u.id",
                )
                .bind(id)
                .bind(AuditAction::Login.code())
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(AccountRecord {
                        id: r.try_get(0)?,
                        username: r.try_get(1)?,
                        display_name: r.try_get(2)?,
                        role: r.try_get(3)?,
                        created_at: r.try_get(4)?,
                        disabled: r.try_get(5)?,
                        must_change_password: r.try_get(6)?,
                        last_login: r.try_get(7)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let consents = sqlx::query::<$DB>(
                    "SELECT id, purpose, agreed, by_person, guardian, method, recorded_by, recorded_at FROM consents \
                     WHERE resident_id = $1 ORDER BY id",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    Ok(ConsentEntry {
                        id: r.try_get(0)?,
                        purpose: r.try_get(1)?,
                        agreed: r.try_get(2)?,
                        by_person: r.try_get(3)?,
                        guardian: r.try_get(4)?,
                        method: r.try_get(5)?,
                        recorded_by: r.try_get(6)?,
                        recorded_at: r.try_get(7)?,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                let data_requests = self.data_requests(Some(id)).await?;

                let visits = sqlx::query_as::<$DB, (NaiveDate, i64, String, DateTime<Utc>, Option<String>)>(
                    "SELECT v.visited_on, v.household_id, v.note, v.received_at, v.location FROM visits v \
                     JOIN visit_people p ON p.visit_id = v.id WHERE p.resident_id = $1 ORDER BY v.visited_on, v.id",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|(visited_on, household_id, note, received_at, location)| VisitEntry {
                    visited_on,
                    household_id,
                    note,
                    received_at,
                    location,
                })
                .collect();

                let classes = sqlx::query_as::<$DB, (String, String, String, String)>(
                    "SELECT s.topic, s.starts_at, s.place, a.how FROM attendance a \
                     JOIN training_sessions s ON s.id = a.session_id WHERE a.resident_id = $1 ORDER BY s.starts_at",
                )
                .bind(id)
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|(topic, starts_at, place, how)| ClassEntry { topic, starts_at, place, how })
                .collect();

                let milestones = self
                    .milestones_of(id)
                    .await?
                    .into_iter()
                    .map(|m| MilestoneEntry {
                        milestone: m.milestone.code().to_string(),
                        label: m.milestone.label().to_string(),
                        reached_on: m.reached_on,
                        source: m.source.map(|s| s.code()).unwrap_or_default().to_string(),
                    })
                    .collect();

                let access_log = sqlx::query::<$DB>(
                    "SELECT a.at, COALESCE(u.username, a.username), a.action FROM audit_log a \
                     LEFT JOIN users u ON u.id = a.user_id \
                     WHERE a.object_type = $1 AND a.object_id = $2 ORDER BY a.id",
                )
                .bind(hocvuso_domain::audit::AuditObject::Resident.code())
                .bind(id.to_string())
                .fetch_all(&self.read)
                .await?
                .into_iter()
                .map(|r| {
                    let action: String = r.try_get(2)?;
                    Ok(AccessRecord {
                        at: r.try_get(0)?,
                        username: r.try_get(1)?,
                        action_label: AuditAction::label_of(&action).to_string(),
                        action,
                    })
                })
                .collect::<Result<Vec<_>>>()?;

                Ok(Some(PersonalData {
                    resident,
                    household,
                    groups,
                    units,
                    student,
                    lessons_read,
                    quiz_attempts,
                    certificates,
                    assistant_questions,
                    accounts,
                    consents,
                    data_requests,
                    visits,
                    milestones,
                    classes,
                    access_log,
                }))
            }

            async fn tables_with_resident_id(&self) -> Result<Vec<String>> {
                let sql = if $engine == Engine::Postgres {
                    "SELECT CAST(table_name AS TEXT) FROM information_schema.columns \
                     WHERE column_name = 'resident_id' AND table_schema = current_schema() ORDER BY 1"
                } else {
                    "SELECT m.name FROM sqlite_master m JOIN pragma_table_info(m.name) p \
                     WHERE m.type = 'table' AND p.name = 'resident_id' ORDER BY 1"
                };
                Ok(sqlx::query_scalar::<$DB, String>(sql).fetch_all(&self.read).await?)
            }

            async fn data_requests(&self, resident_id: Option<i64>) -> Result<Vec<DataRequest>> {
                let rows = match resident_id {
                    Some(id) => {
                        sqlx::query::<$DB>(&format!("SELECT {REQUEST_COLUMNS} WHERE d.resident_id = $1{REQUEST_ORDER}"))
                            .bind(id)
                            .fetch_all(&self.read)
                            .await?
                    }
                    None => {
                        sqlx::query::<$DB>(&format!("SELECT {REQUEST_COLUMNS}{REQUEST_ORDER}"))
                            .fetch_all(&self.read)
                            .await?
                    }
                };
                rows.into_iter().map(|r| request_from_row!(r)).collect()
            }

            async fn data_request(&self, id: i64) -> Result<Option<DataRequest>> {
                match sqlx::query::<$DB>(&format!("SELECT {REQUEST_COLUMNS} WHERE d.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.read)
                    .await?
                {
                    Some(r) => Ok(Some(request_from_row!(r)?)),
                    None => Ok(None),
                }
            }

            async fn create_data_request(&self, r: &NewDataRequest, body: &str, now: DateTime<Utc>) -> Result<i64> {
                let mut tx = self.write.begin().await?;
                let id = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO data_requests (resident_id, kind, body, created_at, created_by, status) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(r.resident_id)
                .bind(r.kind.code())
                .bind(body)
                .bind(now)
                .bind(&r.created_by)
                .bind(DataRequestStatus::Open.code())
                .fetch_one(&mut *tx)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(d) if d.is_foreign_key_violation() => {
                        StoreError::NotFound(format!("cư dân số {}", r.resident_id))
                    }
                    _ => StoreError::Database(e),
                })?;
                self.commit_created(tx, Some(id)).await?;
                Ok(id)
            }

            async fn answer_data_request(
                &self,
                id: i64,
                status: DataRequestStatus,
                answer: &str,
                by: &str,
                now: DateTime<Utc>,
            ) -> Result<bool> {
                let mut tx = self.write.begin().await?;
                let done = sqlx::query::<$DB>(
                    "UPDATE data_requests SET status = $2, answer = $3, answered_at = $4, answered_by = $5 \
                     WHERE id = $1 AND status = $6",
                )
                .bind(id)
                .bind(status.code())
                .bind(answer)
                .bind(now)
                .bind(by)
                .bind(DataRequestStatus::Open.code())
                .execute(&mut *tx)
                .await?
                .rows_affected()
                    > 0;
                if done {
                    self.commit(tx).await?;
                }
                Ok(done)
            }

            async fn anonymise_resident(&self, id: i64, now: DateTime<Utc>) -> Result<Option<Anonymised>> {
                let mut tx = self.write.begin().await?;
                // PostgreSQL: hold the row, so an edit cannot put the name
                // back between our read and our write. (SQLite has one writer.)
                let read = if $engine == Engine::Postgres {
                    "SELECT full_name, household_id, birth, relation, phone, citizen_id FROM residents WHERE id = $1 FOR UPDATE"
                } else {
                    "SELECT full_name, household_id, birth, relation, phone, citizen_id FROM residents WHERE id = $1"
                };
                let Some(row) = sqlx::query::<$DB>(read).bind(id).fetch_optional(&mut *tx).await? else {
                    return Ok(None);
                };
                let old_name: String = row.try_get(0)?;
                let household_id: i64 = row.try_get(1)?;
                let birth: Option<String> = row.try_get(2)?;
                let relation: String = row.try_get(3)?;
                let phone: Option<String> = row.try_get(4)?;
                let citizen_id: Option<String> = row.try_get(5)?;

                let admins = sqlx::query_scalar::<$DB, i64>("SELECT COUNT(*) FROM users WHERE resident_id = $1 AND role = $2")
                    .bind(id)
                    .bind(RoleKind::Admin.code())
                    .fetch_one(&mut *tx)
                    .await?;
                if admins > 0 {
                    return Err(StoreError::Conflict(
                        "Người này có tài khoản quản trị hệ thống: hãy chuyển quyền quản trị cho tài khoản khác trước khi ẩn danh. Chưa thay đổi gì."
                            .into(),
                    ));
                }

                let name = anonymised_name(id);
                let key = vntext::fold(&name);
                let already = old_name == name;
                let kept_birth = anonymised_birth(birth.as_deref().and_then(BirthDate::from_storage)).map(|b| b.to_storage());

                let head_key: Option<String> = sqlx::query_scalar::<$DB, String>("SELECT head_key FROM households WHERE id = $1")
                    .bind(household_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let was_head = is_head_relation(&relation) || head_key.as_deref() == Some(vntext::fold(&old_name).as_str());
                if was_head {
                    sqlx::query::<$DB>("UPDATE households SET head_name = $2, head_key = $3 WHERE id = $1")
                        .bind(household_id)
                        .bind(&name)
                        .bind(&key)
                        .execute(&mut *tx)
                        .await?;
                }

                sqlx::query::<$DB>(
                    "UPDATE residents SET full_name = $2, name_key = $3, birth = $4, phone = NULL, citizen_id = NULL, \
                     ethnicity = '', relation = '', notes = '', updated_at = $5 WHERE id = $1",
                )
                .bind(id)
                .bind(&name)
                .bind(&key)
                .bind(&kept_birth)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                // A position can name a person ("Chủ tịch"); the category,
                // which the indicators count, stays.
                sqlx::query::<$DB>("UPDATE unit_members SET title = '' WHERE resident_id = $1 AND title <> ''")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query::<$DB>("UPDATE certificates SET holder_name = $2 WHERE resident_id = $1")
                    .bind(id)
                    .bind(&name)
                    .execute(&mut *tx)
                    .await?;

                // Texts the person or the office wrote may repeat the name
                // or the numbers: replaced where they appear.
                let mut secrets: Vec<(String, &str)> = Vec::new();
                if !already && !old_name.trim().is_empty() {
                    secrets.push((old_name.clone(), name.as_str()));
                }
                if let Some(p) = phone.filter(|p| !p.trim().is_empty()) {
                    secrets.push((p, "[số điện thoại]"));
                }
                if let Some(c) = citizen_id.filter(|c| !c.trim().is_empty()) {
                    secrets.push((c, "[số CCCD]"));
                }
                // The same replacement in each text that may hold them: the
                // person's questions and requests, and a team member's notes
                // of the visits that guided the person.
                const TEXTS: [&str; 4] = [
                    "UPDATE assistant_questions SET question = REPLACE(question, $2, $3) WHERE resident_id = $1",
                    "UPDATE data_requests SET body = REPLACE(body, $2, $3), answer = REPLACE(answer, $2, $3) WHERE resident_id = $1",
                    "UPDATE visits SET note = REPLACE(note, $2, $3), content = REPLACE(content, $2, $3) \
                     WHERE id IN (SELECT visit_id FROM visit_people WHERE resident_id = $1)",
                    "UPDATE sync_conflicts SET kept = REPLACE(kept, $2, $3), incoming = REPLACE(incoming, $2, $3) \
                     WHERE kind = 'tham' AND client_id IN (SELECT v.client_id FROM visits v \
                     JOIN visit_people p ON p.visit_id = v.id WHERE p.resident_id = $1)",
                ];
                for (secret, instead) in &secrets {
                    for sql in TEXTS {
                        sqlx::query::<$DB>(sql).bind(id).bind(secret).bind(instead).execute(&mut *tx).await?;
                    }
                }
                // Where the visits took place is where the person lives.
                sqlx::query::<$DB>("UPDATE visits SET location = NULL WHERE id IN (SELECT visit_id FROM visit_people WHERE resident_id = $1)")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;

                // Accounts: logged out, disabled, renamed, and no password
                // that any input can match ('!' is not an argon2 hash).
                let accounts: Vec<(i64, String)> = sqlx::query::<$DB>("SELECT id, username FROM users WHERE resident_id = $1 ORDER BY id")
                    .bind(id)
                    .fetch_all(&mut *tx)
                    .await?
                    .into_iter()
                    .map(|r| Ok((r.try_get(0)?, r.try_get(1)?)))
                    .collect::<Result<Vec<_>>>()?;
                for (user_id, username) in &accounts {
                    let new_username = anonymised_username(*user_id);
                    sqlx::query::<$DB>("DELETE FROM sessions WHERE user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query::<$DB>(
                        "UPDATE users SET username = $2, display_name = $3, password_hash = '!', disabled = TRUE, \
                         must_change_password = FALSE WHERE id = $1",
                    )
                    .bind(user_id)
                    .bind(&new_username)
                    .bind(&name)
                    .execute(&mut *tx)
                    .await?;
                    if *username != new_username {
                        for sql in [
                            "UPDATE data_requests SET created_by = $2 WHERE created_by = $1",
                            "UPDATE consents SET recorded_by = $2 WHERE recorded_by = $1",
                        ] {
                            sqlx::query::<$DB>(sql).bind(username).bind(&new_username).execute(&mut *tx).await?;
                        }
                    }
                }

                let by = self.audit.as_ref().map(|e| e.username.clone()).unwrap_or_default();
                let requests_closed = sqlx::query::<$DB>(
                    "UPDATE data_requests SET status = $2, answer = $3, answered_at = $4, answered_by = $5 \
                     WHERE resident_id = $1 AND status = $6",
                )
                .bind(id)
                .bind(DataRequestStatus::Anonymised.code())
                .bind(ANONYMISED_ANSWER)
                .bind(now)
                .bind(by)
                .bind(DataRequestStatus::Open.code())
                .execute(&mut *tx)
                .await?
                .rows_affected();

                self.commit(tx).await?;
                Ok(Some(Anonymised { already, was_head, accounts: accounts.len(), requests_closed }))
            }
        }
    };
}

subject_ops!(SqliteStore, sqlx::Sqlite, Engine::Sqlite);
subject_ops!(PgStore, sqlx::Postgres, Engine::Postgres);

impl Store {
    /// Everything held about one resident, from every table that names
    /// them ([`COVERED_TABLES`]); `None` for an unknown id. The caller
    /// checks who may see it (`Resource::PersonalData`).
    pub async fn personal_data(&self, resident_id: i64) -> Result<Option<PersonalData>> {
        dispatch!(self, s => s.personal_data(resident_id).await)
    }

    /// The tables of this database with a `resident_id` column, by name:
    /// what [`COVERED_TABLES`] and [`DERIVED_TABLES`] must account for.
    pub async fn tables_with_resident_id(&self) -> Result<Vec<String>> {
        dispatch!(self, s => s.tables_with_resident_id().await)
    }

    /// Requests about personal data, open first (oldest first), then the
    /// answered ones (newest first); of one resident, or of everyone.
    pub async fn data_requests(&self, resident_id: Option<i64>) -> Result<Vec<DataRequest>> {
        dispatch!(self, s => s.data_requests(resident_id).await)
    }

    /// One request, whoever it is about.
    pub async fn data_request(&self, id: i64) -> Result<Option<DataRequest>> {
        dispatch!(self, s => s.data_request(id).await)
    }

    /// File a request; its text is checked by `privacy::request_body` (not
    /// empty, at most 2,000 characters). Returns its id.
    pub async fn create_data_request(&self, r: &NewDataRequest, now: DateTime<Utc>) -> Result<i64> {
        let body = request_body(&r.body).map_err(StoreError::Invalid)?;
        dispatch!(self, s => s.create_data_request(r, &body, now).await)
    }

    /// Answer an open request: corrected, or refused with a reason
    /// (`privacy::request_answer`). `false` when it is not open (answered
    /// already, or no such request).
    pub async fn answer_data_request(
        &self,
        id: i64,
        status: DataRequestStatus,
        answer: &str,
        by: &str,
        now: DateTime<Utc>,
    ) -> Result<bool> {
        let answer = request_answer(status, answer).map_err(StoreError::Invalid)?;
        dispatch!(self, s => s.answer_data_request(id, status, &answer, by, now).await)
    }

    /// Anonymise a resident, which is what deleting them means here: in one
    /// transaction (with the audit row of [`Store::audited`]), the name
    /// becomes `privacy::anonymised_name` (and the household's head name, if
    /// they head it; the certificates' holder name), the citizen ID, phone,
    /// exact birth date (the year stays), ethnicity text (`is_minority`
    /// stays), relation, notes and unit positions are cleared, the name and
    /// numbers are replaced in their assistant questions and requests, their
    /// accounts are logged out, disabled and renamed, and their open
    /// requests are closed. Groups, memberships, class lists and learning
    /// stay, so every count the commune reports is unchanged. Doing it again
    /// changes nothing more. `None` for an unknown id; refused for a person
    /// with an admin account. `now` is written as the record's
    /// `updated_at` and the closed requests' `answered_at`.
    pub async fn anonymise_resident(
        &self,
        resident_id: i64,
        now: DateTime<Utc>,
    ) -> Result<Option<Anonymised>> {
        let _forget = crate::users::ForgetSessions(self);
        dispatch!(self, s => s.anonymise_resident(resident_id, now).await)
    }
}
