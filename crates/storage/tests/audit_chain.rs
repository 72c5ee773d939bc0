//! The audit log is a hash chain (issue 12): whatever path writes an entry
//! (the batched page views, a change's own transaction, an export's row),
//! each entry hashes the one before it, and `verify_audit_chain` finds an
//! entry changed, removed or inserted behind the store's back. On SQLite
//! and PostgreSQL, including appends from many tasks at once.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod engines;

use engines::TestDb;
use hocvuso_domain::audit::ChainBreak;
use hocvuso_storage::AuditEvent;

fn event(action: &str, object_id: &str) -> AuditEvent {
    AuditEvent {
        user_id: Some(1),
        username: "kiemthu".into(),
        action: action.into(),
        object_type: "cu_dan".into(),
        object_id: object_id.into(),
        detail: "chi tiết có dấu: Nguyễn Thị Ánh".into(),
    }
}

async fn chain_then_tamper(db: TestDb) {
    let store = db.store.clone();
    // Three paths into the log.
    for i in 0..5 {
        store.audit().record(event("xem", &i.to_string()));
    }
    store.audit().flush().await;
    store.audit_now(&event("xuat", "so")).await.unwrap();
    store
        .audited(event("tao", ""))
        .add_hamlet_with_units("Xóm Kiểm Tra")
        .await
        .unwrap();
    // Appends racing from many tasks must still form one chain.
    let mut tasks = Vec::new();
    for t in 0..8 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..10 {
                s.audit_now(&event("xuat", &format!("{t}-{i}")))
                    .await
                    .unwrap();
                s.audit().record(event("xem", &format!("{t}/{i}")));
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let check = store.verify_audit_chain().await.unwrap();
    assert!(check.is_intact(), "{:?}", check.breaks);
    assert!(check.entries >= 5 + 1 + 1 + 160, "{}", check.entries);
    assert_eq!(check.before_chain, 0);
    let head = check.head().unwrap().to_string();
    assert_eq!(head.len(), 64);

    // Someone with the database edits one entry's detail...
    db.tamper("UPDATE audit_log SET detail = 'không có gì' WHERE id = 3")
        .await;
    let check = store.verify_audit_chain().await.unwrap();
    assert_eq!(check.breaks, vec![(3, ChainBreak::Altered)]);

    // ...puts it back, and removes another instead.
    db.tamper("UPDATE audit_log SET detail = 'chi tiết có dấu: Nguyễn Thị Ánh' WHERE id = 3")
        .await;
    assert!(store.verify_audit_chain().await.unwrap().is_intact());
    db.tamper("DELETE FROM audit_log WHERE id = 5").await;
    let check = store.verify_audit_chain().await.unwrap();
    assert_eq!(check.breaks, vec![(6, ChainBreak::Unlinked)]);
    // Appending again does not hide the gap.
    store.audit_now(&event("xuat", "sau")).await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert_eq!(check.breaks, vec![(6, ChainBreak::Unlinked)]);
    db.finish().await;
}

async fn older_entries_are_counted_apart(db: TestDb) {
    let store = db.store.clone();
    store.audit_now(&event("xuat", "1")).await.unwrap();
    // Entries a version without the chain wrote: no hashes at all.
    db.tamper("UPDATE audit_log SET prev_hash = NULL, hash = NULL")
        .await;
    store.audit_now(&event("xuat", "2")).await.unwrap();
    store.audit_now(&event("xuat", "3")).await.unwrap();
    let check = store.verify_audit_chain().await.unwrap();
    assert!(check.is_intact(), "{:?}", check.breaks);
    assert_eq!((check.entries, check.before_chain), (3, 1));
    // An entry without a hash after the chain began is a break.
    db.tamper("UPDATE audit_log SET hash = NULL WHERE object_id = '3'")
        .await;
    let check = store.verify_audit_chain().await.unwrap();
    assert_eq!(check.breaks.len(), 1);
    assert_eq!(check.breaks[0].1, ChainBreak::Unhashed);
    db.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_chain_then_tamper() {
    chain_then_tamper(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_chain_then_tamper() {
    if let Some(db) = TestDb::postgres().await {
        chain_then_tamper(db).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_older_entries_are_counted_apart() {
    older_entries_are_counted_apart(TestDb::sqlite().await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_older_entries_are_counted_apart() {
    if let Some(db) = TestDb::postgres().await {
        older_entries_are_counted_apart(db).await;
    }
}
