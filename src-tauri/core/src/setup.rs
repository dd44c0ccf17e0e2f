//! First run: the wizard creates the company profile and the first global admin.

use serde::Deserialize;
use ts_rs::TS;

use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::{SessionInfo, Sessions};
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::company::{self, CompanyProfile};
use crate::error::{Error, Result};
use crate::staff;
use crate::store::Store;

#[derive(Debug, Clone, Deserialize, TS)]
#[ts(export)]
pub struct SetupInput {
    pub company: CompanyProfile,
    pub display_name: String,
    pub email: String,
    pub password: String,
}

/// Whether this database holds a workspace (someone was ever set up in it):
/// what the first-run wizard, a team server's `/health` and set-up code, and
/// a new replica's first download ask.
pub fn is_set_up(store: &Store) -> Result<bool> {
    store.read(|conn| Ok(conn.query_row("SELECT count(*) > 0 FROM staff", [], |r| r.get(0))?))
}

/// Runs once, on a database without staff; everything is written in one
/// transaction, and the new global admin is signed in.
pub fn complete(
    store: &Store,
    clock: &dyn Clock,
    sessions: &Sessions,
    input: &SetupInput,
) -> Result<(SessionInfo, Change)> {
    let profile = company::validate_profile(&input.company)?;
    let now = to_rfc3339(clock.now())?;
    let admin = store.write(|tx| {
        let staff_count: i64 = tx.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?;
        if staff_count > 0 {
            return Err(Error::Conflict {
                field: None,
                text: text!(
                    "Partnerdesk is already set up; sign in instead.",
                    "Partnerdesk jest już skonfigurowany; zamiast tego zaloguj się."
                ),
            });
        }
        company::write(tx, &profile, &now)?;
        crate::catalog::seed_samples(tx, &now)?;
        let admin = staff::insert_first_global_admin(
            tx,
            &input.display_name,
            &input.email,
            &input.password,
            &now,
        )?;
        let actor = ActorRef {
            id: Some(admin.id.clone()),
            name: admin.display_name.clone(),
        };
        let target = Target {
            kind: "company",
            id: None,
            label: profile.legal_name.clone(),
        };
        let event = Event::done(actor, "setup.complete", target).with_change(
            None,
            Some(serde_json::json!({
                "company": profile,
                "first_global_admin": { "display_name": admin.display_name, "email": admin.email },
            })),
        );
        audit::append(tx, clock, &event)?;
        Ok(admin)
    })?;
    let info = sessions.sign_in(store, clock, &admin.email, &input.password)?;
    Ok((info, Change::of(Entity::Company)))
}
