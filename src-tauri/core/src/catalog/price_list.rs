//! Reading one row of Microsoft's license-based price list (CSV) the way
//! Microsoft means it (docs/decisions/0033 §3, 0038): the price for the row's
//! whole term, its segment, price tier and effective dates, the suggested
//! retail price, trial tag, description, publisher and unit of measure.
//! Previewing and applying a whole file is in `price_import`.

use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time};

use super::plain_text::html_to_text;
use crate::clock::to_rfc3339;
use crate::csv_file::Column;
use crate::error::{Error, Result};
use crate::imports::CsvRow;
use crate::limits;
use crate::text::Text;

/// What makes one catalog service: rows that differ in any of these are
/// different services; rows that differ only by effective dates are dated
/// prices of one service.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ServiceKey {
    pub product_id: String,
    pub sku_id: String,
    pub term: String,
    pub billing_plan: String,
    pub market: String,
    pub currency: String,
    pub segment: String,
    pub tier_min: Option<u32>,
    pub tier_max: Option<u32>,
}

/// What the catalog shows about a service besides its price.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Details {
    pub title: String,
    pub description: String,
    pub publisher: String,
    pub unit_of_measure: String,
    /// `Tags` holds `Trial` (and `BillingPlan` is None).
    pub trial: bool,
}

/// One valid row of the file.
#[derive(Debug, Clone)]
pub(crate) struct PriceRow {
    pub key: ServiceKey,
    pub details: Details,
    /// The stored form (`clock::to_rfc3339`).
    pub starts_at: String,
    /// `None`: open-ended (Microsoft's year 9999).
    pub ends_at: Option<String>,
    pub monthly_minor: i64,
    /// UnitPrice as written, for the whole term, in minor units.
    pub term_minor: i64,
    pub erp_minor: Option<i64>,
    /// The SkuId was all digits and shorter than four ("1" → "0001").
    pub sku_padded: bool,
}

/// Microsoft's trial rules, which the price list does not carry: "All free
/// trials provide 25 licenses", "All trials are for 30 days" (Partner
/// Center, "Offer your customers trials of Microsoft products";
/// docs/decisions/0035 §Trials).
pub(crate) use crate::subscriptions::{TRIAL_DAYS, TRIAL_SEATS};

/// A row without an EffectiveStartDate has had its price since ever
/// (Microsoft's own placeholder is the year 1753).
pub(crate) const SINCE_EVER: &str = "0001-01-01T00:00:00.000Z";

/// The columns the import reads, by Microsoft's header names (0033 §3); the
/// others (ChangeIndicator, EndofSaleDate, …) are ignored.
pub(crate) const PRICE_LIST_COLUMNS: [Column; 19] = [
    Column::required("productid", &[]),
    Column::required("skuid", &[]),
    Column::required("termduration", &[]),
    Column::required("currency", &[]),
    Column::required("unitprice", &[]),
    Column::required("market", &[]),
    Column::optional("producttitle", &[]),
    Column::optional("skutitle", &[]),
    Column::optional("billingplan", &[]),
    Column::optional("publisher", &[]),
    Column::optional("skudescription", &[]),
    Column::optional("unitofmeasure", &[]),
    Column::optional("pricingtierrangemin", &[]),
    Column::optional("pricingtierrangemax", &[]),
    Column::optional("effectivestartdate", &[]),
    Column::optional("effectiveenddate", &[]),
    Column::optional("tags", &[]),
    Column::optional("erpprice", &["ERP"]),
    Column::optional("segment", &[]),
];

/// `text` with the column's name in front: "UnitPrice '12,5x' is not a price".
fn in_column(column: &str, text: Text) -> Text {
    Text {
        en: format!("{column} {}", text.en),
        pl: format!("{column} {}", text.pl),
    }
}

fn problem(column: &str, text: Text) -> Error {
    Error::validation(column, text)
}

fn required(row: &CsvRow<'_>, name: &str, column: &str) -> Result<String> {
    let value = row.get(name);
    if value.is_empty() {
        return Err(problem(
            column,
            text!("{column} is empty", "kolumna {column} jest pusta"),
        ));
    }
    Ok(value)
}

fn bounded(column: &str, value: String, max: usize) -> Result<String> {
    crate::validate::check_length(column, &value, max)?;
    Ok(value)
}

/// `Segment` as Microsoft writes it; empty is Commercial ([PO]: "No segment
/// defaults to … the commercial segment").
fn segment(written: &str) -> Result<String> {
    let plain: String = written
        .chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
        .to_lowercase();
    Ok(match plain.as_str() {
        "" | "commercial" => "commercial",
        "education" | "academic" => "education",
        "government" => "government",
        "charity" | "nonprofit" | "nonprofits" => "charity",
        _ => {
            let shown = crate::validate::shown(written);
            return Err(problem(
                "Segment",
                text!(
                    "Segment '{shown}' is not Commercial, Education, Government or Charity",
                    "Segment „{shown}” nie jest jedną z wartości Commercial, Education, Government, Charity"
                ),
            ));
        }
    }
    .to_owned())
}

