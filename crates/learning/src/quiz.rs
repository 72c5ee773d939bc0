//! Quiz scoring.

use crate::Course;
use serde::Serialize;

/// The result of one quiz attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Score {
    pub correct: u32,
    pub total: u32,
    /// Whole percent, rounded down.
    pub percent: u32,
    pub passed: bool,
}

/// Score a course quiz. `answers[i]` is the 0-based choice given to question
/// `i`, or `None` when it was left blank (which counts as wrong). Extra
/// answers beyond the quiz are ignored.
pub fn grade(course: &Course, answers: &[Option<usize>]) -> Score {
    let total = course.quiz.len() as u32;
    let correct = course
        .quiz
        .iter()
        .enumerate()
        .filter(|(i, q)| answers.get(*i).copied().flatten() == Some(q.answer))
        .count() as u32;
    let percent = (correct * 100).checked_div(total).unwrap_or(0);
    Score {
        correct,
        total,
        percent,
        passed: total > 0 && percent >= u32::from(course.pass_percent),
    }
}
