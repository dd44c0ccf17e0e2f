//! Delegated-administration relationships (GDAP): the partner offers
//! Microsoft Entra built-in roles, the customer approves through a link, staff
//! record the approval, Microsoft activates it, access assignments give the
//! partner's security groups its roles, and the clock moves relationships on
//! (docs/decisions/0015, 0045).

pub mod assignments;
mod changes;
#[cfg(test)]
mod gdap_tests;
pub mod groups;
mod links;
mod machine;
mod notify;
pub mod preflight;
pub mod roles;
pub mod templates;
#[cfg(test)]
mod tests;
mod timeline;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, guarded_write, read_target, require, Action, Guarded};
use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{add_days, parse_business_time, parse_rfc3339, to_rfc3339, Clock};
use crate::customers;
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::ids::{new_id, parse_id};
use crate::store::Store;
use crate::validate;

pub use changes::{remove_global_admin, set_auto_extend};
pub(crate) use links::get_templates_in;
pub use links::{get_templates, message, update_templates, LinkTemplates, RelationshipMessage};
pub use machine::{
    transition, RelationshipEvent, RelationshipState, ACTIVATING_AFTER_MINUTES,
    ACTIVE_AFTER_MINUTES, TERMINATED_AFTER_MINUTES, TERMINATING_AFTER_MINUTES,
};
pub use preflight::Preflight;
pub use timeline::apply_clock;

pub const MAX_DURATION_DAYS: u32 = 730;
pub const AUTO_EXTEND_DAYS: i64 = 180;
pub const EXPIRING_DAYS: i64 = 30;
pub const APPROVAL_LAPSES_DAYS: i64 = 90;

/// Graph's `autoExtendDuration` values (0035): `P180D` extends, `P0D` and
/// `PT0S` (the default) do not.
pub fn auto_extend_from_graph(value: &str) -> Result<bool> {
    match value.trim() {
        "P180D" => Ok(true),
        "P0D" | "PT0S" => Ok(false),
        other => {
            let shown = validate::shown(other);
            Err(Error::validation(
                "auto_extend_duration",
                text!(
                    "'{shown}' is not an auto-extend duration Microsoft supports (P0D, PT0S or P180D)",
                    "„{shown}” nie jest okresem automatycznego przedłużenia obsługiwanym przez Microsoft (P0D, PT0S lub P180D)"
                ),
            ))
        }
    }
}

/// The `autoExtendDuration` Graph has for `auto_extend`.
pub fn auto_extend_to_graph(auto_extend: bool) -> &'static str {
    if auto_extend {
        "P180D"
    } else {
        "PT0S"
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Relationship {
    pub id: String,
    pub customer_id: String,
    pub display_name: String,
    /// Microsoft Entra role-definition ids ([`roles::ENTRA_ROLES`]).
    pub roles: Vec<String>,
    pub duration_days: u32,
    pub auto_extend: bool,
    pub state: RelationshipState,
    /// Active with at least one active access assignment: the partner's staff
    /// can use it in the customer's tenant.
    pub usable: bool,
    /// It grants Global Administrator (no auto-extend; staff may remove it).
    pub grants_global_admin: bool,
    pub created_at: String,
    pub created_by: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub requested_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_recorded_by: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ends_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminated_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct RelationshipOffer {
    pub customer_id: String,
    pub display_name: String,
    pub roles: Vec<String>,
    pub duration_days: u32,
    pub auto_extend: bool,
    /// Request the customer's approval at once (the link becomes usable).
    #[serde(default = "yes")]
    pub request_approval: bool,
}

fn yes() -> bool {
    true
}

pub(crate) const COLUMNS: &str =
    "id, customer_id, display_name, roles, duration_days, auto_extend, state,
    created_at, created_by, requested_at, accepted_at, accepted_recorded_by, ends_at, terminated_at,
    state IN ('active', 'expiring') AND EXISTS (SELECT 1 FROM access_assignments a
        WHERE a.relationship_id = relationships.id AND a.status = 'active')";

pub(crate) fn relationship(row: &Row<'_>) -> rusqlite::Result<Relationship> {
    let roles: Vec<String> = row
        .get::<_, String>(3)?
        .split(',')
        .map(str::to_owned)
        .collect();
    let state: String = row.get(6)?;
    Ok(Relationship {
        grants_global_admin: roles::includes_global_admin(&roles),
        id: row.get(0)?,
        customer_id: row.get(1)?,
        display_name: row.get(2)?,
        roles,
        duration_days: row.get(4)?,
        auto_extend: row.get(5)?,
        state: RelationshipState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                6,
                rusqlite::types::Type::Text,
                format!("unknown relationship state '{state}'").into(),
            )
        })?,
        created_at: row.get(7)?,
        created_by: row.get(8)?,
        requested_at: row.get(9)?,
        accepted_at: row.get(10)?,
        accepted_recorded_by: row.get(11)?,
        ends_at: row.get(12)?,
        terminated_at: row.get(13)?,
        usable: row.get(14)?,
    })
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<Relationship> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM relationships WHERE id = ?1"
    ))?
    .query_row([id], relationship)
    .optional()?
    .ok_or_else(|| Error::NotFound {
        entity: "relationship",
        id: id.to_owned(),
    })
}

