//! Outreach campaigns (task III.1 of the plan, issue 15): a message, the
//! channels the plan names, the hamlets, the dates and the responsible
//! unit; the loudspeaker script made from it and how long it takes to read;
//! the short link's code. Reach is only what can be counted honestly: the
//! short link's opens (a counter, nobody's data) and what hamlets report.

use chrono::NaiveDate;
use serde::Serialize;

/// The longest title and message.
pub const MAX_TITLE: usize = 150;
pub const MAX_MESSAGE: usize = 2000;
/// How long a campaign may run.
pub const MAX_DAYS: i64 = 366;
/// The reading speed behind the script's length: an estimate for a slow,
/// clear announcement on the commune's loudspeakers (syllables a minute).
pub const READ_SYLLABLES_PER_MINUTE: usize = 150;

/// The channels section III.1 names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum Channel {
    #[serde(rename = "truyen_thanh")]
    Loudspeaker,
    #[serde(rename = "hoi_nghi")]
    Conference,
    #[serde(rename = "hop_xom")]
    HamletMeeting,
    #[serde(rename = "chi_bo")]
    PartyCell,
    #[serde(rename = "zalo")]
    Zalo,
    #[serde(rename = "ap_phich")]
    Poster,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Loudspeaker,
        Channel::Conference,
        Channel::HamletMeeting,
        Channel::PartyCell,
        Channel::Zalo,
        Channel::Poster,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Channel::Loudspeaker => "truyen_thanh",
            Channel::Conference => "hoi_nghi",
            Channel::HamletMeeting => "hop_xom",
            Channel::PartyCell => "chi_bo",
            Channel::Zalo => "zalo",
            Channel::Poster => "ap_phich",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Channel::Loudspeaker => "Hệ thống truyền thanh cơ sở",
            Channel::Conference => "Hội nghị",
            Channel::HamletMeeting => "Họp xóm",
            Channel::PartyCell => "Sinh hoạt chi bộ",
            Channel::Zalo => "Nhóm Zalo",
            Channel::Poster => "Áp phích",
        }
    }
}

/// A campaign as the office writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCampaign {
    pub title: String,
    pub message: String,
    pub channels: Vec<Channel>,
    /// Empty: the whole commune.
    pub hamlets: Vec<i64>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub unit_id: Option<i64>,
}

impl NewCampaign {
    /// Trimmed, or what to fix.
    pub fn checked(mut self) -> Result<NewCampaign, String> {
        self.title = self.title.trim().to_string();
        self.message = self.message.trim().replace("\r\n", "\n");
        if self.title.is_empty() {
            return Err("Ghi tên chiến dịch, ví dụ «Tuần lễ cài VNeID mức 2»".into());
        }
        if self.title.chars().count() > MAX_TITLE {
            return Err(format!(
                "Tên chiến dịch dài quá {MAX_TITLE} ký tự: hãy viết gọn lại"
            ));
        }
        if self.message.is_empty() {
            return Err("Ghi nội dung cần truyền tới bà con".into());
        }
        if self.message.chars().count() > MAX_MESSAGE {
            return Err(format!(
                "Nội dung dài quá {MAX_MESSAGE} ký tự: hãy viết gọn lại"
            ));
        }
        if self.channels.is_empty() {
            return Err("Chọn ít nhất một hình thức tuyên truyền".into());
        }
        if self.ends_on < self.starts_on {
            return Err("Ngày kết thúc ở trước ngày bắt đầu: hãy kiểm tra lại".into());
        }
        if (self.ends_on - self.starts_on).num_days() > MAX_DAYS {
            return Err("Một chiến dịch dài nhiều nhất một năm: hãy chia thành nhiều đợt".into());
        }
        self.channels.sort_by_key(|c| c.code());
        self.channels.dedup();
        self.hamlets.sort_unstable();
        self.hamlets.dedup();
        Ok(self)
    }
}

/// A short link's code: 8 characters of an alphabet without look-alikes.
pub fn valid_link_code(code: &str) -> bool {
    code.len() == 8 && code.chars().all(|c| LINK_ALPHABET.contains(c))
}

/// Letters and digits that cannot be mistaken for one another when read
/// out or typed (no 0/o, 1/l/i).
pub const LINK_ALPHABET: &str = "abcdefghjkmnpqrstuvwxyz23456789";

/// The loudspeaker script: plain text to read out, with where to learn
/// more. `hamlets` are names (empty: the whole commune).
pub fn loudspeaker_script(
    commune: &str,
    title: &str,
    message: &str,
    hamlets: &[String],
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    link: &str,
) -> String {
    let whom = if hamlets.is_empty() {
        format!("bà con nhân dân toàn {commune}")
    } else {
        format!("bà con nhân dân {}", hamlets.join(", "))
    };
    format!(
        "THÔNG BÁO CỦA ỦY BAN NHÂN DÂN {upper}\n\nKính thưa {whom}.\n\n{title}.\n\n{message}\n\nThời gian: từ ngày {from} đến ngày {to}.\nMọi thắc mắc xin hỏi trưởng xóm hoặc Tổ công nghệ số cộng đồng của xóm, hoặc xem trên điện thoại tại địa chỉ {link}.\n\nXin trân trọng thông báo.",
        upper = commune.to_uppercase(),
        from = starts_on.format("%d/%m/%Y"),
        to = ends_on.format("%d/%m/%Y"),
    )
}

