//! The partner of record per customer and workload, as Microsoft attributes
//! Modern Work (decision 0044): the partner claims a workload, Microsoft tells
//! the customer, who may decline it at any time; the partner may also remove
//! its own claim. A subscription's `partner_of_record` is derived: a standing
//! claim for its service's workload (the `catalog_workloads` view, migration
//! 0018, maps a service to its workload from its title).

#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, guarded_write, read_target, require_for_customer, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::customers;
use crate::error::{Error, Result};
use crate::ids::parse_id;
use crate::store::Store;
use crate::subscriptions::{self, Subscription};
use crate::validate;

/// The Modern Work workloads a claim names, in the order the customer screen
/// lists them: the keys the `catalog_workloads` view yields, and the product
/// names (the same in English and Polish). Microsoft's claim form lists its
/// workloads only in Partner Center; these are the ones Partnerdesk's
/// catalog sells (decision 0044).
pub const WORKLOADS: [(&str, &str); 8] = [
    ("microsoft_365", "Microsoft 365 / Office 365"),
    ("exchange", "Exchange Online"),
    ("sharepoint", "SharePoint Online / OneDrive"),
    ("teams", "Microsoft Teams"),
    ("microsoft_365_apps", "Microsoft 365 Apps"),
    ("intune", "Microsoft Intune"),
    ("entra_id", "Microsoft Entra ID"),
    ("defender", "Microsoft Defender"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ClaimState {
    /// Never claimed.
    None,
    /// The partner's claim stands: it is the partner of record.
    Claimed,
    /// The customer declined (opted out of) the association.
    Declined,
    /// The partner removed (disassociated) its own claim.
    Removed,
}

impl ClaimState {
    fn as_str(self) -> &'static str {
        match self {
            ClaimState::None => "none",
            ClaimState::Claimed => "claimed",
            ClaimState::Declined => "declined",
            ClaimState::Removed => "removed",
        }
    }

    fn parse(text: &str) -> ClaimState {
        match text {
            "claimed" => ClaimState::Claimed,
            "declined" => ClaimState::Declined,
            "removed" => ClaimState::Removed,
            _ => ClaimState::None,
        }
    }

    /// "ma stan „…”", for messages in Polish.
    fn describe_pl(self) -> &'static str {
        match self {
            ClaimState::None => "brak zgłoszenia",
            ClaimState::Claimed => "zgłoszony",
            ClaimState::Declined => "odrzucony przez klienta",
            ClaimState::Removed => "wycofany",
        }
    }
}

/// One workload of one customer, as the customer screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct WorkloadClaim {
    pub workload: String,
    pub name: String,
    pub state: ClaimState,
    /// The customer's live subscriptions in this workload.
    pub live_subscriptions: u32,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub claimed_by: Option<String>,
    /// The latest change of state (the claim itself, a decline or a removal).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<String>,
    pub reason: String,
}

fn check_workload(workload: &str) -> Result<&'static str> {
    WORKLOADS
        .iter()
        .find(|(key, _)| *key == workload)
        .map(|(key, _)| *key)
        .ok_or_else(|| {
            Error::validation(
                "workload",
                text!(
                    "'{workload}' is not a Modern Work workload Partnerdesk knows",
                    "„{workload}” nie jest obciążeniem Modern Work znanym Partnerdesk"
                ),
            )
        })
}

fn name_of(workload: &str) -> &'static str {
    WORKLOADS
        .iter()
        .find(|(key, _)| *key == workload)
        .map_or("", |(_, name)| *name)
}

fn claims(conn: &Connection, customer_id: &str) -> Result<Vec<WorkloadClaim>> {
    let mut found = Vec::with_capacity(WORKLOADS.len());
    for (workload, name) in WORKLOADS {
        let row = conn
            .prepare_cached(
                "SELECT state, claimed_at, claimed_by, changed_at, changed_by, reason
                 FROM partner_of_record_claims WHERE customer_id = ?1 AND workload = ?2",
            )?
            .query_row(params![customer_id, workload], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?;
        let live: u32 = conn
            .prepare_cached(
                "SELECT count(*) FROM subscriptions s
                 JOIN catalog_workloads cw ON cw.service_id = s.service_id
                 WHERE s.customer_id = ?1 AND cw.workload = ?2
                   AND s.status IN ('pending', 'active', 'suspended')",
            )?
            .query_row(params![customer_id, workload], |r| r.get(0))?;
        found.push(match row {
            Some((state, claimed_at, claimed_by, changed_at, changed_by, reason)) => {
                WorkloadClaim {
                    workload: workload.into(),
                    name: name.into(),
                    state: ClaimState::parse(&state),
                    live_subscriptions: live,
                    claimed_at: Some(claimed_at),
                    claimed_by: Some(claimed_by),
                    changed_at: Some(changed_at),
                    changed_by: Some(changed_by),
                    reason,
                }
            }
            None => WorkloadClaim {
                workload: workload.into(),
                name: name.into(),
                state: ClaimState::None,
                live_subscriptions: live,
                claimed_at: None,
                claimed_by: None,
                changed_at: None,
                changed_by: None,
                reason: String::new(),
            },
        });
    }
    Ok(found)
}

/// Every workload of the customer with its claim state.
pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
) -> Result<Vec<WorkloadClaim>> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let target = read_target("customer", Some(&customer_id), "partner of record");
    guarded_read(
        store,
        clock,
        actor,
        "partner_of_record.view",
        target,
        |conn| {
            crate::access::require(conn, actor, Action::ViewCustomers)?;
            customers::load(conn, &customer_id)?;
            claims(conn, &customer_id)
        },
    )
}

