//! Dates and times as people in Vietnam read them. Vietnam keeps one time zone,
//! UTC+7, with no daylight saving; a server's own zone (often UTC) must never
//! decide which day a certificate, a report or a deadline falls on.
//!
//! Also when a quiz counts as answered ([`accepted_answer_time`]): the one
//! rule for believing a phone's clock.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, Utc};

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

/// The moment a day begins in Vietnam (its midnight, UTC+7).
pub fn vn_midnight(d: NaiveDate) -> DateTime<Utc> {
    d.and_hms_opt(0, 0, 0)
        .map(|t| t.and_utc() - Duration::seconds(i64::from(VN_OFFSET_SECONDS)))
        .unwrap_or_default()
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

/// How long answers given offline may wait on a phone and still keep the
/// time they were given: a team member at a class or a home visit without
/// signal sends them when back in range, within the week.
pub const OFFLINE_GRACE_DAYS: i64 = 7;

/// How far a phone's clock may run ahead of the server's.
pub const CLOCK_SKEW_MINUTES: i64 = 5;

/// When a quiz counts as answered: the time of the attempt and the date of
/// the certificate it earns (which quarter's indicators count it).
///
/// The quiz page sends its own clock's time (`answered_at`) because a quiz
/// answered offline is sent later, when the phone reconnects; the time it
/// was answered is the true one. That time is the client's word, though, so
/// it is believed only when it is
/// - no more than [`CLOCK_SKEW_MINUTES`] ahead of `now` (and then it is
///   `now`: nothing is answered in the future),
/// - no older than [`OFFLINE_GRACE_DAYS`],
/// - not before `not_before`: when the resident was entered in the
///   registry (nobody answers for a person the registry did not have yet).
///
/// Otherwise the answer is dated `now`, when the server received it: never
/// moved to the edge of the window, so a wrong or forged clock cannot pick
/// the date. Courses keep no date of their own (they are files, built in or
/// the office's), so no bound comes from the course.
pub fn accepted_answer_time(
    claimed: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    not_before: Option<DateTime<Utc>>,
) -> DateTime<Utc> {
    let Some(t) = claimed else { return now };
    let believed = t <= now + Duration::minutes(CLOCK_SKEW_MINUTES)
        && t >= now - Duration::days(OFFLINE_GRACE_DAYS)
        && not_before.is_none_or(|b| t >= b);
    if believed {
        t.min(now)
    } else {
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_day_in_vietnam_starts_at_five_in_the_evening_utc_the_day_before() {
        let d = NaiveDate::from_ymd_opt(2026, 7, 1).unwrap_or_default();
        let start = vn_midnight(d);
        assert_eq!(start, Utc.with_ymd_and_hms(2026, 6, 30, 17, 0, 0).unwrap());
        assert_eq!(vn_date(start), d);
        assert_eq!(
            vn_date(start - Duration::seconds(1)),
            d.pred_opt().unwrap_or_default()
        );
    }

    #[test]
    fn an_offline_answer_keeps_its_time_within_the_grace() {
        let now = Utc.with_ymd_and_hms(2026, 7, 2, 3, 0, 0).unwrap();
        let entered = Some(now - Duration::days(30));
        for ago in [Duration::minutes(1), Duration::hours(1), Duration::days(6)] {
            assert_eq!(
                accepted_answer_time(Some(now - ago), now, entered),
                now - ago
            );
        }
        assert_eq!(accepted_answer_time(None, now, entered), now);
    }

    #[test]
    fn a_clock_outside_the_window_is_not_believed() {
        let now = Utc.with_ymd_and_hms(2026, 7, 2, 3, 0, 0).unwrap();
        // Back-dated into the previous quarter, or far ahead: the server's time.
        for claimed in [
            now - Duration::days(60),
            now - Duration::days(OFFLINE_GRACE_DAYS) - Duration::seconds(1),
            now + Duration::minutes(CLOCK_SKEW_MINUTES) + Duration::seconds(1),
            now + Duration::days(400),
        ] {
            assert_eq!(
                accepted_answer_time(Some(claimed), now, None),
                now,
                "{claimed}"
            );
        }
        // A phone a little ahead: answered now, not later.
        assert_eq!(
            accepted_answer_time(Some(now + Duration::minutes(2)), now, None),
            now
        );
    }

    #[test]
    fn nothing_is_answered_before_the_resident_was_entered() {
        let now = Utc.with_ymd_and_hms(2026, 7, 2, 3, 0, 0).unwrap();
        let entered = now - Duration::hours(2);
        assert_eq!(
            accepted_answer_time(Some(now - Duration::hours(3)), now, Some(entered)),
            now
        );
        assert_eq!(
            accepted_answer_time(Some(now - Duration::hours(1)), now, Some(entered)),
            now - Duration::hours(1)
        );
    }

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
