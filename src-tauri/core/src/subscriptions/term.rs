//! Terms and the quantity-decrease window, in calendar arithmetic.

use time::{Date, Month, OffsetDateTime};

use crate::error::{Error, Result};

/// The subscription terms Microsoft sells (ISO 8601 durations).
pub const TERMS: &[&str] = &["P1M", "P1Y", "P3Y"];

pub(crate) fn months(term: &str) -> Result<i32> {
    match term {
        "P1M" => Ok(1),
        "P1Y" => Ok(12),
        "P3Y" => Ok(36),
        other => Err(Error::validation(
            "term",
            text!(
                "'{other}' is not a term; use P1M, P1Y or P3Y",
                "„{other}” nie jest okresem; użyj P1M, P1Y lub P3Y"
            ),
        )),
    }
}

/// The billing plans a term can be paid by: never less often than monthly,
/// never in advance beyond the term.
pub fn check_billing_plan(term: &str, plan: &str) -> Result<()> {
    let allowed: &[&str] = match term {
        "P1M" => &["monthly"],
        "P1Y" => &["monthly", "annual"],
        "P3Y" => &["monthly", "annual", "triennial"],
        _ => &[],
    };
    if allowed.contains(&plan) {
        Ok(())
    } else {
        let (term_en, term_pl) = (describe(term), describe_pl(term));
        let (plans_en, plans_pl) = (allowed.join(" or "), allowed.join(" lub "));
        Err(Error::validation(
            "billing_plan",
            text!(
                "a {term_en} term is billed {plans_en}, not '{plan}'",
                "okres {term_pl} rozlicza się w planie {plans_pl}, nie „{plan}”"
            ),
        ))
    }
}

/// The term as a Polish adjective, as [`describe`] is in English.
fn describe_pl(term: &str) -> &'static str {
    match term {
        "P1M" => "miesięczny",
        "P1Y" => "roczny",
        "P3Y" => "trzyletni",
        _ => "nieznany",
    }
}

pub fn describe(term: &str) -> &'static str {
    match term {
        "P1M" => "one-month",
        "P1Y" => "one-year",
        "P3Y" => "three-year",
        _ => "unknown",
    }
}

/// `from` plus the term, on the same day of the month (the last day when the
/// month is shorter: 31 January + P1M = 28 or 29 February).
pub fn add_term(from: OffsetDateTime, term: &str) -> Result<OffsetDateTime> {
    let total = from.year() * 12 + i32::from(u8::from(from.month())) - 1 + months(term)?;
    let (year, month) = (total.div_euclid(12), total.rem_euclid(12) + 1);
    let month = Month::try_from(u8::try_from(month).unwrap_or(1))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let day = from.day().min(month.length(year));
    let date = Date::from_calendar_date(year, month, day)
        .map_err(|e| Error::Internal(format!("term end out of range: {e}")))?;
    Ok(from.replace_date(date))
}

/// The last moment the licence count may fall: `days` after the term started.
pub fn decrease_window_closes(term_started: OffsetDateTime, days: u32) -> Result<OffsetDateTime> {
    crate::clock::add_days(term_started, i64::from(days))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn terms_keep_the_day_of_month_or_clamp_to_the_last() {
        let jan31 = datetime!(2027-01-31 10:00 UTC);
        assert_eq!(
            add_term(jan31, "P1M").unwrap(),
            datetime!(2027-02-28 10:00 UTC)
        );
        assert_eq!(
            add_term(datetime!(2028-01-31 10:00 UTC), "P1M").unwrap(),
            datetime!(2028-02-29 10:00 UTC)
        );
        assert_eq!(
            add_term(jan31, "P1Y").unwrap(),
            datetime!(2028-01-31 10:00 UTC)
        );
        assert_eq!(
            add_term(datetime!(2026-12-15 00:00 UTC), "P1M").unwrap(),
            datetime!(2027-01-15 00:00 UTC)
        );
        assert_eq!(
            add_term(datetime!(2028-02-29 00:00 UTC), "P3Y").unwrap(),
            datetime!(2031-02-28 00:00 UTC)
        );
        assert_eq!(add_term(jan31, "P2Y").unwrap_err().field(), Some("term"));
    }

    #[test]
    fn billing_plans_fit_their_terms() {
        assert!(check_billing_plan("P1M", "monthly").is_ok());
        assert!(check_billing_plan("P1Y", "annual").is_ok());
        assert!(check_billing_plan("P3Y", "triennial").is_ok());
        let wrong = check_billing_plan("P1M", "annual").unwrap_err();
        assert_eq!(wrong.field(), Some("billing_plan"));
        assert!(wrong
            .to_string()
            .contains("one-month term is billed monthly"));
        assert!(check_billing_plan("P1Y", "triennial").is_err());
    }
}