/// A tier bound: empty, or a whole number of licences.
fn tier(column: &str, written: &str) -> Result<Option<u32>> {
    if written.is_empty() {
        return Ok(None);
    }
    written.parse::<u32>().map(Some).map_err(|_| {
        let shown = crate::validate::shown(written);
        problem(
            column,
            text!(
                "{column} '{shown}' is not a whole number of licences",
                "{column} „{shown}” nie jest całkowitą liczbą licencji"
            ),
        )
    })
}

/// An effective date as Microsoft writes it — `2021-10-01T00:00:00.0000000Z`
/// (ISO 8601), `2/1/2023 0:00` or `2/1/2019 12:00:00 AM` (US, month first) —
/// in UTC ("All dates and times … are given in UTC"). `None` for year 9999,
/// Microsoft's open end.
pub(crate) fn price_date(column: &str, written: &str) -> Result<Option<String>> {
    let bad = || {
        let shown = crate::validate::shown(written);
        problem(
            column,
            text!(
                "{column} '{shown}' is not a date (e.g. 2026-12-01T00:00:00Z or 12/1/2026 0:00)",
                "{column} „{shown}” nie jest datą (np. 2026-12-01T00:00:00Z lub 12/1/2026 0:00)"
            ),
        )
    };
    let at = iso_date(written)
        .or_else(|| us_date(written))
        .ok_or_else(bad)?;
    if at.year() >= 9999 {
        return Ok(None);
    }
    to_rfc3339(at).map(Some).map_err(|_| bad())
}

fn iso_date(text: &str) -> Option<OffsetDateTime> {
    if let Ok(at) = OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339) {
        return Some(at);
    }
    // Without an offset, or a date alone: UTC.
    let (date, time) = text.split_once('T').unwrap_or((text, "00:00:00"));
    let mut parts = date.split('-').map(|p| p.parse::<i32>().ok());
    let (year, month, day) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() {
        return None;
    }
    let time = clock_time(time.trim_end_matches('Z'), None)?;
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(year, month, u8::try_from(day).ok()?).ok()?;
    Some(PrimitiveDateTime::new(date, time).assume_utc())
}

fn us_date(text: &str) -> Option<OffsetDateTime> {
    let mut words = text.split_whitespace();
    let date = words.next()?;
    let time = words.next().unwrap_or("0:00");
    let meridiem = words.next();
    if words.next().is_some() {
        return None;
    }
    let mut parts = date.split('/').map(|p| p.parse::<u16>().ok());
    let (month, day, year) = (parts.next()??, parts.next()??, parts.next()??);
    if parts.next().is_some() || year < 1000 {
        return None;
    }
    let month = Month::try_from(u8::try_from(month).ok()?).ok()?;
    let date = Date::from_calendar_date(i32::from(year), month, u8::try_from(day).ok()?).ok()?;
    Some(PrimitiveDateTime::new(date, clock_time(time, meridiem)?).assume_utc())
}

/// `H:mm`, `H:mm:ss` or `H:mm:ss.fffffff`, with an optional AM/PM.
fn clock_time(text: &str, meridiem: Option<&str>) -> Option<Time> {
    let mut parts = text.split(':');
    let hour: u8 = parts.next()?.parse().ok()?;
    let minute: u8 = parts.next()?.parse().ok()?;
    let second: u8 = match parts.next() {
        Some(s) => s.split('.').next()?.parse().ok()?,
        None => 0,
    };
    if parts.next().is_some() {
        return None;
    }
    let hour = match meridiem.map(str::to_ascii_uppercase).as_deref() {
        None => hour,
        Some("AM") if (1..=12).contains(&hour) => hour % 12,
        Some("PM") if (1..=12).contains(&hour) => hour % 12 + 12,
        Some(_) => return None,
    };
    Time::from_hms(hour, minute, second).ok()
}

