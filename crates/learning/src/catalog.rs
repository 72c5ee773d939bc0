//! Loading and validating course files.

use crate::render;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// One of the six areas of Vietnam's digital competency framework for
/// learners (Thông tư 02/2025/TT-BGDĐT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Competence {
    pub number: u8,
    pub name: &'static str,
}

pub const COMPETENCES: [Competence; 6] = [
    Competence {
        number: 1,
        name: "Khai thác dữ liệu và thông tin",
    },
    Competence {
        number: 2,
        name: "Giao tiếp và hợp tác trong môi trường số",
    },
    Competence {
        number: 3,
        name: "Sáng tạo nội dung số",
    },
    Competence {
        number: 4,
        name: "An toàn",
    },
    Competence {
        number: 5,
        name: "Giải quyết vấn đề",
    },
    Competence {
        number: 6,
        name: "Ứng dụng trí tuệ nhân tạo",
    },
];

/// Who a course is for: the registry's target groups, plus the members of
/// the community digital teams (a unit membership, not a derived group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audience {
    pub code: &'static str,
    pub label: &'static str,
}

pub const AUDIENCES: [Audience; 7] = [
    Audience {
        code: "can_bo",
        label: "Cán bộ, công chức, viên chức",
    },
    Audience {
        code: "hoc_sinh",
        label: "Học sinh",
    },
    Audience {
        code: "nguoi_cao_tuoi",
        label: "Người cao tuổi",
    },
    Audience {
        code: "ho_sxkd",
        label: "Hộ sản xuất, kinh doanh",
    },
    Audience {
        code: "dan_toc_thieu_so",
        label: "Đồng bào dân tộc thiểu số",
    },
    Audience {
        code: "nguoi_truong_thanh",
        label: "Người trưởng thành",
    },
    Audience {
        code: "to_cnscd",
        label: "Tổ công nghệ số cộng đồng",
    },
];

impl Audience {
    pub fn label_of(code: &str) -> &str {
        AUDIENCES
            .iter()
            .find(|a| a.code == code)
            .map(|a| a.label)
            .unwrap_or(code)
    }
}

pub fn competence_name(number: u8) -> &'static str {
    COMPETENCES
        .iter()
        .find(|c| c.number == number)
        .map(|c| c.name)
        .unwrap_or("")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    /// Empty when the text is named but its address was not reached (`note` says why).
    #[serde(default)]
    pub url: String,
    /// The source's own date, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub issued: String,
    /// When it was read for this lesson, YYYY-MM-DD.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub read_on: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone)]
pub struct Lesson {
    pub id: String,
    /// Position in the course, from the `NN-` of the file name.
    pub number: u32,
    pub title: String,
    pub minutes: u8,
    pub competences: Vec<u8>,
    pub groups: Vec<String>,
    pub sources: Vec<Source>,
    /// "Content correct as of" (YYYY-MM-DD), for lessons with thresholds,
    /// amounts or menu names that change.
    pub as_of: Option<chrono::NaiveDate>,
    /// The lesson body as HTML, illustrations inlined.
    pub html: String,
    /// The file it came from, for messages.
    pub file: String,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub lesson: String,
    pub text: String,
    pub choices: Vec<String>,
    /// 0-based index of the right choice.
    pub answer: usize,
    pub explain: String,
}

#[derive(Debug, Clone)]
pub struct Course {
    pub id: String,
    pub order: u32,
    pub title: String,
    pub summary: String,
    pub groups: Vec<String>,
    pub pass_percent: u8,
    pub lessons: Vec<Lesson>,
    pub quiz: Vec<Question>,
    /// Where the course was read from (`courses/<id>` or a data folder).
    pub origin: String,
}

impl Course {
    pub fn lesson(&self, id: &str) -> Option<&Lesson> {
        self.lessons.iter().find(|l| l.id == id)
    }

    /// The competence areas of all its lessons, ascending.
    pub fn competences(&self) -> Vec<u8> {
        let set: BTreeSet<u8> = self
            .lessons
            .iter()
            .flat_map(|l| l.competences.iter().copied())
            .collect();
        set.into_iter().collect()
    }

