//! Microsoft's new-commerce windows (docs/decisions/0041): a subscription
//! may be cancelled only within the window after its term started (purchase,
//! renewal or a trial's conversion), with a prorated refund; each licence
//! increase may be removed only within its own window (the "refundable
//! quantity"); an addition is co-terminous with the term and charged prorata.
//! Every path that cancels or changes the licence count asks here.

use rusqlite::{params, Connection};
use serde::Serialize;
use time::OffsetDateTime;
use ts_rs::TS;

use super::lots::{self, LicenceLot, LotOrigin, NewLot, Term};
use super::{load, Subscription, SubscriptionStatus};
use crate::access::{guarded_read, read_target, require, Action};
use crate::auth::Actor;
use crate::clock::{parse_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::parse_id;
use crate::money::Money;
use crate::offers::message::amount;
use crate::offers::money::totals;
use crate::store::Store;
use crate::text::Text;

/// Microsoft's `RefundableQuantity`: "the number of seats eligible for
/// reduction at the time of the request", with a breakdown by when each part
/// can be reduced until (`TotalQuantity`, `Details[{Quantity,
/// AllowedUntilDateTime}]`, Partner Center .NET SDK).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RefundableQuantity {
    pub total: u32,
    /// Soonest closing first: the order a removal takes them in.
    pub details: Vec<RefundableQuantityDetail>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RefundableQuantityDetail {
    pub quantity: u32,
    pub allowed_until: String,
}

/// A prorated amount: one total per currency (usually one), and how many
/// licences had no known price and are not in it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Amounts {
    pub totals: Vec<Money>,
    pub unpriced_quantity: u32,
}

impl Amounts {
    fn of(parts: Vec<Money>, unpriced_quantity: u32) -> Result<Self> {
        Ok(Amounts {
            totals: totals(parts.iter().map(|m| (m.currency.as_str(), m.amount_minor)))?,
            unpriced_quantity,
        })
    }

    /// The one total a history row keeps (the first currency's).
    pub(crate) fn recorded(&self) -> Option<&Money> {
        self.totals.first()
    }

    /// "123.45 PLN", "no price known for 5 licences", or both.
    fn describe(&self) -> Text {
        let en = self
            .totals
            .iter()
            .map(|m| format!("{} {}", amount(m.amount_minor, "en"), m.currency))
            .collect::<Vec<_>>()
            .join(" + ");
        let pl = self
            .totals
            .iter()
            .map(|m| format!("{} {}", amount(m.amount_minor, "pl"), m.currency))
            .collect::<Vec<_>>()
            .join(" + ");
        let n = self.unpriced_quantity;
        match (self.totals.is_empty(), n) {
            (_, 0) => Text::new(en, pl),
            (true, _) => text!(
                "no price is known for these {n} licences",
                "cena tych licencji ({n}) nie jest znana"
            ),
            (false, _) => text!(
                "{en}, and no price is known for {n} more licences",
                "{pl}, a cena kolejnych licencji ({n}) nie jest znana"
            ),
        }
    }
}

/// The cancellation window of the current term.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Cancellation {
    /// Microsoft's `CancellationAllowedUntilDate`: the window's end.
    pub allowed_until: String,
    pub open: bool,
    /// What cancelling now refunds (open, paid subscriptions only).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refund: Option<Amounts>,
    /// Why it can no longer be cancelled, and what remains (the refusal's words).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed: Option<Text>,
}

/// The windows a subscription's detail shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Windows {
    pub refundable_quantity: RefundableQuantity,
    /// The current term's lots, oldest first.
    pub lots: Vec<LicenceLot>,
    pub cancellation: Cancellation,
}

/// What changing the licence count to `to` would do now, before staff confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct QuantityQuote {
    pub from: u32,
    pub to: u32,
    /// For an increase, the prorated charge to the term end; for a decrease,
    /// the prorated refund.
    pub amounts: Amounts,
    /// For an increase: the days charged (today to the term end).
    pub days: u32,
    pub term_ends_at: String,
    /// Why the change would be refused (too many to remove), in the refusal's words.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refused: Option<Text>,
}

