//! Money: integer minor units and an ISO 4217 code, never floating point.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Money {
    /// Amount in the currency's minor unit (grosze, cents). JavaScript numbers
    /// hold integers exactly up to 2^53, far beyond any licence bill.
    #[ts(type = "number")]
    pub amount_minor: i64,
    /// ISO 4217 alphabetic code, upper case (PLN, EUR, USD).
    pub currency: String,
}

impl Money {
    pub fn new(amount_minor: i64, currency: &str) -> Result<Self> {
        Ok(Money {
            amount_minor,
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
            .ok_or_else(|| Error::invalid_state(text!("amount too large", "kwota jest za duża")))?;
        Ok(Money {
            amount_minor,
            currency: self.currency.clone(),
        })
    }
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
        let max = Money::new(i64::MAX, "PLN").unwrap();
        assert!(max.checked_add(&a).is_err());
    }

    #[test]
    fn minor_units_serialise_as_a_plain_number() {
        let json = serde_json::to_string(&Money::new(4_999, "EUR").unwrap()).unwrap();
        assert_eq!(json, r#"{"amount_minor":4999,"currency":"EUR"}"#);
    }
}
