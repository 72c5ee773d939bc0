//! Running the `hocvuso` binary as a user would, on a temporary data folder.

#![allow(dead_code)] // each test file uses a different part
#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::path::Path;
use std::process::{Command, Output};

/// `hocvuso ARGS --data-dir DATA`, with no database URL from the environment.
pub fn hocvuso(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hocvuso"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env_remove("HOCVUSO_DATABASE_URL")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run hocvuso")
}

/// Standard output and error together.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Runs and must succeed; returns what it printed.
pub fn ok(data: &Path, args: &[&str]) -> String {
    let o = hocvuso(data, args);
    assert!(o.status.success(), "{args:?}: {}", text(&o));
    text(&o)
}

/// Must fail with a message saying `says`, writing nothing: the unit list
/// (`hocvuso unit list --json`) is the same before and after.
pub fn refused(data: &Path, args: &[&str], says: &str) {
    let before = ok(data, &["unit", "list", "--json"]);
    let o = hocvuso(data, args);
    assert!(!o.status.success(), "{args:?} should fail: {}", text(&o));
    assert!(text(&o).contains(says), "{args:?}: {}", text(&o));
    assert_eq!(
        ok(data, &["unit", "list", "--json"]),
        before,
        "nothing written by {args:?}"
    );
}
