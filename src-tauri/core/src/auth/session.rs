//! Signing in and out, the idle lock, and the growing wait after failed sign-ins.

use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use time::{Duration, OffsetDateTime};
use ts_rs::TS;

use super::actor::{load_active, Actor};
use super::password;
use crate::access::{self, Action, Permission};
use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::actor::partner_authorizations;
use crate::clock::{parse_rfc3339, to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::settings;
use crate::store::Store;

/// Failures in a row before each further attempt has to wait.
pub const FREE_ATTEMPTS: i64 = 5;
/// The longest wait between attempts.
pub const MAX_WAIT_SECONDS: i64 = 15 * 60;

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
    locked: bool,
}

/// The one session of this app instance (a desktop app has one user at a time).
#[derive(Default)]
pub struct Sessions {
    current: Mutex<Option<Session>>,
}

fn email_key(email: &str) -> String {
    email.trim().to_lowercase()
}

fn sign_in_target(email: &str) -> Target {
    Target {
        kind: "session",
        id: None,
        label: email.trim().to_owned(),
    }
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

/// How long someone with `failures` failures in a row must wait after the last one.
pub fn wait_after(failures: i64) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(20) as u32;
    Duration::seconds((2_i64.pow(doublings) * 2).min(MAX_WAIT_SECONDS))
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

    /// The signed-in staff member, for a command. Refuses when nobody is signed
    /// in, when the session is locked or has been idle too long, and when the
    /// staff member was blocked or removed meanwhile. Counts as activity.
    pub fn actor(&self, store: &Store, clock: &dyn Clock) -> Result<Actor> {
        let mut state = self.lock_state();
        let session = state.as_mut().ok_or(Error::Unauthenticated)?;
        let now = clock.now();
        if session.locked || now - session.last_activity > store.read(idle_limit)? {
            session.locked = true;
            return Err(Error::Locked);
        }
        match store.read(|c| load_active(c, &session.staff_id))? {
            Some(actor) => {
                session.last_activity = now;
                Ok(actor)
            }
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
        let key = email_key(email);
        let now = clock.now();
        let failures: Option<(i64, String)> = store.read(|c| {
            Ok(c.query_row(
                "SELECT failures, last_failure_at FROM sign_in_failures WHERE email_key = ?1",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
        })?;
        if let Some((count, last)) = &failures {
            let ready_at = parse_rfc3339("last_failure_at", last)? + wait_after(*count);
            if now < ready_at {
                let seconds = (ready_at - now).whole_seconds().max(1);
                let text = text!(
                    "Too many failed sign-ins. Wait {seconds} seconds before trying again.",
                    "Zbyt wiele nieudanych prób logowania. Odczekaj {seconds} s, zanim spróbujesz ponownie."
                );
                let event = Event {
                    outcome: audit::Outcome::Failed,
                    detail: "attempt made during the wait after failed sign-ins".into(),
                    ..Event::done(
                        ActorRef::anonymous(),
                        "session.sign_in",
                        sign_in_target(email),
                    )
                };
                audit::record(store, clock, &event)?;
                return Err(Error::RateLimited { text });
            }
        }

        let candidate: Option<(String, String, String)> = store.read(|c| {
            Ok(c.query_row(
                "SELECT id, password_hash, status FROM staff
                 WHERE email_key = ?1 AND status <> 'removed'",
                [&key],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?)
        })?;
        let verified = match &candidate {
            Some((_, hash, _)) => password::verify(password_text, hash),
            None => {
                password::verify_against_nothing(password_text);
                false
            }
        };
        let Some((staff_id, _, status)) = candidate.filter(|_| verified) else {
            self.record_failure(
                store,
                clock,
                email,
                &key,
                failures.map(|f| f.0).unwrap_or(0),
            )?;
            return Err(Error::forbidden(
                "wrong_credentials",
                text!(
                    "The e-mail address or the password is not correct.",
                    "Adres e-mail lub hasło są nieprawidłowe."
                ),
            ));
        };
        if status == "blocked" {
            let event = Event::refused(
                ActorRef::anonymous(),
                "session.sign_in",
                sign_in_target(email),
                "the account is blocked",
            );
            audit::record(store, clock, &event)?;
            return Err(Error::forbidden(
                "account_blocked",
                text!(
                    "This account is blocked. Ask a global admin or a user management admin to unblock it.",
                    "To konto jest zablokowane. Poproś administratora globalnego lub administratora zarządzania użytkownikami o odblokowanie."
                ),
            ));
        }

        let actor = store.write(|tx| {
            tx.execute("DELETE FROM sign_in_failures WHERE email_key = ?1", [&key])?;
            let actor = load_active(tx, &staff_id)?.ok_or_else(super::actor::unauthenticated)?;
            audit::append(
                tx,
                clock,
                &Event::done(actor.audit_ref(), "session.sign_in", sign_in_target(email)),
            )?;
            Ok(actor)
        })?;
        *self.lock_state() = Some(Session {
            staff_id: actor.id.clone(),
            last_activity: now,
            locked: false,
        });
        store.read(|c| session_info(c, actor))
    }

    fn record_failure(
        &self,
        store: &Store,
        clock: &dyn Clock,
        email: &str,
        key: &str,
        previous: i64,
    ) -> Result<()> {
        let now = to_rfc3339(clock.now())?;
        store.write(|tx| {
            tx.execute(
                "INSERT INTO sign_in_failures (email_key, failures, last_failure_at)
                 VALUES (?1, ?2, ?3)
                 ON CONFLICT (email_key) DO UPDATE
                 SET failures = excluded.failures, last_failure_at = excluded.last_failure_at",
                params![key, previous + 1, now],
            )?;
            let event = Event {
                outcome: audit::Outcome::Failed,
                detail: format!("failed sign-in number {} in a row", previous + 1),
                ..Event::done(
                    ActorRef::anonymous(),
                    "session.sign_in",
                    sign_in_target(email),
                )
            };
            audit::append(tx, clock, &event)?;
            Ok(())
        })
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

    /// Signs the session in as `staff_id` directly (after the first-run wizard
    /// or a password change), without a password check.
    pub(crate) fn start(&self, staff_id: &str, now: OffsetDateTime) {
        *self.lock_state() = Some(Session {
            staff_id: staff_id.to_owned(),
            last_activity: now,
            locked: false,
        });
    }
}