    pub fn lesson_questions(&self, lesson_id: &str) -> usize {
        self.quiz.iter().filter(|q| q.lesson == lesson_id).count()
    }

    pub fn minutes(&self) -> u32 {
        self.lessons.iter().map(|l| u32::from(l.minutes)).sum()
    }
}

/// A problem in a course file: file, line (1-based; 0 when the whole file is
/// concerned) and what to fix, in Vietnamese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}:{line}: {message}")]
pub struct CourseError {
    pub file: String,
    pub line: usize,
    pub message: String,
}

/// All courses, and the rule for "basic digital knowledge".
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    /// Sorted by `order`, then id.
    pub courses: Vec<Course>,
    /// Audience code → the courses a member of it must pass.
    pub basic_knowledge: BTreeMap<String, Vec<String>>,
}

/// `hocvuso courses --json`.
#[derive(Debug, Serialize)]
pub struct CatalogueJson {
    pub courses: Vec<CourseJson>,
    pub basic_knowledge: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Serialize)]
pub struct CourseJson {
    pub id: String,
    pub title: String,
    pub target_groups: Vec<String>,
    pub competence_areas: Vec<u8>,
    pub pass_percent: u8,
    pub quiz_questions: usize,
    pub lessons: Vec<LessonJson>,
}

#[derive(Debug, Serialize)]
pub struct LessonJson {
    pub id: String,
    pub title: String,
    pub path: String,
    pub minutes: u8,
    pub competence_areas: Vec<u8>,
    pub target_groups: Vec<String>,
    pub quiz_questions: usize,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCourse {
    id: String,
    order: u32,
    title: String,
    summary: String,
    groups: Vec<String>,
    #[serde(default = "default_pass")]
    pass_percent: u8,
}

fn default_pass() -> u8 {
    80
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLesson {
    id: String,
    title: String,
    minutes: u8,
    competences: Vec<u8>,
    #[serde(default)]
    groups: Vec<String>,
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    sources: Vec<Source>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuiz {
    #[serde(default)]
    question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    lesson: String,
    text: String,
    choices: Vec<String>,
    answer: usize,
    #[serde(default)]
    explain: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCore {
    basic_knowledge: BTreeMap<String, Vec<String>>,
}

/// Pages of a course (`/hoc/<khoa>/kiem-tra`...) that a lesson id may not take.
pub const RESERVED_LESSON_IDS: [&str; 2] = ["kiem-tra", "chung-chi"];
pub const MIN_LESSONS: usize = 4;
pub const MAX_LESSONS: usize = 8;
pub const MIN_QUESTIONS: usize = 5;
pub const MAX_QUESTIONS: usize = 10;
pub const MAX_SVG_BYTES: usize = 6 * 1024;

struct Errors {
    list: Vec<CourseError>,
}

impl Errors {
    fn push(&mut self, file: &str, line: usize, message: impl Into<String>) {
        self.list.push(CourseError {
            file: file.to_string(),
            line,
            message: message.into(),
        });
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

fn valid_audience(code: &str) -> bool {
    AUDIENCES.iter().any(|a| a.code == code)
}

/// 1-based line of the first line that starts with `key` (after spaces),
/// from `from_line` on; 0 when absent.
fn line_of_key(text: &str, key: &str, from_line: usize) -> usize {
    text.lines()
        .enumerate()
        .skip(from_line.saturating_sub(1))
        .find(|(_, l)| {
            let t = l.trim_start();
            t.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|(i, _)| i + 1)
        .unwrap_or(0)
}

fn toml_error(e: &toml::de::Error, text: &str, line_offset: usize) -> (usize, String) {
    let line = e
        .span()
        .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1)
        .unwrap_or(1);
    (
        line + line_offset,
        format!("TOML không đọc được: {}", e.message()),
    )
}

impl Catalog {
    /// The courses built into the program.
    pub fn embedded() -> Result<Catalog, Vec<CourseError>> {
        let files: Vec<(String, String)> = crate::embedded_files()
            .iter()
            .map(|(p, t)| ((*p).to_string(), (*t).to_string()))
            .collect();
        Self::from_files("courses", &files)
    }

    /// The course files under `dir` (toml, md, svg), as (relative path, text).
    pub fn read_dir(dir: &Path) -> Result<Vec<(String, String)>, Vec<CourseError>> {
        let mut out = Vec::new();
        let mut errors = Errors { list: Vec::new() };
        read_tree(dir, dir, &mut out, &mut errors);
        if errors.list.is_empty() {
            out.sort();
            Ok(out)
        } else {
            Err(errors.list)
        }
    }

    /// Load and validate the courses of a folder.
    pub fn load_dir(dir: &Path) -> Result<Catalog, Vec<CourseError>> {
        let files = Self::read_dir(dir)?;
        Self::from_files(&dir.display().to_string(), &files)
    }

    /// Build a catalogue from files given as (path relative to the courses
    /// folder, text); `prefix` names that folder in messages.
    pub fn from_files(
        prefix: &str,
        files: &[(String, String)],
    ) -> Result<Catalog, Vec<CourseError>> {
        let mut errors = Errors { list: Vec::new() };
        let mut by_dir: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        let mut core: Option<(&str, &str)> = None;
        for (path, text) in files {
            match path.split_once('/') {
                Some((dir, name)) if !name.contains('/') => {
                    by_dir.entry(dir).or_default().push((name, text))
                }
                Some(_) => errors.push(
                    &format!("{prefix}/{path}"),
                    0,
                    "tệp nằm quá sâu: mỗi khóa học là một thư mục, các tệp nằm ngay trong đó",
                ),
                None if path == "core.toml" => core = Some((path, text)),
                None => {} // FORMAT.md, README.md and the like.
            }
        }
        let mut courses = Vec::new();
        for (dir, files) in by_dir {
            if let Some(c) = parse_course(prefix, dir, &files, &mut errors) {
                courses.push(c);
            }
        }
        courses.sort_by(|a, b| a.order.cmp(&b.order).then(a.id.cmp(&b.id)));
        let mut catalog = Catalog {
            courses,
            basic_knowledge: BTreeMap::new(),
        };
        if let Some((name, text)) = core {
            catalog.read_core(&format!("{prefix}/{name}"), text, &mut errors);
        }
        if errors.list.is_empty() {
            Ok(catalog)
        } else {
            Err(errors.list)
        }
    }

    fn read_core(&mut self, file: &str, text: &str, errors: &mut Errors) {
        let raw: RawCore = match toml::from_str(text) {
            Ok(r) => r,
            Err(e) => {
                let (line, msg) = toml_error(&e, text, 0);
                errors.push(file, line, msg);
                return;
            }
        };
        for (group, ids) in raw.basic_knowledge {
            let line = line_of_key(text, &group, 1);
            if !valid_audience(&group) {
                errors.push(
                    file,
                    line,
                    format!(
                        "mã nhóm `{group}` không có; dùng một trong: {}",
                        audience_codes()
                    ),
                );
                continue;
            }
            if ids.is_empty() {
                errors.push(file, line, format!("nhóm `{group}` chưa có khóa học nào"));
            }
            for id in &ids {
                if self.course(id).is_none() {
                    errors.push(
                        file,
                        line,
                        format!("khóa học `{id}` không có trong danh mục"),
                    );
                }
            }
            self.basic_knowledge.insert(group, ids);
        }
    }

    /// Add the courses of another catalogue (the office's own). A course id
    /// already present is an error; its basic-knowledge entries replace
    /// those of the same group.
    pub fn with_extra(mut self, extra: Catalog) -> Result<Catalog, Vec<CourseError>> {
        let mut errors = Errors { list: Vec::new() };
        for c in extra.courses {
            if self.course(&c.id).is_some() {
                errors.push(
                    &c.origin,
                    0,
                    format!(
                        "mã khóa học `{}` trùng với một khóa học có sẵn; hãy đổi tên thư mục và `id`",
                        c.id
                    ),
                );
            } else {
                self.courses.push(c);
            }
        }
        self.basic_knowledge.extend(extra.basic_knowledge);
        self.courses
            .sort_by(|a, b| a.order.cmp(&b.order).then(a.id.cmp(&b.id)));
        if errors.list.is_empty() {
            Ok(self)
        } else {
            Err(errors.list)
        }
    }

    pub fn course(&self, id: &str) -> Option<&Course> {
        self.courses.iter().find(|c| c.id == id)
    }

    /// Whether someone in `groups` who passed `passed` has basic digital
    /// knowledge: all the courses of at least one of their groups.
    pub fn basic_knowledge_met<S: AsRef<str>>(
        &self,
        groups: &[S],
        passed: &BTreeSet<String>,
    ) -> bool {
        groups.iter().any(|g| {
            self.basic_knowledge
                .get(g.as_ref())
                .is_some_and(|ids| ids.iter().all(|id| passed.contains(id)))
        })
    }

    /// The catalogue as `hocvuso courses --json` prints it.
    pub fn to_json(&self) -> CatalogueJson {
        CatalogueJson {
            courses: self
                .courses
                .iter()
                .map(|c| CourseJson {
                    id: c.id.clone(),
                    title: c.title.clone(),
                    target_groups: c.groups.clone(),
                    competence_areas: c.competences(),
                    pass_percent: c.pass_percent,
                    quiz_questions: c.quiz.len(),
                    lessons: c
                        .lessons
                        .iter()
                        .map(|l| LessonJson {
                            id: l.id.clone(),
                            title: l.title.clone(),
                            path: format!("/hoc/{}/{}", c.id, l.id),
                            minutes: l.minutes,
                            competence_areas: l.competences.clone(),
                            target_groups: l.groups.clone(),
                            quiz_questions: c.lesson_questions(&l.id),
                        })
                        .collect(),
                })
                .collect(),
            basic_knowledge: self.basic_knowledge.clone(),
        }
    }
}

fn audience_codes() -> String {
    AUDIENCES
        .iter()
        .map(|a| a.code)
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_tree(root: &Path, dir: &Path, out: &mut Vec<(String, String)>, errors: &mut Errors) {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            errors.push(
                &dir.display().to_string(),
                0,
                format!("không đọc được thư mục: {e}"),
            );
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            read_tree(root, &path, out, errors);
            continue;
        }
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !matches!(ext, "toml" | "md" | "svg") {
            continue;
        }
        let rel = path
            .strip_prefix(root)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        match std::fs::read(&path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => out.push((rel, text)),
                Err(_) => errors.push(
                    &path.display().to_string(),
                    0,
                    "tệp không phải UTF-8: hãy lưu lại với bảng mã UTF-8",
                ),
            },
            Err(e) => errors.push(
                &path.display().to_string(),
                0,
                format!("không đọc được tệp: {e}"),
            ),
        }
    }
}

fn parse_course(
    prefix: &str,
    dir: &str,
    files: &[(&str, &str)],
    errors: &mut Errors,
) -> Option<Course> {
    let origin = format!("{prefix}/{dir}");
    let before = errors.list.len();
    let find = |name: &str| files.iter().find(|(n, _)| *n == name).map(|(_, t)| *t);
    let course_file = format!("{origin}/course.toml");
    let Some(course_text) = find("course.toml") else {
        errors.push(&course_file, 0, "thiếu tệp course.toml của khóa học");
        return None;
    };
    let raw: RawCourse = match toml::from_str(course_text) {
        Ok(r) => r,
        Err(e) => {
            let (line, msg) = toml_error(&e, course_text, 0);
            errors.push(&course_file, line, msg);
            return None;
        }
    };
    let at = |key: &str| line_of_key(course_text, key, 1);
    if raw.id != dir {
        errors.push(
            &course_file,
            at("id"),
            format!("`id = \"{}\"` phải trùng tên thư mục `{dir}`", raw.id),
        );
    }
    if !valid_id(&raw.id) {
        errors.push(
            &course_file,
            at("id"),
            "`id` chỉ gồm chữ thường không dấu a-z, số 0-9 và dấu '-'",
        );
    }
    if raw.title.trim().is_empty() {
        errors.push(
            &course_file,
            at("title"),
            "`title` (tên khóa học) đang trống",
        );
    }
    if raw.summary.trim().is_empty() {
        errors.push(
            &course_file,
            at("summary"),
            "`summary` (giới thiệu ngắn) đang trống",
        );
    }
    check_groups(&raw.groups, &course_file, at("groups"), false, errors);
    if !(50..=100).contains(&raw.pass_percent) {
        errors.push(
            &course_file,
            at("pass_percent"),
            format!("`pass_percent` = {} phải từ 50 đến 100", raw.pass_percent),
        );
    }

    // Illustrations, checked once, inlined where lessons use them.
    let mut svgs: HashMap<String, String> = HashMap::new();
    for (name, text) in files.iter().filter(|(n, _)| n.ends_with(".svg")) {
        match check_svg(text) {
            Ok(clean) => {
                svgs.insert((*name).to_string(), clean);
            }
            Err(msg) => errors.push(&format!("{origin}/{name}"), 0, msg),
        }
    }

    let mut lessons = Vec::new();
    let mut numbers = BTreeSet::new();
    for (name, text) in files.iter().filter(|(n, _)| n.ends_with(".md")) {
        let file = format!("{origin}/{name}");
        let Some((number, id_from_name)) = lesson_file_name(name) else {
            errors.push(
                &file,
                0,
                "tên tệp bài học phải có dạng NN-ma-bai.md (NN là số thứ tự hai chữ số)",
            );
            continue;
        };
        if !numbers.insert(number) {
            errors.push(&file, 0, format!("hai bài học cùng số thứ tự {number:02}"));
        }
        if let Some(mut lesson) = parse_lesson(&file, text, &svgs, errors) {
            if lesson.id != id_from_name {
                errors.push(
                    &file,
                    line_of_key(text, "id", 1),
                    format!(
                        "`id = \"{}\"` phải trùng phần tên tệp sau số thứ tự (`{id_from_name}`)",
                        lesson.id
                    ),
                );
            }
            if lesson.groups.is_empty() {
                lesson.groups = raw.groups.clone();
            }
            lesson.number = number;
            lessons.push(lesson);
        }
    }
    lessons.sort_by_key(|l| l.number);
    if !(MIN_LESSONS..=MAX_LESSONS).contains(&lessons.len()) {
        errors.push(
            &origin,
            0,
            format!(
                "khóa học có {} bài; cần từ {MIN_LESSONS} đến {MAX_LESSONS} bài",
                lessons.len()
            ),
        );
    }

    let quiz_file = format!("{origin}/quiz.toml");
    let quiz = match find("quiz.toml") {
        None => {
            errors.push(
                &quiz_file,
                0,
                "thiếu tệp quiz.toml (bài kiểm tra của khóa học)",
            );
            Vec::new()
        }
        Some(text) => parse_quiz(&quiz_file, text, &lessons, errors),
    };

    for (name, _) in files {
        let known = *name == "course.toml"
            || *name == "quiz.toml"
            || name.ends_with(".md")
            || name.ends_with(".svg");
        if !known {
            errors.push(
                &format!("{origin}/{name}"),
                0,
                "tệp lạ trong thư mục khóa học: chỉ có course.toml, quiz.toml, NN-ma-bai.md và hình .svg",
            );
        }
    }

    if errors.list.len() > before {
        return None;
    }
    Some(Course {
        id: raw.id,
        order: raw.order,
        title: raw.title.trim().to_string(),
        summary: raw.summary.trim().to_string(),
        groups: raw.groups,
        pass_percent: raw.pass_percent,
        lessons,
        quiz,
        origin,
    })
}

fn check_groups(
    groups: &[String],
    file: &str,
    line: usize,
    allow_empty: bool,
    errors: &mut Errors,
) {
    if groups.is_empty() && !allow_empty {
        errors.push(file, line, "`groups` (nhóm đối tượng) đang trống");
    }
    for g in groups {
        if !valid_audience(g) {
            errors.push(
                file,
                line,
                format!(
                    "mã nhóm `{g}` không có; dùng một trong: {}",
                    audience_codes()
                ),
            );
        }
    }
}

/// `03-ma-bai.md` → (3, "ma-bai").
fn lesson_file_name(name: &str) -> Option<(u32, &str)> {
    let stem = name.strip_suffix(".md")?;
    let (num, id) = stem.split_once('-')?;
    if num.len() != 2 || !num.chars().all(|c| c.is_ascii_digit()) || !valid_id(id) {
        return None;
    }
    Some((num.parse().ok()?, id))
}

fn parse_lesson(
    file: &str,
    text: &str,
    svgs: &HashMap<String, String>,
    errors: &mut Errors,
) -> Option<Lesson> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    if lines.next().map(str::trim_end) != Some("+++") {
        errors.push(
            file,
            1,
            "bài học phải mở đầu bằng dòng `+++` (phần thông tin TOML)",
        );
        return None;
    }
    let mut front = String::new();
    let mut closed = false;
    let mut consumed = 1usize;
    for l in lines.by_ref() {
        consumed += 1;
        if l.trim_end() == "+++" {
            closed = true;
            break;
        }
        front.push_str(l);
    }
    if !closed {
        errors.push(file, 1, "thiếu dòng `+++` đóng phần thông tin TOML");
        return None;
    }
    let body: String = lines.collect();
    let raw: RawLesson = match toml::from_str(&front) {
        Ok(r) => r,
        Err(e) => {
            let (line, msg) = toml_error(&e, &front, 1);
            errors.push(file, line, msg);
            return None;
        }
    };
    let at = |key: &str| line_of_key(text, key, 1);
    if !valid_id(&raw.id) {
        errors.push(
            file,
            at("id"),
            "`id` chỉ gồm chữ thường không dấu a-z, số 0-9 và dấu '-'",
        );
    }
    if RESERVED_LESSON_IDS.contains(&raw.id.as_str()) {
        errors.push(
            file,
            at("id"),
            format!(
                "`id = \"{}\"` trùng tên một trang của khóa học; hãy đặt tên khác",
                raw.id
            ),
        );
    }
    if raw.title.trim().is_empty() {
        errors.push(file, at("title"), "`title` (tên bài học) đang trống");
    }
    if !(2..=5).contains(&raw.minutes) {
        errors.push(
            file,
            at("minutes"),
            format!(
                "`minutes` = {}: bài học đọc trong 2 đến 5 phút",
                raw.minutes
            ),
        );
    }
    if raw.competences.is_empty() {
        errors.push(
            file,
            at("competences"),
            "`competences` đang trống: ghi ít nhất một miền năng lực (1–6)",
        );
    }
    for c in &raw.competences {
        if !(1..=6).contains(c) {
            errors.push(
                file,
                at("competences"),
                format!(
                    "miền năng lực {c} không có; Thông tư 02/2025/TT-BGDĐT có 6 miền, đánh số 1–6"
                ),
            );
        }
    }
    check_groups(&raw.groups, file, at("groups"), true, errors);
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok();
    let as_of = raw.as_of.as_deref().and_then(day);
    if raw.as_of.is_some() && as_of.is_none() {
        errors.push(
            file,
            line_of_key(text, "as_of", 1),
            "`as_of` (nội dung đúng đến ngày) phải có dạng YYYY-MM-DD",
        );
    }
    for s in &raw.sources {
        if s.url.is_empty() && s.note.trim().is_empty() {
            errors.push(
                file,
                line_of_key(text, "title", 1),
                format!(
                    "nguồn `{}`: cần `url`, hoặc `note` nói vì sao chưa có địa chỉ",
                    s.title
                ),
            );
        } else if !(s.url.is_empty()
            || s.url.starts_with("https://")
            || s.url.starts_with("http://"))
        {
            errors.push(
                file,
                line_of_key(text, "url", 1),
                format!("nguồn `{}`: địa chỉ phải bắt đầu bằng https://", s.title),
            );
        }
        for (key, value) in [("issued", &s.issued), ("read_on", &s.read_on)] {
            if !value.is_empty() && day(value).is_none() {
                errors.push(
                    file,
                    line_of_key(text, key, 1),
                    format!("nguồn `{}`: `{key}` phải có dạng YYYY-MM-DD", s.title),
                );
            }
        }
        if s.title.trim().is_empty() {
            errors.push(file, line_of_key(text, "title", 1), "nguồn thiếu `title`");
        }
    }
    let words = body.split_whitespace().count();
    if words < 40 {
        errors.push(
            file,
            consumed + 1,
            format!("nội dung bài học quá ngắn ({words} từ)"),
        );
    }
    let html = render::lesson_html(&body, svgs, file, consumed, &mut |line, msg| {
        errors.push(file, line, msg)
    });
    Some(Lesson {
        id: raw.id,
        number: 0,
        title: raw.title.trim().to_string(),
        minutes: raw.minutes,
        competences: raw.competences,
        groups: raw.groups,
        sources: raw.sources,
        as_of,
        html,
        file: file.to_string(),
    })
}

fn parse_quiz(file: &str, text: &str, lessons: &[Lesson], errors: &mut Errors) -> Vec<Question> {
    let raw: RawQuiz = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let (line, msg) = toml_error(&e, text, 0);
            errors.push(file, line, msg);
            return Vec::new();
        }
    };
    let starts: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim() == "[[question]]")
        .map(|(i, _)| i + 1)
        .collect();
    if !(MIN_QUESTIONS..=MAX_QUESTIONS).contains(&raw.question.len()) {
        errors.push(
            file,
            0,
            format!(
                "bài kiểm tra có {} câu; cần từ {MIN_QUESTIONS} đến {MAX_QUESTIONS} câu",
                raw.question.len()
            ),
        );
    }
    let mut out = Vec::new();
    for (i, q) in raw.question.into_iter().enumerate() {
        let line = starts.get(i).copied().unwrap_or(0);
        let n = i + 1;
        if !lessons.iter().any(|l| l.id == q.lesson) && !lessons.is_empty() {
            errors.push(
                file,
                line,
                format!(
                    "câu {n}: `lesson = \"{}\"` không phải bài học nào của khóa này",
                    q.lesson
                ),
            );
        }
        if q.text.trim().is_empty() {
            errors.push(
                file,
                line,
                format!("câu {n}: `text` (nội dung câu hỏi) đang trống"),
            );
        }
        if !(2..=5).contains(&q.choices.len()) {
            errors.push(
                file,
                line,
                format!("câu {n}: có {} lựa chọn; cần từ 2 đến 5", q.choices.len()),
            );
        }
        if q.choices.iter().any(|c| c.trim().is_empty()) {
            errors.push(file, line, format!("câu {n}: có lựa chọn để trống"));
        }
        if q.answer == 0 || q.answer > q.choices.len() {
            errors.push(
                file,
                line,
                format!(
                    "câu {n}: `answer = {}` phải là số thứ tự của một lựa chọn, từ 1 đến {}",
                    q.answer,
                    q.choices.len()
                ),
            );
        }
        out.push(Question {
            lesson: q.lesson,
            text: q.text.trim().to_string(),
            choices: q.choices.iter().map(|c| c.trim().to_string()).collect(),
            answer: q.answer.saturating_sub(1),
            explain: q.explain.trim().to_string(),
        });
    }
    for l in lessons {
        if !out.iter().any(|q| q.lesson == l.id) {
            errors.push(
                file,
                0,
                format!("bài `{}` chưa có câu hỏi nào trong bài kiểm tra", l.id),
            );
        }
    }
    out
}

