//! The clock's step for trials at their end (decision 0043): a trial with a
//! scheduled conversion becomes that paid subscription, its term starting at
//! the trial's end; one without ends. A conversion the rules refuse then (the
//! customer reached a seat ceiling meanwhile) ends the trial instead, and the
//! refusal is kept in the history and notified.

use rusqlite::Connection;
use time::OffsetDateTime;

use super::{
    apply_conversion, load, record_change, refuse_event, subscription, system, target,
    Subscription, SubscriptionEvent, COLUMNS, FROM,
};
use crate::audit::{self, Event};
use crate::clock::{parse_rfc3339, to_rfc3339, Clock};
use crate::error::{ErrorCode, Result};
use crate::notifications::{self, Draft};

/// The notification kind trials' ends are told under (the same one that
/// warns of a trial ending soon, so one switch mutes both).
pub const KIND_TRIAL: &str = "trial_ending";

/// Ends or converts every running trial whose end has come; their ids and
/// their customers' ids, for the change event.
pub(super) fn apply(
    tx: &Connection,
    clock: &dyn Clock,
    now: OffsetDateTime,
) -> Result<Vec<String>> {
    let now_text = to_rfc3339(now)?;
    let due: Vec<Subscription> = tx
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM {FROM}
             WHERE s.trial = 1 AND s.status IN ('active', 'suspended') AND s.ends_at <= ?1"
        ))?
        .query_map([&now_text], subscription)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut ids = Vec::new();
    for trial in due {
        let end = parse_rfc3339("ends_at", &trial.ends_at)?;
        let outcome = match &trial.conversion {
            Some(conversion) => {
                // A refusal must leave nothing of the conversion behind, whatever
                // step of it refused: the trial then just ends.
                tx.execute_batch("SAVEPOINT trial_conversion")?;
                match apply_conversion(tx, &system(), &trial, conversion, (end, &trial.ends_at)) {
                    Ok(()) => {
                        tx.execute_batch("RELEASE trial_conversion")?;
                        Outcome::Converted
                    }
                    Err(e) if is_refusal(e.code()) => {
                        tx.execute_batch("ROLLBACK TO trial_conversion; RELEASE trial_conversion")?;
                        Outcome::Refused(e.to_string())
                    }
                    Err(e) => return Err(e),
                }
            }
            None => Outcome::Ended,
        };
        if let Outcome::Refused(why) = &outcome {
            record_change(
                tx,
                &trial.id,
                &now_text,
                &system(),
                "conversion_refused",
                (Some("trial".into()), None),
                why,
            )?;
            notify(tx, clock, &trial, "conversion_refused", why.clone())?;
        }
        if outcome != Outcome::Converted {
            end_trial(tx, &trial, &now_text)?;
        }
        let after = load(tx, &trial.id)?;
        let event = outcome.event();
        notify(tx, clock, &trial, event, after.status.as_str().into())?;
        notifications::subscription_changed(tx, clock, &trial, &after, event)?;
        let detail = match &outcome {
            Outcome::Refused(why) => format!("conversion refused ({why}), expired"),
            _ => event.to_owned(),
        };
        let entry = Event {
            detail,
            ..Event::done(system(), "subscription.clock", target(&after))
        }
        .with_change(
            serde_json::to_value(&trial).ok(),
            serde_json::to_value(&after).ok(),
        );
        audit::append(tx, clock, &entry)?;
        ids.push(trial.id.clone());
        ids.push(trial.customer_id.clone());
    }
    Ok(ids)
}

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Converted,
    Ended,
    /// The conversion was refused, with the rule's words.
    Refused(String),
}

impl Outcome {
    /// The history kind, which is also the notification's event.
    fn event(&self) -> &'static str {
        match self {
            Outcome::Converted => SubscriptionEvent::ConvertTrial.as_str(),
            Outcome::Ended | Outcome::Refused(_) => SubscriptionEvent::Ended.as_str(),
        }
    }
}

/// A rule said no (as opposed to the database failing, which aborts the run).
fn is_refusal(code: ErrorCode) -> bool {
    matches!(
        code,
        ErrorCode::Validation
            | ErrorCode::Conflict
            | ErrorCode::InvalidState
            | ErrorCode::Forbidden
    )
}

fn end_trial(tx: &Connection, trial: &Subscription, now_text: &str) -> Result<()> {
    let step = SubscriptionEvent::Ended;
    let next = super::transition(trial.status, step).ok_or_else(|| refuse_event(trial, step))?;
    tx.execute(
        "UPDATE subscriptions SET status = ?1, updated_at = ?2 WHERE id = ?3",
        rusqlite::params![next.as_str(), now_text, trial.id],
    )?;
    record_change(
        tx,
        &trial.id,
        now_text,
        &system(),
        step.as_str(),
        (
            Some(trial.status.as_str().into()),
            Some(next.as_str().into()),
        ),
        "",
    )
}

/// Tells staff how the trial ended, whether or not the partner is partner of
/// record on it: a trial's end always needs someone to act (sell, or follow
/// up). `to_value` is the status it reached, or the refusal's words.
fn notify(
    tx: &Connection,
    clock: &dyn Clock,
    trial: &Subscription,
    event: &str,
    to_value: String,
) -> Result<()> {
    let s = trial;
    notifications::notify(
        tx,
        clock,
        &Draft {
            cause_key: format!("{KIND_TRIAL}:{}:{event}", s.id),
            kind: KIND_TRIAL,
            event: event.to_owned(),
            object_kind: "subscription",
            object_id: s.id.clone(),
            customer_id: Some(s.customer_id.clone()),
            subject: format!("{} — {}", s.customer_name, s.service_title),
            from_value: Some("trial".into()),
            to_value: Some(to_value),
            due: Some(s.ends_at.get(..10).unwrap_or(&s.ends_at).to_owned()),
        },
    )?;
    Ok(())
}
