//! The assistant's question log: questions as asked (already redacted), their
//! ratings, the list to review, and how many residents used the assistant.
//! Written once for both engines, like [`crate::learning`].
//!
//! Questions are written by group commit ([`QuestionWriter`]): each asker
//! waits until their own row is committed and gets its id, but the questions
//! that arrive while one transaction commits share the next one, so a crowd
//! costs one disk sync per group instead of one per question.

use crate::{Inner, PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, Utc};
use tokio::sync::{mpsc, oneshot};

/// A question to the assistant, as logged (no personal numbers).
#[derive(Debug, Clone, Default)]
pub struct QuestionLog {
    pub user_id: Option<i64>,
    pub resident_id: Option<i64>,
    pub question: String,
    pub behavior: String,
    pub code: Option<String>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct QuestionRow {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub question: String,
    pub behavior: String,
    pub code: Option<String>,
    pub rating: Option<i32>,
}

macro_rules! assistant_log_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            /// Insert a group of questions in one transaction; their ids in order.
            async fn log_questions(&self, group: &[(DateTime<Utc>, QuestionLog)]) -> Result<Vec<i64>> {
                let mut tx = self.write.begin().await?;
                let mut ids = Vec::with_capacity(group.len());
                for (at, q) in group {
                    ids.push(
                        sqlx::query_scalar::<$DB, i64>(
                            "INSERT INTO assistant_questions (at, user_id, resident_id, question, behavior, code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                        )
                        .bind(*at)
                        .bind(q.user_id)
                        .bind(q.resident_id)
                        .bind(&q.question)
                        .bind(&q.behavior)
                        .bind(&q.code)
                        .fetch_one(&mut *tx)
                        .await?,
                    );
                }
                self.commit(tx).await?;
                Ok(ids)
            }

            async fn rate_question(&self, id: i64, rating: i32) -> Result<bool> {
                Ok(sqlx::query::<$DB>("UPDATE assistant_questions SET rating = $2 WHERE id = $1")
                    .bind(id)
                    .bind(rating)
                    .execute(&self.write)
                    .await?
                    .rows_affected()
                    > 0)
            }

            async fn questions_needing_review(&self, limit: i64) -> Result<Vec<QuestionRow>> {
                Ok(sqlx::query_as::<$DB, QuestionRow>(
                    "SELECT id, at, question, behavior, code, rating FROM assistant_questions \
                     WHERE behavior <> 'answer' OR rating < 0 ORDER BY id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.read)
                .await?)
            }

            async fn residents_using_assistant(&self) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "SELECT COUNT(DISTINCT resident_id) FROM assistant_questions WHERE resident_id IS NOT NULL",
                )
                .fetch_one(&self.read)
                .await?)
            }
        }
    };
}

assistant_log_ops!(SqliteStore, sqlx::Sqlite);
assistant_log_ops!(PgStore, sqlx::Postgres);

/// The most questions one transaction writes.
const MAX_GROUP: usize = 64;
/// Questions waiting for the writer at most (the askers wait in turn beyond).
const QUEUE: usize = 1024;

type Waiting = (
    DateTime<Utc>,
    QuestionLog,
    oneshot::Sender<std::result::Result<i64, String>>,
);

/// The group-commit writer of the question log (see the module's comment).
#[derive(Clone)]
pub(crate) struct QuestionWriter {
    tx: mpsc::Sender<Waiting>,
}

impl QuestionWriter {
    pub(crate) fn spawn(inner: Inner) -> Self {
        let (tx, mut rx) = mpsc::channel::<Waiting>(QUEUE);
        tokio::spawn(async move {
            let mut group: Vec<(DateTime<Utc>, QuestionLog)> = Vec::new();
            let mut askers = Vec::new();
            while let Some(first) = rx.recv().await {
                let mut next = Some(first);
                while let Some((at, q, asker)) = next.take() {
                    group.push((at, q));
                    askers.push(asker);
                    if group.len() >= MAX_GROUP {
                        break;
                    }
                    next = rx.try_recv().ok();
                }
                let written = match &inner {
                    Inner::Sqlite(s) => s.log_questions(&group).await,
                    Inner::Postgres(p) => p.log_questions(&group).await,
                };
                match written {
                    Ok(ids) => {
                        for (asker, id) in askers.drain(..).zip(ids) {
                            let _ = asker.send(Ok(id));
                        }
                    }
                    Err(e) => {
                        tracing::error!(error = %e, questions = group.len(), "question log group failed");
                        for asker in askers.drain(..) {
                            let _ = asker.send(Err(e.to_string()));
                        }
                    }
                }
                group.clear();
            }
        });
        Self { tx }
    }

    async fn log(&self, q: &QuestionLog) -> Result<i64> {
        let gone = || StoreError::Database(sqlx::Error::PoolClosed);
        let (asker, answer) = oneshot::channel();
        self.tx
            .send((Utc::now(), q.clone(), asker))
            .await
            .map_err(|_| gone())?;
        answer
            .await
            .map_err(|_| gone())?
            .map_err(|e| StoreError::Database(sqlx::Error::Protocol(e)))
    }
}

impl Store {
    /// Log a question to the assistant (already redacted); returns its id
    /// for feedback once it is committed (with the others asked meanwhile).
    pub async fn log_question(&self, q: &QuestionLog) -> Result<i64> {
        self.questions.log(q).await
    }

    /// Record a rating (+1 useful, -1 not useful); false if no such question.
    pub async fn rate_question(&self, id: i64, rating: i32) -> Result<bool> {
        dispatch!(self, s => s.rate_question(id, rating).await)
    }

    /// Unanswered and low-rated questions, newest first.
    pub async fn questions_needing_review(&self, limit: i64) -> Result<Vec<QuestionRow>> {
        dispatch!(self, s => s.questions_needing_review(limit).await)
    }

    /// Residents (logged in) who have used the assistant: an AI tool use.
    pub async fn residents_using_assistant(&self) -> Result<i64> {
        dispatch!(self, s => s.residents_using_assistant().await)
    }
}
