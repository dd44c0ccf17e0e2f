//! Subscriptions the partner sells to its customers: added from the catalog,
//! changed by staff within Microsoft's rules, renewed or ended by the clock.
//! Every change keeps a history row (who, when, from, to, why) and an audit entry.

mod after_term;
#[cfg(test)]
mod after_term_tests;
mod conversion;
mod flags;
mod in_write;
mod list;
mod lots;
mod machine;
mod prorate;
mod term;
mod term_end;
#[cfg(test)]
mod tests;
mod trial_end;
#[cfg(test)]
mod trial_tests;
mod trials;
mod upgrade;
#[cfg(test)]
mod upgrade_tests;
mod windows;
#[cfg(test)]
mod windows_tests;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use ts_rs::TS;

use crate::access::{
    guarded_read, guarded_write, read_target, require, require_for_customer, Action, Guarded,
};
use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::Actor;
use crate::catalog::seats::{self, SeatRequest};
use crate::change::{Change, Entity};
use crate::clock::{add_days, parse_business_time, parse_rfc3339, to_rfc3339, Clock};
use crate::customers;
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::store::Store;
use crate::validate;

pub use crate::partner_of_record::set_for_subscription as set_partner_of_record;
pub(crate) use after_term::STEPS as AFTER_TERM_STEPS;
use conversion::apply_conversion;
pub use conversion::{active_trial_of, convert_trial, convert_trial_in};
pub use flags::set_auto_renew;
pub use in_write::{add_licences_in, extend_term_in, live_of_service, never_set_up};
pub use list::{
    export_list, list, SubscriptionPage, SubscriptionQuery, SubscriptionSort, LIVE_SUBSCRIPTIONS,
};
pub use lots::{LicenceLot, LotOrigin};
pub use machine::{transition, SubscriptionEvent, SubscriptionStatus};
pub use term::{add_term, check_billing_plan, TERMS};
pub use term_end::apply_clock;
use term_end::system;
pub use trial_end::KIND_TRIAL;
pub use trials::{
    clear_trial_conversion, schedule_trial_conversion, DEFAULT_CONVERSION_BILLING,
    DEFAULT_CONVERSION_TERM, TRIAL_DAYS, TRIAL_SEATS,
};
pub use upgrade::{upgrade, upgrade_targets, UpgradeInput, UpgradeOutcome, UpgradeTarget};
pub use windows::{
    lock_offer_price, quote_quantity, Amounts, Cancellation, QuantityQuote, RefundableQuantity,
    RefundableQuantityDetail, Windows,
};

/// Most licences one subscription may hold: the limit of a SKU the offer
/// matrix has no row for (with a row, its ceilings apply too: `catalog::seats`).
pub const MAX_QUANTITY: u32 = 300_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Subscription {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub service_id: String,
    pub service_title: String,
    pub status: SubscriptionStatus,
    pub trial: bool,
    pub quantity: u32,
    pub term: String,
    pub billing_plan: String,
    pub auto_renew: bool,
    pub starts_at: String,
    /// The purchase or the latest renewal: the decrease window runs from here.
    pub term_started_at: String,
    pub ends_at: String,
    /// Until when the licence count may fall (the catalog's window after `term_started_at`).
    pub decrease_window_closes_at: String,
    pub source: String,
    /// Derived: the partner's claim for this service's workload stands
    /// (decision 0044; `partner_of_record` module).
    pub partner_of_record: bool,
    /// When the claim was made (absent when not POR).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_of_record_at: Option<String>,
    /// Who recorded it.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub partner_of_record_by: Option<String>,
    /// A trial's scheduled conversion at its end; absent: it just ends.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conversion: Option<TrialConversion>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancelled_at: Option<String>,
    /// Cancelled within the decrease window: Microsoft refunds it.
    pub refundable: bool,
    pub created_at: String,
    /// The status the clock moves it to next (expired, disabled, deleted),
    /// when one is due without anyone acting.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_status: Option<SubscriptionStatus>,
    /// When [`Self::next_status`] comes.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_status_at: Option<String>,
    /// When the customer's data goes (or went), if nothing changes: term end
    /// + 120 days, or the cancellation + 7 days; absent while it renews.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_deleted_at: Option<String>,
    /// The subscription a partial upgrade split this one from.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgraded_from: Option<String>,
}

