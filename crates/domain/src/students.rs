//! Students and their classes: the one home of the grade rule.
//!
//! Each school imports its class lists. A class is written the way schools
//! write it ("3A", "3a", "Lớp 3A", "10A1", "6", "3/1"); its grade is the
//! number it starts with, 1 to 12. Kindergarten groups ("Mẫu giáo", "MG
//! lớn", "Lá", "Chồi", "Mầm", "Nhà trẻ") are grade 0. The plan's second
//! target ("học sinh từ bậc tiểu học") counts students from
//! [`FIRST_COUNTED_GRADE`] up, by grade, not by a hand-set mark.

use crate::{FieldError, SchoolLevel};
use serde::{Deserialize, Serialize};

/// Kindergarten (mầm non): every group of a kindergarten.
pub const KINDERGARTEN_GRADE: i32 = 0;
/// The first grade the plan counts ("học sinh từ bậc tiểu học": lớp 1).
pub const FIRST_COUNTED_GRADE: i32 = 1;
/// The last grade of general education (lớp 12).
pub const MAX_GRADE: i32 = 12;
/// Longest class name kept ("10A1", "Lá 2", "MG lớn B").
pub const MAX_CLASS_NAME: usize = 30;

/// Where a student sits: the grade (0 for kindergarten, 1–12) and the class
/// as the school names it, normalised ("3A", "10A1"; kindergarten groups as
/// written, "MG lớn").
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ClassPlace {
    pub grade: i32,
    pub class_name: String,
}

impl ClassPlace {
    /// Whether the plan's second target counts a student of this class.
    pub fn is_counted(&self) -> bool {
        is_counted_grade(self.grade)
    }
}

/// Whether the plan's second target counts a student of this grade.
pub fn is_counted_grade(grade: i32) -> bool {
    (FIRST_COUNTED_GRADE..=MAX_GRADE).contains(&grade)
}

/// "Lớp 3", or "Mẫu giáo" for grade 0.
pub fn grade_label(grade: i32) -> String {
    if grade == KINDERGARTEN_GRADE {
        "Mẫu giáo".to_string()
    } else {
        format!("Lớp {grade}")
    }
}

/// Whether a class of this grade can be in a school of this level; the
/// message says what to fix when not.
pub fn check_grade_in_school(level: SchoolLevel, place: &ClassPlace) -> Result<(), FieldError> {
    let grades = level.grades();
    if grades.contains(&place.grade) {
        return Ok(());
    }
    let range = if grades.start() == grades.end() {
        grade_label(*grades.start()).to_lowercase()
    } else {
        format!("lớp {} đến lớp {}", grades.start(), grades.end())
    };
    Err(FieldError::new(format!(
        "Lớp \"{}\" ({}) không thuộc trường {} (chỉ có {range}); kiểm tra lại lớp, hoặc nhập danh sách này vào đúng trường",
        place.class_name,
        grade_label(place.grade).to_lowercase(),
        level.label().to_lowercase(),
    )))
}