/// Check an illustration and return it ready to inline (from `<svg` on).
fn check_svg(text: &str) -> Result<String, String> {
    if text.len() > MAX_SVG_BYTES {
        return Err(format!(
            "hình nặng {} byte; tối đa {MAX_SVG_BYTES} byte để trang bài học nhẹ trên mạng yếu",
            text.len()
        ));
    }
    let lower = text.to_ascii_lowercase();
    let Some(start) = lower.find("<svg") else {
        return Err("không phải tệp SVG (không thấy thẻ <svg>)".into());
    };
    if !text.contains("viewBox") {
        return Err("thẻ <svg> thiếu thuộc tính viewBox".into());
    }
    for bad in [
        "<script",
        "<image",
        "<foreignobject",
        "<iframe",
        "javascript:",
        "href=\"http",
        "href='http",
        "url(http",
        "@import",
        "<!entity",
    ] {
        if lower.contains(bad) {
            return Err(format!(
                "hình có `{bad}`: không được dùng trong hình minh họa"
            ));
        }
    }
    let bytes = lower.as_bytes();
    for (i, _) in lower.match_indices("on") {
        let before_ws = i > 0 && bytes[i - 1].is_ascii_whitespace();
        let rest = &lower[i + 2..];
        let name_len = rest.chars().take_while(|c| c.is_ascii_alphabetic()).count();
        if before_ws && name_len > 0 && rest[name_len..].trim_start().starts_with('=') {
            return Err("hình có thuộc tính sự kiện (on...=): không được dùng".into());
        }
    }
    check_text_colours(&lower)?;
    Ok(text[start..].trim_end().to_string())
}

