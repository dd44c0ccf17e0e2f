//! What staff change on an active relationship: auto-extend on or off, and
//! removing Global Administrator (Partner Center allows both while active;
//! "Don't autoextend GDAP with Global Administrator", decision 0045).

use rusqlite::{params, Connection};

use super::roles::{self, GLOBAL_ADMINISTRATOR};
use super::{change_relationship, Relationship};
use crate::auth::Actor;
use crate::change::Change;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// Runs `change` on an active relationship and audits it as `action`.
fn change_active(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    action: &'static str,
    change: impl FnOnce(&Connection, &Relationship, &str) -> Result<()>,
) -> Result<(Relationship, Change)> {
    change_relationship(store, clock, actor, id, action, |tx, before, now| {
        if !before.state.is_active() {
            let name = &before.display_name;
            let (state, state_pl) = (before.state.describe(), before.state.describe_pl());
            return Err(Error::invalid_state(text!(
                "'{name}' is {state}; only an active relationship can be changed",
                "Relacja „{name}” ma stan: {state_pl}; zmieniać można tylko aktywną relację"
            )));
        }
        change(tx, before, now)
    })
}

/// Turns auto-extend on or off; never on while the relationship grants
/// Global Administrator.
pub fn set_auto_extend(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    auto_extend: bool,
) -> Result<(Relationship, Change)> {
    change_active(
        store,
        clock,
        actor,
        id,
        "relationship.auto_extend",
        |tx, r, now| {
            if auto_extend && roles::includes_global_admin(&r.roles) {
                let name = &r.display_name;
                return Err(Error::validation(
                "auto_extend",
                text!(
                    "'{name}' grants Global Administrator, so it cannot auto-extend; remove Global Administrator first",
                    "Relacja „{name}” nadaje rolę Administrator globalny, więc nie może się automatycznie przedłużać; najpierw usuń tę rolę"
                ),
            ));
            }
            tx.execute(
                "UPDATE relationships SET auto_extend = ?1, updated_at = ?2 WHERE id = ?3",
                params![auto_extend, now, r.id],
            )?;
            Ok(())
        },
    )
}

/// Removes Global Administrator from an active relationship's roles, and
/// from the access assignments that held it (an assignment left with no
/// role is deleted).
pub fn remove_global_admin(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(Relationship, Change)> {
    change_active(
        store,
        clock,
        actor,
        id,
        "relationship.remove_global_admin",
        |tx, r, now| {
            let name = &r.display_name;
            if !roles::includes_global_admin(&r.roles) {
                return Err(Error::invalid_state(text!(
                    "'{name}' does not grant Global Administrator",
                    "Relacja „{name}” nie nadaje roli Administrator globalny"
                )));
            }
            let remaining: Vec<String> = r
                .roles
                .iter()
                .filter(|role| role.as_str() != GLOBAL_ADMINISTRATOR)
                .cloned()
                .collect();
            if remaining.is_empty() {
                return Err(Error::invalid_state(text!(
                "Global Administrator is the only role of '{name}'; a relationship needs at least one role, so terminate it and offer a new one instead",
                "Administrator globalny to jedyna rola relacji „{name}”; relacja musi mieć co najmniej jedną rolę, więc zakończ ją i zaoferuj nową"
            )));
            }
            tx.execute(
                "UPDATE relationships SET roles = ?1, updated_at = ?2 WHERE id = ?3",
                params![remaining.join(","), now, r.id],
            )?;
            super::assignments::drop_role_in(tx, clock, r, GLOBAL_ADMINISTRATOR, now)?;
            Ok(())
        },
    )
}
