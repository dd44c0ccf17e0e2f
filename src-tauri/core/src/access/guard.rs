//! Asking the table inside a command, and auditing every refusal.

use rusqlite::Connection;

use super::{decide, Action};
use crate::audit::{self, Event, Target};
use crate::auth::actor::{partner_authorizations, Actor};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// Refuses `action` unless the table allows it for `actor` (read fresh from `conn`).
/// Someone signed in with a temporary password may only change it.
pub fn require(conn: &Connection, actor: &Actor, action: Action) -> Result<()> {
    if actor.must_change_password && action != Action::ChangeOwnPassword {
        return Err(Error::forbidden(
            "password_change_required",
            "Choose a new password first: you signed in with a temporary one.",
        ));
    }
    let partner = partner_authorizations(conn)?;
    decide(actor.subject(), partner, action).map_err(|reason| {
        let key = match reason {
            super::DenialReason::RoleRequired => "role_required",
            super::DenialReason::CustomerAccessRequired => "customer_access_required",
            super::DenialReason::FullCustomerAccessRequired => "full_customer_access_required",
            super::DenialReason::PartnerNotDelegatedAdmin => "partner_not_delegated_admin",
            super::DenialReason::PartnerNotSubscriptionAdvisor => {
                "partner_not_subscription_advisor"
            }
            super::DenialReason::NoActiveRelationship => "no_active_relationship",
        };
        Error::forbidden(key, reason.message(action))
    })
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
    if let Err(Error::Forbidden { message, .. }) = &result {
        let event = Event::refused(actor.audit_ref(), audit_action, target, message.clone());
        audit::record(store, clock, &event)?;
    }
    result
}