/// `2026-12-02T09:00:00.000Z` → `2026-12-02 09:00 UTC`.
fn shown(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(date), Some(time)) => format!("{date} {time} UTC"),
        _ => at.to_owned(),
    }
}

fn refundable(lots: &[lots::Lot]) -> RefundableQuantity {
    let details: Vec<RefundableQuantityDetail> = lots::removable_order(lots)
        .into_iter()
        .map(|l| RefundableQuantityDetail {
            quantity: l.shown.remaining,
            allowed_until: l.shown.removable_until.clone(),
        })
        .collect();
    RefundableQuantity {
        total: details.iter().map(|d| d.quantity).sum(),
        details,
    }
}

/// Only a paid subscription that still runs has windows; a trial's seats
/// cannot change and it is not bought (it is cancelled at no charge).
fn has_windows(s: &Subscription) -> bool {
    !s.trial && s.status.is_live()
}

pub(crate) fn windows(conn: &Connection, s: &Subscription, now: OffsetDateTime) -> Result<Windows> {
    let lots = if has_windows(s) {
        lots::of_term(conn, s, now)?
    } else {
        Vec::new()
    };
    let open = cancellation_open(s, now)?;
    let cancellation = Cancellation {
        allowed_until: s.decrease_window_closes_at.clone(),
        open: open && s.status.is_live(),
        refund: if open && has_windows(s) {
            Some(cancellation_refund(&lots, now)?)
        } else {
            None
        },
        closed: (!open && has_windows(s)).then(|| cancellation_closed(s)),
    };
    Ok(Windows {
        refundable_quantity: refundable(&lots),
        lots: lots.into_iter().map(|l| l.shown).collect(),
        cancellation,
    })
}

fn cancellation_open(s: &Subscription, now: OffsetDateTime) -> Result<bool> {
    Ok(now < parse_rfc3339("decrease_window_closes_at", &s.decrease_window_closes_at)?)
}

/// Everything the term holds, refunded prorata for the days not used.
fn cancellation_refund(lots: &[lots::Lot], now: OffsetDateTime) -> Result<Amounts> {
    let (mut parts, mut unpriced) = (Vec::new(), 0);
    for lot in lots.iter().filter(|l| l.shown.remaining > 0) {
        match lot.refund(lot.shown.remaining, now)? {
            Some(money) => parts.push(money),
            None => unpriced += lot.shown.remaining,
        }
    }
    Amounts::of(parts, unpriced)
}

/// The refusal of a cancellation after the window, with what remains.
fn cancellation_closed(s: &Subscription) -> Text {
    let (title, customer) = (&s.service_title, &s.customer_name);
    let closed = shown(&s.decrease_window_closes_at);
    let started = shown(&s.term_started_at);
    let ends = shown(&s.ends_at);
    if s.status == SubscriptionStatus::Suspended {
        text!(
            "{title} for {customer} can no longer be cancelled: the cancellation window closed at {closed} (it opened when the term started at {started}). It is suspended, which Microsoft keeps billing, and it ends at the term end ({ends}) unless it is reactivated",
            "Subskrypcji {title} klienta {customer} nie można już anulować: okno anulowania zamknęło się {closed} (otworzyło się z początkiem okresu {started}). Jest zawieszona, za co Microsoft nadal nalicza opłaty, i kończy się z końcem okresu ({ends}), chyba że zostanie wznowiona"
        )
    } else if s.auto_renew {
        text!(
            "{title} for {customer} can no longer be cancelled: the cancellation window closed at {closed} (it opened when the term started at {started}). What remains: turn off auto-renew so it expires at the term end ({ends}), or suspend it — Microsoft keeps billing a suspended subscription",
            "Subskrypcji {title} klienta {customer} nie można już anulować: okno anulowania zamknęło się {closed} (otworzyło się z początkiem okresu {started}). Pozostaje: wyłączyć automatyczne odnawianie, aby wygasła z końcem okresu ({ends}), albo ją zawiesić — Microsoft nadal nalicza opłaty za zawieszoną subskrypcję"
        )
    } else {
        text!(
            "{title} for {customer} can no longer be cancelled: the cancellation window closed at {closed} (it opened when the term started at {started}). Auto-renew is already off, so it expires at the term end ({ends}); it can still be suspended — Microsoft keeps billing a suspended subscription",
            "Subskrypcji {title} klienta {customer} nie można już anulować: okno anulowania zamknęło się {closed} (otworzyło się z początkiem okresu {started}). Automatyczne odnawianie jest już wyłączone, więc wygaśnie z końcem okresu ({ends}); nadal można ją zawiesić — Microsoft nadal nalicza opłaty za zawieszoną subskrypcję"
        )
    }
}

