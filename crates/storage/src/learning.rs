//! Learning records: lessons read, quiz attempts, certificates. Written once
//! for both engines, like [`crate::registry`].

use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, Utc};

/// How an attempt was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LearningMode {
    /// The resident, on their own account.
    SelfStudy,
    /// A team member, at a class.
    Class,
    /// A team member, at a home visit.
    HomeVisit,
}

impl LearningMode {
    pub fn code(self) -> &'static str {
        match self {
            LearningMode::SelfStudy => "tu_hoc",
            LearningMode::Class => "lop_hoc",
            LearningMode::HomeVisit => "tai_nha",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::SelfStudy, Self::Class, Self::HomeVisit]
            .into_iter()
            .find(|m| m.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            LearningMode::SelfStudy => "Tự học",
            LearningMode::Class => "Tại lớp học",
            LearningMode::HomeVisit => "Tại nhà (Tổ công nghệ số cộng đồng)",
        }
    }
}

/// A graded quiz attempt to record.
#[derive(Debug, Clone)]
pub struct NewAttempt {
    /// Made by the page (kept across an offline resend) or by the server.
    pub client_id: String,
    pub resident_id: i64,
    pub course_id: String,
    pub correct: i32,
    pub total: i32,
    pub passed: bool,
    /// The chosen answers, as JSON.
    pub answers: String,
    pub mode: LearningMode,
    pub recorded_by: Option<i64>,
    pub answered_at: DateTime<Utc>,
    /// Issued if this is the resident's first pass of the course.
    pub certificate: Option<NewCertificate>,
}

#[derive(Debug, Clone)]
pub struct NewCertificate {
    pub code: String,
    pub holder_name: String,
    pub course_title: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptOutcome {
    pub attempt_id: i64,
    /// The same `client_id` was recorded before: nothing new was written.
    pub duplicate: bool,
    pub passed: bool,
    pub correct: i32,
    pub total: i32,
    /// The resident's certificate for the course, new or earlier.
    pub certificate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct CertificateRow {
    pub code: String,
    pub resident_id: i64,
    pub course_id: String,
    pub holder_name: String,
    pub course_title: String,
    pub issued_at: DateTime<Utc>,
}

/// A digital milestone a person reached (issue 14), as their page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MilestoneReached {
    pub milestone: hocvuso_domain::field::Milestone,
    pub on: chrono::NaiveDate,
    pub source: Option<hocvuso_domain::field::MilestoneSource>,
}

/// A resident's progress in one course.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CourseProgress {
    pub course_id: String,
    pub lessons_read: Vec<String>,
    pub attempts: i64,
    pub best_percent: Option<i64>,
    pub certificate: Option<String>,
}

/// What a resident's page shows of their learning.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LearnerSummary {
    /// By course id.
    pub progress: Vec<CourseProgress>,
    /// A member of a community digital team (its courses count for them).
    pub team_member: bool,
    /// Digital milestones reached, in the domain's order.
    pub milestones: Vec<MilestoneReached>,
}

/// A synthetic pass to load: `code` is the certificate code (and the
/// attempt's client id).
#[derive(Debug, Clone)]
pub struct DemoPassRow<'a> {
    pub code: String,
    pub resident_id: i64,
    pub course_id: &'a str,
    pub total: i32,
    pub at: DateTime<Utc>,
}

