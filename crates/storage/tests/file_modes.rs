//! A new SQLite database is created readable by its owner only (mode 0600),
//! and so are its WAL and shared-memory files (SQLite gives them the
//! database file's mode).

#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::os::unix::fs::PermissionsExt;

use hocvuso_storage::{Store, StoreOptions};

fn mode(path: &std::path::Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn new_database_files_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hocvuso.sqlite");
    let store = Store::connect(&StoreOptions::sqlite_file(&db))
        .await
        .unwrap();
    store.create_hamlet("Xóm Na Mấy").await.unwrap();
    assert_eq!(mode(&db), 0o600, "database");
    let wal = dir.path().join("hocvuso.sqlite-wal");
    let shm = dir.path().join("hocvuso.sqlite-shm");
    assert!(wal.exists() && shm.exists(), "WAL journal in use");
    assert_eq!(mode(&wal), 0o600, "WAL");
    assert_eq!(mode(&shm), 0o600, "shared memory");
    store.close().await;
    // Opened again, the data is there.
    let store = Store::connect(&StoreOptions::sqlite_file(&db))
        .await
        .unwrap();
    assert_eq!(store.list_hamlets().await.unwrap().len(), 1);
    store.close().await;
}