pub(crate) fn target(r: &Relationship) -> Target {
    Target {
        kind: "relationship",
        id: Some(r.id.clone()),
        label: r.display_name.clone(),
    }
}

/// Which of a customer's relationships names its state: the most usable
/// first (an SQL `ORDER BY` over `state`; benchmarks seeding by SQL use it too).
pub const STATE_PRECEDENCE: &str = "CASE state WHEN 'active' THEN 0 WHEN 'expiring' THEN 1
    WHEN 'activating' THEN 2 WHEN 'approved' THEN 3
    WHEN 'approval_pending' THEN 4 WHEN 'created' THEN 5
    WHEN 'termination_requested' THEN 6 WHEN 'terminating' THEN 7
    WHEN 'expired' THEN 8 ELSE 9 END";

/// The customer's list state: the most advanced of its relationships.
pub(crate) fn refresh_customer_state(
    conn: &Connection,
    customer_id: &str,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(&format!(
        "UPDATE customers SET relationship_state = coalesce((
             SELECT state FROM relationships WHERE customer_id = ?1
             ORDER BY {STATE_PRECEDENCE} LIMIT 1), 'none'), updated_at = ?2
         WHERE id = ?1"
    ))?
    .execute(params![customer_id, now])?;
    Ok(())
}

struct ValidOffer {
    customer_id: String,
    display_name: String,
    roles: Vec<String>,
    duration_days: u32,
    auto_extend: bool,
}

/// The pre-flight's errors refuse the request (its warnings do not); with a
/// connection the display name must also be free.
fn validate_offer(conn: Option<&Connection>, offer: &RelationshipOffer) -> Result<ValidOffer> {
    let customer_id = parse_id("customer_id", &offer.customer_id)?;
    preflight::refuse(&preflight::check(conn, offer)?)?;
    Ok(ValidOffer {
        customer_id,
        display_name: offer.display_name.trim().to_owned(),
        roles: roles::normalize("roles", &offer.roles)?,
        duration_days: offer.duration_days,
        auto_extend: offer.auto_extend,
    })
}

/// The pre-flight check for the UI: every problem of a request before it is
/// sent, errors and warnings, the display name checked against the
/// partner's relationships.
pub fn preflight(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    offer: &RelationshipOffer,
) -> Result<Preflight> {
    let target = read_target("relationship", None, "pre-flight");
    guarded_read(
        store,
        clock,
        actor,
        "relationship.preflight",
        target,
        |conn| {
            require(conn, actor, Action::ManageRelationships)?;
            preflight::check(Some(conn), offer)
        },
    )
}