/// A certificate code: 16 characters of Crockford's base32 (80 random bits
/// from the OS), in groups of four. Not guessable, easy to read out.
pub fn new_certificate_code() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    let mut rng = rand::rngs::OsRng;
    let chars: Vec<char> = (0..16)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect();
    chars
        .chunks(4)
        .map(|c| c.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

/// A client id: what a page may send (the rule is the domain's).
pub use hocvuso_domain::field::valid_client_id;

/// One row of [`LEARNER_ROWS`]: kind, course, text, count, best percent.
pub(crate) type LearnerRow = (String, String, Option<String>, Option<i64>, Option<i64>);

/// A resident's lesson reads, attempts, certificates and team membership as
/// tagged rows (the resident id is `$1`): `r` (course, lesson), `a` (course,
/// -, count, best %), `c` (course, code), `t` (-, -, team memberships), `m`
/// (milestone, "reached_on|source"). Read
/// alone by `learner_summary`, and inside the resident page's one statement
/// (`crate::resident_file`).
pub(crate) const LEARNER_ROWS: &str = "SELECT 'r' AS k, course_id AS c, lesson_id AS t, CAST(NULL AS BIGINT) AS n, CAST(NULL AS BIGINT) AS b FROM lesson_reads WHERE resident_id = $1 \
     UNION ALL SELECT 'a', course_id, CAST(NULL AS TEXT), COUNT(*), MAX(CAST(correct * 100 / total AS BIGINT)) FROM quiz_attempts \
       WHERE resident_id = $1 AND total > 0 GROUP BY course_id \
     UNION ALL SELECT 'c', course_id, code, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) FROM certificates WHERE resident_id = $1 \
     UNION ALL SELECT 't', '', CAST(NULL AS TEXT), COUNT(*), CAST(NULL AS BIGINT) FROM unit_members m JOIN units u ON u.id = m.unit_id \
       WHERE m.resident_id = $1 AND u.unit_type = 'to_cnscd' \
     UNION ALL SELECT 'm', milestone, CAST(reached_on AS TEXT) || '|' || source, CAST(NULL AS BIGINT), CAST(NULL AS BIGINT) \
       FROM milestones WHERE resident_id = $1";

impl LearnerSummary {
    /// The summary of [`LEARNER_ROWS`]' rows.
    pub(crate) fn of(rows: impl IntoIterator<Item = LearnerRow>) -> LearnerSummary {
        let mut out: std::collections::BTreeMap<String, CourseProgress> = Default::default();
        let mut team_member = false;
        let mut milestones = Vec::new();
        for (kind, course, text, n, best) in rows {
            match kind.as_str() {
                "m" => {
                    let text = text.unwrap_or_default();
                    let (day, source) = text.split_once('|').unwrap_or((text.as_str(), ""));
                    let on =
                        chrono::NaiveDate::parse_from_str(day.get(..10).unwrap_or(day), "%Y-%m-%d");
                    if let (Some(milestone), Ok(on)) =
                        (hocvuso_domain::field::Milestone::from_code(&course), on)
                    {
                        milestones.push(MilestoneReached {
                            milestone,
                            on,
                            source: hocvuso_domain::field::MilestoneSource::from_code(source),
                        });
                    }
                }
                "r" => progress_entry(&mut out, course).lessons_read.extend(text),
                "a" => {
                    let p = progress_entry(&mut out, course);
                    p.attempts = n.unwrap_or(0);
                    p.best_percent = best;
                }
                "c" => progress_entry(&mut out, course).certificate = text,
                _ => team_member = n.unwrap_or(0) > 0,
            }
        }
        for p in out.values_mut() {
            p.lessons_read.sort();
        }
        milestones.sort_by_key(|m| m.milestone);
        LearnerSummary {
            progress: out.into_values().collect(),
            team_member,
            milestones,
        }
    }
}

fn progress_entry(
    out: &mut std::collections::BTreeMap<String, CourseProgress>,
    course_id: String,
) -> &mut CourseProgress {
    out.entry(course_id.clone())
        .or_insert_with(|| CourseProgress {
            course_id,
            ..Default::default()
        })
}

macro_rules! learning_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn record_lesson_read(&self, resident_id: i64, course: &str, lesson: &str) -> Result<bool> {
                Ok(sqlx::query::<$DB>(
                    "INSERT INTO lesson_reads (resident_id, course_id, lesson_id, first_at) VALUES ($1, $2, $3, $4) \
                     ON CONFLICT (resident_id, course_id, lesson_id) DO NOTHING",
                )
                .bind(resident_id)
                .bind(course)
                .bind(lesson)
                .bind(Utc::now())
                .execute(&self.write)
                .await?
                .rows_affected()
                    > 0)
            }

            async fn record_attempt(&self, a: &NewAttempt) -> Result<AttemptOutcome> {
                let mut tx = self.write.begin().await?;
                let inserted: Option<i64> = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO quiz_attempts (client_id, resident_id, course_id, correct, total, passed, answers, mode, recorded_by, answered_at, received_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT (client_id) DO NOTHING RETURNING id",
                )
                .bind(&a.client_id)
                .bind(a.resident_id)
                .bind(&a.course_id)
                .bind(a.correct)
                .bind(a.total)
                .bind(a.passed)
                .bind(&a.answers)
                .bind(a.mode.code())
                .bind(a.recorded_by)
                .bind(a.answered_at)
                .bind(Utc::now())
                .fetch_optional(&mut *tx)
                .await?;
                let (attempt_id, duplicate, passed, correct, total) = match inserted {
                    Some(id) => (id, false, a.passed, a.correct, a.total),
                    None => {
                        let (id, resident, course, passed, correct, total): (i64, i64, String, bool, i32, i32) = sqlx::query_as::<$DB, (i64, i64, String, bool, i32, i32)>(
                            "SELECT id, resident_id, course_id, passed, correct, total FROM quiz_attempts WHERE client_id = $1",
                        )
                        .bind(&a.client_id)
                        .fetch_one(&mut *tx)
                        .await?;
                        if resident != a.resident_id || course != a.course_id {
                            return Err(StoreError::Invalid(
                                "Mã bài làm đã được dùng cho một bài làm khác; hãy làm lại bài kiểm tra".into(),
                            ));
                        }
                        (id, true, passed, correct, total)
                    }
                };
                if passed && !duplicate {
                    if let Some(c) = &a.certificate {
                        sqlx::query::<$DB>(
                            "INSERT INTO certificates (code, resident_id, course_id, holder_name, course_title, attempt_id, issued_at) \
                             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (resident_id, course_id) DO NOTHING",
                        )
                        .bind(&c.code)
                        .bind(a.resident_id)
                        .bind(&a.course_id)
                        .bind(&c.holder_name)
                        .bind(&c.course_title)
                        .bind(attempt_id)
                        .bind(a.answered_at)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
                let certificate: Option<String> = sqlx::query_scalar::<$DB, String>(
                    "SELECT code FROM certificates WHERE resident_id = $1 AND course_id = $2",
                )
                .bind(a.resident_id)
                .bind(&a.course_id)
                .fetch_optional(&mut *tx)
                .await?;
                self.commit(tx).await?;
                Ok(AttemptOutcome { attempt_id, duplicate, passed, correct, total, certificate })
            }

            /// Lesson reads, attempts, certificates and team membership of
            /// one resident in one statement: the resident page's learning
            /// section costs one round trip, not four. Rows are tagged by
            /// kind: `r` (course, lesson), `a` (course, -, count, best %),
            /// `c` (course, code), `t` (-, -, team memberships).
            async fn learner_summary(&self, resident_id: i64) -> Result<LearnerSummary> {
                let rows = sqlx::query_as::<$DB, LearnerRow>(LEARNER_ROWS)
                    .bind(resident_id)
                    .fetch_all(&self.read)
                    .await?;
                Ok(LearnerSummary::of(rows))
            }

            async fn learner_groups(&self) -> Result<Vec<(i64, String)>> {
                Ok(sqlx::query_as::<$DB, (i64, String)>(
                    "SELECT resident_id, group_code FROM resident_groups \
                     UNION SELECT m.resident_id, 'to_cnscd' FROM unit_members m JOIN units u ON u.id = m.unit_id WHERE u.unit_type = 'to_cnscd' \
                     ORDER BY 1",
                )
                .fetch_all(&self.read)
                .await?)
            }

            async fn load_demo_learning(&self, passes: &[DemoPassRow<'_>], assistant: &[(i64, DateTime<Utc>)], titles: &[(String, String)]) -> Result<usize> {
                let mut tx = self.write.begin().await?;
                let now = Utc::now();
                for chunk in passes.chunks(1500) {
                    let mut qb = sqlx::QueryBuilder::<$DB>::new(
                        "INSERT INTO quiz_attempts (client_id, resident_id, course_id, correct, total, passed, answers, mode, answered_at, received_at) ",
                    );
                    qb.push_values(chunk, |mut b, p| {
                        b.push_bind(p.code.clone())
                            .push_bind(p.resident_id)
                            .push_bind(p.course_id.to_string())
                            .push_bind(p.total)
                            .push_bind(p.total)
                            .push_bind(true)
                            .push_bind("[]")
                            .push_bind("lop_hoc")
                            .push_bind(p.at)
                            .push_bind(now);
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                sqlx::query::<$DB>(
                    "INSERT INTO certificates (code, resident_id, course_id, holder_name, course_title, attempt_id, issued_at) \
                     SELECT a.client_id, a.resident_id, a.course_id, r.full_name, a.course_id, a.id, a.answered_at \
                     FROM quiz_attempts a JOIN residents r ON r.id = a.resident_id \
                     WHERE a.passed AND NOT EXISTS (SELECT 1 FROM certificates c WHERE c.resident_id = a.resident_id AND c.course_id = a.course_id)",
                )
                .execute(&mut *tx)
                .await?;
                for (id, title) in titles {
                    sqlx::query::<$DB>("UPDATE certificates SET course_title = $1 WHERE course_id = $2 AND course_title = $2")
                        .bind(title)
                        .bind(id)
                        .execute(&mut *tx)
                        .await?;
                }
                for chunk in assistant.chunks(3000) {
                    let mut qb = sqlx::QueryBuilder::<$DB>::new(
                        "INSERT INTO assistant_questions (at, resident_id, question, behavior, code) ",
                    );
                    qb.push_values(chunk, |mut b, (rid, at)| {
                        b.push_bind(*at)
                            .push_bind(*rid)
                            .push_bind("(dữ liệu mẫu) làm giấy khai sinh ở đâu")
                            .push_bind("answer")
                            .push_bind("1.001193");
                    });
                    qb.build().execute(&mut *tx).await?;
                }
                self.commit(tx).await?;
                Ok(passes.len())
            }

            async fn load_bench_lesson_reads(&self, lessons: &[(String, String)], percent: i64, at: DateTime<Utc>) -> Result<u64> {
                // Every resident reads each lesson with a fixed pseudo-random
                // chance, in one INSERT ... SELECT (no rows cross the wire).
                let mut qb = sqlx::QueryBuilder::<$DB>::new(
                    "INSERT INTO lesson_reads (resident_id, course_id, lesson_id, first_at) SELECT r.id, v.column1, v.column2, ",
                );
                qb.push_bind(at).push(" FROM residents r, (VALUES ");
                let mut sep = qb.separated(", ");
                for (k, (course, lesson)) in lessons.iter().enumerate() {
                    sep.push(format!("('{}', '{}', {k})", course.replace('\'', ""), lesson.replace('\'', "")));
                }
                qb.push(") AS v WHERE (r.id * 7919 + v.column3 * 104729) % 100 < ").push_bind(percent);
                qb.push(" ON CONFLICT DO NOTHING");
                Ok(qb.build().execute(&self.write).await?.rows_affected())
            }

            async fn count_learning_events(&self) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT (SELECT COUNT(*) FROM lesson_reads) + (SELECT COUNT(*) FROM quiz_attempts)",
                )
                .fetch_one(&self.read)
                .await?)
            }

            async fn is_team_member(&self, resident_id: i64) -> Result<bool> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(*) FROM unit_members m JOIN units u ON u.id = m.unit_id \
                     WHERE m.resident_id = $1 AND u.unit_type = 'to_cnscd'",
                )
                .bind(resident_id)
                .fetch_one(&self.read)
                .await?
                    > 0)
            }

            async fn certificate(&self, code: &str) -> Result<Option<CertificateRow>> {
                Ok(sqlx::query_as::<$DB, CertificateRow>(
                    "SELECT code, resident_id, course_id, holder_name, course_title, issued_at FROM certificates WHERE code = $1",
                )
                .bind(code)
                .fetch_optional(&self.read)
                .await?)
            }

            async fn certificate_for(&self, resident_id: i64, course: &str) -> Result<Option<CertificateRow>> {
                Ok(sqlx::query_as::<$DB, CertificateRow>(
                    "SELECT code, resident_id, course_id, holder_name, course_title, issued_at FROM certificates WHERE resident_id = $1 AND course_id = $2",
                )
                .bind(resident_id)
                .bind(course)
                .fetch_optional(&self.read)
                .await?)
            }
        }
    };
}

