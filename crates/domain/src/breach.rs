//! What the law says a commune must do when personal data it holds is
//! breached: the facts a breach page shows and the deadline it counts down.
//!
//! Every fact here is quoted from the primary texts, read on 2026-12-07:
//!
//! - Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15 (in force 01/01/2026):
//!   signed copy <https://datafiles.chinhphu.vn/cpp/files/vbpq/2025/7/91qh.signed.pdf>,
//!   official Gazette <https://congbaocdn.chinhphu.vn/CongBaoCP/CongBao/2025/7/45574/57723-1-971-972.pdf>,
//!   record <https://vanban.chinhphu.vn/?classid=1&docid=214590&pageid=27160&typegroupid=3>.
//! - Nghị định số 356/2025/NĐ-CP (31/12/2025, in force 01/01/2026; its
//!   Điều 42 khoản 2 ends Nghị định 13/2023/NĐ-CP):
//!   signed copy <https://datafiles.chinhphu.vn/cpp/files/vbpq/2026/01/356-nd.signed.pdf>,
//!   official Gazette <https://congbaocdn.chinhphu.vn/180507251028987904/2026/1/17/356signed-1768638052103952849513.pdf>,
//!   record <https://vanban.chinhphu.vn/?classid=1&docid=216387&pageid=27160>.
//!
//! The texts were read through a public transcription checked character by
//! character against those Gazette files (repository
//! `EtonMu/global-ai-data-regulation-map`, `data/v2/`), not by opening the
//! PDFs themselves. What the texts do not say is left out, not guessed:
//! see [`AUTHORITY_CONTACT`] and [`SUBJECT_NOTICE`]. `docs/personal-data.md`
//! lists the sources and what is still unverified.
//!
//! Times: the deadline is a number of hours, so it is the same instant
//! whatever the zone; it is shown to people in Vietnam's time
//! ([`crate::time`]), never the server's.

use chrono::{DateTime, Duration, NaiveDateTime, Utc};

/// The law, as cited on the page.
pub const LAW: &str = "Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15";

/// The decree that details it, as cited on the page.
pub const DECREE: &str = "Nghị định số 356/2025/NĐ-CP ngày 31/12/2025 của Chính phủ";

/// How long the controller has to notify the authority: "chậm nhất là 72
/// giờ kể từ khi phát hiện hành vi vi phạm".
///
/// Luật 91/2025/QH15, Điều 23 khoản 1. The clock starts when the breach is
/// discovered (phát hiện), not when it happened. It binds "bên kiểm soát dữ
/// liệu cá nhân, bên kiểm soát và xử lý dữ liệu cá nhân, bên thứ ba" (the
/// commune is "bên kiểm soát và xử lý": it decides the purposes and
/// processes the data itself, Điều 2 khoản 9), for a breach that may cause
/// one of the harms in [`NOTIFY_WHEN`]. A processor (bên xử lý) that finds
/// one tells the controller "kịp thời" instead (same khoản; no number of
/// hours is given).
pub const NOTIFY_WITHIN_HOURS: i64 = 72;

/// Who is notified: the addressee of Mẫu số 08.
///
/// Luật 91/2025/QH15, Điều 23 khoản 1 ("cơ quan chuyên trách bảo vệ dữ liệu
/// cá nhân") and Điều 33 khoản 1 điểm a ("thuộc Bộ Công an"); Nghị định
/// 356/2025/NĐ-CP, Điều 39 khoản 1 ("đơn vị trực thuộc Bộ Công an") and Mẫu
/// số 08 ("Kính gửi: Cơ quan chuyên trách bảo vệ dữ liệu cá nhân, Bộ Công
/// an."). Neither text names the unit: Nghị định 13/2023/NĐ-CP (no longer in
/// force) named the Cục An ninh mạng và phòng, chống tội phạm sử dụng công
/// nghệ cao (A05), and Mẫu số 07 of Nghị định 356 charges that Cục with
/// carrying out a revocation, but that it is the designated unit under the
/// new texts is chưa xác minh, so the page names the authority as the texts
/// do.
pub const AUTHORITY: &str = "Cơ quan chuyên trách bảo vệ dữ liệu cá nhân, Bộ Công an";