pub fn list_for_customer(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
) -> Result<Vec<Relationship>> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let target = read_target("customer", Some(&customer_id), "relationships");
    guarded_read(store, clock, actor, "relationship.list", target, |conn| {
        require(conn, actor, Action::ViewCustomers)?;
        customers::load(conn, &customer_id)?;
        let rows = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM relationships WHERE customer_id = ?1 ORDER BY created_at DESC, id"
            ))?
            .query_map([&customer_id], relationship)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

/// Offers delegated administration to a customer.
pub fn offer(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    offer: &RelationshipOffer,
) -> Result<(Relationship, Change)> {
    let valid = validate_offer(None, offer)?;
    let id = new_id();
    let now = to_rfc3339(clock.now())?;
    let audit_target = Target {
        kind: "relationship",
        id: Some(id.clone()),
        label: valid.display_name.clone(),
    };
    let created = guarded_write(
        store,
        clock,
        actor,
        "relationship.offer",
        audit_target,
        |tx| {
            require(tx, actor, Action::ManageRelationships)?;
            let (state, requested_at) = if offer.request_approval {
                (RelationshipState::ApprovalPending, Some(now.clone()))
            } else {
                (RelationshipState::Created, None)
            };
            insert_offer(
                tx,
                clock,
                &actor.audit_ref(),
                &valid,
                (&id, state, requested_at),
            )
        },
    )?;
    Ok((
        created,
        Change {
            entity: Entity::Relationship,
            ids: vec![id, valid.customer_id],
        },
    ))
}

/// Writes a new relationship for an existing, current customer, with a unique
/// display name, and audits it as offered.
fn insert_offer(
    tx: &Connection,
    clock: &dyn Clock,
    who: &ActorRef,
    valid: &ValidOffer,
    (id, state, requested_at): (&str, RelationshipState, Option<String>),
) -> Result<Relationship> {
    let now = to_rfc3339(clock.now())?;
    let customer = customers::load(tx, &valid.customer_id)?;
    if customer.archived {
        let name = &customer.company_name;
        return Err(Error::invalid_state(text!(
            "{name} is archived; restore the customer first",
            "Klient {name} jest zarchiwizowany; najpierw go przywróć"
        )));
    }
    let key = fold(&valid.display_name);
    if let Some(name) = preflight::name_taken(tx, &valid.display_name)? {
        return Err(Error::conflict(
            "display_name",
            text!(
                "another relationship is already named '{name}'; Microsoft needs a name unique across all your relationships",
                "inna relacja ma już nazwę „{name}”; Microsoft wymaga nazwy niepowtarzalnej wśród wszystkich Twoich relacji"
            ),
        ));
    }
    tx.execute(
        "INSERT INTO relationships (id, customer_id, display_name, display_name_key, roles,
             duration_days, auto_extend, state, created_at, created_by, requested_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?9)",
        params![
            id,
            valid.customer_id,
            valid.display_name,
            key,
            valid.roles.join(","),
            valid.duration_days,
            valid.auto_extend,
            state.as_str(),
            now,
            who.name,
            requested_at
        ],
    )?;
    refresh_customer_state(tx, &valid.customer_id, &now)?;
    let created = load(tx, id)?;
    let event = Event::done(who.clone(), "relationship.offer", target(&created))
        .with_change(None, serde_json::to_value(&created).ok());
    audit::append(tx, clock, &event)?;
    Ok(created)
}

/// Checks a relationship request before it is stored elsewhere (a trial
/// invitation, whose display name is made at sign-up, or a key about to be
/// redeemed): the pre-flight without the name's uniqueness.
pub fn check_offer(offer: &RelationshipOffer) -> Result<()> {
    validate_offer(None, offer).map(|_| ())
}

/// The same inside a read or write under way, the display name checked
/// against the partner's relationships too (a purchase offer's request).
pub fn check_offer_in(conn: &Connection, offer: &RelationshipOffer) -> Result<()> {
    validate_offer(Some(conn), offer).map(|_| ())
}

