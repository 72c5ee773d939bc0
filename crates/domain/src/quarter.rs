//! Quarters, the reporting deadline, and the status of a unit's report.
//!
//! The plan's rule: every unit reports to the commune (through the
//! culture-society office) before the 15th of the last month of each quarter:
//! 15 March, 15 June, 15 September, 15 December.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::fmt;

/// "Trước ngày 15 của tháng cuối quý" (the plan, section V): the day
/// before which units report, unless the commune sets another
/// ([`REPORT_DAY_SETTING`]).
pub const DEFAULT_REPORT_BEFORE_DAY: u32 = 15;
/// The commune's setting of that day (1–28).
pub const REPORT_DAY_SETTING: &str = "report_before_day";

/// The day the setting's stored value names, or the plan's.
pub fn report_before_day(value: Option<&str>) -> u32 {
    value
        .and_then(|v| v.trim().parse::<u32>().ok())
        .filter(|d| (1..=28).contains(d))
        .unwrap_or(DEFAULT_REPORT_BEFORE_DAY)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Quarter {
    pub year: i32,
    /// 1 to 4.
    pub q: u8,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("Quý `{0}` không hợp lệ: viết dạng 2026Q2 (năm, chữ Q, số quý 1–4)")]
pub struct QuarterError(pub String);

impl Quarter {
    pub fn new(year: i32, q: u8) -> Option<Quarter> {
        (1..=4).contains(&q).then_some(Quarter { year, q })
    }

    /// "2026Q2" (also "2026-Q2", "q2/2026").
    pub fn parse(s: &str) -> Result<Quarter, QuarterError> {
        let t = s.trim().to_ascii_uppercase().replace(['-', ' '], "");
        let parsed = if let Some((y, q)) = t.split_once('Q') {
            if y.is_empty() {
                // "Q2/2026"
                q.split_once('/')
                    .and_then(|(q, y)| Some((y.parse().ok()?, q.parse().ok()?)))
            } else {
                Some((y.parse().ok(), q.parse().ok())).and_then(|(y, q)| Some((y?, q?)))
            }
        } else {
            None
        };
        parsed
            .and_then(|(y, q)| Quarter::new(y, q))
            .filter(|q| (2000..=2100).contains(&q.year))
            .ok_or_else(|| QuarterError(s.to_string()))
    }

    /// How many quarters a page lets one pick: this year's and last year's.
    pub const PICKABLE: usize = 8;

    /// The quarters a user may pick on `today`, newest first: the current
    /// one and the [`Quarter::PICKABLE`] − 1 before it.
    pub fn pickable(today: NaiveDate) -> Vec<Quarter> {
        std::iter::successors(Some(Quarter::containing(today)), |q| Some(q.prev()))
            .take(Quarter::PICKABLE)
            .collect()
    }

    pub fn containing(d: NaiveDate) -> Quarter {
        Quarter {
            year: d.year(),
            q: ((d.month() - 1) / 3 + 1) as u8,
        }
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.q) * 3 - 2, 1).unwrap_or_default()
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or_default()
    }

    /// The end of the quarter as a moment: midnight after its last day, in
    /// Vietnam (UTC+7).
    pub fn end(self) -> DateTime<Utc> {
        crate::time::vn_midnight(self.next().first_day())
    }

    /// Units report before the 15th of the last month of the quarter (the
    /// plan's day; [`Quarter::due`] for the commune's own).
    pub fn deadline(self) -> NaiveDate {
        self.due(DEFAULT_REPORT_BEFORE_DAY)
    }

    /// The day of the quarter's last month before which reports are due:
    /// one submitted on it is late.
    pub fn due(self, before_day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, u32::from(self.q) * 3, before_day.clamp(1, 28))
            .unwrap_or_default()
    }

    pub fn next(self) -> Quarter {
        if self.q == 4 {
            Quarter {
                year: self.year + 1,
                q: 1,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q + 1,
            }
        }
    }

    pub fn prev(self) -> Quarter {
        if self.q == 1 {
            Quarter {
                year: self.year - 1,
                q: 4,
            }
        } else {
            Quarter {
                year: self.year,
                q: self.q - 1,
            }
        }
    }

    /// The quarters of its year, up to and including itself.
    pub fn year_to_date(self) -> Vec<Quarter> {
        (1..=self.q)
            .map(|q| Quarter { year: self.year, q })
            .collect()
    }

    /// "Quý II năm 2026".
    pub fn label(self) -> String {
        format!(
            "Quý {} năm {}",
            ["I", "II", "III", "IV"][usize::from(self.q - 1)],
            self.year
        )
    }

    /// "quý II năm 2026", inside a sentence.
    pub fn label_in_text(self) -> String {
        self.label().replacen("Quý", "quý", 1)
    }

    /// "Q2/2026".
    pub fn short_label(self) -> String {
        format!("Q{}/{}", self.q, self.year)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}Q{}", self.year, self.q)
    }
}

/// Where a unit's report for a quarter stands, as the status board shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ReportStatus {
    NotStarted,
    Draft,
    /// Sent back by the office for correction.
    Returned,
    SubmittedOnTime,
    SubmittedLate,
    /// Not submitted and the deadline has passed.
    Overdue,
}

/// What is stored of a report: its state and when it was submitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StoredState {
    Draft,
    Submitted,
    Returned,
}

impl StoredState {
    pub fn code(self) -> &'static str {
        match self {
            StoredState::Draft => "nhap",
            StoredState::Submitted => "da_nop",
            StoredState::Returned => "tra_lai",
        }
    }

    pub fn from_code(c: &str) -> Option<Self> {
        [Self::Draft, Self::Submitted, Self::Returned]
            .into_iter()
            .find(|s| s.code() == c)
    }
}