/// The authority's address, telephone or e-mail: not given by the law or
/// the decree, and not found in a primary source (chưa xác minh). The page
/// must say so rather than print an address from a secondary site.
pub const AUTHORITY_CONTACT: Option<&str> = None;

/// How the notification is sent: "đến cơ quan chuyên trách bảo vệ dữ liệu cá
/// nhân hoặc qua Cổng thông tin quốc gia về bảo vệ dữ liệu cá nhân".
///
/// Nghị định 356/2025/NĐ-CP, Điều 28 khoản 2. The portal's address is not in
/// the texts (chưa xác minh).
pub const CHANNELS: &[&str] = &[
    "Gửi đến Cơ quan chuyên trách bảo vệ dữ liệu cá nhân, Bộ Công an",
    "Gửi qua Cổng thông tin quốc gia về bảo vệ dữ liệu cá nhân",
];

/// The form the notification follows.
///
/// Nghị định 356/2025/NĐ-CP, Điều 28 khoản 2 and Phụ lục.
pub const FORM: &str =
    "Mẫu số 08 – Thông báo vi phạm quy định bảo vệ dữ liệu cá nhân (Phụ lục Nghị định số 356/2025/NĐ-CP)";

/// When a breach must be notified within [`NOTIFY_WITHIN_HOURS`]: when it
/// "có thể gây tổn hại đến" or "xâm phạm đến" one of these.
///
/// Luật 91/2025/QH15, Điều 23 khoản 1, word for word, split into its items.
pub const NOTIFY_WHEN: &[&str] = &[
    "Có thể gây tổn hại đến quốc phòng, an ninh quốc gia, trật tự, an toàn xã hội",
    "Xâm phạm đến tính mạng, sức khỏe, danh dự, nhân phẩm, tài sản của chủ thể dữ liệu cá nhân",
];

/// The cases in which any body, organisation or person notifies the
/// authority (with no number of hours).
///
/// Luật 91/2025/QH15, Điều 23 khoản 3, điểm a–d.
pub const ALSO_NOTIFIED: &[&str] = &[
    "Phát hiện hành vi vi phạm quy định về bảo vệ dữ liệu cá nhân",
    "Dữ liệu cá nhân bị xử lý sai mục đích, không đúng thỏa thuận giữa chủ thể dữ liệu cá nhân với bên kiểm soát dữ liệu cá nhân, bên kiểm soát và xử lý dữ liệu cá nhân",
    "Không bảo đảm quyền hoặc thực hiện không đúng quyền của chủ thể dữ liệu cá nhân",
    "Trường hợp khác theo quy định của pháp luật",
];

/// What a notification must contain: "Nội dung thông báo vi phạm quy định
/// về bảo vệ dữ liệu cá nhân, gồm".
///
/// Nghị định 356/2025/NĐ-CP, Điều 28 khoản 1, điểm a–d, word for word (the
/// decree that Luật 91/2025/QH15, Điều 23 khoản 5 asks for).
pub const NOTIFICATION_CONTENTS: &[&str] = &[
    "Mô tả tính chất của việc vi phạm quy định bảo vệ dữ liệu cá nhân, bao gồm: thời gian, địa điểm, hành vi, tổ chức, cá nhân, các loại dữ liệu cá nhân và số lượng dữ liệu liên quan",
    "Chi tiết liên lạc của bộ phận, nhân sự bảo vệ dữ liệu cá nhân hoặc tổ chức, cá nhân cung cấp dịch vụ bảo vệ dữ liệu cá nhân",
    "Mô tả các hậu quả, thiệt hại có thể xảy ra của việc vi phạm quy định bảo vệ dữ liệu cá nhân",
    "Mô tả biện pháp được đưa ra để giải quyết, giảm thiểu tác hại của hành vi vi phạm quy định bảo vệ dữ liệu cá nhân",
];

