//! Time as the core sees it: injected, so clock-driven rules are testable.

use std::sync::Mutex;

use time::format_description::well_known::Rfc3339;
use time::{Date, Duration, OffsetDateTime};

use crate::error::{Error, Result};
use crate::limits;

pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The real wall clock, always in UTC.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// The wall clock shifted by a fixed amount: end-to-end tests of the debug
/// build use it to reach dates (a closed decrease window) without waiting.
#[derive(Debug, Clone, Copy)]
pub struct ShiftedClock(Duration);

impl ShiftedClock {
    pub fn days_ahead(days: i64) -> Self {
        // Bounded: `Duration::days` panics beyond ±2^63 seconds.
        ShiftedClock(Duration::seconds(days.saturating_mul(86_400)))
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        let now = OffsetDateTime::now_utc();
        // A shift past the calendar's end (a mistyped test setting) stops there.
        now.checked_add(self.0).unwrap_or(if self.0.is_negative() {
            Date::MIN.midnight().assume_utc()
        } else {
            Date::MAX.midnight().assume_utc()
        })
    }
}

/// A clock that only moves when told to; for tests of expiry and renewal rules.
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    pub fn at(start: OffsetDateTime) -> Self {
        ManualClock(Mutex::new(start))
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        *now += by;
    }

    pub fn set(&self, at: OffsetDateTime) {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self
            .0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The one stored and sent form of an instant: UTC, `Z`, always three
/// fraction digits (`2026-11-25T09:30:00.000Z`). Every timestamp has the same
/// width, so text order is time order, which keyset paging and every
/// `at <= ?` comparison in SQL rely on. Milliseconds, not nanoseconds: they are
/// what JavaScript's `Date` and SQLite's `strftime('%f')` hold, so a value
/// survives a round trip through the UI and migration 0011 could rewrite old
/// rows in SQL alone (docs/decisions/0032-input-limits-and-timestamps.md).
const STORED: &[time::format_description::BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z"
);

/// Formats `at` in the stored form ([`STORED`]); the fraction is cut, not
/// rounded, to milliseconds, so the text never names a later instant.
pub fn to_rfc3339(at: OffsetDateTime) -> Result<String> {
    at.to_offset(time::UtcOffset::UTC)
        .format(STORED)
        .map_err(|e| Error::Internal(format!("cannot format timestamp: {e}")))
}

/// Reads any RFC 3339 instant: the stored form, the older variable-width one
/// (no fraction, or up to nine digits), or one with an offset.
pub fn parse_rfc3339(field: &str, text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        let text = crate::validate::shown(text);
        Error::validation(
            field,
            text!(
                "'{text}' is not an RFC 3339 date and time (e.g. 2026-11-25T09:30:00Z)",
                "„{text}” nie jest datą i godziną w formacie RFC 3339 (np. 2026-11-25T09:30:00Z)"
            ),
        )
    })
}

/// An instant a person typed (a start, an acceptance, a search bound): any
/// RFC 3339 form, in the business years [`limits::EARLIEST_YEAR`] to
/// [`limits::LATEST_YEAR`], so nothing computed from it can leave the calendar.
pub fn parse_business_time(field: &str, text: &str) -> Result<OffsetDateTime> {
    let at = parse_rfc3339(field, text)?;
    check_business_year(field, text, at.to_offset(time::UtcOffset::UTC).year())?;
    Ok(at)
}

/// A business date (`YYYY-MM-DD` already read) within the business years.
pub fn check_business_date(field: &str, date: Date) -> Result<Date> {
    check_business_year(field, &date.to_string(), date.year())?;
    Ok(date)
}

fn check_business_year(field: &str, text: &str, year: i32) -> Result<()> {
    let (first, last) = (limits::EARLIEST_YEAR, limits::LATEST_YEAR);
    if (first..=last).contains(&year) {
        return Ok(());
    }
    let text = crate::validate::shown(text);
    Err(Error::validation(
        field,
        text!(
            "'{text}' is outside the years {first} to {last}",
            "„{text}” wykracza poza lata {first}–{last}"
        ),
    ))
}