/// One row of a subscription's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SubscriptionChange {
    pub at: String,
    pub actor_name: String,
    /// created, quantity, suspended, reactivated, cancelled, converted, started,
    /// renewed, expired, disabled, deleted, upgraded, auto_renew, partner_of_record,
    /// conversion_scheduled, conversion_cleared, conversion_refused.
    pub kind: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_value: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_value: Option<String>,
    pub reason: String,
    /// The money the change moved, where a price is known: an addition's
    /// prorated charge, a removal's or a cancellation's prorated refund.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub amount: Option<crate::money::Money>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SubscriptionDetail {
    pub subscription: Subscription,
    /// Oldest first.
    pub history: Vec<SubscriptionChange>,
    /// The cancellation window and each licence lot's window, at the app's clock.
    pub windows: Windows,
}

/// Adding a subscription by hand (trial invitations, offers and keys add theirs later).
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct SubscriptionInput {
    pub customer_id: String,
    pub service_id: String,
    /// For a trial: the licences it converts into at its end (the trial itself
    /// always has Microsoft's 25; 0 means 25).
    pub quantity: u32,
    /// P1M, P1Y or P3Y; the catalog service's own when absent (for a trial:
    /// the converted term, P1Y when absent).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term: Option<String>,
    /// monthly, annual or triennial; the catalog service's own when absent
    /// (for a trial: the converted billing, monthly when absent).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_plan: Option<String>,
    /// RFC 3339; now when absent. A later date makes the subscription pending.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
    /// For a trial: converts into the paid subscription at its end
    /// (Microsoft: "auto-renew must be turned on"); off: it just ends.
    pub auto_renew: bool,
    /// A free trial: Microsoft's 25 licences for 30 days.
    #[serde(default)]
    pub trial: bool,
}

/// A trial becoming paid, now or scheduled at its end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TrialConversion {
    pub quantity: u32,
    pub term: String,
    pub billing_plan: String,
    pub auto_renew: bool,
}

const COLUMNS: &str =
    "s.id, s.customer_id, c.company_name, s.service_id, cs.title, s.status, s.trial,
    s.quantity, s.term, s.billing_plan, s.auto_renew, s.starts_at, s.term_started_at, s.ends_at,
    s.source, por.customer_id IS NOT NULL, s.cancelled_at, s.refundable, s.created_at,
    cs.decrease_window_days, por.claimed_at, por.claimed_by, s.conversion_quantity,
    s.conversion_term, s.conversion_billing_plan, s.conversion_auto_renew, s.upgraded_from";
/// The partner of record is derived: a standing claim for the service's workload.
const FROM: &str = "subscriptions s JOIN customers c ON c.id = s.customer_id
    JOIN catalog_services cs ON cs.id = s.service_id
    LEFT JOIN catalog_workloads cw ON cw.service_id = s.service_id
    LEFT JOIN partner_of_record_claims por ON por.customer_id = s.customer_id
        AND por.workload = cw.workload AND por.state = 'claimed'";

fn subscription(row: &Row<'_>) -> rusqlite::Result<Subscription> {
    let status: String = row.get(5)?;
    let term_started_at: String = row.get(12)?;
    let window_days: u32 = row.get(19)?;
    let closes = OffsetDateTime::parse(
        &term_started_at,
        &time::format_description::well_known::Rfc3339,
    )
    .ok()
    .and_then(|t| term::decrease_window_closes(t, window_days).ok())
    .and_then(|t| to_rfc3339(t).ok())
    .unwrap_or_default();
    let conversion_quantity: Option<u32> = row.get(22)?;
    let conversion = match (conversion_quantity, row.get(23)?, row.get(24)?) {
        (Some(quantity), Some(term), Some(billing_plan)) => Some(TrialConversion {
            quantity,
            term,
            billing_plan,
            auto_renew: row.get(25)?,
        }),
        _ => None,
    };
    let mut s = Subscription {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        customer_name: row.get(2)?,
        service_id: row.get(3)?,
        service_title: row.get(4)?,
        status: SubscriptionStatus::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                5,
                rusqlite::types::Type::Text,
                format!("unknown subscription status '{status}'").into(),
            )
        })?,
        trial: row.get(6)?,
        quantity: row.get(7)?,
        term: row.get(8)?,
        billing_plan: row.get(9)?,
        auto_renew: row.get(10)?,
        starts_at: row.get(11)?,
        term_started_at,
        ends_at: row.get(13)?,
        decrease_window_closes_at: closes,
        source: row.get(14)?,
        partner_of_record: row.get(15)?,
        partner_of_record_at: row.get(20)?,
        partner_of_record_by: row.get(21)?,
        conversion,
        cancelled_at: row.get(16)?,
        refundable: row.get(17)?,
        created_at: row.get(18)?,
        next_status: None,
        next_status_at: None,
        data_deleted_at: None,
        upgraded_from: row.get(26)?,
    };
    after_term::fill(&mut s);
    Ok(s)
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Subscription> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE s.id = ?1"))?
        .query_row([id], subscription)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "subscription",
            id: id.to_owned(),
        })
}