/// The fields of Mẫu số 08, in its order, for a page that prepares one.
///
/// Nghị định 356/2025/NĐ-CP, Phụ lục, Mẫu số 08 (section 1 "Thông tin về tổ
/// chức, doanh nghiệp", section 2 "Mô tả hành vi vi phạm quy định bảo vệ dữ
/// liệu cá nhân", section 3 "Tài liệu kèm theo", section 4 "Cam kết"; signed
/// "TM. TỔ CHỨC, DOANH NGHIỆP (Ký, ghi rõ họ tên, đóng dấu)").
pub const FORM_08_FIELDS: &[&str] = &[
    "Tên tổ chức, doanh nghiệp",
    "Địa chỉ trụ sở chính",
    "Địa chỉ trụ sở giao dịch",
    "Quyết định thành lập/Giấy chứng nhận đăng ký doanh nghiệp/Giấy chứng nhận đăng ký kinh doanh/Giấy chứng nhận đầu tư số, cơ quan cấp, ngày cấp, nơi cấp",
    "Mã số thuế",
    "Điện thoại, Website",
    "Nhân sự chịu trách nhiệm bảo vệ dữ liệu cá nhân: họ và tên, chức danh, số điện thoại liên lạc, email",
    "Thời gian",
    "Địa điểm",
    "Hành vi",
    "Tổ chức, cá nhân liên quan",
    "Các loại dữ liệu cá nhân và số lượng dữ liệu liên quan",
    "Hậu quả xảy ra",
    "Biện pháp áp dụng",
    "Tài liệu kèm theo",
    "Cam kết chịu trách nhiệm về tính chính xác và tính hợp pháp của thông báo",
];

/// What else the controller must do besides notifying.
///
/// Luật 91/2025/QH15, Điều 23 khoản 2 (the record and the cooperation) and
/// khoản 4 (stopping it and repairing the consequences).
pub const ALSO_REQUIRED: &[&str] = &[
    "Lập biên bản xác nhận về việc xảy ra hành vi vi phạm quy định về bảo vệ dữ liệu cá nhân",
    "Phối hợp với cơ quan chuyên trách bảo vệ dữ liệu cá nhân xử lý hành vi vi phạm",
    "Ngăn chặn hành vi vi phạm, khắc phục hậu quả xảy ra",
];

/// Telling the people whose data leaked.
///
/// Neither the law nor the decree sets a general duty or deadline to tell
/// the data subjects. The decree sets one only for location and biometric
/// data (Nghị định 356/2025/NĐ-CP, Điều 29 khoản 1 điểm a: "trong thời hạn
/// không quá 72 giờ kể từ thời điểm phát hiện vi phạm") and for sensitive
/// data in finance and banking (Điều 8 khoản 3; the law's Điều 27 khoản 1
/// điểm d for bank, finance and credit information). hocvuso holds none of
/// these, so no deadline for the subjects is computed; whether another law
/// obliges the commune to tell them is chưa xác minh.
pub const SUBJECT_NOTICE: &str = "Luật và Nghị định không quy định thời hạn chung để thông báo cho người có dữ liệu bị lộ; thời hạn 72 giờ chỉ áp dụng với dữ liệu vị trí, sinh trắc học (Điều 29 Nghị định 356/2025/NĐ-CP) và dữ liệu tài chính, ngân hàng (Điều 8 khoản 3), là những loại hocvuso không lưu.";

/// The latest moment to notify the authority of a breach discovered at
/// `discovered`: [`NOTIFY_WITHIN_HOURS`] later (Luật 91/2025/QH15, Điều 23
/// khoản 1, "chậm nhất là 72 giờ kể từ khi phát hiện").
///
/// The text counts hours, not days or working days, so weekends, holidays
/// and midnight change nothing.
pub fn notify_by(discovered: DateTime<Utc>) -> DateTime<Utc> {
    discovered + Duration::hours(NOTIFY_WITHIN_HOURS)
}

/// [`notify_by`] as people in Vietnam read it: "10/12/2026 23:30".
pub fn notify_by_text(discovered: DateTime<Utc>) -> String {
    crate::time::vn_datetime_text(notify_by(discovered))
}

/// Time left before [`notify_by`] at `now`; zero once it has passed.
pub fn time_left(discovered: DateTime<Utc>, now: DateTime<Utc>) -> Duration {
    (notify_by(discovered) - now).max(Duration::zero())
}

