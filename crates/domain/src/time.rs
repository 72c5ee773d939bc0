//! Dates and times as people in Vietnam read them. Vietnam keeps one time zone,
//! UTC+7, with no daylight saving; a server's own zone (often UTC) must never
//! decide which day a certificate, a report or a deadline falls on.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

/// Vietnam's offset from UTC, in seconds (UTC+7).
pub const VN_OFFSET_SECONDS: i32 = 7 * 3600;

/// The zone UTC+7.
pub fn vn_zone() -> FixedOffset {
    // 7 h is within ±24 h, so this is always Some; UTC is only the type's fallback.
    FixedOffset::east_opt(VN_OFFSET_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// The calendar date in Vietnam of a moment.
pub fn vn_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&vn_zone()).date_naive()
}

/// Today's date in Vietnam.
pub fn vn_today() -> NaiveDate {
    vn_date(Utc::now())
}

/// A moment as people read it: "06/12/2026 19:05".
pub fn vn_datetime_text(at: DateTime<Utc>) -> String {
    at.with_timezone(&vn_zone())
        .format("%d/%m/%Y %H:%M")
        .to_string()
}

/// A date as people read it: "06/12/2026".
pub fn vn_date_text(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn late_evening_utc_is_the_next_day_in_vietnam() {
        let at = Utc.with_ymd_and_hms(2026, 12, 31, 17, 30, 0).unwrap();
        assert_eq!(vn_date(at), NaiveDate::from_ymd_opt(2027, 1, 1).unwrap());
        assert_eq!(vn_datetime_text(at), "01/01/2027 00:30");
        let before = Utc.with_ymd_and_hms(2026, 12, 31, 16, 59, 0).unwrap();
        assert_eq!(
            vn_date(before),
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
    }

    #[test]
    fn date_text_is_day_month_year() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(vn_date_text(d), "05/03/2026");
    }
}
