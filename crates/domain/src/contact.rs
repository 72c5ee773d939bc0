//! Reaching units about their reports (issue 15): the email address a
//! reminder goes to, and when reminders start.

use chrono::NaiveDate;

/// Reminders go to the units whose report is not in this many days before
/// the deadline (the 15th of the quarter's last month by default: from the
/// 10th on).
pub const REMIND_DAYS_BEFORE: i64 = 5;

/// The first day reminders go out for a quarter whose reports are due
/// before `due` ([`crate::Quarter::due`]).
pub fn reminders_from(due: NaiveDate) -> NaiveDate {
    due - chrono::Duration::days(REMIND_DAYS_BEFORE)
}

/// Whether `today` is in the reminder window: from [`reminders_from`] up to
/// the deadline's day (after it the report is overdue and the board says so).
pub fn reminders_due(due: NaiveDate, today: NaiveDate) -> bool {
    (reminders_from(due)..=due).contains(&today)
}

/// The reminder to units still to report, one text for all of them: the
/// board shows it to paste into Zalo, and each unit with an address gets
/// it by email. `quarter` as in a sentence ("quý II năm 2026").
pub fn reminder_text(units: &[&str], quarter: &str, due: NaiveDate) -> String {
    format!(
        "Kính gửi: {}.\nĐề nghị các đơn vị gửi báo cáo kết quả thực hiện Phong trào «Bình dân học vụ số» {quarter} về UBND xã (qua Phòng Văn hóa – Xã hội) trước ngày {}.",
        units.join("; "),
        due.format("%d/%m/%Y")
    )
}

/// The subject of a reminder email.
pub fn reminder_subject(quarter: &str, due: NaiveDate) -> String {
    format!(
        "Nhắc báo cáo Phong trào «Bình dân học vụ số» {quarter} (hạn trước ngày {})",
        due.format("%d/%m/%Y")
    )
}

/// The longest address accepted (RFC 5321's limit on a path).
pub const EMAIL_MAX: usize = 254;

/// An email address as typed by the office: trimmed; empty means none. A
/// clear message, in Vietnamese, for one that cannot be an address.
pub fn email(input: &str) -> Result<Option<String>, String> {
    let e = input.trim();
    if e.is_empty() {
        return Ok(None);
    }
    let bad = || {
        Err(format!(
            "«{}» không phải địa chỉ email; ghi dạng tên@miền, ví dụ vhxh.dantien@thainguyen.gov.vn",
            e.chars().take(60).collect::<String>()
        ))
    };
    if e.len() > EMAIL_MAX {
        return Err(format!("Địa chỉ email dài quá {EMAIL_MAX} ký tự"));
    }
    let Some((local, domain)) = e.split_once('@') else {
        return bad();
    };
    let ok_local = !local.is_empty()
        && local.len() <= 64
        && local
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._%+-".contains(c));
    let ok_domain = domain.contains('.')
        && !domain.starts_with(['.', '-'])
        && !domain.ends_with(['.', '-'])
        && !domain.contains("..")
        && domain
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if !ok_local || !ok_domain {
        return bad();
    }
    Ok(Some(e.to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).unwrap_or_default()
    }

    #[test]
    fn reminders_run_from_five_days_before_the_deadline_to_it() {
        let due = d(6, 15);
        assert_eq!(reminders_from(due), d(6, 10));
        assert!(!reminders_due(due, d(6, 9)));
        assert!(reminders_due(due, d(6, 10)));
        assert!(reminders_due(due, d(6, 15)));
        assert!(!reminders_due(due, d(6, 16)));
    }

    #[test]
    fn addresses_are_checked_and_empty_means_none() {
        assert_eq!(email("  "), Ok(None));
        assert_eq!(
            email(" VHXH.DanTien@ThaiNguyen.gov.vn "),
            Ok(Some("vhxh.dantien@thainguyen.gov.vn".into()))
        );
        for bad in [
            "vhxh",
            "@thainguyen.gov.vn",
            "a@b",
            "a b@c.vn",
            "a@c..vn",
            "a@.c.vn",
            "x@y.vn\r\nBcc: z@w.vn",
            "tên@xã.vn",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(email(&format!("{}@a.vn", "a".repeat(300))).is_err());
    }
}