/// Whether the deadline has passed at `now` (notifying at the very last
/// moment is still within "chậm nhất là 72 giờ").
pub fn is_overdue(discovered: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now > notify_by(discovered)
}

/// What the office knows of one breach: the items of Mẫu số 08, section 2
/// ("Mô tả hành vi vi phạm quy định bảo vệ dữ liệu cá nhân") and of
/// [`NOTIFICATION_CONTENTS`], as written by the office; free text, because
/// the form asks for descriptions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreachReport {
    /// When the breach was discovered: the start of [`NOTIFY_WITHIN_HOURS`].
    pub discovered_at: DateTime<Utc>,
    /// When and where it happened, if known ("Thời gian", "Địa điểm").
    pub happened: String,
    /// What was done, and by which organisations or people ("Hành vi", "Tổ
    /// chức, cá nhân liên quan").
    pub description: String,
    /// The kinds of personal data involved ("Các loại dữ liệu cá nhân").
    pub data_kinds: String,
    /// How many people's data, when known ("số lượng dữ liệu liên quan").
    pub people: Option<i64>,
    /// Possible consequences and harm ("Hậu quả xảy ra"; Điều 28 khoản 1
    /// điểm c).
    pub consequences: String,
    /// What was done to deal with it ("Biện pháp áp dụng"; Điều 28 khoản 1
    /// điểm d).
    pub measures: String,
}

/// Longest description, consequences or measures accepted (characters).
pub const MAX_TEXT_CHARS: usize = 4000;

/// Longest "when and where" and "kinds of data" accepted (characters).
pub const MAX_SHORT_CHARS: usize = 500;

/// Largest number of people accepted in [`BreachReport::people`]: more than
/// Vietnam's population is a typing error.
pub const MAX_PEOPLE: i64 = 100_000_000;

impl BreachReport {
    /// Why this report cannot be recorded at `now`, in Vietnamese; `None`
    /// when it can. A discovery in the future (beyond the phone-clock skew
    /// of [`crate::time::CLOCK_SKEW_MINUTES`]) would move the deadline, so
    /// it is refused.
    pub fn problem(&self, now: DateTime<Utc>) -> Option<String> {
        if self.discovered_at > now + Duration::minutes(crate::time::CLOCK_SKEW_MINUTES) {
            return Some("Thời điểm phát hiện không thể ở tương lai".into());
        }
        if self.description.trim().is_empty() {
            return Some("Mô tả sự cố: chuyện gì đã xảy ra, ai liên quan".into());
        }
        if self.people.is_some_and(|n| !(0..=MAX_PEOPLE).contains(&n)) {
            return Some("Số người bị ảnh hưởng không hợp lệ".into());
        }
        let long = [
            ("Mô tả", &self.description, MAX_TEXT_CHARS),
            ("Hậu quả", &self.consequences, MAX_TEXT_CHARS),
            ("Biện pháp", &self.measures, MAX_TEXT_CHARS),
            (
                "Thời gian, địa điểm xảy ra",
                &self.happened,
                MAX_SHORT_CHARS,
            ),
            ("Các loại dữ liệu", &self.data_kinds, MAX_SHORT_CHARS),
        ];
        long.into_iter()
            .find(|(_, text, max)| text.chars().count() > *max)
            .map(|(name, _, max)| format!("{name}: tối đa {max} ký tự"))
    }
}

