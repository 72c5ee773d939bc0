//! The plan as data (issue 15): its tasks (section III) with their units
//! and periods, the units' duties (section V), and the rule by which a
//! task's status is computed from what has been recorded.
//!
//! The plan itself is a file (`reporting/plans/*.toml`, read and checked by
//! `hocvuso_reporting::plan`); this module holds its shape and the rules,
//! free of files, SQL and HTTP.

use crate::quarter::Quarter;
use crate::units::UnitType;
use chrono::NaiveDate;
use serde::Serialize;

/// How long into a period a task may go with nothing recorded before it is
/// "behind": six weeks, half a quarter.
pub const GRACE_WEEKS: i64 = 6;

/// What is counted as a task's activity, each from its own records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ActivitySource {
    /// Classes whose plan task is this one (`training_sessions.plan_task`).
    #[serde(rename = "lop")]
    Classes,
    /// Home visits of the community digital teams.
    #[serde(rename = "tham")]
    Visits,
    /// Pilot models started (task III.5).
    #[serde(rename = "mo_hinh")]
    Models,
    /// Questions asked to the administrative assistant.
    #[serde(rename = "tro_ly")]
    Assistant,
    /// Quarterly reports submitted by the task's units.
    #[serde(rename = "bao_cao")]
    UnitReports,
    /// Outreach campaigns started (task III.1).
    #[serde(rename = "chien_dich")]
    Campaigns,
    /// Pilot models taken to another hamlet or unit (task III.5, Q3–Q4).
    #[serde(rename = "nhan_rong")]
    Replications,
}

impl ActivitySource {
    pub const ALL: [ActivitySource; 7] = [
        ActivitySource::Classes,
        ActivitySource::Visits,
        ActivitySource::Models,
        ActivitySource::Assistant,
        ActivitySource::UnitReports,
        ActivitySource::Campaigns,
        ActivitySource::Replications,
    ];

    pub fn code(self) -> &'static str {
        match self {
            ActivitySource::Classes => "lop",
            ActivitySource::Visits => "tham",
            ActivitySource::Models => "mo_hinh",
            ActivitySource::Assistant => "tro_ly",
            ActivitySource::UnitReports => "bao_cao",
            ActivitySource::Campaigns => "chien_dich",
            ActivitySource::Replications => "nhan_rong",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.code() == code)
    }

    /// What one of them is called, counted: "3 buổi học".
    pub fn noun(self) -> &'static str {
        match self {
            ActivitySource::Classes => "buổi học",
            ActivitySource::Visits => "lần thăm hộ",
            ActivitySource::Models => "mô hình",
            ActivitySource::Assistant => "câu hỏi gửi trợ lý ảo",
            ActivitySource::UnitReports => "báo cáo quý đã nộp",
            ActivitySource::Campaigns => "chiến dịch tuyên truyền",
            ActivitySource::Replications => "lần nhân rộng mô hình",
        }
    }

    /// Whether a record of this source belongs to a hamlet (so "every
    /// hamlet" can be checked).
    pub fn has_hamlet(self) -> bool {
        matches!(self, ActivitySource::Classes | ActivitySource::Visits)
    }
}

/// A stretch of a task's period: "cả năm", "cao điểm quý II–III", "mô
/// hình điểm quý II", "nhân rộng quý III–IV", "tại các xóm quý III".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Phase {
    pub label: String,
    pub from: Quarter,
    pub to: Quarter,
    /// Every hamlet must have an activity in this phase.
    pub each_hamlet: bool,
}

impl Phase {
    pub fn start(&self) -> NaiveDate {
        self.from.first_day()
    }

    pub fn end(&self) -> NaiveDate {
        self.to.last_day()
    }

    /// "quý II–III/2026", "quý III/2026", "cả năm 2026".
    pub fn span_text(&self) -> String {
        let roman = |q: u8| ["I", "II", "III", "IV"][usize::from(q.clamp(1, 4) - 1)];
        if self.from.year == self.to.year && self.from.q == 1 && self.to.q == 4 {
            format!("cả năm {}", self.from.year)
        } else if self.from == self.to {
            format!("quý {}/{}", roman(self.from.q), self.from.year)
        } else if self.from.year == self.to.year {
            format!(
                "quý {}–{}/{}",
                roman(self.from.q),
                roman(self.to.q),
                self.from.year
            )
        } else {
            format!(
                "quý {}/{} – quý {}/{}",
                roman(self.from.q),
                self.from.year,
                roman(self.to.q),
                self.to.year
            )
        }
    }
}

