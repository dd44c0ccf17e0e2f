//! Licence lots: every licence count a term started with or gained since,
//! each with its own window in which it may be removed again (Microsoft's
//! "refundable quantity", docs/decisions/0041). Opened by a purchase, a
//! renewal (the whole count) and a trial's conversion; added by every
//! increase. The lots of the current term are those added at or after its
//! start; their `remaining` adds up to the subscription's quantity.

use rusqlite::{params, Connection, Row};
use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use super::prorate::{prorated, refund, started_days};
use super::term::{decrease_window_closes, months};
use super::Subscription;
use crate::catalog::{offer_price, PriceSource};
use crate::clock::{parse_rfc3339, to_rfc3339};
use crate::error::{Error, Result};
use crate::money::Money;

/// How a lot's licences came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum LotOrigin {
    Purchase,
    /// The whole count, at the start of a renewed term.
    Renewal,
    /// A trial's paid count, from its conversion.
    Conversion,
    /// A quantity change by staff.
    Increase,
    /// Licences a redeemed product key added.
    ProductKey,
    /// Licences a partial upgrade moved here from the parent subscription.
    Upgrade,
    /// The count a subscription had when lots began to be kept (migration 0016).
    Migrated,
}

impl LotOrigin {
    fn as_str(self) -> &'static str {
        match self {
            LotOrigin::Purchase => "purchase",
            LotOrigin::Renewal => "renewal",
            LotOrigin::Conversion => "conversion",
            LotOrigin::Increase => "increase",
            LotOrigin::ProductKey => "product_key",
            LotOrigin::Upgrade => "upgrade",
            LotOrigin::Migrated => "migrated",
        }
    }

    fn parse(text: &str) -> LotOrigin {
        [
            LotOrigin::Purchase,
            LotOrigin::Renewal,
            LotOrigin::Conversion,
            LotOrigin::Increase,
            LotOrigin::ProductKey,
            LotOrigin::Upgrade,
        ]
        .into_iter()
        .find(|o| o.as_str() == text)
        .unwrap_or(LotOrigin::Migrated)
    }
}

/// One lot of the current term, as the detail shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct LicenceLot {
    pub origin: LotOrigin,
    /// Licences added.
    pub quantity: u32,
    /// Of those, still held (removals within the window take from here).
    pub remaining: u32,
    pub added_at: String,
    /// The end of the lot's window.
    pub removable_until: String,
    /// The window is open at the app's clock.
    pub open: bool,
    /// Per licence per month, locked for the term; absent when not known.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_price: Option<Money>,
}

/// A lot as stored, with what its amounts need.
pub(crate) struct Lot {
    id: i64,
    pub(crate) shown: LicenceLot,
    added: OffsetDateTime,
    days: u32,
    term_days: u32,
    term_months: u32,
}

impl Lot {
    /// The prorated refund of `count` of this lot's licences removed at `now`.
    pub(crate) fn refund(&self, count: u32, now: OffsetDateTime) -> Result<Option<Money>> {
        let Some(price) = &self.shown.unit_price else {
            return Ok(None);
        };
        let used = started_days(self.added, now);
        let amount = refund(
            count,
            price.amount_minor,
            self.term_months,
            (self.days, used, self.term_days),
        )?;
        Ok(Some(Money::new(amount, &price.currency)?))
    }
}

fn lot(row: &Row<'_>, now: OffsetDateTime) -> rusqlite::Result<Lot> {
    let added_at: String = row.get(4)?;
    let removable_until: String = row.get(5)?;
    let price: Option<i64> = row.get(9)?;
    let currency: Option<String> = row.get(10)?;
    let until = parse_rfc3339("removable_until", &removable_until).map_err(to_sql)?;
    Ok(Lot {
        id: row.get(0)?,
        added: parse_rfc3339("added_at", &added_at).map_err(to_sql)?,
        days: row.get(6)?,
        term_days: row.get(7)?,
        term_months: row.get(8)?,
        shown: LicenceLot {
            origin: LotOrigin::parse(&row.get::<_, String>(1)?),
            quantity: row.get(2)?,
            remaining: row.get(3)?,
            open: now < until,
            added_at,
            removable_until,
            unit_price: price.zip(currency).map(|(amount_minor, currency)| Money {
                amount_minor,
                currency,
            }),
        },
    })
}

