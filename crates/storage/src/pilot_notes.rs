//! A pilot model's history (issue 15, task III.5): evidence items, reviews
//! and replications, added one by one and never replaced. Written once for
//! both engines.

use crate::{PgStore, Result, SqliteStore, Store, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use hocvuso_domain::pilot::{NewNote, NoteKind};
use serde::Serialize;

/// A note as the model's page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ModelNote {
    pub id: i64,
    pub model_id: i64,
    /// `NoteKind` code.
    pub kind: String,
    pub text: String,
    /// Where it was replicated to: the hamlet's or the unit's name.
    pub place: Option<String>,
    pub noted_on: NaiveDate,
    pub by: Option<String>,
}

impl ModelNote {
    pub fn kind(&self) -> Option<NoteKind> {
        NoteKind::from_code(&self.kind)
    }
}

type NoteRow = (
    i64,
    i64,
    String,
    String,
    Option<String>,
    Option<String>,
    NaiveDate,
    Option<String>,
);

const NOTE_ROWS: &str = "SELECT n.id, n.model_id, n.kind, n.text, h.name, u.name, n.noted_on, us.display_name \
     FROM pilot_model_notes n LEFT JOIN hamlets h ON h.id = n.hamlet_id LEFT JOIN units u ON u.id = n.unit_id \
     LEFT JOIN users us ON us.id = n.created_by";

fn note_of(r: NoteRow) -> ModelNote {
    let (id, model_id, kind, text, hamlet, unit, noted_on, by) = r;
    ModelNote {
        id,
        model_id,
        kind,
        text,
        place: hamlet.or(unit),
        noted_on,
        by,
    }
}

macro_rules! pilot_note_ops {
    ($Store:ident, $DB:ty) => {
        impl $Store {
            async fn add_model_note(&self, model_id: i64, n: &NewNote, by: Option<i64>, at: DateTime<Utc>) -> Result<i64> {
                let mut tx = self.write.begin().await?;
                let id = sqlx::query_scalar::<$DB, i64>(
                    "INSERT INTO pilot_model_notes (model_id, kind, text, hamlet_id, unit_id, noted_on, created_by, created_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                )
                .bind(model_id)
                .bind(n.kind.code())
                .bind(&n.text)
                .bind(n.hamlet_id)
                .bind(n.unit_id)
                .bind(n.noted_on)
                .bind(by)
                .bind(at)
                .fetch_one(&mut *tx)
                .await?;
                if n.kind == NoteKind::Evidence {
                    // The list shows the latest evidence; the history keeps all.
                    sqlx::query::<$DB>("UPDATE pilot_models SET evidence = $1, updated_at = $2 WHERE id = $3")
                        .bind(&n.text)
                        .bind(at)
                        .bind(model_id)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(id)
            }

            async fn model_notes(&self, model_id: Option<i64>) -> Result<Vec<ModelNote>> {
                let rows = match model_id {
                    Some(m) => {
                        let sql = format!("{NOTE_ROWS} WHERE n.model_id = $1 ORDER BY n.noted_on DESC, n.id DESC");
                        sqlx::query_as::<$DB, NoteRow>(&sql).bind(m).fetch_all(&self.read).await?
                    }
                    None => {
                        let sql = format!("{NOTE_ROWS} ORDER BY n.noted_on DESC, n.id DESC LIMIT 2000");
                        sqlx::query_as::<$DB, NoteRow>(&sql).fetch_all(&self.read).await?
                    }
                };
                Ok(rows.into_iter().map(note_of).collect())
            }
        }
    };
}

pilot_note_ops!(SqliteStore, sqlx::Sqlite);
pilot_note_ops!(PgStore, sqlx::Postgres);

impl Store {
    /// Add a note to a model's history (checked by [`NewNote::checked`]); a
    /// model, hamlet or unit that does not exist is refused.
    pub async fn add_model_note(
        &self,
        model_id: i64,
        n: &NewNote,
        by: Option<i64>,
        at: DateTime<Utc>,
    ) -> Result<i64> {
        if !self.pilot_models().await?.iter().any(|m| m.id == model_id) {
            return Err(StoreError::NotFound("mô hình".into()));
        }
        self.ensure_places(n.hamlet_id, n.unit_id).await?;
        dispatch!(self, s => s.add_model_note(model_id, n, by, at).await)
    }

    /// One model's history, newest first.
    pub async fn model_notes(&self, model_id: i64) -> Result<Vec<ModelNote>> {
        dispatch!(self, s => s.model_notes(Some(model_id)).await)
    }

    /// Every model's history, newest first (the list and the report).
    pub async fn all_model_notes(&self) -> Result<Vec<ModelNote>> {
        dispatch!(self, s => s.model_notes(None).await)
    }
}
