//! Password attempts: the growing wait after failures in a row, and what of a
//! typed e-mail address may be kept. Every attempt is decided and counted in
//! the caller's IMMEDIATE transaction, so attempts made at the same moment
//! see each other's failures and none of them skips the wait
//! (docs/decisions/0031-session-and-lock.md).

use rusqlite::{params, Connection, OptionalExtension};
use time::{Duration, OffsetDateTime};

use crate::audit::{self, Event, Outcome};
use crate::clock::{parse_rfc3339, to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::validate;

/// Failures in a row before each further attempt has to wait.
pub const FREE_ATTEMPTS: i64 = 5;
/// The longest wait between attempts.
pub const MAX_WAIT_SECONDS: i64 = 15 * 60;
/// What the audit log and the failure table keep instead of a typed value
/// that is no e-mail address: most often a password typed into the wrong field.
pub const NOT_AN_ADDRESS: &str = "(not an e-mail address)";

/// How long someone with `failures` failures in a row must wait after the last one.
pub fn wait_after(failures: i64) -> Duration {
    if failures < FREE_ATTEMPTS {
        return Duration::ZERO;
    }
    let doublings = (failures - FREE_ATTEMPTS).min(20) as u32;
    Duration::seconds((2_i64.pow(doublings) * 2).min(MAX_WAIT_SECONDS))
}

/// An e-mail address as typed for a sign-in, reduced to what may be stored:
/// trimmed and in lower case when it is a valid address (at most
/// `limits::EMAIL` characters), [`NOT_AN_ADDRESS`] otherwise. It is both the
/// key the failures are counted under and the label the audit log shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedEmail(String);

impl TypedEmail {
    pub fn of(text: &str) -> Self {
        match validate::email("email", text) {
            // A quoted local part may hold spaces; no staff address does.
            Ok(address) if !address.chars().any(char::is_whitespace) => {
                TypedEmail(address.to_lowercase())
            }
            _ => TypedEmail(NOT_AN_ADDRESS.to_owned()),
        }
    }

    /// A staff member's stored address (valid by construction).
    pub(crate) fn of_staff(email: &str) -> Self {
        TypedEmail(email.trim().to_lowercase())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_address(&self) -> bool {
        self.0 != NOT_AN_ADDRESS
    }
}

/// How one attempt ended; the caller turns it into its own answer after commit.
#[derive(Debug)]
pub(crate) enum Attempt<T> {
    /// Made during the wait after failures: refused unchecked, audited.
    Waiting { seconds: i64 },
    /// The password was wrong: counted towards the wait, audited.
    Wrong,
    /// The password was right; the failures in a row are forgotten.
    Right(T),
}

/// Decides one password attempt for `email` inside `tx` (an IMMEDIATE
/// transaction, so parallel attempts queue here): refused while the wait
/// lasts, otherwise `verify` says whether the password was right (`Some`).
/// Failures and refusals are audited as copies of `audit_as` with the outcome
/// `failed` and the reason as detail.
pub(crate) fn decide<T>(
    tx: &Connection,
    clock: &dyn Clock,
    email: &TypedEmail,
    audit_as: &Event,
    verify: impl FnOnce() -> Result<Option<T>>,
) -> Result<Attempt<T>> {
    let now = clock.now();
    if let Some(seconds) = wait_left(tx, email, now)? {
        audit::append(
            tx,
            clock,
            &failed(
                audit_as,
                "attempt made during the wait after wrong passwords",
            ),
        )?;
        return Ok(Attempt::Waiting { seconds });
    }
    match verify()? {
        Some(value) => {
            tx.execute(
                "DELETE FROM sign_in_failures WHERE email_key = ?1",
                [email.as_str()],
            )?;
            Ok(Attempt::Right(value))
        }
        None => {
            let count: i64 = tx.query_row(
                "INSERT INTO sign_in_failures (email_key, failures, last_failure_at)
                 VALUES (?1, 1, ?2)
                 ON CONFLICT (email_key) DO UPDATE
                 SET failures = failures + 1, last_failure_at = excluded.last_failure_at
                 RETURNING failures",
                params![email.as_str(), to_rfc3339(now)?],
                |r| r.get(0),
            )?;
            audit::append(
                tx,
                clock,
                &failed(audit_as, &format!("wrong password number {count} in a row")),
            )?;
            Ok(Attempt::Wrong)
        }
    }
}

fn wait_left(tx: &Connection, email: &TypedEmail, now: OffsetDateTime) -> Result<Option<i64>> {
    let failures: Option<(i64, String)> = tx
        .query_row(
            "SELECT failures, last_failure_at FROM sign_in_failures WHERE email_key = ?1",
            [email.as_str()],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let Some((count, last)) = failures else {
        return Ok(None);
    };
    let ready_at = parse_rfc3339("last_failure_at", &last)? + wait_after(count);
    Ok((now < ready_at).then(|| (ready_at - now).whole_seconds().max(1)))
}

fn failed(template: &Event, detail: &str) -> Event {
    Event {
        outcome: Outcome::Failed,
        detail: detail.to_owned(),
        ..template.clone()
    }
}

/// The refusal of an attempt made during the wait.
pub(crate) fn rate_limited(seconds: i64) -> Error {
    Error::RateLimited {
        text: text!(
            "Too many failed sign-ins. Wait {seconds} seconds before trying again.",
            "Zbyt wiele nieudanych prób logowania. Odczekaj {seconds} s, zanim spróbujesz ponownie."
        ),
    }
}
