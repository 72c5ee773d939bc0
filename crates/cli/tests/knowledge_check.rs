//! `hocvuso knowledge check` on the content that ships: no error today, and
//! the check does bite when a cited text lapses.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

#[test]
fn the_shipped_content_has_no_error_today() {
    let dir = tempfile::tempdir().unwrap();
    let o = hocvuso(&dir.path().join("data"), &["knowledge", "check", "--brief"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(t.contains(" 0 lỗi"), "{t}");
    assert!(t.contains("hồ sơ thủ tục"), "{t}");
}

#[test]
fn a_text_that_lapses_turns_its_citations_into_errors() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Decree 147/2025/NĐ-CP lapses on 1/3/2027 (knowledge/instruments.toml):
    // 60 days before, the records citing it are to be re-read; from that day
    // they are wrong.
    let o = hocvuso(&data, &["knowledge", "check", "--today", "2027-01-15"]);
    let t = text(&o);
    assert!(o.status.success(), "{t}");
    assert!(
        t.contains("Cần xem lại") && t.contains("147/2025/NĐ-CP") && t.contains("01/03/2027"),
        "{t}"
    );
    let o = hocvuso(&data, &["knowledge", "check", "--today", "2027-03-02"]);
    let t = text(&o);
    assert!(!o.status.success(), "{t}");
    assert!(t.contains("Lỗi") && t.contains("hết hiệu lực"), "{t}");
    let o = hocvuso(&data, &["knowledge", "check", "--today", "mai"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("YYYY-MM-DD"), "{}", text(&o));
}
