//! `hocvuso courses`: the course catalogue, and checking course files.

use crate::DbArgs;
use anyhow::{bail, Result};
use hocvuso_learning::{Catalog, CourseError};
use std::path::{Path, PathBuf};

fn report(errors: &[CourseError]) -> String {
    let mut out = format!("{} lỗi trong tệp khóa học:\n", errors.len());
    for e in errors {
        out.push_str(&format!("  {e}\n"));
    }
    out
}

/// The built-in courses plus the office's own in `<data-dir>/courses`.
pub fn load(db: &DbArgs) -> Result<Catalog> {
    let builtin = Catalog::embedded().map_err(|e| anyhow::anyhow!(report(&e)))?;
    let extra_dir = db.data_dir.join("courses");
    if !extra_dir.is_dir() {
        return Ok(builtin);
    }
    let extra = Catalog::load_dir(&extra_dir).map_err(|e| anyhow::anyhow!(report(&e)))?;
    builtin
        .with_extra(extra)
        .map_err(|e| anyhow::anyhow!(report(&e)))
}

pub fn run(db: DbArgs, check: Option<PathBuf>, json: bool) -> Result<()> {
    if let Some(dir) = check {
        return check_dir(&dir);
    }
    let catalog = load(&db)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&catalog.to_json())?);
        return Ok(());
    }
    println!(
        "{:<28} {:>4} {:>5} {:>6}  Tên khóa học",
        "Mã", "Bài", "Câu", "Phút"
    );
    for c in &catalog.courses {
        println!(
            "{:<28} {:>4} {:>5} {:>6}  {}",
            c.id,
            c.lessons.len(),
            c.quiz.len(),
            c.minutes(),
            c.title
        );
    }
    Ok(())
}

fn check_dir(dir: &Path) -> Result<()> {
    if !dir.is_dir() {
        bail!("không có thư mục {}", dir.display());
    }
    match Catalog::load_dir(dir) {
        Ok(c) if c.courses.is_empty() => bail!(
            "không thấy khóa học nào trong {}: mỗi khóa học là một thư mục con có course.toml",
            dir.display()
        ),
        Ok(c) => {
            let lessons: usize = c.courses.iter().map(|c| c.lessons.len()).sum();
            let questions: usize = c.courses.iter().map(|c| c.quiz.len()).sum();
            println!(
                "Hợp lệ: {} khóa học, {lessons} bài học, {questions} câu hỏi kiểm tra.",
                c.courses.len()
            );
            Ok(())
        }
        Err(errors) => bail!(report(&errors)),
    }
}

/// `hocvuso knowledge check`: what to re-check in the shipped records and in
/// the courses (built in and the office's own); errors make it fail.
pub fn knowledge_check(db: &DbArgs, today: Option<&str>, brief: bool) -> Result<()> {
    use hocvuso_assistant::freshness::{counts, Level};
    let today = match today {
        Some(t) => hocvuso_assistant::knowledge::date(t).ok_or_else(|| {
            anyhow::anyhow!("ngày `{t}` phải có dạng YYYY-MM-DD, ví dụ 2027-01-15")
        })?,
        None => hocvuso_domain::time::vn_today(),
    };
    let knowledge = hocvuso_assistant::load_embedded()?;
    let catalog = load(db)?;
    let findings = hocvuso_web::freshness::findings(&knowledge, &catalog, today)?;
    let (errors, warnings, notes) = counts(&findings);
    println!(
        "Kiểm tra nội dung ngày {}: {} hồ sơ thủ tục, {} bài học — {errors} lỗi, {warnings} cần xem lại, {notes} lưu ý.",
        today.format("%d/%m/%Y"),
        knowledge.records.len(),
        catalog.courses.iter().map(|c| c.lessons.len()).sum::<usize>(),
    );
    for f in findings
        .iter()
        .filter(|f| !(brief && f.level == Level::Note))
    {
        println!(
            "{:<12} {:<40} {}: {}",
            f.level.label(),
            f.subject,
            f.title,
            f.message
        );
    }
    if errors > 0 {
        bail!("{errors} lỗi trong nội dung: sửa hồ sơ hoặc bài học nêu trên rồi kiểm tra lại");
    }
    Ok(())
}