impl ReportStatus {
    /// `stored`: None when the unit has not started. `submitted_on`: the
    /// date (in Vietnam) it was submitted. `due`: the day reports must come
    /// *before* ([`Quarter::due`]): "trước ngày 15" is on time by the 14th,
    /// and from the 15th a report not in is overdue.
    pub fn of(
        stored: Option<StoredState>,
        submitted_on: Option<NaiveDate>,
        due: NaiveDate,
        today: NaiveDate,
    ) -> ReportStatus {
        match (stored, submitted_on) {
            (Some(StoredState::Submitted), Some(d)) if d < due => ReportStatus::SubmittedOnTime,
            (Some(StoredState::Submitted), _) => ReportStatus::SubmittedLate,
            _ if today >= due => ReportStatus::Overdue,
            (Some(StoredState::Returned), _) => ReportStatus::Returned,
            (Some(StoredState::Draft), _) => ReportStatus::Draft,
            (None, _) => ReportStatus::NotStarted,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "Chưa bắt đầu",
            ReportStatus::Draft => "Đang soạn",
            ReportStatus::Returned => "Trả lại để sửa",
            ReportStatus::SubmittedOnTime => "Đã nộp đúng hạn",
            ReportStatus::SubmittedLate => "Nộp muộn",
            ReportStatus::Overdue => "Quá hạn, chưa nộp",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::NotStarted => "chua_bat_dau",
            ReportStatus::Draft => "dang_soan",
            ReportStatus::Returned => "tra_lai",
            ReportStatus::SubmittedOnTime => "dung_han",
            ReportStatus::SubmittedLate => "nop_muon",
            ReportStatus::Overdue => "qua_han",
        }
    }

    /// Whether the office should send this unit a reminder.
    pub fn needs_reminder(self) -> bool {
        matches!(
            self,
            ReportStatus::NotStarted
                | ReportStatus::Draft
                | ReportStatus::Returned
                | ReportStatus::Overdue
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_parse_and_deadlines_follow_the_rule() {
        let q = Quarter::parse("2026Q2").unwrap();
        assert_eq!(q, Quarter { year: 2026, q: 2 });
        assert_eq!(
            Quarter::parse("q3/2026").unwrap(),
            Quarter { year: 2026, q: 3 }
        );
        assert_eq!(Quarter::parse("2026-q4").unwrap().to_string(), "2026Q4");
        assert!(Quarter::parse("2026Q5").is_err());
        assert!(Quarter::parse("quý 2").is_err());
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(Quarter::new(2026, 1).unwrap().deadline(), d(2026, 3, 15));
        assert_eq!(q.deadline(), d(2026, 6, 15));
        assert_eq!(Quarter::new(2026, 3).unwrap().deadline(), d(2026, 9, 15));
        assert_eq!(Quarter::new(2026, 4).unwrap().deadline(), d(2026, 12, 15));
        assert_eq!(q.first_day(), d(2026, 4, 1));
        assert_eq!(q.last_day(), d(2026, 6, 30));
        assert_eq!(Quarter::new(2026, 4).unwrap().last_day(), d(2026, 12, 31));
        assert_eq!(
            Quarter::containing(d(2026, 11, 25)),
            Quarter { year: 2026, q: 4 }
        );
        assert_eq!(
            Quarter::new(2026, 1).unwrap().prev(),
            Quarter { year: 2025, q: 4 }
        );
        assert_eq!(q.label(), "Quý II năm 2026");
        // The end is midnight in Vietnam: 30 June 17:00 UTC.
        assert_eq!(q.end().to_rfc3339(), "2026-06-30T17:00:00+00:00");
    }

    #[test]
    fn report_status_board() {
        let dl = NaiveDate::from_ymd_opt(2026, 6, 15).unwrap();
        let eve = NaiveDate::from_ymd_opt(2026, 6, 14).unwrap();
        let before = NaiveDate::from_ymd_opt(2026, 6, 10).unwrap();
        let after = NaiveDate::from_ymd_opt(2026, 6, 16).unwrap();
        use ReportStatus as R;
        use StoredState as S;
        assert_eq!(ReportStatus::of(None, None, dl, before), R::NotStarted);
        assert_eq!(ReportStatus::of(None, None, dl, after), R::Overdue);
        assert_eq!(ReportStatus::of(Some(S::Draft), None, dl, before), R::Draft);
        assert_eq!(
            ReportStatus::of(Some(S::Draft), None, dl, after),
            R::Overdue
        );
        // "Trước ngày 15": the 14th is on time, the 15th is late, and
        // from the 15th a report not in is overdue.
        assert_eq!(
            ReportStatus::of(Some(S::Submitted), Some(eve), dl, after),
            R::SubmittedOnTime
        );
        assert_eq!(
            ReportStatus::of(Some(S::Submitted), Some(dl), dl, after),
            R::SubmittedLate
        );
        assert_eq!(ReportStatus::of(Some(S::Draft), None, dl, eve), R::Draft);
        assert_eq!(ReportStatus::of(Some(S::Draft), None, dl, dl), R::Overdue);
        assert_eq!(report_before_day(None), 15);
        assert_eq!(report_before_day(Some("10")), 10);
        assert_eq!(report_before_day(Some("31")), 15);
        assert_eq!(
            Quarter::new(2026, 2).unwrap().due(10),
            NaiveDate::from_ymd_opt(2026, 6, 10).unwrap()
        );
        assert_eq!(
            ReportStatus::of(Some(S::Submitted), Some(after), dl, after),
            R::SubmittedLate
        );
        assert_eq!(
            ReportStatus::of(Some(S::Returned), None, dl, before),
            R::Returned
        );
        assert!(R::Overdue.needs_reminder() && !R::SubmittedLate.needs_reminder());
    }
}