/// A task of section III.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// "III.1".
    pub code: String,
    pub title: String,
    /// The content, as the plan words it (paragraphs).
    pub content: Vec<String>,
    /// Who is to take part, where the plan says ("Người dân trưởng thành").
    pub audience: String,
    /// The units that carry it out (the first leads).
    pub lead: Vec<UnitType>,
    pub coordinating: Vec<UnitType>,
    /// The period as the plan words it.
    pub period_text: String,
    pub phases: Vec<Phase>,
    /// What counts as its activity; empty: nothing the program records.
    pub counts: Vec<ActivitySource>,
    /// The numbers of the units' quarterly reports that the commune's
    /// report adds up under this task (keys of [`crate::reports::form_fields`]).
    pub figures: Vec<String>,
}

/// A unit's duties under section V.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    /// "V.3".
    pub code: String,
    /// The heading, as the plan words it ("Phòng Văn hóa – Xã hội xã").
    pub unit: String,
    pub unit_types: Vec<UnitType>,
    pub items: Vec<String>,
    /// The tasks of section III these duties serve.
    pub tasks: Vec<String>,
}

/// A target of section II.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Target {
    pub code: String,
    pub text: String,
    /// The indicators (`indicators.toml` codes) that measure it.
    pub indicators: Vec<String>,
}

/// The plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub year: i32,
    pub title: String,
    pub issuer: String,
    pub purpose: String,
    pub requirements: String,
    pub targets: Vec<Target>,
    pub tasks: Vec<Task>,
    pub duties: Vec<Duty>,
    /// Units report before this day of the quarter's last month (15).
    pub report_before_day: u32,
}

impl Plan {
    pub fn task(&self, code: &str) -> Option<&Task> {
        self.tasks.iter().find(|t| t.code == code)
    }

    /// The duties of a unit of this type.
    pub fn duties_of(&self, unit_type: UnitType) -> Vec<&Duty> {
        self.duties
            .iter()
            .filter(|d| d.unit_types.contains(&unit_type))
            .collect()
    }

    /// The tasks a unit of this type leads or helps with.
    pub fn tasks_of(&self, unit_type: UnitType) -> Vec<(&Task, bool)> {
        self.tasks
            .iter()
            .filter_map(|t| {
                if t.lead.contains(&unit_type) {
                    Some((t, true))
                } else if t.coordinating.contains(&unit_type) {
                    Some((t, false))
                } else {
                    None
                }
            })
            .collect()
    }
}

/// The longest plan file the office may save (the 2026 plan is about 16 KB).
pub const PLAN_TEXT_MAX: usize = 64 * 1024;

/// Next year's plan, started from this year's file: the year, every
/// quarter ("2026Q3") and every "năm 2026" in the text move on a year; the
/// rest (tasks, units, duties) stays for the office to edit.
pub fn next_year_text(text: &str, year: i32) -> String {
    let (this, next) = (year.to_string(), (year + 1).to_string());
    text.lines()
        .map(|line| {
            if line.trim_start().starts_with("year") && line.contains('=') && line.contains(&this) {
                return line.replacen(&this, &next, 1);
            }
            line.replace(&format!("\"{this}Q"), &format!("\"{next}Q"))
                .replace(&format!("năm {this}"), &format!("năm {next}"))
                .replace(&format!("Năm {this}"), &format!("Năm {next}"))
        })
        .collect::<Vec<_>>()
        .join("\n")
        + if text.ends_with('\n') { "\n" } else { "" }
}

/// A task's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum TaskStatus {
    #[serde(rename = "chua_bat_dau")]
    NotStarted,
    #[serde(rename = "dung_tien_do")]
    OnTrack,
    #[serde(rename = "cham")]
    Behind,
    #[serde(rename = "hoan_thanh")]
    Done,
    /// The plan names nothing the program records for it.
    #[serde(rename = "chua_theo_doi")]
    NotTracked,
}

