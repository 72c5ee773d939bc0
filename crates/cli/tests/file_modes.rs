//! The database, its backups and its exports hold the whole registry: they
//! are created readable by their owner only (mode 0600), whatever the umask.

#![cfg(unix)]
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

mod common;
use common::*;

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn database_backup_and_export_are_private() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["hamlet", "Na Mấy"]);
    let db = data.join("hocvuso.sqlite");
    assert_eq!(mode(&db), 0o600, "database");
    for side in ["hocvuso.sqlite-wal", "hocvuso.sqlite-shm"] {
        let p = data.join(side);
        if p.exists() {
            assert_eq!(mode(&p), 0o600, "{side}");
        }
    }

    let copy = dir.path().join("sao-luu.sqlite");
    ok(&data, &["backup", "--out", copy.to_str().unwrap()]);
    assert_eq!(mode(&copy), 0o600, "backup");
    assert!(std::fs::metadata(&copy).unwrap().len() > 10_000);
    // The copy opens: its hamlet is there.
    let restored = dir.path().join("restored");
    std::fs::create_dir(&restored).unwrap();
    std::fs::copy(&copy, restored.join("hocvuso.sqlite")).unwrap();
    assert!(ok(&restored, &["unit", "list", "--json"]).contains("Na Mấy"));

    let xlsx = dir.path().join("so-dan-cu.xlsx");
    ok(&data, &["export", "--out", xlsx.to_str().unwrap()]);
    assert_eq!(mode(&xlsx), 0o600, "export");
    // An export over an older, world-readable file makes it private too.
    std::fs::set_permissions(&xlsx, std::fs::Permissions::from_mode(0o644)).unwrap();
    ok(&data, &["export", "--out", xlsx.to_str().unwrap()]);
    assert_eq!(mode(&xlsx), 0o600, "export over an older file");
    assert!(std::fs::read(&xlsx).unwrap().starts_with(b"PK"));
}
