//! Classes (issue 14): training sessions in the hamlets and who attended.
//! The plan (section III.2) asks for classes for each target group, peaking
//! in Q2 and Q3, and (III.6) "Bình dân học AI" sessions in every hamlet in
//! Q3. A session names the plan task it serves; its attendance comes from
//! the hamlet's list, a learner card's QR code, a walk-in found in the
//! registry, or a paper sheet entered later.

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::field::{valid_client_id, Milestone};
use crate::groups::TargetGroup;

/// The most characters of a session's topic, place and trainers.
pub const MAX_TEXT_CHARS: usize = 200;

/// The plan's tasks a class may serve (section III of the plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PlanTask {
    /// III.2: Phổ cập kỹ năng số cho từng nhóm đối tượng.
    SkillsForEveryGroup,
    /// III.6: Tập huấn «Bình dân học AI» tại các xóm.
    AiInEveryHamlet,
}

impl PlanTask {
    pub const ALL: [PlanTask; 2] = [PlanTask::SkillsForEveryGroup, PlanTask::AiInEveryHamlet];

    pub fn code(self) -> &'static str {
        match self {
            PlanTask::SkillsForEveryGroup => "III.2",
            PlanTask::AiInEveryHamlet => "III.6",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.code() == code.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanTask::SkillsForEveryGroup => "III.2. Phổ cập kỹ năng số cho từng nhóm đối tượng",
            PlanTask::AiInEveryHamlet => "III.6. Tập huấn Phong trào «Bình dân học AI» tại các xóm",
        }
    }
}

/// How a person's presence was taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AttendanceWay {
    /// Ticked on the hamlet's list.
    #[serde(rename = "danh_sach")]
    Ticked,
    /// The QR code of their learner card scanned.
    #[serde(rename = "the")]
    Card,
    /// Not on the hamlet's list: found in the registry.
    #[serde(rename = "vang_lai")]
    WalkIn,
    /// Ticked on the printed sheet, entered afterwards.
    #[serde(rename = "phieu")]
    Sheet,
}

impl AttendanceWay {
    pub const ALL: [AttendanceWay; 4] = [
        AttendanceWay::Ticked,
        AttendanceWay::Card,
        AttendanceWay::WalkIn,
        AttendanceWay::Sheet,
    ];

    pub fn code(self) -> &'static str {
        match self {
            AttendanceWay::Ticked => "danh_sach",
            AttendanceWay::Card => "the",
            AttendanceWay::WalkIn => "vang_lai",
            AttendanceWay::Sheet => "phieu",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|w| w.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            AttendanceWay::Ticked => "Đánh dấu trên danh sách",
            AttendanceWay::Card => "Quét mã trên thẻ học viên",
            AttendanceWay::WalkIn => "Người đến thêm (tìm trong sổ)",
            AttendanceWay::Sheet => "Nhập từ phiếu điểm danh giấy",
        }
    }

    /// Whether someone living outside the class's hamlet may be ticked
    /// this way: only as a walk-in, found by name in the commune's
    /// registry. Every other way ticks the hamlet's own people.
    pub fn reaches_other_hamlets(self) -> bool {
        self == AttendanceWay::WalkIn
    }
}

/// A training session to add, as the office or a team types it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSession {
    pub topic: String,
    /// A course of the learning section, when the class teaches one.
    pub course_id: Option<String>,
    /// The group it is for; `None`: everyone.
    pub group: Option<TargetGroup>,
    pub hamlet_id: Option<i64>,
    pub place: String,
    /// Vietnam's local date and time.
    pub starts_at: NaiveDateTime,
    pub trainers: String,
    pub unit_id: Option<i64>,
    pub task: PlanTask,
}