fn history(conn: &Connection, id: &str) -> Result<Vec<SubscriptionChange>> {
    Ok(conn
        .prepare_cached(
            "SELECT at, actor_name, kind, from_value, to_value, reason, amount_minor, currency
             FROM subscription_changes WHERE subscription_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            let amount: Option<i64> = r.get(6)?;
            let currency: Option<String> = r.get(7)?;
            Ok(SubscriptionChange {
                at: r.get(0)?,
                actor_name: r.get(1)?,
                kind: r.get(2)?,
                from_value: r.get(3)?,
                to_value: r.get(4)?,
                reason: r.get(5)?,
                amount: amount
                    .zip(currency)
                    .map(|(amount_minor, currency)| crate::money::Money {
                        amount_minor,
                        currency,
                    }),
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

pub(crate) fn target(s: &Subscription) -> Target {
    Target {
        kind: "subscription",
        id: Some(s.id.clone()),
        label: format!("{} — {}", s.customer_name, s.service_title),
    }
}

/// One history row; `who` is the acting staff member or the clock.
pub(crate) fn record_change(
    conn: &Connection,
    id: &str,
    at: &str,
    who: &ActorRef,
    kind: &str,
    values: (Option<String>, Option<String>),
    reason: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO subscription_changes (subscription_id, at, actor_id, actor_name, kind,
             from_value, to_value, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        id, at, who.id, who.name, kind, values.0, values.1, reason
    ])?;
    Ok(())
}

fn change_of(s: &Subscription) -> Change {
    Change {
        entity: Entity::Subscription,
        ids: vec![s.id.clone(), s.customer_id.clone()],
    }
}

pub fn get(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<SubscriptionDetail> {
    let id = parse_id("id", id)?;
    let target = read_target("subscription", Some(&id), "");
    guarded_read(store, clock, actor, "subscription.view", target, |conn| {
        require(conn, actor, Action::ViewSubscriptions)?;
        let subscription = load(conn, &id)?;
        Ok(SubscriptionDetail {
            windows: windows::windows(conn, &subscription, clock.now())?,
            subscription,
            history: history(conn, &id)?,
        })
    })
}

fn check_quantity(quantity: u32) -> Result<u32> {
    if quantity == 0 || quantity > MAX_QUANTITY {
        return Err(Error::validation(
            "quantity",
            text!(
                "a subscription holds 1 to {MAX_QUANTITY} licences",
                "subskrypcja może mieć od 1 do {MAX_QUANTITY} licencji"
            ),
        ));
    }
    Ok(quantity)
}

struct CatalogTerms {
    title: String,
    product_id: String,
    sku_id: String,
    term: String,
    billing_plan: String,
    trial_seats: Option<u32>,
    trial_days: Option<u32>,
}

fn catalog_terms(conn: &Connection, service_id: &str) -> Result<CatalogTerms> {
    conn.prepare_cached(
        "SELECT title, product_id, sku_id, term, billing_plan, trial_seats, trial_days
         FROM catalog_services WHERE id = ?1",
    )?
    .query_row([service_id], |r| {
        Ok(CatalogTerms {
            title: r.get(0)?,
            product_id: r.get(1)?,
            sku_id: r.get(2)?,
            term: r.get(3)?,
            billing_plan: r.get(4)?,
            trial_seats: r.get(5)?,
            trial_days: r.get(6)?,
        })
    })
    .optional()?
    .ok_or_else(crate::catalog::unknown_service)
}

/// Where a subscription came from (DESIGN §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    Manual,
    TrialInvitation,
    PurchaseOffer,
    ProductKey,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Manual => "manual",
            Source::TrialInvitation => "trial_invitation",
            Source::PurchaseOffer => "purchase_offer",
            Source::ProductKey => "product_key",
        }
    }
}

/// Adds a subscription inside a write that is already under way: a trial
/// invitation's sign-up, an accepted offer, a redeemed product key. The
/// caller has checked who may; this checks the customer, the catalog terms
/// and the one-trial rule, writes the history row and the audit entry.
pub fn insert(
    tx: &Connection,
    clock: &dyn Clock,
    who: &ActorRef,
    input: &SubscriptionInput,
    source: Source,
) -> Result<Subscription> {
    let customer_id = parse_id("customer_id", &input.customer_id)?;
    let service_id = parse_id("service_id", &input.service_id)?;
    let now = clock.now();
    let starts = match input
        .starts_at
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(text) => parse_business_time("starts_at", text)?,
        None => now,
    };
    if starts < add_days(now, -1)? {
        return Err(Error::validation(
            "starts_at",
            text!(
                "the start date cannot be in the past",
                "data rozpoczęcia nie może być w przeszłości"
            ),
        ));
    }
    let customer = customers::load(tx, &customer_id)?;
    if customer.archived {
        let name = &customer.company_name;
        return Err(Error::invalid_state(text!(
            "{name} is archived; restore the customer first",
            "Klient {name} jest zarchiwizowany; najpierw go przywróć"
        )));
    }
    let service = catalog_terms(tx, &service_id)?;
    let (quantity, term, plan, ends, conversion) = if input.trial {
        // The catalog says only whether the offer has a trial: its length and
        // seats are Microsoft's (decision 0043).
        let (Some(_), Some(_)) = (service.trial_seats, service.trial_days) else {
            return Err(Error::validation("trial", {
                let title = &service.title;
                text!(
                    "{title} is not offered as a trial",
                    "Usługa {title} nie jest oferowana w wersji próbnej"
                )
            }));
        };
        trials::check_trial_allowed(tx, &customer_id, &service)?;
        let conversion = trials::conversion_at_creation(input)?;
        let ends = add_days(starts, i64::from(TRIAL_DAYS))?;
        let term = service.term.clone();
        (TRIAL_SEATS, term, "none".to_owned(), ends, conversion)
    } else {
        let term = input.term.clone().unwrap_or(service.term.clone());
        let plan = input
            .billing_plan
            .clone()
            .unwrap_or(service.billing_plan.clone());
        check_billing_plan(&term, &plan)?;
        let ends = add_term(starts, &term)?;
        let quantity = check_quantity(input.quantity)?;
        seats::check(
            tx,
            &SeatRequest {
                customer_id: Some(&customer_id),
                service_id: &service_id,
                adding: quantity,
                resulting: quantity,
            },
            &[],
        )?;
        (quantity, term, plan, ends, None)
    };
    let status = if starts > now {
        SubscriptionStatus::Pending
    } else {
        SubscriptionStatus::Active
    };
    let id = new_id();
    let (starts_text, now_text) = (to_rfc3339(starts)?, to_rfc3339(now)?);
    tx.execute(
        "INSERT INTO subscriptions (id, customer_id, service_id, status, trial, began_as_trial,
             quantity, term, billing_plan, auto_renew, starts_at, term_started_at, ends_at,
             source, created_at, updated_at, conversion_quantity, conversion_term,
             conversion_billing_plan, conversion_auto_renew)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?11, ?12, ?13, ?13, ?14, ?15,
             ?16, ?17)",
        params![
            id,
            customer_id,
            service_id,
            status.as_str(),
            input.trial,
            quantity,
            term,
            plan,
            input.auto_renew && !input.trial,
            starts_text,
            to_rfc3339(ends)?,
            source.as_str(),
            now_text,
            conversion.as_ref().map(|c| c.quantity),
            conversion.as_ref().map(|c| c.term.as_str()),
            conversion.as_ref().map(|c| c.billing_plan.as_str()),
            conversion.as_ref().is_none_or(|c| c.auto_renew)
        ],
    )?;
    record_change(
        tx,
        &id,
        &now_text,
        who,
        "created",
        (None, Some(quantity.to_string())),
        "",
    )?;
    let created = load(tx, &id)?;
    if !created.trial {
        // Licences bought with a product key were paid for with the key.
        let price = match source {
            Source::ProductKey => None,
            _ => lots::catalog_price(tx, &created.service_id, &starts_text)?,
        };
        let term = lots::Term::of(&created)?;
        windows::open_term(tx, &term, LotOrigin::Purchase, quantity, price)?;
    }
    let event = Event::done(who.clone(), "subscription.add", target(&created))
        .with_change(None, serde_json::to_value(&created).ok());
    audit::append(tx, clock, &event)?;
    Ok(created)
}