/// How long reading `text` aloud takes, in seconds, at
/// [`READ_SYLLABLES_PER_MINUTE`] (a Vietnamese word is a syllable).
pub fn read_aloud_seconds(text: &str) -> u64 {
    let syllables = text.split_whitespace().count();
    (syllables * 60).div_ceil(READ_SYLLABLES_PER_MINUTE) as u64
}

/// "1 phút 20 giây".
pub fn duration_text(seconds: u64) -> String {
    match (seconds / 60, seconds % 60) {
        (0, s) => format!("{s} giây"),
        (m, 0) => format!("{m} phút"),
        (m, s) => format!("{m} phút {s} giây"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    fn campaign() -> NewCampaign {
        NewCampaign {
            title: " Tuần lễ cài VNeID mức 2 ".into(),
            message: "Công an xã hướng dẫn tại nhà văn hóa các xóm.".into(),
            channels: vec![Channel::Zalo, Channel::Loudspeaker, Channel::Zalo],
            hamlets: vec![3, 1, 3],
            starts_on: d(9, 1),
            ends_on: d(9, 7),
            unit_id: None,
        }
    }

    #[test]
    fn a_campaign_is_checked_and_tidied() {
        let c = campaign().checked().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(c.title, "Tuần lễ cài VNeID mức 2");
        assert_eq!(c.channels, [Channel::Loudspeaker, Channel::Zalo]);
        assert_eq!(c.hamlets, [1, 3]);
        let mut bad = campaign();
        bad.ends_on = d(8, 1);
        assert!(bad.checked().unwrap_err().contains("trước ngày bắt đầu"));
        let mut bad = campaign();
        bad.channels.clear();
        assert!(bad.checked().unwrap_err().contains("hình thức"));
        let mut bad = campaign();
        bad.message = "a".repeat(MAX_MESSAGE + 1);
        assert!(bad.checked().unwrap_err().contains("dài quá"));
    }

    #[test]
    fn the_script_names_whom_and_when_and_its_length_is_estimated() {
        let s = loudspeaker_script(
            "xã Dân Tiến",
            "Tuần lễ cài VNeID",
            "Mang theo căn cước.",
            &["Xóm Na Long".into()],
            d(9, 1),
            d(9, 7),
            "http://xa.example/l/abcdefgh",
        );
        assert!(s.starts_with("THÔNG BÁO CỦA ỦY BAN NHÂN DÂN XÃ DÂN TIẾN"));
        assert!(
            s.contains("bà con nhân dân Xóm Na Long")
                && s.contains("từ ngày 01/09/2026 đến ngày 07/09/2026")
        );
        assert_eq!(read_aloud_seconds(&"một ".repeat(150)), 60);
        assert_eq!(read_aloud_seconds("một hai"), 1);
        assert_eq!(duration_text(80), "1 phút 20 giây");
        assert_eq!(duration_text(45), "45 giây");
        assert!(
            valid_link_code("abcd2345") && !valid_link_code("abcd2340") && !valid_link_code("abc")
        );
    }
}

/// The most people one hand report may say were reached (a commune's
/// population, with room to spare).
pub const REPORTED_PEOPLE_MAX: i64 = 100_000;
/// The longest note of a hand report.
pub const REPORT_NOTE_MAX: usize = 500;

/// A hamlet's hand report of a campaign's reach, checked: a whole number of
/// people above zero, a short note. The message says what to fix.
pub fn checked_reach(people: &str, note: &str) -> Result<(i64, String), String> {
    let n: i64 = people
        .trim()
        .replace('.', "")
        .parse()
        .map_err(|_| "Số người phải là một số nguyên, ví dụ 45.".to_string())?;
    if !(1..=REPORTED_PEOPLE_MAX).contains(&n) {
        return Err(format!("Số người phải từ 1 đến {REPORTED_PEOPLE_MAX}."));
    }
    let note = note.trim();
    if note.chars().count() > REPORT_NOTE_MAX {
        return Err(format!("Ghi chú dài quá {REPORT_NOTE_MAX} ký tự."));
    }
    Ok((n, note.to_string()))
}

#[cfg(test)]
mod reach_tests {
    use super::*;

    #[test]
    fn a_hand_report_is_a_whole_number_of_people() {
        assert_eq!(
            checked_reach(" 1.200 ", "Họp xóm"),
            Ok((1200, "Họp xóm".into()))
        );
        assert!(checked_reach("0", "").is_err());
        assert!(checked_reach("-5", "").is_err());
        assert!(checked_reach("nhiều", "").is_err());
        assert!(checked_reach("100001", "").is_err());
        assert!(checked_reach("5", &"x".repeat(501)).is_err());
    }
}
