//! Importing Microsoft's license-based price list (CSV): columns by header
//! name, unknown ones ignored, a byte-order mark accepted, existing SKUs
//! updated in place, bad rows reported by line.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::access::{guarded_write, require, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::csv_file::{self, Column};
use crate::customers::ImportProblem;
use crate::error::Result;
use crate::ids::new_id;
use crate::limits;
use crate::store::Store;
use crate::text::Text;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PriceListReport {
    pub rows: u32,
    pub added: u32,
    pub updated: u32,
    pub problems: Vec<ImportProblem>,
}

struct PriceRow {
    product_id: String,
    sku_id: String,
    title: String,
    term: String,
    billing_plan: String,
    market: String,
    currency: String,
    monthly_minor: i64,
}

/// Parses a decimal price ("12.5", "1234,56") into minor units of `currency`,
/// exactly, then to a monthly price (rounded half up). Microsoft's `UnitPrice`
/// is the price of the row's whole term whatever its billing plan — an annual
/// term billed monthly shows the annual amount (docs/decisions/0033) — so it is
/// divided by the months in `term`, never by the billing plan.
/// The digits are counted before any arithmetic, and the arithmetic is
/// checked, so no cell can overflow; the result is at most [`limits::MONEY_MINOR`].
fn monthly_minor(text: &str, currency: &str, term: &str) -> std::result::Result<i64, Text> {
    let digits = iso_currency::Currency::from_code(currency)
        .and_then(|c| c.exponent())
        .unwrap_or(2) as usize;
    let written = text.trim();
    let text = written.replace(',', ".");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let shown = crate::validate::shown(written);
    if whole.is_empty()
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(text!("'{shown}' is not a price", "„{shown}” nie jest ceną"));
    }
    let (whole_max, fraction_max) = (limits::PRICE_WHOLE_DIGITS, limits::PRICE_FRACTION_DIGITS);
    if whole.len() > whole_max || fraction.len() > fraction_max {
        return Err(text!(
            "'{shown}' has too many digits for a price: at most {whole_max} before the decimal point and {fraction_max} after",
            "„{shown}” ma za dużo cyfr jak na cenę: najwyżej {whole_max} przed przecinkiem i {fraction_max} po nim"
        ));
    }
    // Keep one digit more than the currency has, to round half up.
    let frac: String = fraction
        .chars()
        .chain(std::iter::repeat('0'))
        .take(digits + 1)
        .collect();
    let months: i128 = match term {
        "P1Y" => 12,
        "P3Y" => 36,
        _ => 1,
    };
    let max = limits::MONEY_MINOR;
    let too_large = || {
        text!(
            "'{shown}' is more than {max} minor units a month, the most an amount can be",
            "„{shown}” przekracza {max} jednostek podstawowych miesięcznie, najwyższą możliwą kwotę"
        )
    };
    // At most 16 + 5 digits: far inside i128, and checked all the same.
    let tenths = format!("{whole}{frac}")
        .parse::<i128>()
        .map_err(|_| too_large())?;
    let monthly = tenths
        .checked_add(5 * months)
        .and_then(|t| t.checked_div(10 * months))
        .ok_or_else(too_large)?;
    i64::try_from(monthly)
        .ok()
        .filter(|m| *m <= max)
        .ok_or_else(too_large)
}

fn parse_row(get: &dyn Fn(&str) -> String) -> std::result::Result<PriceRow, (String, Text)> {
    let required = |name: &str, field: &str| -> std::result::Result<String, (String, Text)> {
        let value = get(name);
        if value.is_empty() {
            Err((
                field.to_owned(),
                text!("{name} is empty", "kolumna {name} jest pusta"),
            ))
        } else {
            Ok(value)
        }
    };
    let term = required("termduration", "term")?.to_uppercase();
    if !["P1M", "P1Y", "P3Y"].contains(&term.as_str()) {
        return Err((
            "term".into(),
            text!(
                "TermDuration '{term}' is not P1M, P1Y or P3Y",
                "TermDuration „{term}” nie jest jedną z wartości P1M, P1Y, P3Y"
            ),
        ));
    }
    let plan = get("billingplan").to_lowercase();
    let billing_plan = match plan.as_str() {
        "monthly" | "annual" | "triennial" => plan,
        "" | "none" | "onetime" => "none".to_owned(),
        other => {
            return Err((
                "billing_plan".into(),
                text!(
                "BillingPlan '{other}' is not Monthly, Annual, Triennial or None",
                "BillingPlan „{other}” nie jest jedną z wartości Monthly, Annual, Triennial, None"
            ),
            ))
        }
    };
    let currency = required("currency", "currency")?.to_uppercase();
    if iso_currency::Currency::from_code(&currency).is_none() {
        return Err((
            "currency".into(),
            text!(
                "'{currency}' is not an ISO 4217 currency",
                "„{currency}” nie jest walutą ISO 4217"
            ),
        ));
    }
    let title = match get("skutitle") {
        t if !t.is_empty() => t,
        _ => required("producttitle", "title")?,
    };
    let monthly_minor = monthly_minor(
        &required("unitprice", "unit_price_minor")?,
        &currency,
        &term,
    )
    .map_err(|m| ("unit_price_minor".to_owned(), m))?;
    let bounded = |value: String, field: &str, max: usize| {
        crate::validate::check_length(field, &value, max)
            .map(|()| value)
            .map_err(|e| (field.to_owned(), e.text()))
    };
    Ok(PriceRow {
        product_id: bounded(
            required("productid", "product_id")?,
            "product_id",
            limits::PRICE_LIST_ID,
        )?,
        sku_id: bounded(
            required("skuid", "sku_id")?,
            "sku_id",
            limits::PRICE_LIST_ID,
        )?,
        market: bounded(
            required("market", "market")?.to_uppercase(),
            "market",
            limits::MARKET,
        )?,
        title: bounded(title, "title", limits::SERVICE_TITLE)?,
        term,
        billing_plan,
        currency,
        monthly_minor,
    })
}

