//! `hocvuso audit verify` (issue 12): the audit log's hash chain checks out
//! after real use, and an entry changed behind the program's back is named,
//! with exit status 1.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

mod common;
use common::*;

#[tokio::test]
async fn a_changed_entry_is_found_and_fails_the_command() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok(&data, &["hamlet", "Xóm Khuôn Lặng"]);
    ok(&data, &["hamlet", "Xóm Nà Mòn"]);
    let out = dir.path().join("so.xlsx");
    ok(&data, &["export", "--out", out.to_str().unwrap()]);
    let said = ok(&data, &["audit", "verify"]);
    assert!(said.contains("Chuỗi mã băm nguyên vẹn"), "{said}");
    assert!(said.contains("Mã băm của mục cuối: "), "{said}");

    // Someone with the database file rewrites what an entry says.
    use sqlx::Connection;
    let url = format!("sqlite://{}", data.join("hocvuso.sqlite").display());
    let mut c = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let first: i64 = sqlx::query_scalar("SELECT MIN(id) FROM audit_log")
        .fetch_one(&mut c)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_log SET username = 'nguoi_khac' WHERE id = $1")
        .bind(first)
        .execute(&mut c)
        .await
        .unwrap();
    c.close().await.unwrap();

    let o = hocvuso(&data, &["audit", "verify"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let said = text(&o);
    assert!(
        said.contains(&format!("Mục số {first}: nội dung đã bị sửa")),
        "{said}"
    );
    assert!(said.contains("đã bị can thiệp"), "{said}");
}
