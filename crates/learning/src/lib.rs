//! Digital-skills micro-courses (khóa học kỹ năng số).
//!
//! Courses are files (see `courses/FORMAT.md`): a `course.toml`, lessons as
//! Markdown with TOML front matter, a `quiz.toml` and small SVG
//! illustrations. The files of the repository are embedded at build time;
//! the culture-society office may add more in the data folder, read at
//! start-up. Every file is validated when loaded and a broken one is an
//! error naming the file and line, never a silent skip. Lessons are rendered
//! to HTML once, at load time, with their illustrations inlined so that one
//! request (and one cache entry, offline) holds a whole lesson.

mod catalog;
mod quiz;
mod render;

pub use catalog::{
    competence_name, Audience, Catalog, CatalogueJson, Competence, Course, CourseError, Lesson,
    Question, Source, AUDIENCES, COMPETENCES,
};
pub use quiz::{grade, Score};

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded.rs"));
}

/// The course files built into the program, as (path under `courses/`, text).
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    embedded::EMBEDDED
}