fn to_sql(e: Error) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, e.to_string().into())
}

/// The lots of the subscription's current term, oldest first.
pub(crate) fn of_term(
    conn: &Connection,
    s: &Subscription,
    now: OffsetDateTime,
) -> Result<Vec<Lot>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, how, quantity, remaining, added_at, removable_until, days, term_days,
                    term_months, unit_price_minor, currency
             FROM subscription_licence_lots
             WHERE subscription_id = ?1 AND added_at >= ?2 ORDER BY added_at, id",
        )?
        .query_map(params![s.id, s.term_started_at], |r| lot(r, now))?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The open lots a removal takes from, in the order it takes them: the
/// window that closes soonest first (decision 0041), so what stays removable
/// stays so the longest.
pub(crate) fn removable_order(lots: &[Lot]) -> Vec<&Lot> {
    let mut open: Vec<&Lot> = lots
        .iter()
        .filter(|l| l.shown.open && l.shown.remaining > 0)
        .collect();
    open.sort_by(|a, b| (&a.shown.removable_until, a.id).cmp(&(&b.shown.removable_until, b.id)));
    open
}

/// How many of `count` each open lot gives, in [`removable_order`].
pub(crate) fn plan<'a>(open: &[&'a Lot], count: u32) -> Vec<(&'a Lot, u32)> {
    let mut left = count;
    let mut taken = Vec::new();
    for lot in open {
        if left == 0 {
            break;
        }
        let n = left.min(lot.shown.remaining);
        taken.push((*lot, n));
        left -= n;
    }
    taken
}

/// The catalog's partner price per licence per month in force at `at`, or
/// none when the service has dated prices but none then.
pub(crate) fn catalog_price(
    conn: &Connection,
    service_id: &str,
    at: &str,
) -> Result<Option<Money>> {
    match offer_price(conn, service_id, at, PriceSource::Partner) {
        Ok((amount, currency)) => Ok(Some(Money::new(amount, &currency)?)),
        Err(Error::Validation { .. }) => Ok(None),
        Err(other) => Err(other),
    }
}

fn window_days(conn: &Connection, service_id: &str) -> Result<u32> {
    Ok(conn.query_row(
        "SELECT decrease_window_days FROM catalog_services WHERE id = ?1",
        [service_id],
        |r| r.get(0),
    )?)
}

/// Where a new lot goes: the subscription, its term's start and end.
pub(crate) struct Term<'a> {
    pub subscription_id: &'a str,
    pub service_id: &'a str,
    pub term: &'a str,
    pub started: OffsetDateTime,
    pub ends: OffsetDateTime,
}

impl<'a> Term<'a> {
    pub(crate) fn of(s: &'a Subscription) -> Result<Self> {
        Ok(Term {
            subscription_id: &s.id,
            service_id: &s.service_id,
            term: &s.term,
            started: parse_rfc3339("term_started_at", &s.term_started_at)?,
            ends: parse_rfc3339("ends_at", &s.ends_at)?,
        })
    }
}

/// A lot about to be written.
pub(crate) struct NewLot {
    pub origin: LotOrigin,
    pub quantity: u32,
    /// When the licences were added: never before the term's start.
    pub at: OffsetDateTime,
    pub unit_price: Option<Money>,
}

/// What a lot of `quantity` licences added at `at` is charged for: its days
/// to the term end, of the term's days. `None` price: not known.
pub(crate) fn charge(term: &Term<'_>, lot: &NewLot) -> Result<(Option<Money>, u32, u32)> {
    let at = lot.at.max(term.started);
    let term_days = started_days(term.started, term.ends).max(1);
    let days = started_days(at, term.ends);
    let months = u32::try_from(months(term.term)?).unwrap_or(1);
    let amount = match &lot.unit_price {
        Some(price) => Some(Money::new(
            prorated(lot.quantity, price.amount_minor, months, days, term_days)?,
            &price.currency,
        )?),
        None => None,
    };
    Ok((amount, days, term_days))
}

