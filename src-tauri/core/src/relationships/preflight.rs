//! The pre-flight check of a relationship request: the one function every
//! path that requests delegated administration runs (offering it alone, in a
//! purchase offer, a trial invitation, a redeemed key), and the UI runs to
//! show the problems before anything is sent (decision 0045).

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use super::roles::{self, GLOBAL_ADMINISTRATOR};
use super::{RelationshipOffer, MAX_DURATION_DAYS};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::text::Text;

/// An error stops the request; a warning is said and the request may go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Severity {
    Error,
    Warning,
}

/// Which check a problem comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PreflightCheck {
    /// Required, at most 50 characters (Graph: "Maximum length is 50 characters").
    DisplayName,
    /// Unique across all the partner's relationships (Graph).
    DisplayNameTaken,
    /// Built-in roles from the table, at least one.
    Roles,
    /// P1D to P2Y (730 days) inclusive (Graph).
    Duration,
    /// Auto-extend is not available with Global Administrator (Partner Center).
    AutoExtend,
    /// Global Administrator requested: allowed, but Microsoft advises against it.
    GlobalAdministrator,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PreflightProblem {
    pub check: PreflightCheck,
    pub severity: Severity,
    /// The request's field it is about, for the form to mark.
    pub field: String,
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Preflight {
    /// True when no problem is an error: the request may be sent.
    pub ok: bool,
    pub problems: Vec<PreflightProblem>,
}

fn problem(check: PreflightCheck, field: &str, text: Text) -> PreflightProblem {
    let severity = match check {
        PreflightCheck::GlobalAdministrator => Severity::Warning,
        _ => Severity::Error,
    };
    PreflightProblem {
        check,
        severity,
        field: field.to_owned(),
        text,
    }
}

/// Every problem of `offer`. With a connection the display name is also
/// checked against the partner's relationships; without one (a trial
/// invitation, whose name is made at sign-up) it is not.
pub fn check(conn: Option<&Connection>, offer: &RelationshipOffer) -> Result<Preflight> {
    let mut problems = Vec::new();
    match crate::validate::required_text(
        "display_name",
        &offer.display_name,
        crate::limits::RELATIONSHIP_NAME,
    ) {
        Err(e) => problems.push(problem(
            PreflightCheck::DisplayName,
            "display_name",
            e.text(),
        )),
        Ok(name) => {
            if let Some(conn) = conn {
                if let Some(taken) = name_taken(conn, &name)? {
                    problems.push(problem(
                        PreflightCheck::DisplayNameTaken,
                        "display_name",
                        text!(
                            "another relationship is already named '{taken}'; Microsoft needs a name unique across all your relationships",
                            "inna relacja ma już nazwę „{taken}”; Microsoft wymaga nazwy niepowtarzalnej wśród wszystkich Twoich relacji"
                        ),
                    ));
                }
            }
        }
    }
    let roles = match roles::normalize("roles", &offer.roles) {
        Ok(roles) => roles,
        Err(e) => {
            problems.push(problem(PreflightCheck::Roles, "roles", e.text()));
            Vec::new()
        }
    };
    if !(1..=MAX_DURATION_DAYS).contains(&offer.duration_days) {
        let days = offer.duration_days;
        problems.push(problem(
            PreflightCheck::Duration,
            "duration_days",
            text!(
                "{days} days is outside what Microsoft allows; choose a duration from 1 day to 2 years ({MAX_DURATION_DAYS} days)",
                "{days} dni to poza zakresem Microsoft; wybierz czas trwania od 1 dnia do 2 lat ({MAX_DURATION_DAYS} dni)"
            ),
        ));
    }
    let global_admin = roles::includes_global_admin(&roles);
    if global_admin && offer.auto_extend {
        problems.push(problem(
            PreflightCheck::AutoExtend,
            "auto_extend",
            text!(
                "a relationship with the Global Administrator role cannot extend itself; turn auto-extend off (it must be offered again when it ends)",
                "relacja z rolą Administrator globalny nie może przedłużać się sama; wyłącz automatyczne przedłużanie (po zakończeniu trzeba ją zaoferować ponownie)"
            ),
        ));
    }
    if global_admin {
        let (en, pl) = (
            roles::name_en(GLOBAL_ADMINISTRATOR),
            roles::name_pl(GLOBAL_ADMINISTRATOR),
        );
        problems.push(problem(
            PreflightCheck::GlobalAdministrator,
            "roles",
            text!(
                "{en} is requested: Microsoft recommends the least privileged roles instead, and such a relationship cannot auto-extend",
                "żądana jest rola {pl}: Microsoft zaleca zamiast niej role o najmniejszych uprawnieniach, a taka relacja nie może się automatycznie przedłużać"
            ),
        ));
    }
    let ok = problems.iter().all(|p| p.severity == Severity::Warning);
    Ok(Preflight { ok, problems })
}

/// The name of the relationship already holding `name` (folded: case and
/// diacritics do not make two names different).
pub(crate) fn name_taken(conn: &Connection, name: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT display_name FROM relationships WHERE display_name_key = ?1")?
        .query_row([fold(name)], |r| r.get(0))
        .optional()?)
}

/// The first error of a pre-flight as the error a write refuses with.
pub(crate) fn refuse(preflight: &Preflight) -> Result<()> {
    match preflight
        .problems
        .iter()
        .find(|p| p.severity == Severity::Error)
    {
        None => Ok(()),
        Some(p) if p.check == PreflightCheck::DisplayNameTaken => {
            Err(Error::conflict(p.field.clone(), p.text.clone()))
        }
        Some(p) => Err(Error::validation(p.field.clone(), p.text.clone())),
    }
}
