//! The course files of the repository, and what the validator says of broken ones.

#![allow(clippy::unwrap_used)] // tests fail loudly on purpose

use hocvuso_learning::{grade, Catalog, CourseError};
use std::collections::BTreeSet;
use std::path::Path;

fn embedded() -> Catalog {
    match Catalog::embedded() {
        Ok(c) => c,
        Err(errors) => {
            let list: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
            panic!("course files have errors:\n{}", list.join("\n"));
        }
    }
}

#[test]
fn repository_courses_are_valid_and_complete() {
    let cat = embedded();
    assert!(cat.courses.len() >= 10, "{} courses", cat.courses.len());
    for id in [
        "dien-thoai-thong-minh",
        "internet-tim-kiem",
        "vneid-danh-tinh-so",
        "dich-vu-cong-truc-tuyen",
        "thanh-toan-khong-tien-mat",
        "an-toan-lua-dao",
        "binh-dan-hoc-ai",
        "ky-nang-so-hoc-sinh",
        "san-xuat-kinh-doanh-so",
        "ky-nang-so-can-bo",
    ] {
        let c = cat
            .course(id)
            .unwrap_or_else(|| panic!("course {id} missing"));
        assert!((4..=8).contains(&c.lessons.len()), "{id}");
        assert!((5..=10).contains(&c.quiz.len()), "{id}");
        assert!(!c.competences().is_empty());
        for l in &c.lessons {
            assert!(
                l.html.contains("<figure class=\"hinh\"><svg"),
                "{id}/{} has no illustration",
                l.id
            );
            assert!(!l.sources.is_empty(), "{id}/{} has no source", l.id);
            assert!(c.lesson_questions(&l.id) >= 1);
            // Content is NFC Vietnamese: no combining marks left.
            assert!(
                !l.html
                    .chars()
                    .any(|ch| ('\u{300}'..='\u{323}').contains(&ch)),
                "{id}/{}",
                l.id
            );
        }
    }
    // Every group of the plan has a basic-knowledge definition.
    for g in ["nguoi_truong_thanh", "hoc_sinh", "can_bo", "to_cnscd"] {
        assert!(cat.basic_knowledge.contains_key(g), "{g}");
    }
    let json = serde_json::to_value(cat.to_json()).unwrap();
    let first = &json["courses"][0];
    assert_eq!(first["id"], "dien-thoai-thong-minh");
    assert!(first["lessons"][0]["path"]
        .as_str()
        .unwrap()
        .starts_with("/hoc/dien-thoai-thong-minh/"));
    let sum: u64 = first["lessons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["quiz_questions"].as_u64().unwrap())
        .sum();
    assert_eq!(sum, first["quiz_questions"].as_u64().unwrap());
}

#[test]
fn grading_and_basic_knowledge() {
    let cat = embedded();
    let c = cat.course("dien-thoai-thong-minh").unwrap();
    let right: Vec<Option<usize>> = c.quiz.iter().map(|q| Some(q.answer)).collect();
    let s = grade(c, &right);
    assert!(s.passed);
    assert_eq!(s.percent, 100);
    let mut wrong = right.clone();
    for a in wrong.iter_mut().take(3) {
        *a = None;
    }
    let s = grade(c, &wrong);
    assert_eq!(s.correct as usize, c.quiz.len() - 3);
    assert!(!s.passed, "{s:?}");

    let core = &cat.basic_knowledge["nguoi_cao_tuoi"];
    let mut passed: BTreeSet<String> = core.iter().cloned().collect();
    assert!(cat.basic_knowledge_met(&["nguoi_cao_tuoi"], &passed));
    assert!(!cat.basic_knowledge_met(&["hoc_sinh"], &passed));
    passed.remove(&core[0]);
    assert!(!cat.basic_knowledge_met(&["nguoi_cao_tuoi"], &passed));
}

/// Copy one embedded course into a folder, for breaking it.
fn copy_course(dir: &Path, id: &str) {
    for (path, text) in hocvuso_learning::embedded_files() {
        if let Some(rest) = path.strip_prefix(&format!("{id}/")) {
            let p = dir.join(id).join(rest);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
    }
}

/// The course's first lesson file (the lowest `NN-`).
fn first_lesson(dir: &Path) -> std::path::PathBuf {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .min()
        .unwrap()
}

fn errors_of(dir: &Path) -> Vec<CourseError> {
    match Catalog::load_dir(dir) {
        Ok(_) => panic!("a broken course was accepted"),
        Err(e) => e,
    }
}

#[test]
fn a_copied_course_loads_from_a_folder() {
    let tmp = tempfile::tempdir().unwrap();
    copy_course(tmp.path(), "an-toan-lua-dao");
    let cat = Catalog::load_dir(tmp.path()).unwrap();
    assert_eq!(cat.courses.len(), 1);
    // The same id as a built-in course is refused when merged.
    let merged = embedded().with_extra(cat);
    assert!(merged.is_err());
}

#[test]
fn broken_course_files_are_errors_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let id = "internet-tim-kiem";
    copy_course(tmp.path(), id);
    let dir = tmp.path().join(id);
    let first_lesson = first_lesson(&dir);
    let name = first_lesson
        .file_name()
        .unwrap()
        .to_string_lossy()
        .to_string();

    // 1. A typo in the front matter: line 3 of the file.
    let text = std::fs::read_to_string(&first_lesson).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[2] = "title = \"Thiếu dấu ngoặc";
    std::fs::write(&first_lesson, lines.join("\n")).unwrap();
    let errs = errors_of(tmp.path());
    assert!(
        errs.iter().any(|e| e.file.ends_with(&name) && e.line == 3),
        "{errs:?}"
    );
    std::fs::write(&first_lesson, &text).unwrap();
    assert!(Catalog::load_dir(tmp.path()).is_ok());

    // 2. An answer that is not one of the choices: the line of its [[question]].
    let quiz = dir.join("quiz.toml");
    let qtext = std::fs::read_to_string(&quiz).unwrap();
    let qline = qtext
        .lines()
        .position(|l| l.trim() == "[[question]]")
        .unwrap()
        + 1;
    let broken = qtext.replacen("answer = ", "answer = 9", 1);
    std::fs::write(&quiz, broken).unwrap();
    let errs = errors_of(tmp.path());
    assert!(
        errs.iter().any(|e| e.file.ends_with("quiz.toml")
            && e.line == qline
            && e.message.contains("answer")),
        "{errs:?}"
    );
    std::fs::write(&quiz, &qtext).unwrap();

    // 3. A group code that does not exist, and a picture that is not there.
    let broken = text.replacen("+++\n", "+++\ngroups = [\"nong_dan\"]\n", 1)
        + "\n![Hình không có](khong-co.svg)\n";
    std::fs::write(&first_lesson, broken).unwrap();
    let errs = errors_of(tmp.path());
    assert!(
        errs.iter()
            .any(|e| e.message.contains("nong_dan") && e.line == 2),
        "{errs:?}"
    );
    assert!(
        errs.iter().any(|e| e.message.contains("khong-co.svg")),
        "{errs:?}"
    );
    std::fs::write(&first_lesson, &text).unwrap();

    // 4. A missing quiz file.
    std::fs::remove_file(&quiz).unwrap();
    let errs = errors_of(tmp.path());
    assert!(
        errs.iter()
            .any(|e| e.file.ends_with("quiz.toml") && e.message.contains("thiếu")),
        "{errs:?}"
    );
}

#[test]
fn a_lesson_says_as_of_when_and_names_texts_it_could_not_link() {
    let tmp = tempfile::tempdir().unwrap();
    let id = "internet-tim-kiem";
    copy_course(tmp.path(), id);
    let dir = tmp.path().join(id);
    let lesson = first_lesson(&dir);
    let text = std::fs::read_to_string(&lesson).unwrap();
    let with = |extra: &str, source: &str| {
        let front_end = text[3..].find("+++").unwrap() + 3;
        let head = &text[..front_end];
        let first_source = head.find("[[sources]]").unwrap_or(head.len());
        format!(
            "{}{extra}\n{}{source}\n{}",
            &head[..first_source],
            &head[first_source..],
            &text[front_end..]
        )
    };
    // A good "as of" date and a text named without an address, saying why.
    std::fs::write(
        &lesson,
        with(
            "as_of = \"2026-12-08\"",
            "[[sources]]\ntitle = \"Nghị định số 147/2024/NĐ-CP\"\nnote = \"Chưa đọc được bản gốc\"\n",
        ),
    )
    .unwrap();
    let c = Catalog::load_dir(tmp.path()).unwrap_or_else(|e| panic!("{e:?}"));
    let l = &c.course(id).unwrap().lessons[0];
    assert_eq!(
        l.as_of.map(|d| d.to_string()).as_deref(),
        Some("2026-12-08")
    );
    assert!(l
        .sources
        .iter()
        .any(|s| s.url.is_empty() && !s.note.is_empty()));
    // A date that is not one, and a source with neither address nor reason.
    std::fs::write(
        &lesson,
        with(
            "as_of = \"8/12/2026\"",
            "[[sources]]\ntitle = \"Nghị định số 147/2024/NĐ-CP\"\n",
        ),
    )
    .unwrap();
    let errs = errors_of(tmp.path());
    assert!(errs.iter().any(|e| e.message.contains("as_of")), "{errs:?}");
    assert!(
        errs.iter().any(|e| e.message.contains("cần `url`")),
        "{errs:?}"
    );
}
