//! Free trials as Microsoft runs them (decision 0043, research in 0035):
//! 25 licences for 30 days, whatever the catalog or the caller asks; one per
//! offer per customer, ever, and none of an offer the customer already owns;
//! never suspended; at the end either converted into the paid subscription
//! scheduled for it (Microsoft's default: 25 licences, one year, billed
//! monthly) or simply ended.

use rusqlite::{params, Connection, OptionalExtension};

use super::{
    change_subscription, check_billing_plan, check_quantity, record_change, CatalogTerms,
    Subscription, SubscriptionInput, TrialConversion,
};
use crate::access::Action;
use crate::auth::Actor;
use crate::change::Change;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// "All free trials provide 25 licenses"; "You can't change the number of
/// licenses during the trial" (0035, Trials).
pub const TRIAL_SEATS: u32 = 25;
/// "All trials are for 30 days" (0035, Trials).
pub const TRIAL_DAYS: u32 = 30;
/// "25 seats are automatically converted … with a one-year commitment and
/// monthly billing" (0035, Trials).
pub const DEFAULT_CONVERSION_TERM: &str = "P1Y";
pub const DEFAULT_CONVERSION_BILLING: &str = "monthly";

/// What a new trial converts into at its end: nothing when auto-renew is
/// off (Microsoft: "To convert a free trial into a paid subscription,
/// auto-renew must be turned on"); else the input's count, term and billing
/// plan, each defaulting to Microsoft's.
pub(super) fn conversion_at_creation(input: &SubscriptionInput) -> Result<Option<TrialConversion>> {
    if !input.auto_renew {
        return Ok(None);
    }
    let conversion = TrialConversion {
        quantity: if input.quantity == 0 {
            TRIAL_SEATS
        } else {
            input.quantity
        },
        term: input
            .term
            .clone()
            .unwrap_or_else(|| DEFAULT_CONVERSION_TERM.into()),
        billing_plan: input
            .billing_plan
            .clone()
            .unwrap_or_else(|| DEFAULT_CONVERSION_BILLING.into()),
        auto_renew: true,
    };
    check_conversion(&conversion)?;
    Ok(Some(conversion))
}

fn check_conversion(conversion: &TrialConversion) -> Result<()> {
    check_quantity(conversion.quantity)?;
    check_billing_plan(&conversion.term, &conversion.billing_plan)
}

/// Refuses a trial of an offer (product and SKU) the customer already had a
/// trial of, ever, or already owns: a live paid subscription of it.
pub(super) fn check_trial_allowed(
    conn: &Connection,
    customer_id: &str,
    service: &CatalogTerms,
) -> Result<()> {
    let title = &service.title;
    let earlier: Option<String> = conn
        .prepare_cached(
            "SELECT s.created_at FROM subscriptions s JOIN catalog_services cs ON cs.id = s.service_id
             WHERE s.customer_id = ?1 AND s.began_as_trial = 1
               AND cs.product_id = ?2 AND cs.sku_id = ?3 LIMIT 1",
        )?
        .query_row(params![customer_id, service.product_id, service.sku_id], |r| r.get(0))
        .optional()?;
    if let Some(at) = earlier {
        let started = at.get(..10).unwrap_or(&at);
        return Err(Error::conflict(
            "trial",
            text!(
                "the customer already had a trial of {title} (started {started}); one free trial per offer",
                "klient miał już wersję próbną usługi {title} (rozpoczętą {started}); jedna bezpłatna wersja próbna na ofertę"
            ),
        ));
    }
    let owned: Option<String> = conn
        .prepare_cached(
            "SELECT s.starts_at FROM subscriptions s JOIN catalog_services cs ON cs.id = s.service_id
             WHERE s.customer_id = ?1 AND s.trial = 0
               AND s.status IN ('pending', 'active', 'suspended')
               AND cs.product_id = ?2 AND cs.sku_id = ?3
             ORDER BY s.starts_at LIMIT 1",
        )?
        .query_row(params![customer_id, service.product_id, service.sku_id], |r| r.get(0))
        .optional()?;
    if let Some(since) = owned {
        let since = since.get(..10).unwrap_or(&since);
        return Err(Error::conflict(
            "trial",
            text!(
                "the customer already owns {title} (a paid subscription since {since}); Microsoft gives no free trial of an offer the customer owns",
                "klient ma już usługę {title} (płatna subskrypcja od {since}); Microsoft nie daje bezpłatnej wersji próbnej oferty, którą klient już ma"
            ),
        ));
    }
    Ok(())
}