/// Folded words (no case, no diacritics), punctuation as spaces.
fn words(raw: &str) -> Vec<String> {
    vntext::fold(raw)
        .split(|c: char| !c.is_alphanumeric() && c != '/')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Whether the folded words name a kindergarten group.
fn is_kindergarten(w: &[String]) -> bool {
    let first = w.first().map(String::as_str).unwrap_or("");
    let second = w.get(1).map(String::as_str).unwrap_or("");
    matches!(first, "mg" | "la" | "choi" | "mam" | "mn")
        || (first == "mau" && second == "giao")
        || (first == "mam" && second == "non")
        || (first == "nha" && second == "tre")
}

/// Drop a leading "Lớp" / "Khối" word (as the raw text has it).
fn strip_class_word(raw: &str) -> &str {
    let t = raw.trim();
    let mut it = t.splitn(2, char::is_whitespace);
    let first = it.next().unwrap_or("");
    let rest = it.next().unwrap_or("");
    if matches!(vntext::fold(first).as_str(), "lop" | "khoi") && !rest.trim().is_empty() {
        rest.trim()
    } else {
        t
    }
}

/// A whitespace-tidy copy of the text.
fn tidy(raw: &str) -> String {
    raw.split_whitespace().collect::<Vec<_>>().join(" ")
}

const CLASS_EXAMPLES: &str = "ví dụ 3A, 10A1, hoặc Lá, Chồi, Mầm với mẫu giáo";

/// Parse a class as schools write it: "3A", "3a", "Lớp 3A", "10A1", "6",
/// "3/1" → grade 1–12 and the class normalised ("3A"); "Mẫu giáo", "MG
/// lớn", "Lá", "Chồi", "Mầm" → grade 0, the class kept as written.
pub fn parse_class(raw: &str) -> Result<ClassPlace, FieldError> {
    let text = tidy(raw);
    if text.is_empty() {
        return Err(FieldError::new(format!(
            "Lớp đang để trống; ghi lớp của học sinh ({CLASS_EXAMPLES})"
        )));
    }
    if text.chars().count() > MAX_CLASS_NAME {
        return Err(FieldError::new(format!(
            "Lớp \"{text}\" dài quá {MAX_CLASS_NAME} ký tự; chỉ ghi tên lớp ({CLASS_EXAMPLES})"
        )));
    }
    let w = words(&text);
    if is_kindergarten(&w) || (w.len() >= 2 && w[0] == "lop" && is_kindergarten(&w[1..])) {
        return Ok(ClassPlace {
            grade: KINDERGARTEN_GRADE,
            class_name: text,
        });
    }
    let body = strip_class_word(&text);
    let digits: String = body.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return Err(FieldError::new(format!(
            "Không hiểu lớp \"{text}\"; ghi khối lớp bằng số rồi tên lớp ({CLASS_EXAMPLES})"
        )));
    }
    let grade: i32 = digits.parse().unwrap_or(i32::MAX);
    if !(FIRST_COUNTED_GRADE..=MAX_GRADE).contains(&grade) {
        return Err(FieldError::new(format!(
            "Lớp \"{text}\" có khối {digits}, không có khối này; khối lớp từ 1 đến 12 ({CLASS_EXAMPLES})"
        )));
    }
    // The class's own letters: spaces, dashes and dots between are dropped
    // ("3 A", "3-A", "3.a" → "3A"); "/" is kept ("3/1").
    let suffix: String = body[digits.len()..]
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '.' | '–'))
        .flat_map(char::to_uppercase)
        .collect();
    if !suffix
        .chars()
        .all(|c| c.is_alphanumeric() || c == '/' || c == '_')
    {
        return Err(FieldError::new(format!(
            "Lớp \"{text}\" có ký tự lạ; chỉ ghi khối lớp và tên lớp ({CLASS_EXAMPLES})"
        )));
    }
    Ok(ClassPlace {
        grade,
        class_name: format!("{grade}{suffix}"),
    })
}

/// Parse a grade column: "3", "Khối 3", "Lớp 3", "K3", "03"; "Mẫu giáo",
/// "Mầm non", "Lá"... → 0.
pub fn parse_grade(raw: &str) -> Result<i32, FieldError> {
    let text = tidy(raw);
    let w = words(&text);
    if w.is_empty() {
        return Err(FieldError::new(
            "Khối lớp đang để trống; ghi khối bằng số từ 1 đến 12 (hoặc Mẫu giáo)",
        ));
    }
    if is_kindergarten(&w) || (w.len() >= 2 && is_kindergarten(&w[1..])) {
        return Ok(KINDERGARTEN_GRADE);
    }
    let mut number = w.last().map(String::as_str).unwrap_or("");
    if w.len() == 1 {
        number = number.strip_prefix('k').unwrap_or(number);
    } else if !(w.len() == 2 && matches!(w[0].as_str(), "lop" | "khoi")) {
        number = "";
    }
    match number.parse::<i32>() {
        Ok(g) if (FIRST_COUNTED_GRADE..=MAX_GRADE).contains(&g) => Ok(g),
        Ok(g) => Err(FieldError::new(format!(
            "Khối {g} không có; khối lớp từ 1 đến 12 (hoặc Mẫu giáo)"
        ))),
        Err(_) => Err(FieldError::new(format!(
            "Không hiểu khối \"{text}\"; ghi khối bằng số từ 1 đến 12, ví dụ 3 (hoặc Mẫu giáo)"
        ))),
    }
}

/// A class and, when the file has one, a grade column: they must agree
/// ("Lớp 4" in the grade column beside class "3A" is refused, naming both).
pub fn parse_class_and_grade(class: &str, grade: Option<&str>) -> Result<ClassPlace, FieldError> {
    let place = parse_class(class)?;
    let Some(raw_grade) = grade.filter(|g| !g.trim().is_empty()) else {
        return Ok(place);
    };
    let g = parse_grade(raw_grade)?;
    if g != place.grade {
        return Err(FieldError::new(format!(
            "Khối \"{}\" không khớp với lớp \"{}\" ({}); sửa khối hoặc lớp cho khớp",
            tidy(raw_grade),
            tidy(class),
            grade_label(place.grade).to_lowercase()
        )));
    }
    Ok(place)
}

