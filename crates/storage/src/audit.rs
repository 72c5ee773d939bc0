//! The audit log, written in batches.
//!
//! Handlers call [`AuditWriter::record`], which only queues the event; a
//! background task writes whatever has queued up in one multi-row INSERT.
//! Under load, many reads of personal pages cost one write, not one each.
//! [`AuditWriter::flush`] waits until everything queued so far is written
//! (used at shutdown, before exports return, and by tests).
//!
//! Every path that writes the log (the batch, [`crate::Store::audited`]'s
//! rows inside a change's transaction, [`crate::Store::audit_now`]) appends
//! through one macro that chains each entry to the one before it by hash
//! (`hocvuso_domain::audit::chain_hash`); [`crate::Store::verify_audit_chain`]
//! recomputes the chain.

use crate::Inner;
use chrono::{DateTime, Utc};
use hocvuso_domain::audit::{chain_hash, ChainCheck, ChainFields};
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

/// The advisory lock that serialises appends to the chain on PostgreSQL
/// (its write pool has several connections); SQLite has one writer.
const CHAIN_LOCK: &str = "SELECT pg_advisory_xact_lock(7238919417266001)";

/// `at` as both engines keep it: whole microseconds.
fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp_micros(at.timestamp_micros()).unwrap_or(at)
}

/// Append events to the chain inside the transaction `$tx`: read the last
/// hash, hash each event onto it ([`chain_hash`]) and insert them in order.
/// `$lock` (PostgreSQL) holds other appenders until this transaction ends,
/// so two transactions never chain onto the same entry.
macro_rules! audit_append {
    ($tx:expr, $batch:expr, $DB:ty, $lock:expr) => {{
        let lock: Option<&str> = $lock;
        if let Some(lock) = lock {
            sqlx::query::<$DB>(lock).execute(&mut *$tx).await?;
        }
        let last: Option<Option<String>> =
            sqlx::query_scalar::<$DB, Option<String>>("SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1")
                .fetch_optional(&mut *$tx)
                .await?;
        let mut prev = last.flatten().unwrap_or_default();
        let mut rows = Vec::with_capacity($batch.len());
        for (at, e) in $batch.iter() {
            let at = micros(*at);
            let hash = chain_hash(
                &prev,
                &ChainFields {
                    at_micros: at.timestamp_micros(),
                    user_id: e.user_id,
                    username: &e.username,
                    action: &e.action,
                    object_type: &e.object_type,
                    object_id: &e.object_id,
                    detail: &e.detail,
                },
            );
            rows.push((at, e, std::mem::replace(&mut prev, hash.clone()), hash));
        }
        let mut qb = QueryBuilder::<$DB>::new(
            "INSERT INTO audit_log (at, user_id, username, action, object_type, object_id, detail, prev_hash, hash) ",
        );
        qb.push_values(rows.iter(), |mut b, (at, e, prev, hash)| {
            b.push_bind(*at)
                .push_bind(e.user_id)
                .push_bind(e.username.clone())
                .push_bind(e.action.clone())
                .push_bind(e.object_type.clone())
                .push_bind(e.object_id.clone())
                .push_bind(e.detail.clone())
                .push_bind(prev.clone())
                .push_bind(hash.clone());
        });
        qb.build().execute(&mut *$tx).await?;
    }};
}

async fn write_batch(
    inner: &Inner,
    batch: &[(DateTime<Utc>, AuditEvent)],
) -> Result<(), sqlx::Error> {
    match inner {
        Inner::Sqlite(s) => {
            let mut tx = s.write.begin().await?;
            audit_append!(tx, batch, sqlx::Sqlite, None);
            tx.commit().await
        }
        Inner::Postgres(s) => {
            let mut tx = s.write.begin().await?;
            audit_append!(tx, batch, sqlx::Postgres, Some(CHAIN_LOCK));
            tx.commit().await
        }
    }
}

macro_rules! audited_commit {
    ($Store:ident, $DB:ty, $lock:expr) => {
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
                    audit_append!(tx, row, $DB, $lock);
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
                        audit_append!(tx, rows, $DB, $lock);
                    }
                }
                tx.commit().await?;
                Ok(())
            }

            pub(crate) async fn audit_now(&self, e: &AuditEvent) -> crate::Result<()> {
                let row = [(Utc::now(), e.clone())];
                let mut tx = self.write.begin().await?;
                audit_append!(tx, row, $DB, $lock);
                tx.commit().await?;
                Ok(())
            }
        }
    };
}

audited_commit!(SqliteStore, sqlx::Sqlite, None);
audited_commit!(PgStore, sqlx::Postgres, Some(CHAIN_LOCK));

/// Entries read per query while checking the chain.
const VERIFY_PAGE: i64 = 5_000;

macro_rules! audit_verify {
    ($Store:ident, $DB:ty) => {
        impl crate::$Store {
            async fn verify_audit_chain(&self) -> crate::Result<ChainCheck> {
                use sqlx::Row;
                let mut check = ChainCheck::default();
                let mut after = i64::MIN;
                loop {
                    let rows = sqlx::query::<$DB>(
                        "SELECT id, at, user_id, username, action, object_type, object_id, detail, prev_hash, hash \
                         FROM audit_log WHERE id > $1 ORDER BY id LIMIT $2",
                    )
                    .bind(after)
                    .bind(VERIFY_PAGE)
                    .fetch_all(&self.read)
                    .await?;
                    for r in &rows {
                        let id: i64 = r.try_get(0)?;
                        let at: DateTime<Utc> = r.try_get(1)?;
                        let username: String = r.try_get(3)?;
                        let action: String = r.try_get(4)?;
                        let object_type: String = r.try_get(5)?;
                        let object_id: String = r.try_get(6)?;
                        let detail: String = r.try_get(7)?;
                        let prev: Option<String> = r.try_get(8)?;
                        let hash: Option<String> = r.try_get(9)?;
                        let fields = ChainFields {
                            at_micros: at.timestamp_micros(),
                            user_id: r.try_get(2)?,
                            username: &username,
                            action: &action,
                            object_type: &object_type,
                            object_id: &object_id,
                            detail: &detail,
                        };
                        check.push(id, &fields, prev.as_deref(), hash.as_deref());
                        after = id;
                    }
                    if (rows.len() as i64) < VERIFY_PAGE {
                        return Ok(check);
                    }
                }
            }
        }
    };
}

audit_verify!(SqliteStore, sqlx::Sqlite);
audit_verify!(PgStore, sqlx::Postgres);

impl crate::Store {
    /// Recompute the audit log's hash chain from its first entry
    /// (`hocvuso audit verify`): which entries were changed, removed,
    /// inserted or reordered since they were written. Queued page views are
    /// written first.
    pub async fn verify_audit_chain(&self) -> crate::Result<ChainCheck> {
        self.audit.flush().await;
        dispatch!(self, s => s.verify_audit_chain().await)
    }
}
