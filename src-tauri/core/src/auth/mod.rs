//! Who is acting: passwords, sessions, and the actor every command runs as.

pub mod actor;
#[cfg(test)]
mod attempt_tests;
pub mod attempts;
pub(crate) mod credentials;
pub mod password;
pub mod session;
#[cfg(test)]
mod tests;

use rusqlite::params;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use actor::Actor;
use attempts::{Attempt, TypedEmail};
pub use session::{authenticate, describe, SessionInfo, SessionStatus, Sessions};

use crate::access::{guarded_write, require, Action};
use crate::audit::{self, Event, Target};
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::store::Store;

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct PasswordChange {
    pub current_password: String,
    pub new_password: String,
}

/// Everyone may change their own password, knowing the current one. This is
/// also how a temporary password is replaced.
pub fn change_own_password(
    store: &Store,
    clock: &dyn Clock,
    sessions: &Sessions,
    actor: &Actor,
    change: &PasswordChange,
) -> Result<(SessionInfo, Change)> {
    password::check_new("new_password", &change.new_password)?;
    if change.new_password == change.current_password {
        return Err(Error::validation(
            "new_password",
            text!(
                "choose a password different from the current one",
                "wybierz hasło inne niż obecne"
            ),
        ));
    }
    let target = Target {
        kind: "staff",
        id: Some(actor.id.clone()),
        label: actor.display_name.clone(),
    };
    let new_hash = password::hash(&change.new_password)?;
    let now = to_rfc3339(clock.now())?;
    // The current password is an attempt like a sign-in: refused during the
    // wait, and a wrong one counts towards it (and is audited), so a session
    // left open cannot be used to guess the password. The refusal is returned
    // only after the transaction that counted it committed.
    let decided = guarded_write(
        store,
        clock,
        actor,
        "staff.change_own_password",
        target.clone(),
        |tx| {
            require(tx, actor, Action::ChangeOwnPassword)?;
            let current_hash = credentials::stored_hash(tx, &actor.id)?.unwrap_or_default();
            let audit_as = Event::done(
                actor.audit_ref(),
                "staff.change_own_password",
                target.clone(),
            );
            let email = TypedEmail::of_staff(&actor.email);
            let attempt = attempts::decide(tx, clock, &email, &audit_as, || {
                Ok(password::verify(&change.current_password, &current_hash).then_some(()))
            })?;
            match attempt {
                Attempt::Waiting { seconds } => return Ok(Err(attempts::rate_limited(seconds))),
                Attempt::Wrong => return Ok(Err(wrong_current_password())),
                Attempt::Right(()) => {}
            }
            tx.execute(
                "UPDATE staff SET must_change_password = 0, updated_at = ?1 WHERE id = ?2",
                params![now, actor.id],
            )?;
            credentials::store_hash(tx, &actor.id, &new_hash)?;
            audit::append(tx, clock, &audit_as)?;
            Ok(Ok(()))
        },
    )?;
    decided?;
    sessions.start(&actor.id, clock.now());
    let refreshed = store
        .read(|c| actor::load_active(c, &actor.id))?
        .ok_or(Error::Unauthenticated)?;
    let info = store.read(|c| session::session_info(c, refreshed))?;
    Ok((
        info,
        Change {
            entity: Entity::Staff,
            ids: vec![actor.id.clone()],
        },
    ))
}

fn wrong_current_password() -> Error {
    Error::validation(
        "current_password",
        text!(
            "the current password is not correct",
            "obecne hasło jest nieprawidłowe"
        ),
    )
}
