//! The audit log, written in batches.
//!
//! Handlers call [`AuditWriter::record`], which only queues the event; a
//! background task writes whatever has queued up in one multi-row INSERT.
//! Under load, many reads of personal pages cost one write, not one each.
//! [`AuditWriter::flush`] waits until everything queued so far is written
//! (used at shutdown, before exports return, and by tests).

use crate::Inner;
use chrono::{DateTime, Utc};
use sqlx::QueryBuilder;
use tokio::sync::{mpsc, oneshot};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub user_id: Option<i64>,
    pub username: String,
    /// `xem` (read), `tao` (create), `sua` (change), `xuat` (export), `nhap` (import), `dang_nhap`...
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    /// Never a citizen ID or a phone number.
    pub detail: String,
}

enum Msg {
    Event(DateTime<Utc>, AuditEvent),
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct AuditWriter {
    tx: mpsc::UnboundedSender<Msg>,
}

const MAX_BATCH: usize = 500;

impl AuditWriter {
    pub(crate) fn spawn(inner: Inner) -> Self {
        let (tx, mut rx) = mpsc::unbounded_channel::<Msg>();
        tokio::spawn(async move {
            let mut batch: Vec<(DateTime<Utc>, AuditEvent)> = Vec::new();
            let mut waiters: Vec<oneshot::Sender<()>> = Vec::new();
            while let Some(first) = rx.recv().await {
                let mut next = Some(first);
                while let Some(msg) = next.take() {
                    match msg {
                        Msg::Event(at, e) => batch.push((at, e)),
                        Msg::Flush(w) => waiters.push(w),
                    }
                    if batch.len() >= MAX_BATCH {
                        break;
                    }
                    next = rx.try_recv().ok();
                }
                if !batch.is_empty() {
                    if let Err(e) = write_batch(&inner, &batch).await {
                        tracing::error!(error = %e, events = batch.len(), "audit batch failed; retrying once");
                        if let Err(e) = write_batch(&inner, &batch).await {
                            tracing::error!(error = %e, events = batch.len(), "audit batch lost");
                        }
                    }
                    batch.clear();
                }
                for w in waiters.drain(..) {
                    let _ = w.send(());
                }
            }
        });
        Self { tx }
    }

    /// Queue one event (never blocks).
    pub fn record(&self, event: AuditEvent) {
        let _ = self.tx.send(Msg::Event(Utc::now(), event));
    }

    /// Wait until every event queued before this call is written.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.tx.send(Msg::Flush(tx)).is_ok() {
            let _ = rx.await;
        }
    }
}

macro_rules! audit_insert {
    ($pool:expr, $batch:expr, $DB:ty) => {{
        let mut qb = QueryBuilder::<$DB>::new(
            "INSERT INTO audit_log (at, user_id, username, action, object_type, object_id, detail) ",
        );
        qb.push_values($batch.iter(), |mut b, (at, e)| {
            b.push_bind(*at)
                .push_bind(e.user_id)
                .push_bind(e.username.clone())
                .push_bind(e.action.clone())
                .push_bind(e.object_type.clone())
                .push_bind(e.object_id.clone())
                .push_bind(e.detail.clone());
        });
        qb.build().execute($pool).await.map(|_| ())
    }};
}

async fn write_batch(
    inner: &Inner,
    batch: &[(DateTime<Utc>, AuditEvent)],
) -> Result<(), sqlx::Error> {
    match inner {
        Inner::Sqlite(s) => audit_insert!(&s.write, batch, sqlx::Sqlite),
        Inner::Postgres(s) => audit_insert!(&s.write, batch, sqlx::Postgres),
    }
}

macro_rules! audited_commit {
    ($Store:ident, $DB:ty) => {
        impl crate::$Store {
            /// Commit, with this store's audit row (if any) in the same transaction.
            pub(crate) async fn commit(
                &self,
                tx: sqlx::Transaction<'static, $DB>,
            ) -> crate::Result<()> {
                self.commit_created(tx, None).await
            }

            /// Commit a creation: an audit row without an object id gets the new one.
            pub(crate) async fn commit_created(
                &self,
                mut tx: sqlx::Transaction<'static, $DB>,
                id: Option<i64>,
            ) -> crate::Result<()> {
                if let Some(e) = &self.audit {
                    let mut e = (**e).clone();
                    if let (true, Some(id)) = (e.object_id.is_empty(), id) {
                        e.object_id = id.to_string();
                    }
                    let row = [(Utc::now(), e)];
                    audit_insert!(&mut *tx, row, $DB)?;
                }
                tx.commit().await?;
                Ok(())
            }

            /// Commit several creations: one audit row each, with the new
            /// object's type (empty: the event's), its id, and what tells it
            /// apart after the event's detail.
            pub(crate) async fn commit_each(
                &self,
                mut tx: sqlx::Transaction<'static, $DB>,
                made: &[(&str, i64, String)],
            ) -> crate::Result<()> {
                if let Some(e) = &self.audit {
                    let now = Utc::now();
                    let rows: Vec<(DateTime<Utc>, AuditEvent)> = made
                        .iter()
                        .map(|(kind, id, what)| {
                            let mut e = (**e).clone();
                            if !kind.is_empty() {
                                e.object_type = kind.to_string();
                            }
                            e.object_id = id.to_string();
                            e.detail = if e.detail.is_empty() {
                                what.clone()
                            } else {
                                format!("{}: {what}", e.detail)
                            };
                            (now, e)
                        })
                        .collect();
                    if !rows.is_empty() {
                        audit_insert!(&mut *tx, rows, $DB)?;
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn audit_now(&self, e: &AuditEvent) -> crate::Result<()> {
                let row = [(Utc::now(), e.clone())];
                audit_insert!(&self.write, row, $DB)?;
                Ok(())
            }
        }
    };
}

audited_commit!(SqliteStore, sqlx::Sqlite);
audited_commit!(PgStore, sqlx::Postgres);