/// Writes a lot with its window and returns its prorated charge, where a
/// price is known.
pub(crate) fn insert(conn: &Connection, term: &Term<'_>, lot: &NewLot) -> Result<Option<Money>> {
    let at = lot.at.max(term.started);
    // A partial upgrade's licences inherit the parent's window (decision 0042):
    // it runs from the term's start, not from the move.
    let window_from = if lot.origin == LotOrigin::Upgrade {
        term.started
    } else {
        at
    };
    let until = decrease_window_closes(window_from, window_days(conn, term.service_id)?)?;
    let (amount, days, term_days) = charge(term, lot)?;
    conn.prepare_cached(
        "INSERT INTO subscription_licence_lots (subscription_id, how, quantity, remaining,
             added_at, removable_until, days, term_days, term_months, unit_price_minor, currency)
         VALUES (?1, ?2, ?3, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        term.subscription_id,
        lot.origin.as_str(),
        lot.quantity,
        to_rfc3339(at)?,
        to_rfc3339(until)?,
        days,
        term_days,
        months(term.term)?,
        lot.unit_price.as_ref().map(|p| p.amount_minor),
        lot.unit_price.as_ref().map(|p| p.currency.as_str()),
    ])?;
    Ok(amount)
}

/// The price the current term was bought at: the lot that opened it. An
/// increase is charged at it (the term's price is locked, decision 0041).
pub(crate) fn term_price(lots: &[Lot]) -> Option<Money> {
    lots.iter()
        .find(|l| {
            matches!(
                l.shown.origin,
                LotOrigin::Purchase | LotOrigin::Renewal | LotOrigin::Conversion
            )
        })
        .and_then(|l| l.shown.unit_price.clone())
}

/// Takes `count` licences out of the open lots (in [`removable_order`]) and
/// returns the refunds, one per lot that had a price, and how many of the
/// removed had none. The caller has checked that the lots hold `count`.
pub(crate) fn take(
    conn: &Connection,
    open: &[&Lot],
    count: u32,
    now: OffsetDateTime,
) -> Result<(Vec<Money>, u32)> {
    let (mut refunds, mut unpriced) = (Vec::new(), 0);
    for (lot, taken) in plan(open, count) {
        conn.prepare_cached(
            "UPDATE subscription_licence_lots SET remaining = remaining - ?1 WHERE id = ?2",
        )?
        .execute(params![taken, lot.id])?;
        match lot.refund(taken, now)? {
            Some(money) => refunds.push(money),
            None => unpriced += taken,
        }
    }
    Ok((refunds, unpriced))
}

/// Locks the price an accepted offer sold the term at onto the lot that
/// opened the term (a purchase or a trial's conversion).
pub(crate) fn set_term_price(conn: &Connection, s: &Subscription, price: &Money) -> Result<()> {
    conn.execute(
        "UPDATE subscription_licence_lots SET unit_price_minor = ?1, currency = ?2
         WHERE subscription_id = ?3 AND added_at >= ?4 AND how IN ('purchase', 'conversion')",
        params![price.amount_minor, price.currency, s.id, s.term_started_at],
    )?;
    Ok(())
}

/// Moves `count` licences of `from`'s current term to `to`, the subscription a
/// partial upgrade made (decisions 0041, 0042). They leave the parent's lots
/// whose windows have closed first, then the open ones closing soonest, so the
/// parent keeps what it may still remove for as long as it can; nothing is
/// refunded (an upgrade is not a removal). On `to` they are one lot at the
/// target's catalog price, whose window is the parent's term window.
pub(crate) fn move_to_upgrade(
    conn: &Connection,
    from: &Subscription,
    to: &Subscription,
    count: u32,
    now: OffsetDateTime,
) -> Result<()> {
    let lots = of_term(conn, from, now)?;
    let mut order: Vec<&Lot> = lots
        .iter()
        .filter(|l| !l.shown.open && l.shown.remaining > 0)
        .collect();
    order.extend(removable_order(&lots));
    for (lot, taken) in plan(&order, count) {
        conn.prepare_cached(
            "UPDATE subscription_licence_lots SET remaining = remaining - ?1 WHERE id = ?2",
        )?
        .execute(params![taken, lot.id])?;
    }
    let unit_price = catalog_price(conn, &to.service_id, &to_rfc3339(now)?)?;
    let lot = NewLot {
        origin: LotOrigin::Upgrade,
        quantity: count,
        at: now,
        unit_price,
    };
    insert(conn, &Term::of(to)?, &lot)?;
    Ok(())
}
