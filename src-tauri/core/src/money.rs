//! Money: integer minor units and an ISO 4217 code, never floating point.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};
use crate::limits;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Money {
    /// Amount in the currency's minor unit (grosze, cents), at most
    /// [`limits::MONEY_MINOR`] (2^53 − 1), which JavaScript holds exactly.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// ISO 4217 alphabetic code, upper case (PLN, EUR, USD).
    pub currency: String,
}

impl Money {
    pub fn new(amount_minor: i64, currency: &str) -> Result<Self> {
        Ok(Money {
            amount_minor: check_amount("amount_minor", amount_minor)?,
            currency: parse_currency("currency", currency)?,
        })
    }

    /// Adds two amounts of the same currency; mixing currencies is a bug in the caller.
    pub fn checked_add(&self, other: &Money) -> Result<Money> {
        if self.currency != other.currency {
            let (other, this) = (&other.currency, &self.currency);
            return Err(Error::invalid_state(text!(
                "cannot add {other} to {this}: totals are kept per currency",
                "nie można dodać {other} do {this}: sumy są liczone osobno dla każdej waluty"
            )));
        }
        let amount_minor = self
            .amount_minor
            .checked_add(other.amount_minor)
            .filter(|sum| sum.abs() <= limits::MONEY_MINOR)
            .ok_or_else(|| {
                let max = limits::MONEY_MINOR;
                Error::invalid_state(text!(
                    "the total is more than {max} minor units, the most an amount can be",
                    "suma przekracza {max} jednostek podstawowych, najwyższą możliwą kwotę"
                ))
            })?;
        Ok(Money {
            amount_minor,
            currency: self.currency.clone(),
        })
    }
}

/// An amount accepted or computed anywhere: 0 to [`limits::MONEY_MINOR`]
/// minor units; the refusal names the amount as given.
pub fn check_amount(field: &str, amount_minor: i64) -> Result<i64> {
    let max = limits::MONEY_MINOR;
    if amount_minor < 0 {
        return Err(Error::validation(
            field,
            text!(
                "{amount_minor} is negative; an amount cannot be",
                "{amount_minor} to kwota ujemna; kwota nie może być ujemna"
            ),
        ));
    }
    if amount_minor > max {
        return Err(Error::validation(
            field,
            text!(
                "{amount_minor} is more than {max} minor units, the most an amount can be",
                "{amount_minor} przekracza {max} jednostek podstawowych, najwyższą możliwą kwotę"
            ),
        ));
    }
    Ok(amount_minor)
}

/// Accepts "pln" or " PLN " and returns "PLN"; anything but three letters is refused.
pub fn parse_currency(field: &str, text: &str) -> Result<String> {
    let code = text.trim().to_ascii_uppercase();
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(Error::validation(
            field,
            text!(
                "'{text}' is not an ISO 4217 currency code (three letters, e.g. PLN)",
                "„{text}” nie jest kodem waluty ISO 4217 (trzy litery, np. PLN)"
            ),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_codes_are_normalised_or_refused() {
        assert_eq!(parse_currency("currency", " pln ").unwrap(), "PLN");
        for bad in ["", "PL", "PLNX", "P1N", "zł"] {
            let err = parse_currency("currency", bad).unwrap_err();
            assert_eq!(err.field(), Some("currency"), "{bad}");
        }
    }

    #[test]
    fn amounts_add_only_within_one_currency() {
        let a = Money::new(12_50, "PLN").unwrap();
        let b = Money::new(7_49, "pln").unwrap();
        assert_eq!(a.checked_add(&b).unwrap().amount_minor, 19_99);
        let euros = Money::new(1, "EUR").unwrap();
        assert!(a.checked_add(&euros).is_err());
        let max = Money::new(limits::MONEY_MINOR, "PLN").unwrap();
        assert!(max.checked_add(&a).is_err(), "past 2^53 − 1");
    }

    #[test]
    fn amounts_stay_exact_in_javascript() {
        assert_eq!(limits::MONEY_MINOR, 9_007_199_254_740_991);
        assert!(Money::new(limits::MONEY_MINOR, "PLN").is_ok());
        let error = Money::new(limits::MONEY_MINOR + 1, "PLN").unwrap_err();
        assert_eq!(error.field(), Some("amount_minor"));
        assert_eq!(
            error.to_string(),
            "9007199254740992 is more than 9007199254740991 minor units, the most an amount can be"
        );
        assert!(check_amount("unit_price_minor", -1).is_err());
    }

    #[test]
    fn minor_units_serialise_as_a_plain_number() {
        let json = serde_json::to_string(&Money::new(4_999, "EUR").unwrap()).unwrap();
        assert_eq!(json, r#"{"amount_minor":4999,"currency":"EUR"}"#);
    }
}