/// The moment of discovery as the office types it, read as Vietnam's time:
/// what a `datetime-local` field sends ("2026-12-07T23:30", seconds
/// allowed), the same with a space, or as people write it ("07/12/2026
/// 23:30"). `None` for anything else.
pub fn parse_discovered(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    const FORMATS: [&str; 5] = [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%d/%m/%Y %H:%M",
    ];
    let local = FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(text, f).ok())?;
    // UTC+7 has no gaps or repeats, so every local time is one instant.
    local
        .and_local_timezone(crate::time::vn_zone())
        .single()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{vn_date, vn_datetime_text, vn_zone};
    use chrono::{NaiveDate, TimeZone};

    /// A moment given in Vietnam's time.
    fn vn(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        vn_zone()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_deadline_is_seventy_two_hours_after_discovery() {
        let found = Utc.with_ymd_and_hms(2026, 12, 7, 2, 15, 0).unwrap();
        assert_eq!(
            notify_by(found),
            Utc.with_ymd_and_hms(2026, 12, 10, 2, 15, 0).unwrap()
        );
        assert_eq!(notify_by(found) - found, Duration::hours(72));
        assert_eq!(notify_by_text(found), "10/12/2026 09:15");
    }

    #[test]
    fn late_evening_in_vietnam_is_already_the_next_day_in_utc_terms() {
        // 23:30 on 07/12 in Vietnam is 16:30 UTC the same day: three days
        // later at 23:30 Vietnam time, not at 16:30 or on another date.
        let found = vn(2026, 12, 7, 23, 30);
        assert_eq!(found, Utc.with_ymd_and_hms(2026, 12, 7, 16, 30, 0).unwrap());
        assert_eq!(notify_by_text(found), "10/12/2026 23:30");
        assert_eq!(
            vn_date(notify_by(found)),
            NaiveDate::from_ymd_opt(2026, 12, 10).unwrap()
        );
    }

    #[test]
    fn just_after_midnight_in_vietnam_is_still_the_previous_day_in_utc() {
        // 00:30 on 01/01/2027 in Vietnam is 17:30 UTC on 31/12/2026; a
        // server on UTC would print the wrong year for the discovery.
        let found = Utc.with_ymd_and_hms(2026, 12, 31, 17, 30, 0).unwrap();
        assert_eq!(vn_datetime_text(found), "01/01/2027 00:30");
        assert_eq!(notify_by_text(found), "04/01/2027 00:30");
        // One minute before Vietnam's midnight: the deadline stays on the 3rd.
        let before = vn(2026, 12, 31, 23, 59);
        assert_eq!(notify_by_text(before), "03/01/2027 23:59");
    }

    #[test]
    fn hours_count_through_month_ends_and_leap_days() {
        assert_eq!(notify_by_text(vn(2028, 2, 28, 20, 0)), "02/03/2028 20:00");
        assert_eq!(notify_by_text(vn(2027, 2, 28, 20, 0)), "03/03/2027 20:00");
        assert_eq!(notify_by_text(vn(2026, 4, 30, 8, 0)), "03/05/2026 08:00");
    }

    #[test]
    fn time_left_counts_down_to_zero_and_the_last_moment_is_in_time() {
        let found = vn(2026, 12, 7, 23, 30);
        assert_eq!(time_left(found, found), Duration::hours(72));
        let a_day_later = found + Duration::hours(24);
        assert_eq!(time_left(found, a_day_later), Duration::hours(48));
        let deadline = notify_by(found);
        assert_eq!(time_left(found, deadline), Duration::zero());
        assert!(!is_overdue(found, deadline));
        assert!(is_overdue(found, deadline + Duration::seconds(1)));
        assert_eq!(
            time_left(found, deadline + Duration::days(3)),
            Duration::zero()
        );
    }

    #[test]
    fn the_form_field_is_read_as_vietnam_time() {
        let want = vn(2026, 12, 7, 23, 30);
        for text in [
            "2026-12-07T23:30",
            " 2026-12-07T23:30:00 ",
            "2026-12-07 23:30",
            "07/12/2026 23:30",
        ] {
            assert_eq!(parse_discovered(text), Some(want), "{text:?}");
        }
        assert_eq!(
            parse_discovered("2026-12-07T23:30"),
            Some(Utc.with_ymd_and_hms(2026, 12, 7, 16, 30, 0).unwrap())
        );
        for bad in [
            "",
            "hôm qua",
            "2026-12-07",
            "2026-02-30T08:00",
            "31/12/2026",
        ] {
            assert_eq!(parse_discovered(bad), None, "{bad:?}");
        }
    }

    fn report(discovered_at: DateTime<Utc>) -> BreachReport {
        BreachReport {
            discovered_at,
            happened: String::new(),
            description: "Mất máy tính xách tay có bản sao sổ dân cư".into(),
            data_kinds: "Họ tên, ngày sinh, số CCCD".into(),
            people: Some(1250),
            consequences: String::new(),
            measures: String::new(),
        }
    }

    #[test]
    fn a_report_needs_a_description_and_a_discovery_not_in_the_future() {
        let now = vn(2026, 12, 7, 10, 0);
        assert_eq!(report(now - Duration::hours(5)).problem(now), None);
        // A phone a little ahead is accepted; an hour ahead is not.
        assert_eq!(report(now + Duration::minutes(2)).problem(now), None);
        assert!(report(now + Duration::hours(1)).problem(now).is_some());
        let mut r = report(now);
        r.description = "  ".into();
        assert!(r.problem(now).unwrap().starts_with("Mô tả"));
        let mut r = report(now);
        r.people = Some(-1);
        assert!(r.problem(now).is_some());
        r.people = None;
        assert_eq!(r.problem(now), None);
        let mut r = report(now);
        r.data_kinds = "x".repeat(MAX_SHORT_CHARS + 1);
        assert!(r.problem(now).unwrap().contains("500"));
        r.data_kinds = "ữ".repeat(MAX_SHORT_CHARS);
        assert_eq!(r.problem(now), None);
    }

    #[test]
    fn the_lists_are_the_texts_items_in_vietnamese() {
        // Điều 28 khoản 1 has four items (a–d); Điều 23 khoản 3 four; the
        // harms of Điều 23 khoản 1 two; Điều 28 khoản 2 two channels.
        assert_eq!(NOTIFICATION_CONTENTS.len(), 4);
        assert_eq!(ALSO_NOTIFIED.len(), 4);
        assert_eq!(NOTIFY_WHEN.len(), 2);
        assert_eq!(CHANNELS.len(), 2);
        for list in [
            NOTIFICATION_CONTENTS,
            ALSO_NOTIFIED,
            NOTIFY_WHEN,
            CHANNELS,
            FORM_08_FIELDS,
            ALSO_REQUIRED,
        ] {
            for item in list {
                assert!(!item.trim().is_empty());
                assert_eq!(item.trim(), *item, "no stray spaces: {item:?}");
                assert!(!item.ends_with(['.', ';']), "{item:?}");
                // Written with diacritics, not folded ASCII.
                assert!(!item.is_ascii(), "{item:?}");
            }
        }
        assert!(NOTIFICATION_CONTENTS[0].contains("số lượng dữ liệu liên quan"));
        assert!(AUTHORITY.contains("Bộ Công an"));
        assert!(FORM.starts_with("Mẫu số 08"));
        assert_eq!(AUTHORITY_CONTACT, None);
    }
}

