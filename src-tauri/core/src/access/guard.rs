//! Asking the table inside a command, and auditing every refusal.
//!
//! [`require`] takes a [`Guarded`] connection, and only [`guarded_read`] and
//! [`guarded_write`] make one: a command cannot ask the table outside the path
//! that audits its refusal (docs/decisions/0028). [`allows`] only asks, for
//! what a screen shows differently (masked keys, the whole queue); it never refuses.

use std::ops::Deref;

use rusqlite::{Connection, OptionalExtension, Transaction};

use super::{decide, decide_for_customer, Action, DenialReason};
use crate::audit::{self, Event, Target};
use crate::auth::actor::{partner_authorizations, Actor};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;
use crate::text::Text;

/// A connection (or transaction) handed out by [`guarded_read`] or
/// [`guarded_write`]; it derefs to the connection, and is the proof [`require`] asks for.
pub struct Guarded<'a, C> {
    inner: &'a C,
    conn: &'a Connection,
}

impl<C> Deref for Guarded<'_, C> {
    type Target = C;
    fn deref(&self) -> &C {
        self.inner
    }
}

impl<C> Guarded<'_, C> {
    /// The plain connection, for code shared by reads and writes.
    pub fn connection(&self) -> &Connection {
        self.conn
    }
}

/// Refuses `action` unless the table allows it for `actor` (read fresh from the database).
/// Someone signed in with a temporary password may only change it.
pub fn require<C>(guarded: &Guarded<'_, C>, actor: &Actor, action: Action) -> Result<()> {
    temporary_password_changed(actor, action)?;
    let partner = partner_authorizations(guarded.conn)?;
    decide(actor.subject(), partner, action).map_err(|reason| refusal(reason, action))
}

/// [`require`] for an act that may carry a delegated-administration request
/// (a purchase offer, a trial invitation, a key redemption): carrying one asks
/// the same row as offering delegated administration alone (decision 0027);
/// without one there is nothing to ask.
pub fn require_to_offer_delegated_admin<C, T>(
    guarded: &Guarded<'_, C>,
    actor: &Actor,
    request: Option<&T>,
) -> Result<()> {
    match request {
        Some(_) => require(guarded, actor, Action::ManageRelationships),
        None => Ok(()),
    }
}

/// Refuses unless the table allows at least one of `actions`: for what several
/// rows open (the link templates: those who edit them and those who send what
/// they build). The refusal says each different reason once, as the UI's
/// `whyNone` does, under the first refusal's key.
pub fn require_any<C>(guarded: &Guarded<'_, C>, actor: &Actor, actions: &[Action]) -> Result<()> {
    let mut refusals: Vec<(DenialReason, Action)> = Vec::new();
    for &action in actions {
        temporary_password_changed(actor, action)?;
        match decide(
            actor.subject(),
            partner_authorizations(guarded.conn)?,
            action,
        ) {
            Ok(()) => return Ok(()),
            Err(reason) => refusals.push((reason, action)),
        }
    }
    let key = refusals
        .first()
        .map_or("role_required", |(reason, _)| reason.key());
    let (mut en, mut pl): (Vec<String>, Vec<String>) = (Vec::new(), Vec::new());
    for (reason, action) in refusals {
        let text = reason.text(action);
        if !en.contains(&text.en) {
            en.push(text.en);
            pl.push(text.pl);
        }
    }
    Err(Error::forbidden(key, Text::new(en.join(" "), pl.join(" "))))
}

/// Whether the table allows `action` for `actor`, without refusing anything:
/// for reads that show more to some (keys in full, every customer's requests).
pub fn allows(conn: &Connection, actor: &Actor, action: Action) -> Result<bool> {
    if actor.must_change_password && action != Action::ChangeOwnPassword {
        return Ok(false);
    }
    Ok(decide(actor.subject(), partner_authorizations(conn)?, action).is_ok())
}

/// [`require`] for an action on one customer: the customer gate reads the
/// customer's delegated-administration state. A missing customer is `not_found`.
pub fn require_for_customer<C>(
    guarded: &Guarded<'_, C>,
    actor: &Actor,
    action: Action,
    customer_id: &str,
) -> Result<()> {
    temporary_password_changed(actor, action)?;
    let conn = guarded.conn;
    let partner = partner_authorizations(conn)?;
    let state = relationship_state(conn, customer_id)?;
    decide_for_customer(actor.subject(), partner, &state, action)
        .map_err(|reason| refusal(reason, action))
}

/// The customer's delegated-administration state, which the customer gate reads.
fn relationship_state(conn: &Connection, customer_id: &str) -> Result<String> {
    conn.prepare_cached("SELECT relationship_state FROM customers WHERE id = ?1")?
        .query_row([customer_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "customer",
            id: customer_id.to_owned(),
        })
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
    work: impl FnOnce(&Guarded<'_, Transaction<'_>>) -> Result<T>,
) -> Result<T> {
    let result = store.write(|tx| {
        work(&Guarded {
            inner: tx,
            conn: tx,
        })
    });
    audit_refusal(store, clock, actor, audit_action, target, result)
}

/// The same for every read that needs a permission: a refused view is audited
/// like a refused change.
pub fn guarded_read<T>(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    audit_action: &'static str,
    target: Target,
    work: impl FnOnce(&Guarded<'_, Connection>) -> Result<T>,
) -> Result<T> {
    let result = store.read(|conn| work(&Guarded { inner: conn, conn }));
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

/// The audit target of a read: the kind of record, and which one when it is one.
pub(crate) fn read_target(kind: &'static str, id: Option<&str>, label: &str) -> Target {
    Target {
        kind,
        id: id.map(str::to_owned),
        label: label.to_owned(),
    }
}