/// The refusal to suspend a trial (decision 0043: Microsoft does not say a
/// trial can be suspended; issue #12 asks that it cannot be).
pub(super) fn refuse_suspending_a_trial(s: &Subscription) -> Error {
    let (title, customer) = (&s.service_title, &s.customer_name);
    Error::invalid_state(text!(
        "{title} for {customer} is a trial; a trial cannot be suspended (switch its conversion off so it just ends, or cancel it)",
        "Subskrypcja {title} klienta {customer} jest wersją próbną; nie można jej zawiesić (wyłącz zamianę na płatną, aby po prostu wygasła, albo ją anuluj)"
    ))
}

fn require_live_trial(s: &Subscription) -> Result<()> {
    if !s.trial || !s.status.is_live() {
        let (title, customer) = (&s.service_title, &s.customer_name);
        return Err(Error::invalid_state(text!(
            "{title} for {customer} is not a running trial; only a trial's conversion can be scheduled",
            "Subskrypcja {title} klienta {customer} nie jest trwającą wersją próbną; zamianę na płatną można zaplanować tylko dla wersji próbnej"
        )));
    }
    Ok(())
}

fn describe(conversion: Option<&TrialConversion>) -> String {
    match conversion {
        Some(c) => format!("{} licences, {}, {}", c.quantity, c.term, c.billing_plan),
        None => "off".into(),
    }
}

fn write_conversion(
    tx: &Connection,
    actor: &Actor,
    s: &Subscription,
    conversion: Option<&TrialConversion>,
    now_text: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE subscriptions SET conversion_quantity = ?1, conversion_term = ?2,
             conversion_billing_plan = ?3, conversion_auto_renew = ?4, updated_at = ?5
         WHERE id = ?6",
        params![
            conversion.map(|c| c.quantity),
            conversion.map(|c| c.term.as_str()),
            conversion.map(|c| c.billing_plan.as_str()),
            conversion.is_none_or(|c| c.auto_renew),
            now_text,
            s.id
        ],
    )?;
    let kind = if conversion.is_some() {
        "conversion_scheduled"
    } else {
        "conversion_cleared"
    };
    record_change(
        tx,
        &s.id,
        now_text,
        &actor.audit_ref(),
        kind,
        (
            Some(describe(s.conversion.as_ref())),
            Some(describe(conversion)),
        ),
        "",
    )
}

/// Schedules (or changes) what a running trial converts into at its end.
pub fn schedule_trial_conversion(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    conversion: &TrialConversion,
) -> Result<(Subscription, Change)> {
    check_conversion(conversion)?;
    change_subscription(
        store,
        clock,
        actor,
        id,
        Action::ManageSubscriptions,
        "subscription.conversion_scheduled",
        |tx, s, _, now_text| {
            require_live_trial(s)?;
            write_conversion(tx, actor, s, Some(conversion), now_text)
        },
    )
}

/// Switches a running trial's conversion off: at its end it just ends.
pub fn clear_trial_conversion(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(Subscription, Change)> {
    change_subscription(
        store,
        clock,
        actor,
        id,
        Action::ManageSubscriptions,
        "subscription.conversion_cleared",
        |tx, s, _, now_text| {
            require_live_trial(s)?;
            write_conversion(tx, actor, s, None, now_text)
        },
    )
}
