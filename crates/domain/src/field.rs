//! Door-to-door guidance (issue 14): each person's digital milestones, the
//! visits of the community digital teams, and the rules by which records
//! made offline on their phones are merged when they arrive.
//!
//! A record carries an id made on the phone ([`valid_client_id`]); the same
//! id arriving twice is one record. A milestone reached stays reached, and
//! of two claims the earlier date wins, ties going to the smaller record
//! id ([`Reached::merge`]): the outcome never depends on which phone synced
//! first, nor on the phones' clocks (the server orders by what it received).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The most records one sync request may carry; the phone sends its queue
/// in batches of this size.
pub const MAX_BATCH: usize = 500;
/// The most characters of a visit's note.
pub const MAX_NOTE_CHARS: usize = 500;
/// The most people one visit may name (a household, with room to spare).
pub const MAX_PEOPLE: usize = 40;
/// How far before today a visit may be dated: a phone may wait a long
/// time offline, but not longer than the plan's year and the one before.
pub const MAX_AGE_DAYS: i64 = 730;

/// A client id: what a phone or page may send as a record's id. Letters,
/// digits and '-', 8–64 long (a UUID fits).
pub fn valid_client_id(id: &str) -> bool {
    (8..=64).contains(&id.len()) && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

/// A person's digital milestones, as the plan and the province count them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Milestone {
    #[serde(rename = "dien_thoai")]
    SmartphoneBasics,
    #[serde(rename = "vneid")]
    VneidInstalled,
    #[serde(rename = "vneid_muc_2")]
    VneidLevel2,
    #[serde(rename = "tai_khoan_dvc")]
    PortalAccount,
    #[serde(rename = "nop_truc_tuyen")]
    OnlineApplication,
    #[serde(rename = "thanh_toan")]
    CashlessPayment,
    #[serde(rename = "lua_dao")]
    ScamAwareness,
    #[serde(rename = "ai")]
    AiTool,
    #[serde(rename = "pho_cap")]
    SkillsConfirmed,
}

impl Milestone {
    pub const ALL: [Milestone; 9] = [
        Milestone::SmartphoneBasics,
        Milestone::VneidInstalled,
        Milestone::VneidLevel2,
        Milestone::PortalAccount,
        Milestone::OnlineApplication,
        Milestone::CashlessPayment,
        Milestone::ScamAwareness,
        Milestone::AiTool,
        Milestone::SkillsConfirmed,
    ];

    /// As stored and sent (the same as its serde name).
    pub fn code(self) -> &'static str {
        match self {
            Milestone::SmartphoneBasics => "dien_thoai",
            Milestone::VneidInstalled => "vneid",
            Milestone::VneidLevel2 => "vneid_muc_2",
            Milestone::PortalAccount => "tai_khoan_dvc",
            Milestone::OnlineApplication => "nop_truc_tuyen",
            Milestone::CashlessPayment => "thanh_toan",
            Milestone::ScamAwareness => "lua_dao",
            Milestone::AiTool => "ai",
            Milestone::SkillsConfirmed => "pho_cap",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.code() == code)
    }

    /// What a team member taps.
    pub fn label(self) -> &'static str {
        match self {
            Milestone::SmartphoneBasics => "Dùng được điện thoại thông minh cơ bản",
            Milestone::VneidInstalled => "Đã cài VNeID",
            Milestone::VneidLevel2 => "Đã kích hoạt định danh điện tử mức 2",
            Milestone::PortalAccount => "Có tài khoản Cổng Dịch vụ công quốc gia",
            Milestone::OnlineApplication => "Đã nộp hồ sơ trực tuyến",
            Milestone::CashlessPayment => "Đã thanh toán không dùng tiền mặt",
            Milestone::ScamAwareness => "Biết nhận diện lừa đảo trên mạng",
            Milestone::AiTool => "Đã dùng công cụ AI cho việc thật",
            Milestone::SkillsConfirmed => "Đã xác nhận phổ cập kỹ năng số trên VNeID",
        }
    }

    /// A few words, for a table's column.
    pub fn short(self) -> &'static str {
        match self {
            Milestone::SmartphoneBasics => "Điện thoại",
            Milestone::VneidInstalled => "VNeID",
            Milestone::VneidLevel2 => "Mức 2",
            Milestone::PortalAccount => "Tài khoản DVC",
            Milestone::OnlineApplication => "Nộp trực tuyến",
            Milestone::CashlessPayment => "Không tiền mặt",
            Milestone::ScamAwareness => "Lừa đảo",
            Milestone::AiTool => "AI",
            Milestone::SkillsConfirmed => "Phổ cập KNS",
        }
    }
}

/// How a milestone came to be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MilestoneSource {
    /// At a class (attendance).
    Class,
    /// At a home visit of the team.
    Visit,
    /// Said by the person themselves, on their own account.
    SelfReport,
}

