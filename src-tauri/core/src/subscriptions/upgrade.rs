//! Upgrades along the catalog's conversion paths (the offer matrix's
//! ProductSkuConversion; docs/decisions/0042). Microsoft: "You can only start
//! upgrades from active subscriptions"; a *full* upgrade "is an in-place
//! upgrade … The subscription ID remains the same"; a *partial* one makes a
//! new subscription with "the same term end dates" (coterminous) that
//! "inherit[s] the cancellation window from the parent"; and "Cancellation
//! windows are not applied to upgrades, so changes can't be made after
//! they're submitted" — there is no undoing an upgrade here either.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{
    check_quantity, load, lots, record_change, refuse_event, target, transition, Subscription,
    SubscriptionEvent,
};
use crate::access::{
    guarded_read, guarded_write, read_target, require, require_for_customer, Action,
};
use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::Actor;
use crate::catalog::seats::{self, SeatRequest};
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::store::Store;

/// A catalog service the subscription may be upgraded to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct UpgradeTarget {
    pub service_id: String,
    pub title: String,
    pub product_id: String,
    pub sku_id: String,
    pub term: String,
    pub billing_plan: String,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct UpgradeInput {
    /// One of [`upgrade_targets`].
    pub service_id: String,
    /// Licences to move: all of them is a full upgrade, fewer a partial one.
    pub quantity: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct UpgradeOutcome {
    /// The subscription upgraded: after a full upgrade it is of the target
    /// itself (same id); after a partial one it keeps the licences not moved.
    pub upgraded: Subscription,
    /// A partial upgrade's new subscription of the target.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<Subscription>,
}

/// The conversion targets of `s`'s SKU that the catalog sells in the same
/// market and currency, those of the same term first (SKU ids compare with
/// leading zeros ignored, as Excel may have dropped them).
fn targets(conn: &Connection, s: &Subscription) -> Result<Vec<UpgradeTarget>> {
    Ok(conn
        .prepare_cached(
            "SELECT t.id, t.title, t.product_id, t.sku_id, t.term, t.billing_plan
             FROM catalog_services src
             JOIN offer_matrix_links l ON l.kind = 'conversion' AND l.product_id = src.product_id
                  AND ltrim(l.sku_id, '0') = ltrim(src.sku_id, '0')
             JOIN catalog_services t ON t.product_id = l.to_product_id
                  AND ltrim(t.sku_id, '0') = ltrim(l.to_sku_id, '0')
             WHERE src.id = ?1 AND t.market = src.market AND t.currency = src.currency
             ORDER BY t.term <> ?2, l.position, t.title, t.billing_plan, t.id",
        )?
        .query_map(params![s.service_id, s.term], |r| {
            Ok(UpgradeTarget {
                service_id: r.get(0)?,
                title: r.get(1)?,
                product_id: r.get(2)?,
                sku_id: r.get(3)?,
                term: r.get(4)?,
                billing_plan: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// Where the subscription may be upgraded to (empty when its SKU has no
/// conversion path in the offer matrix).
pub fn upgrade_targets(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<Vec<UpgradeTarget>> {
    let id = parse_id("id", id)?;
    let audit_target = read_target("subscription", Some(&id), "upgrade targets");
    guarded_read(
        store,
        clock,
        actor,
        "subscription.view",
        audit_target,
        |conn| {
            require(conn, actor, Action::ViewSubscriptions)?;
            targets(conn, &load(conn, &id)?)
        },
    )
}

/// Refuses what Microsoft does not upgrade; the target when allowed.
fn check_upgrade(
    conn: &Connection,
    s: &Subscription,
    service_id: &str,
    quantity: u32,
) -> Result<UpgradeTarget> {
    if s.trial {
        return Err(Error::invalid_state(text!(
            "a trial is not upgraded; convert it to paid first",
            "wersji próbnej nie można uaktualnić; najpierw zamień ją na płatną"
        )));
    }
    transition(s.status, SubscriptionEvent::Upgrade)
        .ok_or_else(|| refuse_event(s, SubscriptionEvent::Upgrade))?;
    let Some(target) = targets(conn, s)?
        .into_iter()
        .find(|t| t.service_id == service_id)
    else {
        let title = &s.service_title;
        return Err(Error::validation(
            "service_id",
            text!(
                "that service is not an upgrade of {title}: the offer matrix lists no conversion to it (ProductSkuConversion)",
                "ta usługa nie jest uaktualnieniem {title}: macierz ofert nie podaje takiej konwersji (ProductSkuConversion)"
            ),
        ));
    };
    let held = s.quantity;
    if quantity == 0 || quantity > held {
        return Err(Error::validation(
            "quantity",
            text!(
                "move 1 to {held} licences: the subscription holds {held}",
                "przenieś od 1 do {held} licencji: subskrypcja ma ich {held}"
            ),
        ));
    }
    seats::check_move(
        conn,
        &s.service_id,
        &SeatRequest {
            customer_id: Some(&s.customer_id),
            service_id: &target.service_id,
            adding: quantity,
            resulting: quantity,
        },
    )?;
    if quantity < held {
        // What stays behind is still a purchase of the source SKU.
        seats::check(
            conn,
            &SeatRequest {
                customer_id: Some(&s.customer_id),
                service_id: &s.service_id,
                adding: 0,
                resulting: check_quantity(held - quantity)?,
            },
            &[],
        )?;
    }
    Ok(target)
}

fn licences(quantity: u32, title: &str) -> String {
    format!("{quantity} × {title}")
}

/// A full upgrade: the same subscription continues with the target SKU.
fn upgrade_in_place(
    tx: &Connection,
    who: &ActorRef,
    s: &Subscription,
    to: &UpgradeTarget,
    now_text: &str,
) -> Result<()> {
    tx.execute(
        "UPDATE subscriptions SET service_id = ?1, updated_at = ?2 WHERE id = ?3",
        params![to.service_id, now_text, s.id],
    )?;
    record_change(
        tx,
        &s.id,
        now_text,
        who,
        SubscriptionEvent::Upgrade.as_str(),
        (
            Some(licences(s.quantity, &s.service_title)),
            Some(licences(s.quantity, &to.title)),
        ),
        "full upgrade",
    )
}

/// A partial upgrade: `quantity` licences leave `s` for a new subscription
/// of the target, coterminous with `s` and inside its cancellation window
/// (the same `term_started_at`); its licence lots follow in
/// [`lots::move_to_upgrade`].
fn split_off(
    tx: &Connection,
    who: &ActorRef,
    s: &Subscription,
    to: &UpgradeTarget,
    quantity: u32,
    now_text: &str,
) -> Result<String> {
    let rest = s.quantity - quantity;
    tx.execute(
        "UPDATE subscriptions SET quantity = ?1, updated_at = ?2 WHERE id = ?3",
        params![rest, now_text, s.id],
    )?;
    let id = new_id();
    // Who is partner of record follows from the customer's claim for the
    // target's workload (decision 0044), not from the parent.
    tx.execute(
        "INSERT INTO subscriptions (id, customer_id, service_id, status, trial, began_as_trial,
             quantity, term, billing_plan, auto_renew, starts_at, term_started_at, ends_at,
             source, upgraded_from, created_at, updated_at)
         SELECT ?1, customer_id, ?2, 'active', 0, 0, ?3, term, billing_plan, auto_renew, ?4,
             term_started_at, ends_at, 'upgrade', id, ?4, ?4
         FROM subscriptions WHERE id = ?5",
        params![id, to.service_id, quantity, now_text, s.id],
    )?;
    let moved = licences(quantity, &s.service_title);
    record_change(
        tx,
        &s.id,
        now_text,
        who,
        SubscriptionEvent::Upgrade.as_str(),
        (Some(s.quantity.to_string()), Some(rest.to_string())),
        &format!("partial upgrade: {moved} moved to {} ({id})", to.title),
    )?;
    record_change(
        tx,
        &id,
        now_text,
        who,
        SubscriptionEvent::Upgrade.as_str(),
        (Some(moved), Some(licences(quantity, &to.title))),
        &format!("partial upgrade of {}", s.id),
    )?;
    Ok(id)
}

/// Moves some or all licences of an active, paid subscription to a higher SKU
/// on its conversion path, behind the customer gate like every change to a
/// customer's subscriptions; seat ceilings apply to the target. History rows,
/// the subscription-changed hook (event "upgraded") and audit entries on
/// both subscriptions.
pub fn upgrade(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &UpgradeInput,
) -> Result<(UpgradeOutcome, Change)> {
    let id = parse_id("id", id)?;
    let service_id = parse_id("service_id", &input.service_id)?;
    let now_text = to_rfc3339(clock.now())?;
    let audit_target = Target {
        kind: "subscription",
        id: Some(id.clone()),
        label: String::new(),
    };
    let event = SubscriptionEvent::Upgrade.as_str();
    let outcome = guarded_write(
        store,
        clock,
        actor,
        "subscription.upgrade",
        audit_target,
        |tx| {
            let before = load(tx, &id)?;
            require_for_customer(tx, actor, Action::ManageSubscriptions, &before.customer_id)?;
            let to = check_upgrade(tx, &before, &service_id, input.quantity)?;
            let who = actor.audit_ref();
            let created = if input.quantity == before.quantity {
                upgrade_in_place(tx, &who, &before, &to, &now_text)?;
                None
            } else {
                let new_id = split_off(tx, &who, &before, &to, input.quantity, &now_text)?;
                let created = load(tx, &new_id)?;
                lots::move_to_upgrade(tx, &before, &created, input.quantity, clock.now())?;
                Some(created)
            };
            let upgraded = load(tx, &id)?;
            crate::notifications::subscription_changed(tx, clock, &before, &upgraded, event)?;
            let entry = Event::done(who.clone(), "subscription.upgrade", target(&upgraded))
                .with_change(
                    serde_json::to_value(&before).ok(),
                    serde_json::to_value(&upgraded).ok(),
                );
            audit::append(tx, clock, &entry)?;
            if let Some(new) = &created {
                crate::notifications::subscription_changed(tx, clock, &before, new, event)?;
                let entry = Event {
                    detail: format!("partial upgrade of {}", before.id),
                    ..Event::done(who.clone(), "subscription.upgrade", target(new))
                }
                .with_change(None, serde_json::to_value(new).ok());
                audit::append(tx, clock, &entry)?;
            }
            Ok(UpgradeOutcome { upgraded, created })
        },
    )?;
    let mut ids = vec![outcome.upgraded.id.clone()];
    ids.extend(outcome.created.iter().map(|c| c.id.clone()));
    ids.push(outcome.upgraded.customer_id.clone());
    let change = Change {
        entity: Entity::Subscription,
        ids,
    };
    Ok((outcome, change))
}