/// The customer's live subscriptions in `workload`, as they are now.
fn live_in(conn: &Connection, customer_id: &str, workload: &str) -> Result<Vec<Subscription>> {
    let ids: Vec<String> = conn
        .prepare_cached(
            "SELECT s.id FROM subscriptions s
             JOIN catalog_workloads cw ON cw.service_id = s.service_id
             WHERE s.customer_id = ?1 AND cw.workload = ?2
               AND s.status IN ('pending', 'active', 'suspended')
             ORDER BY s.created_at, s.id",
        )?
        .query_map(params![customer_id, workload], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.iter().map(|id| subscriptions::load(conn, id)).collect()
}

fn current_state(conn: &Connection, customer_id: &str, workload: &str) -> Result<ClaimState> {
    let state: Option<String> = conn
        .prepare_cached(
            "SELECT state FROM partner_of_record_claims WHERE customer_id = ?1 AND workload = ?2",
        )?
        .query_row(params![customer_id, workload], |r| r.get(0))
        .optional()?;
    Ok(state.map_or(ClaimState::None, |s| ClaimState::parse(&s)))
}

/// Moves the claim to `next` when the rules allow it: a claim may be made
/// from any other state (a declined or removed one is claimed anew); only a
/// standing claim can be declined or removed. Each live subscription whose
/// derived partner of record changes gets a history row, and the POR
/// notification as before.
fn write_state(
    tx: &Connection,
    clock: &dyn Clock,
    actor: &Actor,
    (customer_id, workload): (&str, &str),
    next: ClaimState,
    reason: &str,
) -> Result<()> {
    let now = to_rfc3339(clock.now())?;
    let current = current_state(tx, customer_id, workload)?;
    let name = name_of(workload);
    let allowed = match next {
        ClaimState::Claimed => current != ClaimState::Claimed,
        ClaimState::Declined | ClaimState::Removed => current == ClaimState::Claimed,
        ClaimState::None => false,
    };
    if !allowed {
        let (state, state_pl) = (current.as_str(), current.describe_pl());
        let (to, to_pl) = (next.as_str(), next.describe_pl());
        return Err(Error::invalid_state(text!(
            "the partner-of-record claim for {name} is {state}; it cannot become {to}",
            "zgłoszenie zarejestrowanego partnera (POR) dla {name} ma stan „{state_pl}”; nie może przejść w stan „{to_pl}”"
        )));
    }
    let before = live_in(tx, customer_id, workload)?;
    let by = actor.display_name.as_str();
    match next {
        ClaimState::Claimed => tx.execute(
            "INSERT INTO partner_of_record_claims (customer_id, workload, state, claimed_at,
                 claimed_by, changed_at, changed_by, reason)
             VALUES (?1, ?2, 'claimed', ?3, ?4, ?3, ?4, '')
             ON CONFLICT (customer_id, workload) DO UPDATE SET state = 'claimed',
                 claimed_at = ?3, claimed_by = ?4, changed_at = ?3, changed_by = ?4, reason = ''",
            params![customer_id, workload, now, by],
        )?,
        _ => tx.execute(
            "UPDATE partner_of_record_claims SET state = ?3, changed_at = ?4, changed_by = ?5,
                 reason = ?6
             WHERE customer_id = ?1 AND workload = ?2",
            params![customer_id, workload, next.as_str(), now, by, reason],
        )?,
    };
    for was in before {
        let after = subscriptions::load(tx, &was.id)?;
        if after.partner_of_record == was.partner_of_record {
            continue;
        }
        let on_off = |on: bool| if on { "on" } else { "off" }.to_owned();
        subscriptions::record_change(
            tx,
            &was.id,
            &now,
            &actor.audit_ref(),
            "partner_of_record",
            (
                Some(on_off(was.partner_of_record)),
                Some(on_off(after.partner_of_record)),
            ),
            reason,
        )?;
        crate::notifications::subscription_changed(tx, clock, &was, &after, "partner_of_record")?;
    }
    Ok(())
}