/// Requests delegated administration (approval pending, the link usable at
/// once) inside a write under way: a redeemed product key that includes it.
/// Asks the same row of the table as offering it alone (decision 0027).
pub fn request_in(
    tx: &Guarded<'_, Transaction<'_>>,
    clock: &dyn Clock,
    actor: &Actor,
    offer: &RelationshipOffer,
) -> Result<Relationship> {
    require(tx, actor, Action::ManageRelationships)?;
    let who = &actor.audit_ref();
    let valid = validate_offer(Some(tx), offer)?;
    let id = new_id();
    let now_text = to_rfc3339(clock.now())?;
    insert_offer(
        tx,
        clock,
        who,
        &valid,
        (&id, RelationshipState::ApprovalPending, Some(now_text)),
    )
}

/// Creates a relationship the customer has already accepted (now) inside a
/// write under way: a trial sign-up or an accepted offer that included
/// delegated administration. Asks the same row of the table as offering it
/// alone and recording its acceptance (decision 0027).
pub fn create_accepted_in(
    tx: &Guarded<'_, Transaction<'_>>,
    clock: &dyn Clock,
    actor: &Actor,
    offer: &RelationshipOffer,
) -> Result<Relationship> {
    require(tx, actor, Action::ManageRelationships)?;
    let who = &actor.audit_ref();
    let valid = validate_offer(Some(tx), offer)?;
    let id = new_id();
    let now = clock.now();
    let now_text = to_rfc3339(now)?;
    let pending = RelationshipState::ApprovalPending;
    let offered = insert_offer(
        tx,
        clock,
        who,
        &valid,
        (&id, pending, Some(now_text.clone())),
    )?;
    let ends = add_days(now, i64::from(valid.duration_days))?;
    tx.execute(
        "UPDATE relationships SET state = ?1, accepted_at = ?2, accepted_recorded_by = ?3,
             ends_at = ?4, updated_at = ?2 WHERE id = ?5",
        params![
            RelationshipState::Approved.as_str(),
            now_text,
            who.name,
            to_rfc3339(ends)?,
            id
        ],
    )?;
    refresh_customer_state(tx, &valid.customer_id, &now_text)?;
    let accepted = load(tx, &id)?;
    notify::relationship_event(
        tx,
        clock,
        &accepted,
        notify::RelationshipNotice::Approved,
        "",
        (
            Some(offered.state.as_str().to_owned()),
            Some(accepted.state.as_str().to_owned()),
        ),
    )?;
    let event = Event::done(who.clone(), "relationship.accept", target(&accepted)).with_change(
        serde_json::to_value(&offered).ok(),
        serde_json::to_value(&accepted).ok(),
    );
    audit::append(tx, clock, &event)?;
    Ok(accepted)
}

/// Runs one staff change on a relationship: the permission, the work, and an
/// audit entry with before and after. `work` gets the relationship as it was
/// and the time; it refuses by returning an error.
pub(super) fn change_relationship(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    audit_action: &'static str,
    work: impl FnOnce(&Connection, &Relationship, &str) -> Result<()>,
) -> Result<(Relationship, Change)> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let audit_target = Target {
        kind: "relationship",
        id: Some(id.clone()),
        label: String::new(),
    };
    let updated = guarded_write(store, clock, actor, audit_action, audit_target, |tx| {
        require(tx, actor, Action::ManageRelationships)?;
        let before = load(tx, &id)?;
        work(tx, &before, &now)?;
        let after = load(tx, &id)?;
        let entry = Event::done(actor.audit_ref(), audit_action, target(&after)).with_change(
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&after).ok(),
        );
        audit::append(tx, clock, &entry)?;
        Ok(after)
    })?;
    let customer_id = updated.customer_id.clone();
    Ok((
        updated,
        Change {
            entity: Entity::Relationship,
            ids: vec![id, customer_id],
        },
    ))
}

