//! Synthetic learning results for the demo commune: who passed which course
//! and when, shaped like a year of the movement (a slow first quarter, the
//! peak in the second and third, as the plan schedules), and who used the
//! assistant. Deterministic for a seed.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// What the generator needs to know of a resident.
#[derive(Debug, Clone)]
pub struct Learner {
    pub resident_id: i64,
    /// Target group codes (`can_bo`, `hoc_sinh`, ...), plus `to_cnscd` for
    /// community digital team members.
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoPass {
    pub resident_id: i64,
    pub course_id: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default)]
pub struct DemoLearning {
    pub passes: Vec<DemoPass>,
    /// Residents who asked the assistant, and when.
    pub assistant: Vec<(i64, DateTime<Utc>)>,
}

/// How likely a member of a group is to have finished the group's core
/// courses by the end of the year.
fn uptake(group: &str) -> f64 {
    match group {
        "can_bo" => 0.92,
        "to_cnscd" => 0.85,
        "hoc_sinh" => 0.62,
        "nguoi_truong_thanh" => 0.48,
        "nguoi_cao_tuoi" => 0.30,
        "dan_toc_thieu_so" => 0.40,
        _ => 0.35,
    }
}

/// A moment in the year up to `today`, weighted to the second and third
/// quarters.
fn moment(rng: &mut ChaCha8Rng, year_start: NaiveDate, today: NaiveDate) -> DateTime<Utc> {
    let span = (today - year_start).num_days().max(1);
    // Two draws averaged: more mass in the middle of the year.
    let d = ((rng.gen_range(0..span) + rng.gen_range(0..span)) / 2).min(span - 1);
    let day = year_start + Duration::days(d);
    day.and_hms_opt(rng.gen_range(1..10), rng.gen_range(0..60), 0)
        .map(|t| t.and_utc())
        .unwrap_or_default()
}

/// `core`: group → its core courses; `ai_course`: the "Bình dân học AI" course.
pub fn learning(
    learners: &[Learner],
    core: &BTreeMap<String, Vec<String>>,
    ai_course: &str,
    today: NaiveDate,
    seed: u64,
) -> DemoLearning {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x006c_6561_726e);
    let year_start = NaiveDate::from_ymd_opt(chrono::Datelike::year(&today), 1, 1).unwrap_or(today);
    let mut out = DemoLearning::default();
    for l in learners {
        let mut passed: BTreeMap<String, DateTime<Utc>> = BTreeMap::new();
        for g in &l.groups {
            let Some(courses) = core.get(g) else { continue };
            let p = uptake(g);
            if rng.gen_bool(p) {
                for c in courses {
                    let at = moment(&mut rng, year_start, today);
                    passed.entry(c.clone()).or_insert(at);
                }
            } else if rng.gen_bool(0.4) {
                // Started: some of the courses.
                for c in courses {
                    if rng.gen_bool(0.5) {
                        let at = moment(&mut rng, year_start, today);
                        passed.entry(c.clone()).or_insert(at);
                    }
                }
            }
        }
        let adult = l.groups.iter().any(|g| g == "nguoi_truong_thanh");
        if adult && rng.gen_bool(0.14) {
            let at = moment(&mut rng, year_start, today);
            passed.entry(ai_course.to_string()).or_insert(at);
        }
        if adult && rng.gen_bool(0.08) {
            out.assistant
                .push((l.resident_id, moment(&mut rng, year_start, today)));
        }
        for (course_id, at) in passed {
            out.passes.push(DemoPass {
                resident_id: l.resident_id,
                course_id,
                at,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_within_the_year() {
        let learners: Vec<Learner> = (1..=500)
            .map(|i| Learner {
                resident_id: i,
                groups: vec!["nguoi_truong_thanh".into()],
            })
            .collect();
        let mut core = BTreeMap::new();
        core.insert(
            "nguoi_truong_thanh".to_string(),
            vec!["a".to_string(), "b".to_string()],
        );
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default();
        let a = learning(&learners, &core, "ai", today, 1);
        let b = learning(&learners, &core, "ai", today, 1);
        assert_eq!(a.passes, b.passes);
        assert!(
            a.passes.len() > 300 && a.passes.len() < 1000,
            "{}",
            a.passes.len()
        );
        let end = today.and_hms_opt(23, 59, 59).unwrap_or_default().and_utc();
        assert!(a
            .passes
            .iter()
            .all(|p| p.at <= end && p.at.format("%Y").to_string() == "2026"));
        assert!(!a.assistant.is_empty());
    }
}
