//! Signing in and out, the idle lock, and the growing wait after failed sign-ins.

use std::sync::Mutex;

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use ts_rs::TS;

use super::actor::{load_active, Actor};
use super::attempts::{self, Attempt, TypedEmail};
use super::password;
use crate::access::{self, Action, Permission};
use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::actor::partner_authorizations;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::settings;
use crate::store::Store;

pub use super::attempts::{wait_after, FREE_ATTEMPTS, MAX_WAIT_SECONDS};

/// What the UI needs to draw the shell for the signed-in staff member.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SessionInfo {
    pub staff: Actor,
    /// The company's legal name, for the header link; empty before set-up.
    pub company_name: String,
    pub idle_lock_minutes: u32,
    pub permissions: Vec<Permission>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
#[ts(export)]
pub enum SessionStatus {
    /// The database has no staff yet: the first-run wizard must run.
    SetupRequired,
    SignedOut,
    Locked {
        staff: Actor,
    },
    SignedIn {
        session: SessionInfo,
    },
}

struct Session {
    staff_id: String,
    last_activity: OffsetDateTime,
    /// The person's latest activity not yet counted (see [`Sessions::note_activity`]).
    reported_activity: Option<OffsetDateTime>,
    locked: bool,
}

/// The one session of this app instance (a desktop app has one user at a time).
#[derive(Default)]
pub struct Sessions {
    current: Mutex<Option<Session>>,
}

fn sign_in_target(email: &TypedEmail) -> Target {
    Target {
        kind: "session",
        id: None,
        label: email.as_str().to_owned(),
    }
}

fn wrong_credentials() -> Error {
    Error::forbidden(
        "wrong_credentials",
        text!(
            "The e-mail address or the password is not correct.",
            "Adres e-mail lub hasło są nieprawidłowe."
        ),
    )
}

fn account_blocked() -> Error {
    Error::forbidden(
        "account_blocked",
        text!(
            "This account is blocked. Ask a global admin or a user management admin to unblock it.",
            "To konto jest zablokowane. Poproś administratora globalnego lub administratora zarządzania użytkownikami o odblokowanie."
        ),
    )
}

pub(crate) fn idle_limit(conn: &Connection) -> Result<Duration> {
    Ok(Duration::minutes(i64::from(settings::idle_lock_minutes(
        conn,
    )?)))
}

pub(crate) fn session_info(conn: &Connection, actor: Actor) -> Result<SessionInfo> {
    let company_name: String = conn
        .query_row(
            "SELECT legal_name FROM company_profile WHERE id = 1",
            [],
            |r| r.get(0),
        )
        .optional()?
        .unwrap_or_default();
    let permissions = if actor.must_change_password {
        // Until the temporary password is replaced, only that is allowed.
        access::permissions_of(actor.subject(), partner_authorizations(conn)?)
            .into_iter()
            .map(|mut p| {
                if p.action != Action::ChangeOwnPassword {
                    p.allowed = false;
                }
                p
            })
            .collect()
    } else {
        access::permissions_of(actor.subject(), partner_authorizations(conn)?)
    };
    Ok(SessionInfo {
        company_name,
        idle_lock_minutes: settings::idle_lock_minutes(conn)?,
        permissions,
        staff: actor,
    })
}

impl Sessions {
    fn lock_state(&self) -> std::sync::MutexGuard<'_, Option<Session>> {
        self.current
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn status(&self, store: &Store, clock: &dyn Clock) -> Result<SessionStatus> {
        let staff_count: i64 =
            store.read(|c| Ok(c.query_row("SELECT count(*) FROM staff", [], |r| r.get(0))?))?;
        if staff_count == 0 {
            return Ok(SessionStatus::SetupRequired);
        }
        match self.actor(store, clock) {
            Ok(actor) => Ok(SessionStatus::SignedIn {
                session: store.read(|c| session_info(c, actor))?,
            }),
            Err(Error::Locked) => {
                let staff_id = self.lock_state().as_ref().map(|s| s.staff_id.clone());
                let staff = match staff_id {
                    Some(id) => store.read(|c| load_active(c, &id))?,
                    None => None,
                };
                Ok(match staff {
                    Some(staff) => SessionStatus::Locked { staff },
                    None => SessionStatus::SignedOut,
                })
            }
            Err(Error::Unauthenticated) => Ok(SessionStatus::SignedOut),
            Err(other) => Err(other),
        }
    }

    /// The person did something at `at`: started a command, or typed and
    /// clicked (the UI reports that). Only this renews the idle time; the
    /// app's own refreshes check the session without it. Counted at the next
    /// check, and only if the session was still open at `at`.
    pub fn note_activity(&self, at: OffsetDateTime) {
        if let Some(session) = self.lock_state().as_mut() {
            if !session.locked {
                session.reported_activity =
                    Some(session.reported_activity.map_or(at, |r| r.max(at)));
            }
        }
    }