impl MilestoneSource {
    pub fn code(self) -> &'static str {
        match self {
            MilestoneSource::Class => "lop",
            MilestoneSource::Visit => "tham",
            MilestoneSource::SelfReport => "tu",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Class, Self::Visit, Self::SelfReport]
            .into_iter()
            .find(|s| s.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            MilestoneSource::Class => "Tại lớp học",
            MilestoneSource::Visit => "Tổ công nghệ số đến nhà",
            MilestoneSource::SelfReport => "Người dân tự khai",
        }
    }
}

/// When a milestone was reached, and by which record (its client id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    pub on: NaiveDate,
    pub record: String,
}

impl Reached {
    /// Two claims of one person's milestone: the earlier date wins, and of
    /// two on the same day the smaller record id. Commutative and
    /// associative, so the order records arrive in changes nothing.
    /// (`storage/src/field.rs` writes the same rule as its upsert's WHERE;
    /// its tests compare the two.)
    pub fn merge(self, other: Reached) -> Reached {
        if (other.on, &other.record) < (self.on, &self.record) {
            other
        } else {
            self
        }
    }
}

/// One milestone reached by one person, ticked during a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MilestoneMark {
    pub resident_id: i64,
    pub milestone: Milestone,
}

/// The setting (key of the commune's settings) that turns on recording
/// where a visit took place. Off unless the office turns it on: a place is
/// sensitive personal data (Law 91/2025/QH15), recorded only where needed.
pub const LOCATION_SETTING: &str = "field_location";

/// Whether the setting's stored value means "on".
pub fn location_on(value: Option<&str>) -> bool {
    value == Some("on")
}

/// Where a visit was recorded, as the phone's location service gave it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Location {
    pub lat: f64,
    pub lon: f64,
}

impl Location {
    /// A real place on Earth, or what to fix.
    pub fn check(&self) -> Result<(), String> {
        let ok = self.lat.is_finite()
            && self.lon.is_finite()
            && (-90.0..=90.0).contains(&self.lat)
            && (-180.0..=180.0).contains(&self.lon);
        if ok {
            Ok(())
        } else {
            Err("Vị trí không hợp lệ: hãy tắt rồi bật lại định vị và ghi lại".into())
        }
    }

    /// As stored: four decimals (about 11 m), enough to find a house and
    /// no more precise than that.
    pub fn to_text(&self) -> String {
        format!("{:.4},{:.4}", self.lat, self.lon)
    }
}

/// A home visit as the phone sends it (`"kind": "tham"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitRecord {
    /// Made on the phone when the visit was recorded; kept across resends.
    pub id: String,
    pub household_id: i64,
    pub visited_on: NaiveDate,
    /// The people guided: members of the household.
    #[serde(default)]
    pub people: Vec<i64>,
    #[serde(default)]
    pub milestones: Vec<MilestoneMark>,
    #[serde(default)]
    pub note: String,
    /// Sent only where the commune turned location on
    /// ([`LOCATION_SETTING`]); dropped by the server otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl VisitRecord {
    /// What the server refuses before looking at the database, in words a
    /// team member can act on. `today` is Vietnam's date on the server.
    pub fn check(&self, today: NaiveDate) -> Result<(), String> {
        if !valid_client_id(&self.id) {
            return Err("Mã bản ghi không hợp lệ: hãy ghi lại lần thăm này".into());
        }
        if self.visited_on > today + chrono::Days::new(1) {
            return Err(format!(
                "Ngày thăm {} ở sau hôm nay: hãy kiểm tra ngày giờ trên điện thoại rồi ghi lại",
                self.visited_on.format("%d/%m/%Y")
            ));
        }
        if (today - self.visited_on).num_days() > MAX_AGE_DAYS {
            return Err(format!(
                "Ngày thăm {} đã quá xa (quá hai năm): hãy kiểm tra lại ngày",
                self.visited_on.format("%d/%m/%Y")
            ));
        }
        if self.note.chars().count() > MAX_NOTE_CHARS {
            return Err(format!(
                "Ghi chú dài quá {MAX_NOTE_CHARS} ký tự: hãy viết ngắn lại"
            ));
        }
        if let Some(l) = &self.location {
            l.check()?;
        }
        if self.people.len() > MAX_PEOPLE
            || self.milestones.len() > MAX_PEOPLE * Milestone::ALL.len()
        {
            return Err(format!(
                "Một lần thăm ghi được nhiều nhất {MAX_PEOPLE} người"
            ));
        }
        Ok(())
    }

    /// The people of this visit: those guided and those with a milestone,
    /// each once, in order.
    pub fn everyone(&self) -> Vec<i64> {
        let mut ids: Vec<i64> = self
            .people
            .iter()
            .copied()
            .chain(self.milestones.iter().map(|m| m.resident_id))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// The record in one canonical form: the same visit sent twice, with
    /// its lists in another order, reads the same; a different one does not.
    pub fn canonical(&self) -> String {
        let mut people = self.everyone();
        people.retain(|p| self.people.contains(p));
        let mut marks: Vec<(i64, &str)> = self
            .milestones
            .iter()
            .map(|m| (m.resident_id, m.milestone.code()))
            .collect();
        marks.sort_unstable();
        marks.dedup();
        let marks: Vec<String> = marks.iter().map(|(r, m)| format!("{r}:{m}")).collect();
        let people: Vec<String> = people.iter().map(i64::to_string).collect();
        format!(
            "{}|{}|{}|{}|{}",
            self.household_id,
            self.visited_on,
            people.join(","),
            marks.join(","),
            self.note.trim()
        )
    }
}