/// Adds a subscription from the catalog by hand (source: manual).
pub fn add(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &SubscriptionInput,
) -> Result<(Subscription, Change)> {
    let customer_id = parse_id("customer_id", &input.customer_id)?;
    let audit_target = Target {
        kind: "subscription",
        id: None,
        label: String::new(),
    };
    let created = guarded_write(
        store,
        clock,
        actor,
        "subscription.add",
        audit_target,
        |tx| {
            require_for_customer(tx, actor, Action::ManageSubscriptions, &customer_id)?;
            insert(tx, clock, &actor.audit_ref(), input, Source::Manual)
        },
    )?;
    let change = change_of(&created);
    Ok((created, change))
}

/// Runs one staff change on a subscription: the customer gate for `action`,
/// the work, a history row and an audit entry with before and after.
fn change_subscription(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    action: Action,
    audit_action: &'static str,
    work: impl FnOnce(&Connection, &Subscription, OffsetDateTime, &str) -> Result<()>,
) -> Result<(Subscription, Change)> {
    let id = parse_id("id", id)?;
    let now = clock.now();
    let now_text = to_rfc3339(now)?;
    let audit_target = Target {
        kind: "subscription",
        id: Some(id.clone()),
        label: String::new(),
    };
    let after = guarded_write(store, clock, actor, audit_action, audit_target, |tx| {
        let before = load(tx, &id)?;
        require_for_customer(tx, actor, action, &before.customer_id)?;
        work(tx, &before, now, &now_text)?;
        let after = load(tx, &id)?;
        let event = audit_action.trim_start_matches("subscription.");
        crate::notifications::subscription_changed(tx, clock, &before, &after, event)?;
        let event = Event::done(actor.audit_ref(), audit_action, target(&after)).with_change(
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        audit::append(tx, clock, &event)?;
        Ok(after)
    })?;
    let change = change_of(&after);
    Ok((after, change))
}

fn refuse_event(s: &Subscription, event: SubscriptionEvent) -> Error {
    let (title, customer) = (&s.service_title, &s.customer_name);
    let (status, status_pl) = (s.status.as_str(), s.status.describe_pl());
    let (done, done_pl) = (event.as_str(), event.describe_pl());
    Error::invalid_state(text!(
        "{title} for {customer} is {status}; it cannot be {done}",
        "Subskrypcja {title} klienta {customer} ma stan „{status_pl}”; nie można jej {done_pl}"
    ))
}

/// The YYYY-MM-DD of a stored instant.
fn date_of(text: &str) -> &str {
    text.get(..10).unwrap_or(text)
}

/// " (a trial)" after a trial's status, in English and Polish; empty otherwise.
fn trial_note(trial: bool) -> (&'static str, &'static str) {
    if trial {
        (" (a trial)", " (wersja próbna)")
    } else {
        ("", "")
    }
}

/// Changes the licence count. An increase is always allowed and becomes a lot
/// with its own window, charged prorata to the term end; a decrease takes
/// only from lots whose window is still open (`windows`).
pub fn change_quantity(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    quantity: u32,
    reason: &str,
) -> Result<(Subscription, Change)> {
    let quantity = check_quantity(quantity)?;
    let reason = validate::optional_text("reason", reason, crate::limits::REASON)?;
    change_subscription(
        store,
        clock,
        actor,
        id,
        Action::ManageSubscriptions,
        "subscription.quantity",
        |tx, s, now, now_text| {
            if !matches!(
                s.status,
                SubscriptionStatus::Active | SubscriptionStatus::Pending
            ) {
                let (status, status_pl) = (s.status.as_str(), s.status.describe_pl());
                return Err(Error::invalid_state(text!(
                    "the licence count of a {status} subscription cannot change",
                    "Subskrypcja ma stan „{status_pl}”; nie można zmienić liczby jej licencji"
                )));
            }
            if s.trial {
                return Err(Error::invalid_state(text!(
                    "a trial keeps its seats; convert it to paid to change the licence count",
                    "wersja próbna ma stałą liczbę licencji; aby ją zmienić, zamień subskrypcję na płatną"
                )));
            }
            if quantity == s.quantity {
                return Err(Error::validation(
                    "quantity",
                    text!(
                        "the subscription already holds {quantity} licences",
                        "subskrypcja ma już tyle licencji: {quantity}"
                    ),
                ));
            }
            let amounts = if quantity < s.quantity {
                windows::decrease(tx, s, s.quantity - quantity, now)?
            } else {
                windows::increase(tx, s, LotOrigin::Increase, quantity - s.quantity, now)?
            };
            seats::check(
                tx,
                &SeatRequest {
                    customer_id: Some(&s.customer_id),
                    service_id: &s.service_id,
                    adding: quantity.saturating_sub(s.quantity),
                    resulting: quantity,
                },
                &[],
            )?;
            tx.execute(
                "UPDATE subscriptions SET quantity = ?1, updated_at = ?2 WHERE id = ?3",
                params![quantity, now_text, s.id],
            )?;
            record_change(
                tx,
                &s.id,
                now_text,
                &actor.audit_ref(),
                "quantity",
                (Some(s.quantity.to_string()), Some(quantity.to_string())),
                &reason,
            )?;
            windows::record_amount(tx, &amounts)
        },
    )
}

/// Suspends, reactivates or cancels. A paid subscription is cancelled only
/// within the window after its term started, with a prorated refund kept on
/// the history row (`windows`); a trial at any time.
pub fn apply_event(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    event: SubscriptionEvent,
    reason: &str,
) -> Result<(Subscription, Change)> {
    let audit_action = match event {
        SubscriptionEvent::Suspend => "subscription.suspend",
        SubscriptionEvent::Reactivate => "subscription.reactivate",
        SubscriptionEvent::Cancel => "subscription.cancel",
        other => {
            return Err(Error::validation("event", {
                let event = other.as_str();
                text!(
                    "'{event}' is not something staff do to a subscription here",
                    "„{event}” nie jest działaniem, które można tu wykonać na subskrypcji"
                )
            }))
        }
    };
    let reason = validate::optional_text("reason", reason, crate::limits::REASON)?;
    change_subscription(
        store,
        clock,
        actor,
        id,
        Action::ManageSubscriptions,
        audit_action,
        |tx, s, now, now_text| {
            if s.trial && event == SubscriptionEvent::Suspend {
                return Err(trials::refuse_suspending_a_trial(s));
            }
            let next = transition(s.status, event).ok_or_else(|| refuse_event(s, event))?;
            let refund = if event == SubscriptionEvent::Cancel {
                windows::check_cancellation(tx, s, now)?
            } else {
                None
            };
            let refundable = refund.is_some();
            let cancelled_at = (event == SubscriptionEvent::Cancel).then_some(now_text);
            tx.execute(
                "UPDATE subscriptions SET status = ?1, updated_at = ?2,
                     cancelled_at = coalesce(?3, cancelled_at), refundable = ?4
                 WHERE id = ?5",
                params![next.as_str(), now_text, cancelled_at, refundable, s.id],
            )?;
            let note = match &refund {
                Some(refund) => format!(
                    "{reason} (within the cancellation window: {})",
                    windows::note("prorated refund", refund)
                )
                .trim()
                .to_owned(),
                None => reason.clone(),
            };
            record_change(
                tx,
                &s.id,
                now_text,
                &actor.audit_ref(),
                event.as_str(),
                (Some(s.status.as_str().into()), Some(next.as_str().into())),
                &note,
            )?;
            refund.map_or(Ok(()), |refund| windows::record_amount(tx, &refund))
        },
    )
}

/// Renders the filtered list as CSV or a workbook and audits the export.
pub fn export_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &SubscriptionQuery,
    format: impl Into<crate::exports::ExportFormat>,
) -> Result<crate::exports::RenderedExport> {
    let format = format.into();
    crate::exports::render_list_audited(store, clock, actor, "subscription", format, |out| {
        export_list(store, clock, actor, query, format, out)
    })
}