/// Checks that `s` may be cancelled at `now` and returns the refund: a
/// paid subscription only within its term's window; a trial at any time, at
/// no charge.
pub(crate) fn check_cancellation(
    conn: &Connection,
    s: &Subscription,
    now: OffsetDateTime,
) -> Result<Option<Amounts>> {
    if s.trial {
        return Ok(None);
    }
    if !cancellation_open(s, now)? {
        return Err(Error::invalid_state(cancellation_closed(s)));
    }
    Ok(Some(cancellation_refund(
        &lots::of_term(conn, s, now)?,
        now,
    )?))
}

/// Opens a term's first lot: the whole count at a purchase, a renewal or a
/// trial's conversion, priced at `unit_price` for the whole term.
pub(crate) fn open_term(
    conn: &Connection,
    term: &Term<'_>,
    origin: LotOrigin,
    quantity: u32,
    unit_price: Option<Money>,
) -> Result<()> {
    let lot = NewLot {
        origin,
        quantity,
        at: term.started,
        unit_price,
    };
    lots::insert(conn, term, &lot)?;
    Ok(())
}

/// The price a new lot of `origin` is charged at: the term's locked price
/// (the catalog's now when the term's is not known); none for licences a
/// product key paid for.
fn addition_price(
    conn: &Connection,
    s: &Subscription,
    origin: LotOrigin,
    lots: &[lots::Lot],
    now: &str,
) -> Result<Option<Money>> {
    if origin == LotOrigin::ProductKey {
        return Ok(None);
    }
    match lots::term_price(lots) {
        Some(price) => Ok(Some(price)),
        None => lots::catalog_price(conn, &s.service_id, now),
    }
}

/// Adds `count` licences as a new lot with its own window; returns the
/// prorated charge to the term end.
pub(crate) fn increase(
    conn: &Connection,
    s: &Subscription,
    origin: LotOrigin,
    count: u32,
    now: OffsetDateTime,
) -> Result<Amounts> {
    let lots = lots::of_term(conn, s, now)?;
    let unit_price = addition_price(conn, s, origin, &lots, &crate::clock::to_rfc3339(now)?)?;
    let priced = unit_price.is_some();
    let lot = NewLot {
        origin,
        quantity: count,
        at: now,
        unit_price,
    };
    let charge = lots::insert(conn, &Term::of(s)?, &lot)?;
    Amounts::of(charge.into_iter().collect(), if priced { 0 } else { count })
}

/// Removes `count` licences from the open lots, soonest-closing first;
/// refuses more than they hold, saying how many can go now and until when.
pub(crate) fn decrease(
    conn: &Connection,
    s: &Subscription,
    count: u32,
    now: OffsetDateTime,
) -> Result<Amounts> {
    let lots = lots::of_term(conn, s, now)?;
    let open = lots::removable_order(&lots);
    let available: u32 = open.iter().map(|l| l.shown.remaining).sum();
    if available < count {
        return Err(Error::invalid_state(too_many(s, &lots, count)));
    }
    let (refunds, unpriced) = lots::take(conn, &open, count, now)?;
    Amounts::of(refunds, unpriced)
}