/// What became of one record sent by a phone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum SyncStatus {
    /// Written now.
    #[serde(rename = "da_luu")]
    Saved,
    /// The same record was written before: nothing changed.
    #[serde(rename = "da_co")]
    Duplicate,
    /// A record with this id but different content was written before: the
    /// first is kept and the difference is shown to the office.
    #[serde(rename = "khac_ban_truoc")]
    Conflict,
    /// Refused, with the reason; nothing written. The phone keeps it and
    /// shows the reason.
    #[serde(rename = "bi_tu_choi")]
    Rejected,
}

impl SyncStatus {
    /// Whether the phone may drop the record from its queue.
    pub fn settled(self) -> bool {
        self != SyncStatus::Rejected
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default()
    }

    fn visit() -> VisitRecord {
        VisitRecord {
            id: "a1b2c3d4-0001".into(),
            household_id: 7,
            visited_on: d(2026, 12, 6),
            people: vec![3, 2],
            milestones: vec![
                MilestoneMark {
                    resident_id: 3,
                    milestone: Milestone::VneidInstalled,
                },
                MilestoneMark {
                    resident_id: 2,
                    milestone: Milestone::AiTool,
                },
            ],
            note: "Bà cần hướng dẫn thêm".into(),
            location: None,
        }
    }

    #[test]
    fn milestone_codes_round_trip_and_match_serde() {
        for m in Milestone::ALL {
            assert_eq!(Milestone::from_code(m.code()), Some(m));
            let json = serde_json::to_string(&m).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", m.code()));
        }
        assert_eq!(Milestone::from_code("khong_co"), None);
    }

    #[test]
    fn the_earlier_claim_wins_whatever_the_order() {
        let a = Reached {
            on: d(2026, 5, 2),
            record: "bbbbbbbb".into(),
        };
        let b = Reached {
            on: d(2026, 4, 30),
            record: "cccccccc".into(),
        };
        let c = Reached {
            on: d(2026, 4, 30),
            record: "aaaaaaaa".into(),
        };
        let all = [a.clone(), b.clone(), c.clone()];
        let orders = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        for o in orders {
            let merged = all[o[1]]
                .clone()
                .merge(all[o[0]].clone())
                .merge(all[o[2]].clone());
            assert_eq!(merged, c, "{o:?}");
        }
        assert_eq!(a.clone().merge(a.clone()), a);
    }

    #[test]
    fn a_visit_is_checked_before_anything_is_written() {
        let today = d(2026, 12, 7);
        assert_eq!(visit().check(today), Ok(()));
        let mut v = visit();
        v.id = "x".into();
        assert!(v.check(today).unwrap_err().contains("Mã bản ghi"));
        let mut v = visit();
        v.visited_on = d(2026, 12, 20);
        assert!(v.check(today).unwrap_err().contains("sau hôm nay"));
        let mut v = visit();
        v.visited_on = d(2024, 1, 1);
        assert!(v.check(today).unwrap_err().contains("quá xa"));
        let mut v = visit();
        v.note = "ă".repeat(MAX_NOTE_CHARS + 1);
        assert!(v.check(today).unwrap_err().contains("Ghi chú"));
        let mut v = visit();
        v.people = (0..=MAX_PEOPLE as i64).collect();
        assert!(v.check(today).unwrap_err().contains("nhiều nhất"));
        let mut v = visit();
        v.location = Some(Location {
            lat: f64::NAN,
            lon: 105.8,
        });
        assert!(v.check(today).unwrap_err().contains("Vị trí"));
        v.location = Some(Location {
            lat: 91.0,
            lon: 105.8,
        });
        assert!(v.check(today).unwrap_err().contains("Vị trí"));
        v.location = Some(Location {
            lat: 21.593_456_7,
            lon: 105.848_123,
        });
        assert_eq!(v.check(today), Ok(()));
        assert_eq!(
            v.location.map(|l| l.to_text()).as_deref(),
            Some("21.5935,105.8481")
        );
        assert!(location_on(Some("on")) && !location_on(None) && !location_on(Some("off")));
        // A phone a day ahead (another time zone, a clock set wrong) is let in.
        let mut v = visit();
        v.visited_on = d(2026, 12, 8);
        assert_eq!(v.check(today), Ok(()));
    }

    #[test]
    fn the_same_visit_in_another_order_is_the_same_record() {
        let a = visit();
        let mut b = visit();
        b.people.reverse();
        b.milestones.reverse();
        b.note = format!(" {} ", b.note);
        assert_eq!(a.canonical(), b.canonical());
        let mut c = visit();
        c.note = "Khác".into();
        assert_ne!(a.canonical(), c.canonical());
        assert_eq!(a.everyone(), vec![2, 3]);
    }
}
