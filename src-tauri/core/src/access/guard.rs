//! Asking the table inside a command, and auditing every refusal.

use rusqlite::{Connection, OptionalExtension};

use super::{decide, decide_for_customer, Action, DenialReason};
use crate::audit::{self, Event, Target};
use crate::auth::actor::{partner_authorizations, Actor};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// Refuses `action` unless the table allows it for `actor` (read fresh from `conn`).
/// Someone signed in with a temporary password may only change it.
pub fn require(conn: &Connection, actor: &Actor, action: Action) -> Result<()> {
    temporary_password_changed(actor, action)?;
    let partner = partner_authorizations(conn)?;
    decide(actor.subject(), partner, action).map_err(|reason| refusal(reason, action))
}

/// [`require`] for an act that may carry a delegated-administration request
/// (a purchase offer, a trial invitation, a key redemption): carrying one asks
/// the same row as offering delegated administration alone (decision 0027);
/// without one there is nothing to ask.
pub fn require_to_offer_delegated_admin<T>(
    conn: &Connection,
    actor: &Actor,
    request: Option<&T>,
) -> Result<()> {
    match request {
        Some(_) => require(conn, actor, Action::ManageRelationships),
        None => Ok(()),
    }
}

/// [`require`] for an action on one customer: the customer gate reads the
/// customer's delegated-administration state. A missing customer is `not_found`.
pub fn require_for_customer(
    conn: &Connection,
    actor: &Actor,
    action: Action,
    customer_id: &str,
) -> Result<()> {
    temporary_password_changed(actor, action)?;
    let partner = partner_authorizations(conn)?;
    let state: String = conn
        .prepare_cached("SELECT relationship_state FROM customers WHERE id = ?1")?
        .query_row([customer_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "customer",
            id: customer_id.to_owned(),
        })?;
    decide_for_customer(actor.subject(), partner, &state, action)
        .map_err(|reason| refusal(reason, action))
}

fn temporary_password_changed(actor: &Actor, action: Action) -> Result<()> {
    if actor.must_change_password && action != Action::ChangeOwnPassword {
        return Err(Error::forbidden(
            "password_change_required",
            text!(
                "Choose a new password first: you signed in with a temporary one.",
                "Najpierw ustaw nowe hasło: zalogowano hasłem tymczasowym."
            ),
        ));
    }
    Ok(())
}

fn refusal(reason: DenialReason, action: Action) -> Error {
    Error::forbidden(reason.key(), reason.text(action))
}

/// Runs a write for `actor`; when it is refused (by the table or by a rule
/// such as "the last global admin"), the refusal is audited in its own
/// transaction after the write's transaction has rolled back.
pub fn guarded_write<T>(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    audit_action: &'static str,
    target: Target,
    work: impl FnOnce(&rusqlite::Transaction<'_>) -> Result<T>,
) -> Result<T> {
    let result = store.write(work);
    audit_refusal(store, clock, actor, audit_action, target, result)
}

/// The same for reads that need a permission (seeing the audit log, the staff list).
pub fn guarded_read<T>(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    audit_action: &'static str,
    target: Target,
    work: impl FnOnce(&Connection) -> Result<T>,
) -> Result<T> {
    let result = store.read(work);
    audit_refusal(store, clock, actor, audit_action, target, result)
}

fn audit_refusal<T>(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    audit_action: &'static str,
    target: Target,
    result: Result<T>,
) -> Result<T> {
    if let Err(Error::Forbidden { text, .. }) = &result {
        // The audit log is a technical record for staff: it keeps the English.
        let event = Event::refused(actor.audit_ref(), audit_action, target, text.en.clone());
        audit::record(store, clock, &event)?;
    }
    result
}