/// The refusal of a removal larger than the open windows hold.
fn too_many(s: &Subscription, lots: &[lots::Lot], removing: u32) -> Text {
    let refundable = refundable(lots);
    let ends = shown(&s.ends_at);
    if refundable.total == 0 {
        let last = lots
            .iter()
            .map(|l| l.shown.removable_until.as_str())
            .max()
            .map(shown)
            .unwrap_or_else(|| shown(&s.decrease_window_closes_at));
        return text!(
            "no licences can be removed now: the window of every licence added this term has closed (the last at {last}). The count can still rise; it can fall again only within the window after a renewal ({ends})",
            "teraz nie można usunąć żadnej licencji: okno każdej licencji dodanej w tym okresie jest już zamknięte (ostatnie {last}). Liczbę licencji nadal można zwiększyć; zmniejszyć ją można dopiero w oknie po odnowieniu ({ends})"
        );
    }
    let n = refundable.total;
    let parts = |until: &str| {
        refundable
            .details
            .iter()
            .map(|d| format!("{} {until} {}", d.quantity, shown(&d.allowed_until)))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let (en, pl) = (parts("until"), parts("do"));
    text!(
        "only {n} of the {removing} licences can be removed now ({en}); the others were added before their window closed and stay until the term ends ({ends})",
        "teraz można usunąć tylko {n} z {removing} licencji ({pl}); pozostałe mają już zamknięte okno i zostają do końca okresu ({ends})"
    )
}

/// What changing the licence count to `quantity` would charge or refund now
/// (the quantity dialog shows it before staff confirm).
pub fn quote_quantity(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    quantity: u32,
) -> Result<QuantityQuote> {
    let id = parse_id("id", id)?;
    let target = read_target("subscription", Some(&id), "");
    guarded_read(store, clock, actor, "subscription.quote", target, |conn| {
        require(conn, actor, Action::ViewSubscriptions)?;
        let s = load(conn, &id)?;
        let now = clock.now();
        let lots = lots::of_term(conn, &s, now)?;
        let mut quote = QuantityQuote {
            from: s.quantity,
            to: quantity,
            amounts: Amounts::default(),
            days: 0,
            term_ends_at: s.ends_at.clone(),
            refused: None,
        };
        if !has_windows(&s) || quantity == s.quantity || quantity == 0 {
            return Ok(quote);
        }
        if quantity > s.quantity {
            let count = quantity - s.quantity;
            let now_text = crate::clock::to_rfc3339(now)?;
            let unit_price = addition_price(conn, &s, LotOrigin::Increase, &lots, &now_text)?;
            let priced = unit_price.is_some();
            let lot = NewLot {
                origin: LotOrigin::Increase,
                quantity: count,
                at: now,
                unit_price,
            };
            let (charge, days, _) = lots::charge(&Term::of(&s)?, &lot)?;
            quote.amounts =
                Amounts::of(charge.into_iter().collect(), if priced { 0 } else { count })?;
            quote.days = days;
            return Ok(quote);
        }
        let count = s.quantity - quantity;
        let open = lots::removable_order(&lots);
        if open.iter().map(|l| l.shown.remaining).sum::<u32>() < count {
            quote.refused = Some(too_many(&s, &lots, count));
            return Ok(quote);
        }
        let (mut parts, mut unpriced) = (Vec::new(), 0);
        for (lot, taken) in lots::plan(&open, count) {
            match lot.refund(taken, now)? {
                Some(money) => parts.push(money),
                None => unpriced += taken,
            }
        }
        quote.amounts = Amounts::of(parts, unpriced)?;
        Ok(quote)
    })
}

/// The text of an amount as a history reason's note: "refund 12.34 PLN".
pub(crate) fn note(what: &str, amounts: &Amounts) -> String {
    format!("{what} {}", amounts.describe().en)
}

/// Keeps the money of the history row just written (its `amount`).
pub(crate) fn record_amount(conn: &Connection, amounts: &Amounts) -> Result<()> {
    if let Some(money) = amounts.recorded() {
        conn.prepare_cached(
            "UPDATE subscription_changes SET amount_minor = ?1, currency = ?2
             WHERE id = last_insert_rowid()",
        )?
        .execute(params![money.amount_minor, money.currency])?;
    }
    Ok(())
}

/// Locks the price an accepted offer sold a subscription's term at (per
/// licence per month, after the line's discount) onto the term's licences,
/// in place of the catalog's: additions this term are charged at it.
pub fn lock_offer_price(tx: &Connection, id: &str, unit_price: &crate::money::Money) -> Result<()> {
    lots::set_term_price(tx, &load(tx, id)?, unit_price)
}
