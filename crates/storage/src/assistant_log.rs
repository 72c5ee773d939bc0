//! The assistant's question log: questions as asked (already redacted), their
//! ratings, the list to review, and how many residents used the assistant.
//! Written once for both engines, like [`crate::learning`].

use crate::{PgStore, Result, SqliteStore, Store};
use chrono::{DateTime, Utc};

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
            async fn log_question(&self, q: &QuestionLog) -> Result<i64> {
                Ok(sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO assistant_questions (at, user_id, resident_id, question, behavior, code) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(Utc::now())
                .bind(q.user_id)
                .bind(q.resident_id)
                .bind(&q.question)
                .bind(&q.behavior)
                .bind(&q.code)
                .fetch_one(&self.write)
                .await?)
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

impl Store {
    /// Log a question to the assistant (already redacted); returns its id for feedback.
    pub async fn log_question(&self, q: &QuestionLog) -> Result<i64> {
        dispatch!(self, s => s.log_question(q).await)
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