/// One student of a class list, already matched to the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Enrolment {
    pub resident_id: i64,
    /// 0 for kindergarten, 1–12 for the grades.
    pub grade: i32,
    /// As the school writes it ("3A").
    pub class_name: String,
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn class(raw: &str) -> (i32, String) {
        let p = parse_class(raw).unwrap_or_else(|e| panic!("{raw}: {e}"));
        (p.grade, p.class_name)
    }

    #[test]
    fn classes_as_schools_write_them() {
        assert_eq!(class("3A"), (3, "3A".into()));
        assert_eq!(class("3a"), (3, "3A".into()));
        assert_eq!(class("Lớp 3A"), (3, "3A".into()));
        assert_eq!(class("lop 3a"), (3, "3A".into()));
        assert_eq!(class(" 3 A "), (3, "3A".into()));
        assert_eq!(class("10A1"), (10, "10A1".into()));
        assert_eq!(class("10a1"), (10, "10A1".into()));
        assert_eq!(class("6"), (6, "6".into()));
        assert_eq!(class("Lớp 6"), (6, "6".into()));
        assert_eq!(class("3/1"), (3, "3/1".into()));
        assert_eq!(class("12C"), (12, "12C".into()));
        assert_eq!(class("Khối 5 B"), (5, "5B".into()));
    }

    #[test]
    fn kindergarten_is_grade_zero_kept_as_written() {
        for raw in [
            "Mẫu giáo",
            "MG lớn",
            "Lá",
            "Chồi",
            "Mầm",
            "Lớp Lá",
            "mau giao be",
            "Nhà trẻ",
        ] {
            let p = parse_class(raw).unwrap();
            assert_eq!(p.grade, KINDERGARTEN_GRADE, "{raw}");
            assert_eq!(p.class_name, tidy(raw));
            assert!(!p.is_counted());
        }
        assert_eq!(parse_class("  Lá  2 ").unwrap().class_name, "Lá 2");
    }

    #[test]
    fn bad_classes_say_what_to_fix() {
        assert!(parse_class("").unwrap_err().message.contains("để trống"));
        let e = parse_class("13A").unwrap_err().message;
        assert!(e.contains("khối 13") && e.contains("1 đến 12"), "{e}");
        assert!(parse_class("0A").is_err());
        let e = parse_class("ABC").unwrap_err().message;
        assert!(e.contains("Không hiểu lớp \"ABC\""), "{e}");
        assert!(parse_class("3A#").unwrap_err().message.contains("ký tự lạ"));
        assert!(parse_class(&"3A".repeat(20)).is_err());
    }

    #[test]
    fn grades() {
        assert_eq!(parse_grade("3").unwrap(), 3);
        assert_eq!(parse_grade("Khối 3").unwrap(), 3);
        assert_eq!(parse_grade("khoi 10").unwrap(), 10);
        assert_eq!(parse_grade("Lớp 4").unwrap(), 4);
        assert_eq!(parse_grade("K5").unwrap(), 5);
        assert_eq!(parse_grade("03").unwrap(), 3);
        assert_eq!(parse_grade("Mẫu giáo").unwrap(), 0);
        assert_eq!(parse_grade("Mầm non").unwrap(), 0);
        assert!(parse_grade("13").unwrap_err().message.contains("Khối 13"));
        assert!(parse_grade("ba")
            .unwrap_err()
            .message
            .contains("Không hiểu"));
        assert!(parse_grade("").is_err());
    }

    #[test]
    fn a_grade_column_must_agree_with_the_class() {
        let p = parse_class_and_grade("3A", Some("3")).unwrap();
        assert_eq!((p.grade, p.class_name.as_str()), (3, "3A"));
        assert_eq!(parse_class_and_grade("3A", Some("  ")).unwrap().grade, 3);
        assert_eq!(parse_class_and_grade("3A", None).unwrap().grade, 3);
        let e = parse_class_and_grade("3A", Some("Lớp 4"))
            .unwrap_err()
            .message;
        assert!(e.contains("\"Lớp 4\"") && e.contains("\"3A\""), "{e}");
        assert_eq!(
            parse_class_and_grade("Lá", Some("Mẫu giáo")).unwrap().grade,
            0
        );
        assert!(parse_class_and_grade("Lá", Some("1")).is_err());
    }

    #[test]
    fn counted_from_the_first_grade() {
        assert!(!is_counted_grade(KINDERGARTEN_GRADE));
        assert!(is_counted_grade(FIRST_COUNTED_GRADE));
        assert!(is_counted_grade(MAX_GRADE));
        assert!(!is_counted_grade(MAX_GRADE + 1));
        assert_eq!(grade_label(0), "Mẫu giáo");
        assert_eq!(grade_label(3), "Lớp 3");
    }

    #[test]
    fn grades_fit_the_school_level() {
        let p = parse_class("8A").unwrap();
        let e = check_grade_in_school(SchoolLevel::TieuHoc, &p).unwrap_err();
        assert!(
            e.message.contains("8A") && e.message.contains("lớp 1 đến lớp 5"),
            "{e}"
        );
        assert!(check_grade_in_school(SchoolLevel::Thcs, &p).is_ok());
        assert!(check_grade_in_school(SchoolLevel::LienCap, &p).is_ok());
        // The grades of each level are [`SchoolLevel::grades`].
        let la = parse_class("Lá").unwrap();
        assert!(check_grade_in_school(SchoolLevel::MamNon, &la).is_ok());
        assert!(check_grade_in_school(SchoolLevel::TieuHoc, &la).is_err());
    }
}