/// Applies one staff-driven event after checking the transition table.
fn apply_event(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    event: RelationshipEvent,
    audit_action: &'static str,
    change: impl FnOnce(&Connection, &Relationship, RelationshipState, &str) -> Result<()>,
) -> Result<(Relationship, Change)> {
    change_relationship(store, clock, actor, id, audit_action, |tx, before, now| {
        let next = transition(before.state, event).ok_or_else(|| {
            let name = &before.display_name;
            let (state, state_pl) = (before.state.describe(), before.state.describe_pl());
            let (done, done_pl) = (event.describe(), event.describe_pl());
            Error::invalid_state(text!(
                "'{name}' is {state}; it cannot be {done}",
                "Relacja „{name}” ma stan: {state_pl}; nie może zostać {done_pl}"
            ))
        })?;
        change(tx, before, next, now)?;
        refresh_customer_state(tx, &before.customer_id, now)
    })
}

pub fn request_approval(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(Relationship, Change)> {
    apply_event(
        store,
        clock,
        actor,
        id,
        RelationshipEvent::RequestApproval,
        "relationship.request_approval",
        |tx, r, next, now| {
            tx.execute(
            "UPDATE relationships SET state = ?1, requested_at = ?2, updated_at = ?2 WHERE id = ?3",
            params![next.as_str(), now, r.id],
        )?;
            Ok(())
        },
    )
}

/// Records that the customer accepted (on `accepted_at`, RFC 3339; default now):
/// the relationship runs from then for its duration.
pub fn record_acceptance(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    accepted_at: Option<&str>,
) -> Result<(Relationship, Change)> {
    let now = clock.now();
    let accepted = match accepted_at.map(str::trim).filter(|t| !t.is_empty()) {
        Some(text) => parse_business_time("accepted_at", text)?,
        None => now,
    };
    if accepted > now {
        return Err(Error::validation(
            "accepted_at",
            text!(
                "the acceptance date cannot be in the future",
                "data zatwierdzenia nie może być w przyszłości"
            ),
        ));
    }
    apply_event(
        store,
        clock,
        actor,
        id,
        RelationshipEvent::RecordAcceptance,
        "relationship.accept",
        |tx, r, next, now_text| {
            if let Some(requested) = &r.requested_at {
                if accepted < parse_rfc3339("requested_at", requested)? {
                    return Err(Error::validation(
                        "accepted_at",
                        text!(
                            "the customer cannot have accepted before the request was made",
                            "klient nie mógł zatwierdzić relacji przed wysłaniem prośby"
                        ),
                    ));
                }
            }
            let ends = add_days(accepted, i64::from(r.duration_days))?;
            tx.execute(
                "UPDATE relationships SET state = ?1, accepted_at = ?2, accepted_recorded_by = ?3,
                 ends_at = ?4, updated_at = ?5 WHERE id = ?6",
                params![
                    next.as_str(),
                    to_rfc3339(accepted)?,
                    actor.display_name,
                    to_rfc3339(ends)?,
                    now_text,
                    r.id
                ],
            )?;
            let approved = load(tx, &r.id)?;
            notify::relationship_event(
                tx,
                clock,
                &approved,
                notify::RelationshipNotice::Approved,
                "",
                (
                    Some(r.state.as_str().to_owned()),
                    Some(next.as_str().to_owned()),
                ),
            )?;
            // Accepted a while ago: Microsoft has moved it on since.
            timeline::settle_in(tx, clock, &r.id)?;
            Ok(())
        },
    )
}

pub fn terminate(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(Relationship, Change)> {
    apply_event(
        store,
        clock,
        actor,
        id,
        RelationshipEvent::Terminate,
        "relationship.terminate",
        |tx, r, next, now| {
            tx.execute(
                "UPDATE relationships SET state = ?1, terminated_at = ?2, updated_at = ?2 WHERE id = ?3",
                params![next.as_str(), now, r.id],
            )?;
            if next == RelationshipState::Terminated {
                let after = load(tx, &r.id)?;
                let values = (
                    Some(r.state.as_str().to_owned()),
                    Some(next.as_str().to_owned()),
                );
                notify::relationship_event(
                    tx,
                    clock,
                    &after,
                    notify::RelationshipNotice::Terminated,
                    "",
                    values,
                )?;
            }
            Ok(())
        },
    )
}
