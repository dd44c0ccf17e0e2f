//! Prorated amounts, computed daily as Microsoft says ("Proration is
//! calculated daily", docs/decisions/0035 and 0041): integers only, rounded
//! half up to the currency's minor unit once, at the end.

use time::OffsetDateTime;

use crate::error::{Error, Result};
use crate::money::check_amount;

const DAY_SECONDS: i64 = 86_400;

/// Days from `from` to `to` where a day begun counts whole; 0 when `to` is
/// not after `from`.
pub(crate) fn started_days(from: OffsetDateTime, to: OffsetDateTime) -> u32 {
    let seconds = (to - from).whole_seconds();
    if seconds <= 0 {
        return 0;
    }
    u32::try_from((seconds + DAY_SECONDS - 1) / DAY_SECONDS).unwrap_or(u32::MAX)
}

/// What `count` licences cost for `days` of a term of `term_days` days, at
/// `unit_minor` per licence per month over the term's `months`:
/// `count × unit × months × days / term_days`, rounded half up.
pub(crate) fn prorated(
    count: u32,
    unit_minor: i64,
    months: u32,
    days: u32,
    term_days: u32,
) -> Result<i64> {
    if term_days == 0 {
        return Err(Error::Internal(
            "a term of no days cannot be prorated".into(),
        ));
    }
    let numerator = i128::from(count)
        * i128::from(unit_minor)
        * i128::from(months)
        * i128::from(days.min(term_days));
    let divisor = i128::from(term_days);
    let rounded = (2 * numerator + divisor) / (2 * divisor);
    let amount = i64::try_from(rounded).unwrap_or(i64::MAX);
    check_amount("amount_minor", amount)
}

/// Microsoft's refund for licences removed (or cancelled) within their
/// window: "the full amount minus the prorated amount for the days that you
/// used". `days` is what the licences were charged for; `used` the days
/// begun since they were added.
pub(crate) fn refund(
    count: u32,
    unit_minor: i64,
    months: u32,
    (days, used, term_days): (u32, u32, u32),
) -> Result<i64> {
    let full = prorated(count, unit_minor, months, days, term_days)?;
    let spent = prorated(count, unit_minor, months, used.min(days), term_days)?;
    Ok(full - spent)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn a_day_begun_counts_whole() {
        let at = datetime!(2026-11-25 09:00 UTC);
        assert_eq!(started_days(at, at), 0);
        assert_eq!(started_days(at, datetime!(2026-11-25 09:00:01 UTC)), 1);
        assert_eq!(started_days(at, datetime!(2026-11-26 09:00 UTC)), 1);
        assert_eq!(started_days(at, datetime!(2026-11-26 09:00:01 UTC)), 2);
        assert_eq!(started_days(at, datetime!(2027-11-25 09:00 UTC)), 365);
        assert_eq!(started_days(datetime!(2026-11-26 09:00 UTC), at), 0);
    }

    #[test]
    fn amounts_are_prorated_by_days_and_rounded_half_up() {
        // 10 licences at 30.00 a month for a year: 3600.00.
        assert_eq!(prorated(10, 30_00, 12, 365, 365).unwrap(), 360_000);
        // Half the days: half the price.
        assert_eq!(prorated(1, 100, 1, 15, 30).unwrap(), 50);
        // 1 × 1 × 1 × 1 / 2 = 0.5 → 1 (half up); 1 / 3 → 0.
        assert_eq!(prorated(1, 1, 1, 1, 2).unwrap(), 1);
        assert_eq!(prorated(1, 1, 1, 1, 3).unwrap(), 0);
        assert!(prorated(1, 1, 1, 1, 0).is_err());
    }

    #[test]
    fn a_refund_is_the_full_amount_minus_the_days_used() {
        // A year of 365 days at 36.50 a month: 438.00; 2 days used cost 2.40.
        assert_eq!(refund(1, 36_50, 12, (365, 2, 365)).unwrap(), 43_800 - 240);
        // Never more used than charged.
        assert_eq!(refund(1, 36_50, 12, (10, 40, 365)).unwrap(), 0);
    }
}