/// Reads one row; its error names Microsoft's column and the value as written.
pub(crate) fn parse_row(row: &CsvRow<'_>) -> Result<PriceRow> {
    let term = required(row, "termduration", "TermDuration")?.to_uppercase();
    if !["P1M", "P1Y", "P3Y"].contains(&term.as_str()) {
        return Err(problem(
            "TermDuration",
            text!(
                "TermDuration '{term}' is not P1M, P1Y or P3Y",
                "TermDuration „{term}” nie jest jedną z wartości P1M, P1Y, P3Y"
            ),
        ));
    }
    let plan = row.get("billingplan").to_lowercase();
    let billing_plan = match plan.as_str() {
        "monthly" | "annual" | "triennial" => plan,
        "" | "none" | "onetime" => "none".to_owned(),
        other => {
            return Err(problem(
                "BillingPlan",
                text!(
                "BillingPlan '{other}' is not Monthly, Annual, Triennial or None",
                "BillingPlan „{other}” nie jest jedną z wartości Monthly, Annual, Triennial, None"
            ),
            ))
        }
    };
    let currency = required(row, "currency", "Currency")?.to_uppercase();
    if iso_currency::Currency::from_code(&currency).is_none() {
        return Err(problem(
            "Currency",
            text!(
                "Currency '{currency}' is not an ISO 4217 currency",
                "Currency „{currency}” nie jest walutą ISO 4217"
            ),
        ));
    }
    let title = match row.get("skutitle") {
        t if !t.is_empty() => t,
        _ => required(row, "producttitle", "ProductTitle")?,
    };
    let price = |column: &str, written: &str, term: &str| {
        monthly_minor(written, &currency, term).map_err(|t| problem(column, in_column(column, t)))
    };
    let unit_price = required(row, "unitprice", "UnitPrice")?;
    let monthly_minor = price("UnitPrice", &unit_price, &term)?;
    // One month's "term" divides by one: the amount as written, in minor units.
    let term_minor = price("UnitPrice", &unit_price, "P1M")?;
    let erp_minor = match row.get("erpprice") {
        erp if erp.is_empty() => None,
        erp => Some(price("ERP Price", &erp, &term)?),
    };
    let (tier_min, tier_max) = (
        tier("PricingTierRangeMin", &row.get("pricingtierrangemin"))?,
        tier("PricingTierRangeMax", &row.get("pricingtierrangemax"))?,
    );
    if let (Some(min), Some(max)) = (tier_min, tier_max) {
        if min > max {
            return Err(problem(
                "PricingTierRangeMax",
                text!(
                    "PricingTierRangeMax '{max}' is below PricingTierRangeMin '{min}'",
                    "PricingTierRangeMax „{max}” jest mniejsze niż PricingTierRangeMin „{min}”"
                ),
            ));
        }
    }
    let starts_at = match row.get("effectivestartdate") {
        s if s.is_empty() => SINCE_EVER.to_owned(),
        s => price_date("EffectiveStartDate", &s)?.unwrap_or_else(|| SINCE_EVER.to_owned()),
    };
    let ends_at = match row.get("effectiveenddate") {
        e if e.is_empty() => None,
        e => price_date("EffectiveEndDate", &e)?,
    };
    if ends_at
        .as_deref()
        .is_some_and(|end| end <= starts_at.as_str())
    {
        let written = crate::validate::shown(&row.get("effectiveenddate"));
        return Err(problem(
            "EffectiveEndDate",
            text!(
                "EffectiveEndDate '{written}' is not after EffectiveStartDate",
                "EffectiveEndDate „{written}” nie jest późniejsza niż EffectiveStartDate"
            ),
        ));
    }
    let tags = row.get("tags");
    let trial = tags
        .split([';', ','])
        .any(|tag| tag.trim().eq_ignore_ascii_case("trial"));
    if trial && billing_plan != "none" {
        let shown = crate::validate::shown(&tags);
        return Err(problem(
            "Tags",
            text!(
                "Tags '{shown}' marks a trial, but a trial's BillingPlan is None, not {billing_plan}",
                "Tags „{shown}” oznacza wersję próbną, a wersja próbna ma BillingPlan None, nie {billing_plan}"
            ),
        ));
    }
    let written_sku = required(row, "skuid", "SkuId")?;
    let sku_padded = written_sku.len() < 4 && written_sku.bytes().all(|b| b.is_ascii_digit());
    let sku_id = if sku_padded {
        format!("{written_sku:0>4}")
    } else {
        written_sku
    };
    Ok(PriceRow {
        key: ServiceKey {
            product_id: bounded(
                "ProductId",
                required(row, "productid", "ProductId")?,
                limits::PRICE_LIST_ID,
            )?,
            sku_id: bounded("SkuId", sku_id, limits::PRICE_LIST_ID)?,
            term,
            billing_plan,
            market: bounded(
                "Market",
                required(row, "market", "Market")?.to_uppercase(),
                limits::MARKET,
            )?,
            currency,
            segment: segment(&row.get("segment"))?,
            tier_min,
            tier_max,
        },
        details: Details {
            title: bounded("SkuTitle", title, limits::SERVICE_TITLE)?,
            description: bounded(
                "SkuDescription",
                html_to_text(&row.get("skudescription")),
                limits::SERVICE_DESCRIPTION,
            )?,
            publisher: bounded("Publisher", row.get("publisher"), limits::PUBLISHER)?,
            unit_of_measure: bounded("UnitOfMeasure", row.get("unitofmeasure"), limits::PUBLISHER)?,
            trial,
        },
        starts_at,
        ends_at,
        monthly_minor,
        term_minor,
        erp_minor,
        sku_padded,
    })
}

/// The months in a term: P1M 1, P1Y 12, P3Y 36.
pub(crate) fn months(term: &str) -> i64 {
    match term {
        "P1Y" => 12,
        "P3Y" => 36,
        _ => 1,
    }
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
    let months = i128::from(months(term));
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

#[cfg(test)]
pub(crate) mod tests_support {
    pub fn monthly(text: &str, currency: &str, term: &str) -> Result<i64, crate::text::Text> {
        super::monthly_minor(text, currency, term)
    }
}