/// The customer-level commands: claim, decline, remove.
fn change_claim(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    (customer_id, workload): (&str, &str),
    next: ClaimState,
    reason: &str,
) -> Result<(Vec<WorkloadClaim>, Change)> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let workload = check_workload(workload)?;
    let reason = validate::optional_text("reason", reason, crate::limits::REASON)?;
    let audit_action = audit_action(next);
    let target = Target {
        kind: "customer",
        id: Some(customer_id.clone()),
        label: format!("partner of record: {}", name_of(workload)),
    };
    let claims = guarded_write(store, clock, actor, audit_action, target, |tx| {
        require_for_customer(tx, actor, Action::RecordPartnerOfRecord, &customer_id)?;
        let customer = customers::load(tx, &customer_id)?;
        let before = claims(tx, &customer_id)?;
        write_state(tx, clock, actor, (&customer_id, workload), next, &reason)?;
        let after = claims(tx, &customer_id)?;
        let label = format!(
            "{} — partner of record: {}",
            customer.company_name,
            name_of(workload)
        );
        let event = Event {
            detail: reason.clone(),
            ..Event::done(
                actor.audit_ref(),
                audit_action,
                customers::target(&customer_id, &label),
            )
        }
        .with_change(
            serde_json::to_value(before.iter().find(|c| c.workload == workload)).ok(),
            serde_json::to_value(after.iter().find(|c| c.workload == workload)).ok(),
        );
        audit::append(tx, clock, &event)?;
        Ok(after)
    })?;
    let change = Change {
        entity: Entity::Customer,
        ids: vec![customer_id],
    };
    Ok((claims, change))
}

fn audit_action(next: ClaimState) -> &'static str {
    match next {
        ClaimState::Claimed => "partner_of_record.claim",
        ClaimState::Declined => "partner_of_record.decline",
        ClaimState::Removed | ClaimState::None => "partner_of_record.remove",
    }
}

/// The partner claims `workload` for the customer (Partner Center: a CPOR
/// claim; Microsoft then notifies the customer).
pub fn claim(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    workload: &str,
) -> Result<(Vec<WorkloadClaim>, Change)> {
    let what = (customer_id, workload);
    change_claim(store, clock, actor, what, ClaimState::Claimed, "")
}

/// Records that the customer declined the partner's claim for `workload`.
pub fn record_decline(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    workload: &str,
    reason: &str,
) -> Result<(Vec<WorkloadClaim>, Change)> {
    let what = (customer_id, workload);
    change_claim(store, clock, actor, what, ClaimState::Declined, reason)
}

/// The partner removes its own claim (Partner Center: "Disassociate customer").
pub fn remove(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    workload: &str,
    reason: &str,
) -> Result<(Vec<WorkloadClaim>, Change)> {
    let what = (customer_id, workload);
    change_claim(store, clock, actor, what, ClaimState::Removed, reason)
}

/// The subscription screen's switch: claims (on) or removes (off) the claim
/// for the subscription's workload, which every subscription of that
/// workload shares.
pub fn set_for_subscription(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    on: bool,
) -> Result<(Subscription, Change)> {
    let id = parse_id("id", id)?;
    let target = Target {
        kind: "subscription",
        id: Some(id.clone()),
        label: String::new(),
    };
    let audit_action = "subscription.partner_of_record";
    let after = guarded_write(store, clock, actor, audit_action, target, |tx| {
        let before = subscriptions::load(tx, &id)?;
        require_for_customer(
            tx,
            actor,
            Action::RecordPartnerOfRecord,
            &before.customer_id,
        )?;
        let (title, customer) = (&before.service_title, &before.customer_name);
        if !before.status.is_live() {
            let (status, status_pl) = (before.status.as_str(), before.status.describe_pl());
            return Err(Error::invalid_state(text!(
                "{title} for {customer} is {status}; its partner of record stays as it is",
                "Subskrypcja {title} klienta {customer} ma stan „{status_pl}”; zarejestrowany partner (POR) pozostaje bez zmian"
            )));
        }
        let workload = workload_of(tx, &before.service_id)?.ok_or_else(|| {
            Error::invalid_state(text!(
                "{title} belongs to no Modern Work workload a partner of record is claimed for",
                "{title} nie należy do żadnego obciążenia Modern Work, dla którego zgłasza się zarejestrowanego partnera (POR)"
            ))
        })?;
        let next = if on {
            ClaimState::Claimed
        } else {
            ClaimState::Removed
        };
        write_state(tx, clock, actor, (&before.customer_id, &workload), next, "")?;
        let after = subscriptions::load(tx, &id)?;
        let event = Event::done(
            actor.audit_ref(),
            audit_action,
            subscriptions::target(&after),
        )
        .with_change(
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        audit::append(tx, clock, &event)?;
        Ok(after)
    })?;
    let change = Change {
        entity: Entity::Subscription,
        ids: vec![after.id.clone(), after.customer_id.clone()],
    };
    Ok((after, change))
}

/// The workload a catalog service belongs to, if any.
pub fn workload_of(conn: &Connection, service_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT workload FROM catalog_workloads WHERE service_id = ?1")?
        .query_row([service_id], |r| r.get::<_, Option<String>>(0))
        .optional()?
        .flatten())
}