#[cfg(test)]
mod report_tests {
    use super::*;

    fn report(discovered_at: DateTime<Utc>) -> BreachReport {
        BreachReport {
            discovered_at,
            happened: String::new(),
            description: "Máy tính của xã bị mất cắp".into(),
            data_kinds: "Họ tên, số CCCD".into(),
            people: Some(120),
            consequences: String::new(),
            measures: String::new(),
        }
    }

    #[test]
    fn the_form_time_is_vietnam_time() {
        let t = parse_discovered("2026-12-07T08:30").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-12-07T01:30:00+00:00");
        assert_eq!(parse_discovered("07/12/2026 08:30"), Some(t));
        assert_eq!(parse_discovered("hôm qua"), None);
        assert_eq!(parse_discovered(""), None);
    }

    #[test]
    fn a_report_needs_a_description_and_a_time_not_in_the_future() {
        let now = parse_discovered("2026-12-07T10:00").unwrap();
        assert_eq!(report(now).problem(now), None);
        let mut r = report(now);
        r.description = "  ".into();
        assert!(r.problem(now).is_some());
        assert!(report(now + Duration::hours(1)).problem(now).is_some());
        let mut r = report(now);
        r.people = Some(-1);
        assert!(r.problem(now).is_some());
        let mut r = report(now);
        r.measures = "x".repeat(MAX_TEXT_CHARS + 1);
        assert!(r.problem(now).unwrap().contains("Biện pháp"));
    }
}