/// `at` plus `days` (negative: minus), refused instead of overflowing: the
/// time crate panics past year 9999, and no input may make the core panic.
pub fn add_days(at: OffsetDateTime, days: i64) -> Result<OffsetDateTime> {
    days.checked_mul(86_400)
        .map(Duration::seconds)
        .and_then(|by| at.checked_add(by))
        .ok_or_else(|| {
            Error::invalid_state(text!(
                "{days} days from {at} is beyond the calendar",
                "{days} dni od {at} wykracza poza kalendarz"
            ))
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_are_utc_rfc3339_whatever_the_offset() {
        let warsaw = datetime!(2026-11-25 10:30:00 +01:00);
        assert_eq!(to_rfc3339(warsaw).unwrap(), "2026-11-25T09:30:00.000Z");
    }

    #[test]
    fn every_stored_timestamp_has_one_width_so_text_order_is_time_order() {
        let whole = datetime!(2026-11-25 09:30:00 UTC);
        let later = datetime!(2026-11-25 09:30:00.17 UTC);
        let (whole, later) = (to_rfc3339(whole).unwrap(), to_rfc3339(later).unwrap());
        assert_eq!(later, "2026-11-25T09:30:00.170Z");
        assert_eq!(whole.len(), later.len());
        assert!(whole < later, "{whole} sorts before {later}");
        let nanos = to_rfc3339(datetime!(2026-11-25 09:30:00.999_999_999 UTC)).unwrap();
        assert_eq!(nanos, "2026-11-25T09:30:00.999Z", "cut, never rounded up");
    }

    #[test]
    fn old_forms_are_still_read() {
        for (old, at) in [
            ("2026-11-25T09:30:00Z", datetime!(2026-11-25 09:30:00 UTC)),
            (
                "2026-11-25T09:30:00.17Z",
                datetime!(2026-11-25 09:30:00.17 UTC),
            ),
            (
                "2026-11-25T09:30:00.123456789Z",
                datetime!(2026-11-25 09:30:00.123456789 UTC),
            ),
            (
                "2026-11-25T10:30:00+01:00",
                datetime!(2026-11-25 09:30:00 UTC),
            ),
        ] {
            assert_eq!(parse_rfc3339("at", old).unwrap(), at, "{old}");
        }
    }

    #[test]
    fn typed_times_lie_in_the_business_years() {
        assert!(parse_business_time("starts_at", "2100-12-31T23:59:59Z").is_ok());
        assert!(parse_business_time("starts_at", "2000-01-01T00:00:00Z").is_ok());
        for far in [
            "9999-12-31T23:59:59Z",
            "1999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
        ] {
            let error = parse_business_time("starts_at", far).unwrap_err();
            assert_eq!(error.field(), Some("starts_at"));
            assert_eq!(
                error.to_string(),
                format!("'{far}' is outside the years 2000 to 2100")
            );
        }
    }

    #[test]
    fn day_arithmetic_refuses_instead_of_panicking() {
        let end = datetime!(9999-12-30 00:00:00 UTC);
        assert!(add_days(end, 2).is_err());
        assert!(add_days(end, i64::MAX).is_err());
        assert!(add_days(datetime!(2026-01-01 00:00 UTC), i64::MIN).is_err());
        assert_eq!(
            add_days(datetime!(2026-01-01 00:00 UTC), 31).unwrap(),
            datetime!(2026-02-01 00:00 UTC)
        );
    }

    #[test]
    fn a_shifted_clock_past_the_calendar_stops_at_its_end() {
        assert_eq!(ShiftedClock::days_ahead(i64::MAX).now().year(), 9999);
        assert_eq!(ShiftedClock::days_ahead(i64::MIN).now().year(), -9999);
    }

    #[test]
    fn parsing_names_the_field_on_bad_input() {
        let err = parse_rfc3339("valid_until", "25.11.2026").unwrap_err();
        assert_eq!(err.field(), Some("valid_until"));
        assert_eq!(
            parse_rfc3339("x", "2026-11-25T09:30:00.000Z").unwrap(),
            datetime!(2026-11-25 09:30:00 UTC)
        );
    }

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let clock = ManualClock::at(datetime!(2026-01-01 00:00:00 UTC));
        assert_eq!(clock.now(), datetime!(2026-01-01 00:00:00 UTC));
        clock.advance(Duration::days(30));
        assert_eq!(clock.now(), datetime!(2026-01-31 00:00:00 UTC));
    }
}