    /// The signed-in staff member, for a command. Refuses when nobody is signed
    /// in, when the session is locked or has been idle too long, and when the
    /// staff member was blocked or removed meanwhile. Does not itself count as
    /// activity: see [`Sessions::note_activity`].
    pub fn actor(&self, store: &Store, clock: &dyn Clock) -> Result<Actor> {
        let mut state = self.lock_state();
        let session = state.as_mut().ok_or(Error::Unauthenticated)?;
        let limit = store.read(idle_limit)?;
        if let Some(at) = session.reported_activity.take() {
            if !session.locked && at > session.last_activity && at - session.last_activity <= limit
            {
                session.last_activity = at;
            }
        }
        if session.locked || clock.now() - session.last_activity > limit {
            session.locked = true;
            return Err(Error::Locked);
        }
        match store.read(|c| load_active(c, &session.staff_id))? {
            Some(actor) => Ok(actor),
            None => {
                *state = None;
                Err(Error::Unauthenticated)
            }
        }
    }

    pub fn sign_in(
        &self,
        store: &Store,
        clock: &dyn Clock,
        email: &str,
        password_text: &str,
    ) -> Result<SessionInfo> {
        let actor = authenticate(store, clock, email, password_text)?;
        self.start(&actor.id, clock.now());
        describe(store, actor)
    }

    pub fn sign_out(&self, store: &Store, clock: &dyn Clock) -> Result<()> {
        let staff_id = self.lock_state().take().map(|s| s.staff_id);
        if let Some(actor) =
            staff_id.and_then(|id| store.read(|c| load_active(c, &id)).ok().flatten())
        {
            let target = Target {
                kind: "session",
                id: None,
                label: actor.email.clone(),
            };
            audit::record(
                store,
                clock,
                &Event::done(actor.audit_ref(), "session.sign_out", target),
            )?;
        }
        Ok(())
    }

    /// Locks now (the UI's idle timer, or the user's "lock" button).
    pub fn lock(&self) {
        if let Some(session) = self.lock_state().as_mut() {
            session.locked = true;
        }
    }

    /// Unlocks with the signed-in staff member's password. A wrong password
    /// counts as a failed sign-in (audited, and towards the wait).
    pub fn unlock(
        &self,
        store: &Store,
        clock: &dyn Clock,
        password_text: &str,
    ) -> Result<SessionInfo> {
        let staff_id = self
            .lock_state()
            .as_ref()
            .map(|s| s.staff_id.clone())
            .ok_or(Error::Unauthenticated)?;
        let actor = store
            .read(|c| load_active(c, &staff_id))?
            .ok_or(Error::Unauthenticated)?;
        let info = self.sign_in(store, clock, &actor.email, password_text)?;
        Ok(info)
    }

    /// Signs the session in as `staff_id` directly, without a password check:
    /// after the first-run wizard or a password change, or on a connected
    /// desktop after the team server checked the password.
    pub fn start(&self, staff_id: &str, now: OffsetDateTime) {
        *self.lock_state() = Some(Session {
            staff_id: staff_id.to_owned(),
            last_activity: now,
            reported_activity: None,
            locked: false,
        });
    }
}

/// Checks an e-mail address and password as one sign-in attempt: refused
/// during the wait after failures, and counted and audited either way. The
/// session that follows is the caller's: this app's one session, or a team
/// server's token.
pub fn authenticate(
    store: &Store,
    clock: &dyn Clock,
    email: &str,
    password_text: &str,
) -> Result<Actor> {
    let typed = TypedEmail::of(email);
    let audit_as = Event::done(
        ActorRef::anonymous(),
        "session.sign_in",
        sign_in_target(&typed),
    );
    // One IMMEDIATE transaction decides, counts and audits the attempt;
    // the refusal it decided on is returned only after it committed.
    let decided: std::result::Result<Actor, Error> = store.write(|tx| {
        let attempt = attempts::decide(tx, clock, &typed, &audit_as, || {
            let candidate: Option<(String, String, String)> = tx
                .query_row(
                    "SELECT staff.id, staff_credentials.password_hash, staff.status
                     FROM staff JOIN staff_credentials ON staff_credentials.staff_id = staff.id
                     WHERE staff.email_key = ?1 AND staff.status <> 'removed'",
                    [typed.as_str()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()?;
            let verified = match &candidate {
                Some((_, hash, _)) => password::verify(password_text, hash),
                None => {
                    // Costs the same time, so timing does not tell which e-mails exist.
                    password::verify_against_nothing(password_text);
                    false
                }
            };
            Ok(candidate
                .filter(|_| verified)
                .map(|(id, _, status)| (id, status)))
        })?;
        let (staff_id, status) = match attempt {
            Attempt::Waiting { seconds } => return Ok(Err(attempts::rate_limited(seconds))),
            Attempt::Wrong => return Ok(Err(wrong_credentials())),
            Attempt::Right(found) => found,
        };
        if status == "blocked" {
            let event = Event::refused(
                ActorRef::anonymous(),
                "session.sign_in",
                sign_in_target(&typed),
                "the account is blocked",
            );
            audit::append(tx, clock, &event)?;
            return Ok(Err(account_blocked()));
        }
        let actor = load_active(tx, &staff_id)?.ok_or_else(super::actor::unauthenticated)?;
        audit::append(
            tx,
            clock,
            &Event::done(actor.audit_ref(), "session.sign_in", sign_in_target(&typed)),
        )?;
        Ok(Ok(actor))
    })?;
    decided
}

/// What the UI needs to draw the shell for `actor`.
pub fn describe(store: &Store, actor: Actor) -> Result<SessionInfo> {
    store.read(|c| session_info(c, actor))
}