impl NewSession {
    /// Tidied and checked: the message says what to fix.
    pub fn checked(mut self) -> Result<NewSession, String> {
        self.topic = vntext::normalize(self.topic.trim());
        self.place = vntext::normalize(self.place.trim());
        self.trainers = vntext::normalize(self.trainers.trim());
        if self.topic.is_empty() {
            return Err("Cần ghi chủ đề của buổi học".into());
        }
        if self.place.is_empty() {
            return Err("Cần ghi địa điểm (ví dụ: Nhà văn hóa xóm)".into());
        }
        for (what, text) in [
            ("Chủ đề", &self.topic),
            ("Địa điểm", &self.place),
            ("Người hướng dẫn", &self.trainers),
        ] {
            if text.chars().count() > MAX_TEXT_CHARS {
                return Err(format!("{what} dài quá {MAX_TEXT_CHARS} ký tự"));
            }
        }
        Ok(self)
    }
}

/// One person's presence at a class, as the phone sends it
/// (`"kind": "diem_danh"`), with the milestones reached there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttendanceRecord {
    pub id: String,
    pub session_id: i64,
    pub resident_id: i64,
    pub how: AttendanceWay,
    #[serde(default)]
    pub milestones: Vec<Milestone>,
}

impl AttendanceRecord {
    pub fn check(&self) -> Result<(), String> {
        if !valid_client_id(&self.id) {
            return Err("Mã bản ghi không hợp lệ: hãy điểm danh lại người này".into());
        }
        if self.milestones.len() > Milestone::ALL.len() {
            return Err("Quá nhiều mốc cho một người".into());
        }
        Ok(())
    }

    /// The same tick sent twice reads the same; another does not.
    pub fn canonical(&self) -> String {
        let mut m: Vec<&str> = self.milestones.iter().map(|m| m.code()).collect();
        m.sort_unstable();
        m.dedup();
        format!(
            "{}|{}|{}|{}",
            self.session_id,
            self.resident_id,
            self.how.code(),
            m.join(",")
        )
    }
}

/// The week (Monday to Sunday) a date falls in, for the list per week.
pub fn week_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let monday = day - chrono::Days::new(u64::from(day.weekday().num_days_from_monday()));
    (monday, monday + chrono::Days::new(6))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn session() -> NewSession {
        NewSession {
            topic: "  Cài đặt và dùng VNeID ".into(),
            course_id: None,
            group: Some(TargetGroup::Elderly),
            hamlet_id: Some(1),
            place: "Nhà văn hóa xóm Na Long".into(),
            starts_at: NaiveDate::from_ymd_opt(2026, 7, 14)
                .unwrap()
                .and_hms_opt(8, 0, 0)
                .unwrap(),
            trainers: "Tổ công nghệ số cộng đồng".into(),
            unit_id: None,
            task: PlanTask::SkillsForEveryGroup,
        }
    }

    #[test]
    fn a_session_is_tidied_and_checked() {
        let s = session().checked().unwrap();
        assert_eq!(s.topic, "Cài đặt và dùng VNeID");
        let mut bad = session();
        bad.place = " ".into();
        assert!(bad.checked().unwrap_err().contains("địa điểm"));
        let mut bad = session();
        bad.topic = "a".repeat(MAX_TEXT_CHARS + 1);
        assert!(bad.checked().unwrap_err().contains("Chủ đề"));
        assert_eq!(
            PlanTask::from_code(" III.6"),
            Some(PlanTask::AiInEveryHamlet)
        );
    }

    #[test]
    fn weeks_start_on_monday() {
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).unwrap(); // a Sunday
        let (mon, sun) = week_of(d);
        assert_eq!(mon, NaiveDate::from_ymd_opt(2026, 11, 30).unwrap());
        assert_eq!(sun, d);
    }

    #[test]
    fn the_same_tick_twice_reads_the_same() {
        let a = AttendanceRecord {
            id: "abcdefgh-0001".into(),
            session_id: 4,
            resident_id: 9,
            how: AttendanceWay::Ticked,
            milestones: vec![Milestone::AiTool, Milestone::VneidInstalled],
        };
        let mut b = a.clone();
        b.milestones.reverse();
        assert_eq!(a.canonical(), b.canonical());
        b.how = AttendanceWay::Card;
        assert_ne!(a.canonical(), b.canonical());
        assert!(a.check().is_ok());
    }
}