/// The columns of Microsoft's license-based price list that the import reads
/// (docs/decisions/0033 lists them all); the others are ignored.
const PRICE_LIST_COLUMNS: [Column; 9] = [
    Column::required("productid", &[]),
    Column::required("skuid", &[]),
    Column::required("termduration", &[]),
    Column::required("currency", &[]),
    Column::required("unitprice", &[]),
    Column::required("market", &[]),
    Column::optional("producttitle", &[]),
    Column::optional("skutitle", &[]),
    Column::optional("billingplan", &[]),
];

pub fn import_price_list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    csv_text: &str,
) -> Result<(PriceListReport, Change)> {
    crate::imports::check_size(csv_text.len() as u64)?;
    let table = csv_file::read(csv_text, None, &PRICE_LIST_COLUMNS)?;
    let mut rows = Vec::new();
    let mut problems = table.problems;
    for record in &table.records {
        let get = |name: &str| {
            PRICE_LIST_COLUMNS
                .iter()
                .position(|c| c.name == name)
                .map(|at| record.cell(at).to_owned())
                .unwrap_or_default()
        };
        match parse_row(&get) {
            Ok(row) => rows.push(row),
            Err((field, text)) => problems.push(ImportProblem::new(record.line, field, text)),
        }
    }
    problems.sort_by_key(|p| p.line);
    let now = to_rfc3339(clock.now())?;
    let target = Target {
        kind: "catalog",
        id: None,
        label: "price list import".into(),
    };
    let report = guarded_write(
        store,
        clock,
        actor,
        "catalog.import",
        target.clone(),
        |tx| {
            require(tx, actor, Action::EditCatalog)?;
            let (mut added, mut updated) = (0, 0);
            for row in &rows {
                let existing: Option<String> = tx
                .prepare_cached(
                    "SELECT id FROM catalog_services WHERE product_id = ?1 AND sku_id = ?2 AND term = ?3
                     AND billing_plan = ?4 AND market = ?5 AND currency = ?6",
                )?
                .query_row(params![row.product_id, row.sku_id, row.term, row.billing_plan, row.market, row.currency], |r| r.get(0))
                .optional()?;
                match existing {
                    Some(id) => {
                        tx.prepare_cached(
                        "UPDATE catalog_services SET title = ?1, unit_price_minor = ?2, sample = 0, updated_at = ?3 WHERE id = ?4",
                    )?
                    .execute(params![row.title, row.monthly_minor, now, id])?;
                        updated += 1;
                    }
                    None => {
                        tx.prepare_cached(
                        "INSERT INTO catalog_services (id, product_id, sku_id, title, term, billing_plan,
                             unit_price_minor, currency, market, decrease_window_days, sample, updated_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 7, 0, ?10)",
                    )?
                    .execute(params![new_id(), row.product_id, row.sku_id, row.title, row.term, row.billing_plan, row.monthly_minor, row.currency, row.market, now])?;
                        added += 1;
                    }
                }
            }
            let report = PriceListReport {
                rows: (rows.len() + problems.len()) as u32,
                added,
                updated,
                problems: problems.clone(),
            };
            let event = Event {
                detail: format!(
                    "{added} added, {updated} updated, {} rows with problems",
                    problems.len()
                ),
                ..Event::done(actor.audit_ref(), "catalog.import", target)
            };
            audit::append(tx, clock, &event)?;
            Ok(report)
        },
    )?;
    Ok((report, Change::of(Entity::Catalog)))
}

#[cfg(test)]
pub(crate) mod tests_support {
    pub fn monthly(text: &str, currency: &str, term: &str) -> Result<i64, crate::text::Text> {
        super::monthly_minor(text, currency, term)
    }
}
