//! The `hocvuso` binary, run as a user would, on a temporary data folder.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use std::path::Path;
use std::process::Command;

mod common;
use common::*;

#[test]
fn demo_import_export_user_backup() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");

    let o = hocvuso(&data, &["demo"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("mật khẩu một lần"), "{}", text(&o));
    assert!(data.join("hocvuso.sqlite").exists());
    // A second demo into the same folder refuses instead of doubling the data.
    let again = hocvuso(&data, &["demo"]);
    assert!(!again.status.success());
    assert!(text(&again).contains("đã có dữ liệu"));

    // Hamlets: add one, then import residents into it (UTF-8 CSV, NFD names).
    let o = hocvuso(&data, &["hamlet", "na mấy"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Đã thêm Xóm Na Mấy"));
    let csv = dir.path().join("ds.csv");
    let nfd = "Lu\u{031b}\u{0301}ng Thi\u{0323} Hoa";
    std::fs::write(
        &csv,
        format!(
            "UBND XÃ DÂN TIẾN\nDANH SÁCH NHÂN KHẨU\nSTT;Họ và tên;Năm sinh;Giới tính;Dân tộc;Xóm;Quan hệ với chủ hộ\n\
             1;Vàng Seo Dìa;1970;Nam;Mông;Na Mấy;Chủ hộ\n2;{nfd};1975;Nữ;H'Mông;xom na may;Vợ\n3;Vàng Thị Mai;2012;Nữ;H'Mông;Na Mấy;Con\n"
        ),
    )
    .unwrap();
    let o = hocvuso(&data, &["import", csv.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("3 người mới"), "{}", text(&o));
    let o = hocvuso(&data, &["import", csv.to_str().unwrap()]);
    assert!(
        text(&o).contains("0 người mới") && text(&o).contains("3 không đổi"),
        "{}",
        text(&o)
    );

    // A file with errors lists them and writes nothing.
    let bad = dir.path().join("sai.csv");
    std::fs::write(
        &bad,
        "Họ và tên;Năm sinh;Xóm;Số điện thoại\nNguyễn Văn Sai;1980;Xóm Không Có;0112\n",
    )
    .unwrap();
    let o = hocvuso(&data, &["import", bad.to_str().unwrap()]);
    assert!(!o.status.success());
    let t = text(&o);
    assert!(
        t.contains("Dòng 2") && t.contains("Xóm Không Có") && t.contains("chưa ghi gì"),
        "{t}"
    );

    // Broken file.
    let broken = dir.path().join("hong.xlsx");
    std::fs::write(&broken, b"PK\x03\x04 not really a zip").unwrap();
    let o = hocvuso(&data, &["import", broken.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(text(&o).starts_with("Lỗi: "), "{}", text(&o));

    // Export, then the exported file re-imports without adding anyone.
    let out = dir.path().join("so.xlsx");
    let o = hocvuso(&data, &["export", "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    let o = hocvuso(&data, &["import", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains(" 0 người mới"), "{}", text(&o));

    // Users.
    let o = hocvuso(
        &data,
        &[
            "user",
            "add",
            "truong.kl",
            "--role",
            "truong_xom",
            "--hamlet",
            "khuon lang",
        ],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Mật khẩu một lần"));
    let o = hocvuso(&data, &["user", "add", "x", "--role", "vua"]);
    assert!(!o.status.success());
    assert!(text(&o).contains("Vai trò \"vua\" không có"));
    let o = hocvuso(&data, &["user", "list"]);
    assert!(text(&o).contains("truong.kl") && text(&o).contains("Trưởng xóm"));
    let o = hocvuso(&data, &["user", "reset-password", "truong.kl"]);
    assert!(o.status.success() && text(&o).contains("Mật khẩu một lần mới"));

    // Backup is a readable copy.
    let copy = dir.path().join("copy.sqlite");
    let o = hocvuso(&data, &["backup", "--out", copy.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(std::fs::metadata(&copy).unwrap().len() > 100_000);
}

#[test]
fn scale_generates_a_streamed_data_set() {
    let dir = tempfile::tempdir().unwrap();
    let o = hocvuso(&dir.path().join("d"), &["demo", "--scale", "12000"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Đã tạo 12000 cư dân"), "{}", text(&o));
}

#[test]
fn ask_answers_offline_and_uses_the_offices_edits() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // No database: the built-in records, and nothing is created.
    let o = hocvuso(&data, &["ask", "lam giay khai sinh o dau"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("1.001193") && text(&o).contains("Nơi nộp hồ sơ"),
        "{}",
        text(&o)
    );
    assert!(!data.exists(), "ask does not create a database");
    // JSONL: one JSON object per conversation.
    let mut child = Command::new(env!("CARGO_BIN_EXE_hocvuso"))
        .args(["ask", "--jsonl", "--data-dir"])
        .arg(&data)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all("{\"turns\": [\"chứng thực\", \"cái thứ hai\", \"phí bao nhiêu\"]}\n{\"turns\": [\"ly hôn\"]}\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["behavior"], "answer");
    assert_eq!(lines[0]["fields"][0], "fees");
    assert_eq!(lines[1]["behavior"], "out_of_scope");
    // With the commune's database, a record edited on the web is used.
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        std::fs::create_dir_all(&data).unwrap();
        let store = hocvuso_storage::Store::connect(&hocvuso_storage::StoreOptions::sqlite_file(
            &data.join("hocvuso.sqlite"),
        ))
        .await
        .unwrap();
        let a = hocvuso_assistant::Assistant::embedded().unwrap();
        let mut r = a.record("1.000894").unwrap().clone();
        r.processing_time = "Theo bản sửa của xã: ngay trong ngày".into();
        store
            .save_procedure_override(
                "1.000894",
                &hocvuso_assistant::knowledge::record_to_toml(&r),
                "test",
            )
            .await
            .unwrap();
        store.close().await;
    });
    let o = hocvuso(&data, &["ask", "đăng ký kết hôn mất bao lâu"]);
    assert!(text(&o).contains("Theo bản sửa của xã"), "{}", text(&o));
}

#[test]
fn courses_json_check_and_the_offices_own_courses() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let o = hocvuso(&data, &["courses", "--json"]);
    assert!(o.status.success(), "{}", text(&o));
    let j: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let courses = j["courses"].as_array().unwrap();
    assert!(courses.len() >= 10);
    for c in courses {
        let lessons = c["lessons"].as_array().unwrap();
        assert!((4..=8).contains(&lessons.len()), "{}", c["id"]);
        assert!(!c["target_groups"].as_array().unwrap().is_empty());
        assert!(!c["competence_areas"].as_array().unwrap().is_empty());
        let per_lesson: u64 = lessons
            .iter()
            .map(|l| l["quiz_questions"].as_u64().unwrap())
            .sum();
        assert_eq!(per_lesson, c["quiz_questions"].as_u64().unwrap());
        assert!(lessons[0]["path"].as_str().unwrap().starts_with("/hoc/"));
    }

    // The repository's course folder checks clean.
    let repo_courses = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../courses");
    let o = hocvuso(&data, &["courses", "check", repo_courses.to_str().unwrap()]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("Hợp lệ: "), "{}", text(&o));

    // The office adds a course of its own: copy one, rename it.
    let own = data.join("courses").join("khoa-cua-xa");
    std::fs::create_dir_all(&own).unwrap();
    for e in std::fs::read_dir(repo_courses.join("binh-dan-hoc-ai")).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, own.join(p.file_name().unwrap())).unwrap();
    }
    let course_toml = own.join("course.toml");
    let t = std::fs::read_to_string(&course_toml).unwrap();
    std::fs::write(
        &course_toml,
        t.replace("id = \"binh-dan-hoc-ai\"", "id = \"khoa-cua-xa\"")
            .replace("order = 7", "order = 20"),
    )
    .unwrap();
    let o = hocvuso(&data, &["courses"]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(text(&o).contains("khoa-cua-xa"), "{}", text(&o));

    // A broken one is an error naming the file and line, for check and for serve.
    let quiz = own.join("quiz.toml");
    let q = std::fs::read_to_string(&quiz).unwrap();
    std::fs::write(&quiz, q.replacen("choices = [", "choices = [[", 1)).unwrap();
    let o = hocvuso(
        &data,
        &["courses", "check", data.join("courses").to_str().unwrap()],
    );
    assert!(!o.status.success());
    assert!(text(&o).contains("khoa-cua-xa/quiz.toml:"), "{}", text(&o));
    let o = hocvuso(&data, &["serve", "--bind", "127.0.0.1:0"]);
    assert!(!o.status.success(), "serve must refuse broken course files");
    assert!(text(&o).contains("quiz.toml:"), "{}", text(&o));
}
