//! What the clock does to relationships: Microsoft's activation and
//! termination steps, the approval request lapsing, the last month, the end
//! (renewed by auto-extend or expired). One step at a time, each through the
//! transition table, so a relationship the app did not see for a while (or an
//! acceptance recorded days late) catches up through every state between.

use rusqlite::{params, Connection};
use time::{Duration, OffsetDateTime};

use super::machine::{
    ACTIVATING_AFTER_MINUTES, ACTIVE_AFTER_MINUTES, TERMINATED_AFTER_MINUTES,
    TERMINATING_AFTER_MINUTES,
};
use super::notify::{relationship_event, RelationshipNotice};
use super::{
    load, refresh_customer_state, relationship, target, transition, Relationship,
    RelationshipEvent, RelationshipState, APPROVAL_LAPSES_DAYS, AUTO_EXTEND_DAYS, COLUMNS,
    EXPIRING_DAYS,
};
use crate::audit::{self, ActorRef, Event};
use crate::change::{Change, Entity};
use crate::clock::{add_days, parse_rfc3339, to_rfc3339, Clock};
use crate::error::Result;
use crate::store::Store;

fn system() -> ActorRef {
    ActorRef {
        id: None,
        name: "Partnerdesk (clock)".into(),
    }
}

fn instant(field: &str, value: &Option<String>) -> Result<Option<OffsetDateTime>> {
    value
        .as_deref()
        .map(|text| parse_rfc3339(field, text))
        .transpose()
}

/// The one step due for `r` at `now`, with the end it leaves; `None` when
/// nothing is due.
fn next_step(
    r: &Relationship,
    now: OffsetDateTime,
) -> Result<Option<(RelationshipEvent, Option<OffsetDateTime>)>> {
    use RelationshipEvent as E;
    use RelationshipState as S;
    let minutes = |at: Option<OffsetDateTime>, after: i64| {
        at.is_some_and(|at| at + Duration::minutes(after) <= now)
    };
    let ends = instant("ends_at", &r.ends_at)?;
    let step = match r.state {
        S::ApprovalPending => {
            let requested = instant("requested_at", &r.requested_at)?;
            let lapsed = requested
                .map(|at| add_days(at, APPROVAL_LAPSES_DAYS))
                .transpose()?
                .is_some_and(|at| at <= now);
            lapsed.then_some((E::ApprovalLapsed, ends))
        }
        S::Approved => minutes(
            instant("accepted_at", &r.accepted_at)?,
            ACTIVATING_AFTER_MINUTES,
        )
        .then_some((E::ActivationStarted, ends)),
        S::Activating => minutes(
            instant("accepted_at", &r.accepted_at)?,
            ACTIVE_AFTER_MINUTES,
        )
        .then_some((E::ActivationFinished, ends)),
        S::TerminationRequested => minutes(
            instant("terminated_at", &r.terminated_at)?,
            TERMINATING_AFTER_MINUTES,
        )
        .then_some((E::TerminationStarted, ends)),
        S::Terminating => minutes(
            instant("terminated_at", &r.terminated_at)?,
            TERMINATED_AFTER_MINUTES,
        )
        .then_some((E::TerminationFinished, ends)),
        S::Active | S::Expiring => match ends {
            Some(end) if end <= now && r.auto_extend => {
                Some((E::AutoExtended, Some(add_days(end, AUTO_EXTEND_DAYS)?)))
            }
            Some(end) if end <= now => Some((E::Ended, ends)),
            Some(end) if r.state == S::Active && end - now <= Duration::days(EXPIRING_DAYS) => {
                Some((E::EnteredLastMonth, ends))
            }
            _ => None,
        },
        S::Created | S::Expired | S::Terminated => None,
    };
    Ok(step)
}

