//! Time as the core sees it: injected, so clock-driven rules are testable.

use std::sync::Mutex;

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

use crate::error::{Error, Result};

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
        ShiftedClock(Duration::days(days))
    }
}

impl Clock for ShiftedClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.0
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

/// Timestamps cross the API, and are stored, as RFC 3339 strings in UTC; they
/// sort correctly as text, which keyset paging relies on.
pub fn to_rfc3339(at: OffsetDateTime) -> Result<String> {
    at.to_offset(time::UtcOffset::UTC)
        .format(&Rfc3339)
        .map_err(|e| Error::Internal(format!("cannot format timestamp: {e}")))
}

pub fn parse_rfc3339(field: &str, text: &str) -> Result<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).map_err(|_| {
        Error::validation(
            field,
            text!(
                "'{text}' is not an RFC 3339 date and time (e.g. 2026-11-25T09:30:00Z)",
                "„{text}” nie jest datą i godziną w formacie RFC 3339 (np. 2026-11-25T09:30:00Z)"
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn timestamps_are_utc_rfc3339_whatever_the_offset() {
        let warsaw = datetime!(2026-11-25 10:30:00 +01:00);
        assert_eq!(to_rfc3339(warsaw).unwrap(), "2026-11-25T09:30:00Z");
    }

    #[test]
    fn parsing_names_the_field_on_bad_input() {
        let err = parse_rfc3339("valid_until", "25.11.2026").unwrap_err();
        assert_eq!(err.field(), Some("valid_until"));
        assert_eq!(
            parse_rfc3339("x", "2026-11-25T09:30:00Z").unwrap(),
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
