//! Offer arithmetic: integers only, never floating point.
//!
//! A line's total is `count × unit price × (10000 − discount) / 10000`, with
//! the discount in basis points (1 bp = 0.01 %), computed in `i128` and
//! rounded half up to the currency's minor unit (no value is negative, so
//! half up = half away from zero). Totals are sums of rounded line totals,
//! kept per currency: PLN and EUR lines are never added together.

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::limits;
use crate::money::{check_amount, Money};

pub const FULL_BP: u32 = 10_000;

/// The rounded total of one line, in minor units.
pub fn line_total(count: u32, unit_price_minor: i64, discount_bp: u32) -> Result<i64> {
    check_amount("unit_price_minor", unit_price_minor)?;
    if discount_bp > FULL_BP {
        return Err(Error::validation(
            "discount_bp",
            text!(
                "a discount is 0 to 100 % (0 to 10000 basis points)",
                "rabat wynosi od 0 do 100 % (od 0 do 10000 punktów bazowych)"
            ),
        ));
    }
    let divisor = i128::from(FULL_BP);
    let rounded = i128::from(count)
        .checked_mul(i128::from(unit_price_minor))
        .and_then(|n| n.checked_mul(i128::from(FULL_BP - discount_bp)))
        .map(|n| (n + divisor / 2) / divisor);
    let max = limits::MONEY_MINOR;
    match rounded.and_then(|total| i64::try_from(total).ok()) {
        Some(total) if total <= max => Ok(total),
        _ => Err(Error::validation(
            "quantity",
            text!(
                "{count} × {unit_price_minor} is more than {max} minor units, the most an amount can be",
                "{count} × {unit_price_minor} przekracza {max} jednostek podstawowych, najwyższą możliwą kwotę"
            ),
        )),
    }
}

/// Sums `(currency, amount)` pairs into one total per currency, ordered by code.
pub fn totals<'a>(amounts: impl IntoIterator<Item = (&'a str, i64)>) -> Result<Vec<Money>> {
    let mut sums: BTreeMap<&str, Money> = BTreeMap::new();
    for (currency, amount) in amounts {
        let add = Money {
            amount_minor: amount,
            currency: currency.to_owned(),
        };
        let next = match sums.get(currency) {
            Some(sum) => sum.checked_add(&add)?,
            None => add,
        };
        sums.insert(currency, next);
    }
    Ok(sums.into_values().collect())
}