impl TaskStatus {
    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "chua_bat_dau",
            TaskStatus::OnTrack => "dung_tien_do",
            TaskStatus::Behind => "cham",
            TaskStatus::Done => "hoan_thanh",
            TaskStatus::NotTracked => "chua_theo_doi",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::NotStarted => "Chưa bắt đầu",
            TaskStatus::OnTrack => "Đúng tiến độ",
            TaskStatus::Behind => "Chậm",
            TaskStatus::Done => "Hoàn thành",
            TaskStatus::NotTracked => "Chưa theo dõi được",
        }
    }
}

/// What was recorded for one phase of a task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PhaseProgress {
    /// Activities in the phase, all sources together.
    pub activities: i64,
    /// The commune's hamlets, and those with an activity in the phase.
    pub hamlets: usize,
    pub hamlets_reached: usize,
}

/// A status and the rule that gave it, in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessed {
    pub status: TaskStatus,
    pub rule: String,
}

/// A task's status on `today` from what was recorded in each of its phases
/// (`progress[i]` for `task.phases[i]`). A phase is behind when
/// [`GRACE_WEEKS`] of it have gone by (or it is over) with nothing recorded,
/// or, where every hamlet must take part, with hamlets still missing; the
/// task is behind when one of its phases is. Before its first phase it has
/// not started; after its last, with nothing behind, it is done.
pub fn assess(task: &Task, progress: &[PhaseProgress], today: NaiveDate) -> Assessed {
    let first = task.phases.iter().map(Phase::start).min();
    let last = task.phases.iter().map(Phase::end).max();
    let (Some(first), Some(last)) = (first, last) else {
        return Assessed {
            status: TaskStatus::NotTracked,
            rule: "Kế hoạch không ghi thời gian thực hiện nhiệm vụ này.".into(),
        };
    };
    if task.counts.is_empty() {
        return Assessed {
            status: TaskStatus::NotTracked,
            rule: "Chương trình chưa ghi nhận được hoạt động nào của nhiệm vụ này; đơn vị báo cáo bằng lời trong báo cáo quý.".into(),
        };
    }
    if today < first {
        return Assessed {
            status: TaskStatus::NotStarted,
            rule: format!(
                "Chưa bắt đầu: nhiệm vụ bắt đầu từ ngày {}.",
                first.format("%d/%m/%Y")
            ),
        };
    }
    let nouns: Vec<&str> = task.counts.iter().map(|s| s.noun()).collect();
    let what = nouns.join(", ");
    let mut total = 0;
    for (phase, p) in task.phases.iter().zip(progress) {
        total += p.activities;
        if today < phase.start() {
            continue;
        }
        let over = today > phase.end();
        let weeks = (today.min(phase.end()) - phase.start()).num_days() / 7;
        let due = over || weeks >= GRACE_WEEKS;
        let when = if over {
            format!("{} ({}) đã hết", phase.label, phase.span_text())
        } else {
            format!(
                "{} ({}) đã qua {weeks} tuần",
                phase.label,
                phase.span_text()
            )
        };
        if phase.each_hamlet && p.hamlets > 0 && p.hamlets_reached < p.hamlets && due {
            return Assessed {
                status: TaskStatus::Behind,
                rule: format!(
                    "Chậm: {when}, {}/{} xóm chưa có {}.",
                    p.hamlets - p.hamlets_reached,
                    p.hamlets,
                    nouns.first().copied().unwrap_or("hoạt động")
                ),
            };
        }
        if p.activities == 0 && due {
            return Assessed {
                status: TaskStatus::Behind,
                rule: format!("Chậm: {when} mà chưa ghi nhận {what} nào."),
            };
        }
    }
    if today > last {
        Assessed {
            status: TaskStatus::Done,
            rule: format!("Hoàn thành: hết kỳ thực hiện, đã ghi nhận {total} ({what})."),
        }
    } else {
        Assessed {
            status: TaskStatus::OnTrack,
            rule: format!(
                "Đúng tiến độ: đã ghi nhận {total} ({what}); một giai đoạn chậm khi qua {GRACE_WEEKS} tuần mà chưa có hoạt động."
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn q(n: u8) -> Quarter {
        Quarter { year: 2026, q: n }
    }

    fn ai_in_every_hamlet() -> Task {
        Task {
            code: "III.6".into(),
            title: "Tập huấn Bình dân học AI tại các xóm".into(),
            content: vec![],
            audience: String::new(),
            lead: vec![UnitType::CultureSocietyOffice],
            coordinating: vec![],
            period_text: "Quý III năm 2026.".into(),
            phases: vec![Phase {
                label: "Tập huấn tại các xóm".into(),
                from: q(3),
                to: q(3),
                each_hamlet: true,
            }],
            counts: vec![ActivitySource::Classes],
            figures: vec![],
        }
    }

    #[test]
    fn next_years_plan_moves_the_year_and_its_quarters_only() {
        let text = "year = 2026\ntitle = \"Kế hoạch năm 2026\"\n[[task.phase]]\nfrom = \"2026Q2\"\nto = \"2026Q3\"\nperiod = \"Quý III năm 2026.\"\nnote = \"Quyết định 2026/QĐ\"\n";
        let next = next_year_text(text, 2026);
        assert_eq!(
            next,
            "year = 2027\ntitle = \"Kế hoạch năm 2027\"\n[[task.phase]]\nfrom = \"2027Q2\"\nto = \"2027Q3\"\nperiod = \"Quý III năm 2027.\"\nnote = \"Quyết định 2026/QĐ\"\n"
        );
    }

    fn reached(n: usize) -> Vec<PhaseProgress> {
        vec![PhaseProgress {
            activities: n as i64,
            hamlets: 20,
            hamlets_reached: n,
        }]
    }

    #[test]
    fn a_task_is_not_started_on_track_behind_or_done_by_the_clock() {
        let t = ai_in_every_hamlet();
        assert_eq!(
            assess(&t, &reached(0), d(2026, 6, 30)).status,
            TaskStatus::NotStarted
        );
        // Five weeks into Q3 with nothing: still within the grace.
        assert_eq!(
            assess(&t, &reached(0), d(2026, 8, 5)).status,
            TaskStatus::OnTrack
        );
        // Six weeks: behind, and the rule says why.
        let a = assess(&t, &reached(17), d(2026, 8, 12));
        assert_eq!(a.status, TaskStatus::Behind);
        assert_eq!(
            a.rule,
            "Chậm: Tập huấn tại các xóm (quý III/2026) đã qua 6 tuần, 3/20 xóm chưa có buổi học."
        );
        assert_eq!(
            assess(&t, &reached(20), d(2026, 8, 12)).status,
            TaskStatus::OnTrack
        );
        assert_eq!(
            assess(&t, &reached(20), d(2026, 10, 1)).status,
            TaskStatus::Done
        );
        // Over with hamlets missing: behind for good.
        let a = assess(&t, &reached(19), d(2026, 12, 1));
        assert_eq!(a.status, TaskStatus::Behind);
        assert!(
            a.rule.contains("đã hết") && a.rule.contains("1/20 xóm"),
            "{}",
            a.rule
        );
    }

    #[test]
    fn a_year_long_task_with_nothing_recorded_is_behind_after_six_weeks() {
        let mut t = ai_in_every_hamlet();
        t.phases = vec![Phase {
            label: "Thường xuyên".into(),
            from: q(1),
            to: q(4),
            each_hamlet: false,
        }];
        t.counts = vec![ActivitySource::UnitReports];
        let none = vec![PhaseProgress::default()];
        assert_eq!(assess(&t, &none, d(2026, 2, 1)).status, TaskStatus::OnTrack);
        let a = assess(&t, &none, d(2026, 2, 12));
        assert_eq!(a.status, TaskStatus::Behind);
        assert_eq!(
            a.rule,
            "Chậm: Thường xuyên (cả năm 2026) đã qua 6 tuần mà chưa ghi nhận báo cáo quý đã nộp nào."
        );
        t.counts.clear();
        assert_eq!(
            assess(&t, &none, d(2026, 2, 12)).status,
            TaskStatus::NotTracked
        );
    }

    #[test]
    fn source_codes_round_trip() {
        for s in ActivitySource::ALL {
            assert_eq!(ActivitySource::from_code(s.code()), Some(s));
        }
        assert_eq!(ActivitySource::from_code("khac"), None);
    }
}