learning_ops!(SqliteStore, sqlx::Sqlite);
learning_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Note that a resident opened a lesson; true the first time.
    pub async fn record_lesson_read(
        &self,
        resident_id: i64,
        course: &str,
        lesson: &str,
    ) -> Result<bool> {
        dispatch!(self, s => s.record_lesson_read(resident_id, course, lesson).await)
    }

    /// Record a graded attempt once (by `client_id`), and issue the
    /// certificate at the first pass.
    pub async fn record_attempt(&self, attempt: &NewAttempt) -> Result<AttemptOutcome> {
        if !valid_client_id(&attempt.client_id) {
            return Err(StoreError::Invalid(
                "Mã bài làm không hợp lệ; hãy tải lại trang và làm lại".into(),
            ));
        }
        dispatch!(self, s => s.record_attempt(attempt).await)
    }

    /// Progress of a resident in every course they touched, by course id.
    pub async fn learning_progress(&self, resident_id: i64) -> Result<Vec<CourseProgress>> {
        Ok(self.learner_summary(resident_id).await?.progress)
    }

    /// A resident's progress and whether they are on a digital team, in one
    /// round trip (their registry page).
    pub async fn learner_summary(&self, resident_id: i64) -> Result<LearnerSummary> {
        dispatch!(self, s => s.learner_summary(resident_id).await)
    }

    /// Every resident's target groups, plus `to_cnscd` for team members:
    /// (resident id, group code), by resident.
    pub async fn learner_groups(&self) -> Result<Vec<(i64, String)>> {
        dispatch!(self, s => s.learner_groups().await)
    }

    /// Load synthetic learning results (demo and benchmarks): passed
    /// attempts with their certificates, and assistant use. One transaction.
    pub async fn load_demo_learning(
        &self,
        passes: &[DemoPassRow<'_>],
        assistant: &[(i64, DateTime<Utc>)],
        titles: &[(String, String)],
    ) -> Result<usize> {
        dispatch!(self, s => s.load_demo_learning(passes, assistant, titles).await)
    }

    /// Benchmarks: lesson reads for every resident, each lesson with a
    /// `percent` chance (deterministic). Returns the rows written.
    pub async fn load_bench_lesson_reads(
        &self,
        lessons: &[(String, String)],
        percent: i64,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        dispatch!(self, s => s.load_bench_lesson_reads(lessons, percent, at).await)
    }

    /// Lesson reads plus quiz attempts.
    pub async fn count_learning_events(&self) -> Result<i64> {
        dispatch!(self, s => s.count_learning_events().await)
    }

    /// Whether a resident is a member of a community digital team.
    pub async fn is_team_member(&self, resident_id: i64) -> Result<bool> {
        dispatch!(self, s => s.is_team_member(resident_id).await)
    }

    /// A certificate by its public code.
    pub async fn certificate(&self, code: &str) -> Result<Option<CertificateRow>> {
        dispatch!(self, s => s.certificate(code).await)
    }

    /// A resident's certificate for a course.
    pub async fn certificate_for(
        &self,
        resident_id: i64,
        course: &str,
    ) -> Result<Option<CertificateRow>> {
        dispatch!(self, s => s.certificate_for(resident_id, course).await)
    }
}
