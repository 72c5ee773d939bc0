//! Issue 12: `hocvuso import` reads no more of a file than the 20 MB it
//! accepts, whatever the file is (a device, a file that keeps growing).

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

/// `/dev/zero` and the memory of a process in `/proc` are Linux's.
#[cfg(target_os = "linux")]
mod linux {
    use super::common::*;
    use std::path::Path;
    use std::process::{Command, Output, Stdio};

    /// The most memory `hocvuso import` may use while refusing a file: the 20 MB
    /// it reads, and the program around it, with room to spare. Reading past the
    /// limit (the whole of `/dev/zero`) goes through this at once.
    const MAX_RSS_KB: u64 = 512 * 1024;

    /// The resident memory of a running process, from `/proc` (Linux).
    fn rss_kb(pid: u32) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// `hocvuso ARGS --data-dir DATA`, killed (and reported as such) as soon as
    /// it holds more memory than [`MAX_RSS_KB`].
    fn run_bounded(data: &Path, args: &[&str]) -> Output {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hocvuso"))
            .args(args)
            .arg("--data-dir")
            .arg(data)
            .env_remove("HOCVUSO_DATABASE_URL")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        loop {
            if child.try_wait().unwrap().is_some() {
                return child.wait_with_output().unwrap();
            }
            if let Some(kb) = rss_kb(child.id()) {
                if kb > MAX_RSS_KB {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("{args:?} read past the limit: {} MB in memory", kb / 1024);
                }
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
    }

    #[test]
    fn importing_an_endless_device_is_refused_at_the_size_limit() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        ok(&data, &["hamlet", "Na Mấy"]);
        let before = ok(&data, &["unit", "list", "--json"]);
        for args in [
            vec!["import", "/dev/zero"],
            vec!["import", "--kind", "staff", "/dev/zero"],
        ] {
            let o = run_bounded(&data, &args);
            assert!(!o.status.success(), "{args:?}: {}", text(&o));
            assert!(
                text(&o).contains("quá lớn") && text(&o).contains("20 MB"),
                "{args:?}: {}",
                text(&o)
            );
        }
        assert_eq!(ok(&data, &["unit", "list", "--json"]), before);
    }
}

#[test]
fn a_file_over_the_limit_is_refused_from_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["hamlet", "Na Mấy"]);
    // A sparse file: 21 MB long, nothing on disk.
    let big = dir.path().join("lon.csv");
    std::fs::File::create(&big)
        .unwrap()
        .set_len(21 * 1024 * 1024)
        .unwrap();
    for kind in ["residents", "staff"] {
        refused(
            &data,
            &["import", "--kind", kind, big.to_str().unwrap()],
            "Tệp quá lớn (21,0 MB)",
        );
    }
}