/// The notification a step makes, if any.
fn notice(event: RelationshipEvent) -> Option<RelationshipNotice> {
    match event {
        RelationshipEvent::ActivationFinished => Some(RelationshipNotice::Activated),
        RelationshipEvent::ApprovalLapsed | RelationshipEvent::Ended => {
            Some(RelationshipNotice::Expired)
        }
        RelationshipEvent::TerminationFinished => Some(RelationshipNotice::Terminated),
        RelationshipEvent::AutoExtended => Some(RelationshipNotice::AutoExtended),
        _ => None,
    }
}

/// Takes every step due for relationship `id` at the clock's now, inside a
/// write under way; each is audited as the clock's and notified. True when
/// anything changed.
pub(crate) fn settle_in(tx: &Connection, clock: &dyn Clock, id: &str) -> Result<bool> {
    let now = clock.now();
    let now_text = to_rfc3339(now)?;
    let mut current = load(tx, id)?;
    let mut moved = false;
    while let Some((event, ends)) = next_step(&current, now)? {
        let Some(next) = transition(current.state, event) else {
            break;
        };
        let before = current.clone();
        tx.execute(
            "UPDATE relationships SET state = ?1, ends_at = ?2, updated_at = ?3 WHERE id = ?4",
            params![
                next.as_str(),
                ends.map(to_rfc3339).transpose()?,
                now_text,
                id
            ],
        )?;
        if matches!(
            next,
            RelationshipState::Expired | RelationshipState::Terminated
        ) {
            super::assignments::end_all_in(tx, id, &now_text)?;
        }
        current = load(tx, id)?;
        let entry = Event {
            detail: event.describe().to_owned(),
            ..Event::done(system(), "relationship.clock", target(&current))
        }
        .with_change(
            serde_json::to_value(&before).ok(),
            serde_json::to_value(&current).ok(),
        );
        audit::append(tx, clock, &entry)?;
        if let Some(notice) = notice(event) {
            let occurrence = current.ends_at.clone().unwrap_or_default();
            let values = match notice {
                RelationshipNotice::AutoExtended => {
                    (before.ends_at.clone(), current.ends_at.clone())
                }
                _ => (
                    Some(before.state.as_str().to_owned()),
                    Some(current.state.as_str().to_owned()),
                ),
            };
            relationship_event(tx, clock, &current, notice, &occurrence, values)?;
        }
        moved = true;
    }
    if moved {
        refresh_customer_state(tx, &current.customer_id, &now_text)?;
    }
    Ok(moved)
}

/// Applies the changes due by the clock (see the module). Run at start, every
/// minute (Microsoft's steps take minutes) and with the hourly rules.
pub fn apply_clock(store: &Store, clock: &dyn Clock) -> Result<Option<Change>> {
    let now = clock.now();
    let lapse_before = to_rfc3339(add_days(now, -APPROVAL_LAPSES_DAYS)?)?;
    let soon = to_rfc3339(add_days(now, EXPIRING_DAYS)?)?;
    let step_before = to_rfc3339(
        now - Duration::minutes(ACTIVATING_AFTER_MINUTES.min(TERMINATING_AFTER_MINUTES)),
    )?;
    store.write(|tx| {
        let due: Vec<Relationship> = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM relationships
                 WHERE (state = 'approval_pending' AND requested_at <= ?1)
                    OR (state = 'active' AND ends_at <= ?2)
                    OR (state = 'expiring' AND ends_at <= ?3)
                    OR (state IN ('approved', 'activating') AND accepted_at <= ?4)
                    OR (state IN ('termination_requested', 'terminating') AND terminated_at <= ?4)"
            ))?
            .query_map(
                params![lapse_before, soon, to_rfc3339(now)?, step_before],
                relationship,
            )?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut ids = Vec::new();
        for r in due {
            if settle_in(tx, clock, &r.id)? {
                ids.push(r.id.clone());
                ids.push(r.customer_id.clone());
            }
        }
        Ok((!ids.is_empty()).then_some(Change {
            entity: Entity::Relationship,
            ids,
        }))
    })
}