/// Relative luminance of a `#rgb` or `#rrggbb` colour (WCAG 2).
fn luminance(hex: &str) -> Option<f64> {
    let h = hex.strip_prefix('#')?;
    let full: String = match h.len() {
        3 => h.chars().flat_map(|c| [c, c]).collect(),
        6 => h.to_string(),
        _ => return None,
    };
    let channel = |i: usize| -> Option<f64> {
        let v = f64::from(u8::from_str_radix(full.get(i..i + 2)?, 16).ok()?) / 255.0;
        Some(if v <= 0.03928 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        })
    };
    Some(0.2126 * channel(0)? + 0.7152 * channel(2)? + 0.0722 * channel(4)?)
}

/// Text in an illustration is read by old eyes on a cheap screen: a dark
/// colour must reach 4.5:1 against white (WCAG AA), and a light one (for
/// text on a dark shape) must be clearly light. A mid-tone such as #90a4ae
/// fails on both kinds of background and is refused.
fn check_text_colours(lower: &str) -> Result<(), String> {
    for (i, _) in lower.match_indices("<text") {
        let tag = &lower[i..];
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        let Some(fill) = tag
            .split("fill=\"")
            .nth(1)
            .and_then(|f| f.split('"').next())
        else {
            continue;
        };
        let Some(l) = luminance(fill) else { continue };
        let on_white = 1.05 / (l + 0.05);
        let light = l >= 0.55;
        if on_white < 4.5 && !light {
            return Err(format!(
                "chữ màu {fill} khó đọc (tương phản với nền trắng {on_white:.1}:1, cần từ 4,5:1): dùng màu đậm hơn"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lesson_file_names() {
        assert_eq!(lesson_file_name("03-bat-may.md"), Some((3, "bat-may")));
        assert_eq!(lesson_file_name("3-bat-may.md"), None);
        assert_eq!(lesson_file_name("03-Bat.md"), None);
        assert_eq!(lesson_file_name("03-.md"), None);
    }

    #[test]
    fn svg_rules() {
        let ok = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>"#;
        assert!(check_svg(ok).unwrap().starts_with("<svg"));
        assert!(check_svg("<svg><rect/></svg>").is_err());
        assert!(check_svg(r#"<svg viewBox="0 0 1 1"><script>x</script></svg>"#).is_err());
        assert!(check_svg(r#"<svg viewBox="0 0 1 1" onload="x()"></svg>"#).is_err());
        assert!(
            check_svg(r#"<svg viewBox="0 0 1 1"><text>Điện thoại online</text></svg>"#).is_ok()
        );
        // Pale or mid-tone text is refused; dark text, and white text for dark shapes, pass.
        let text = |c: &str| format!(r#"<svg viewBox="0 0 1 1"><text fill="{c}">Chữ</text></svg>"#);
        assert!(check_svg(&text("#90a4ae")).unwrap_err().contains("#90a4ae"));
        assert!(check_svg(&text("#e65100")).is_err());
        assert!(check_svg(&text("#263238")).is_ok());
        assert!(check_svg(&text("#bf360c")).is_ok());
        assert!(check_svg(&text("#fff")).is_ok());
        let big = format!(r#"<svg viewBox="0 0 1 1">{}</svg>"#, "x".repeat(7000));
        assert!(check_svg(&big).is_err());
    }
}
