//! Microsoft's new-commerce states after the term (docs/decisions/0035
//! "Subscription states after the term", 0042): an active term that ends
//! without renewing expires (30 days, users keep access), then is disabled
//! (90 days, only admins reach the data), then deleted; a suspended term's end
//! disables it (30 + 90 days); a cancelled subscription's data goes 7 days
//! after the cancellation. Every step is dated from the term's end or the
//! cancellation, not from when the app noticed, so a clock that was off for a
//! while catches up to the same dates. One table, [`STEPS`], drives the clock,
//! the dates each subscription shows and the notices before each step.

use rusqlite::{params, Connection};
use time::OffsetDateTime;

use super::{
    date_of, load, record_change, refuse_event, subscription, system, target, transition,
    Subscription, SubscriptionEvent, SubscriptionStatus, COLUMNS, FROM,
};
use crate::audit::{self, Event};
use crate::clock::{add_days, parse_rfc3339, to_rfc3339, Clock};
use crate::error::Result;

/// "The subscription stays in this state for 30 days" (expired, and the
/// first disabled state after a suspended term).
pub const EXPIRED_DAYS: i64 = 30;
/// "Data is retained for 90 days after the end of the previous state."
pub const DISABLED_DAYS: i64 = 90;
/// "Canceled subscriptions that become deleted enable the partner
/// administrator 7 days to backup data before it's removed."
pub const CANCELLED_DATA_DAYS: i64 = 7;
/// From the term's end to the data's deletion, on either path.
pub const DATA_KEPT_AFTER_TERM_DAYS: i64 = EXPIRED_DAYS + DISABLED_DAYS;

/// What a step is dated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    TermEnd,
    Cancellation,
}

impl Anchor {
    /// The column, in the queries over `subscriptions s`.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Anchor::TermEnd => "s.ends_at",
            Anchor::Cancellation => "s.cancelled_at",
        }
    }

    fn of(self, s: &Subscription) -> Option<&str> {
        match self {
            Anchor::TermEnd => Some(&s.ends_at),
            Anchor::Cancellation => s.cancelled_at.as_deref(),
        }
    }
}

/// One step the clock takes: a subscription in `from` takes `event` `days`
/// after its `anchor`; staff hear of it `notice_days` before, by a
/// notification whose event is `coming` (a reminder, like `expiring`: not the
/// history kind, which names the change once it happened).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub from: SubscriptionStatus,
    pub anchor: Anchor,
    pub days: i64,
    pub event: SubscriptionEvent,
    pub notice_days: i64,
    pub coming: &'static str,
}

/// Users lose access to files and services when a subscription is disabled:
/// a week is time to renew by buying again or to tell the users.
pub const DISABLE_NOTICE_DAYS: i64 = 7;
/// Nothing recovers deleted data: two weeks leave an admin time to back it up
/// (a cancelled subscription's seven days are all inside them, so that notice
/// comes at the first clock run after the cancellation).
pub const DELETE_NOTICE_DAYS: i64 = 14;

/// In the order the clock applies them, so that one run carries a
/// subscription through every step already due.
pub(crate) const STEPS: [Step; 4] = [
    Step {
        from: SubscriptionStatus::Suspended,
        anchor: Anchor::TermEnd,
        days: 0,
        event: SubscriptionEvent::Disable,
        notice_days: DISABLE_NOTICE_DAYS,
        coming: "disabling",
    },
    Step {
        from: SubscriptionStatus::Expired,
        anchor: Anchor::TermEnd,
        days: EXPIRED_DAYS,
        event: SubscriptionEvent::Disable,
        notice_days: DISABLE_NOTICE_DAYS,
        coming: "disabling",
    },
    Step {
        from: SubscriptionStatus::Disabled,
        anchor: Anchor::TermEnd,
        days: DATA_KEPT_AFTER_TERM_DAYS,
        event: SubscriptionEvent::Delete,
        notice_days: DELETE_NOTICE_DAYS,
        coming: "deleting",
    },
    Step {
        from: SubscriptionStatus::Cancelled,
        anchor: Anchor::Cancellation,
        days: CANCELLED_DATA_DAYS,
        event: SubscriptionEvent::Delete,
        notice_days: DELETE_NOTICE_DAYS,
        coming: "deleting",
    },
];

fn shifted(at: &str, days: i64) -> Option<String> {
    let at = parse_rfc3339("at", at).ok()?;
    add_days(at, days).ok().and_then(|t| to_rfc3339(t).ok())
}

/// Fills in the subscription's next step and when its data goes, from its
/// status and dates. An active one that will not renew expires at its end
/// (a trial too: converting it is a change staff or an offer make).
pub(super) fn fill(s: &mut Subscription) {
    let renews = s.auto_renew && !s.trial;
    let (next, at) = match s.status {
        SubscriptionStatus::Active if !renews => {
            (Some(SubscriptionStatus::Expired), Some(s.ends_at.clone()))
        }
        status => match STEPS.iter().find(|step| step.from == status) {
            Some(step) => (
                transition(status, step.event),
                step.anchor.of(s).and_then(|at| shifted(at, step.days)),
            ),
            None => (None, None),
        },
    };
    s.next_status = next.filter(|_| at.is_some());
    s.next_status_at = at;
    s.data_deleted_at = match s.status {
        SubscriptionStatus::Pending | SubscriptionStatus::Active if renews => None,
        SubscriptionStatus::Cancelled => s
            .cancelled_at
            .as_deref()
            .and_then(|at| shifted(at, CANCELLED_DATA_DAYS)),
        // Deleted: when it happened, by the path it took.
        SubscriptionStatus::Deleted if s.cancelled_at.is_some() => s
            .cancelled_at
            .as_deref()
            .and_then(|at| shifted(at, CANCELLED_DATA_DAYS)),
        _ => shifted(&s.ends_at, DATA_KEPT_AFTER_TERM_DAYS),
    };
}

/// The instant before which a step's anchor makes it due at `now`.
fn due_before(step: &Step, now: OffsetDateTime) -> Result<String> {
    to_rfc3339(add_days(now, -step.days)?)
}

/// The subscriptions `step` is due for (?1: [`due_before`]), found by
/// `subscriptions_by_end` (status, ends_at): by the end for the term's steps;
/// for cancellations by the status alone, which holds a week's worth at most,
/// since each is deleted seven days on.
pub(super) fn due_query(step: &Step) -> String {
    format!(
        "SELECT {COLUMNS} FROM {FROM} WHERE s.status = '{}' AND {} <= ?1",
        step.from.as_str(),
        step.anchor.column()
    )
}

/// Takes every step due at `now`, in [`STEPS`] order, each with a history
/// row, the subscription-changed hook (events disabled, deleted) and an audit
/// entry; pushes the ids (subscription, customer) it changed.
pub(super) fn apply(
    tx: &Connection,
    clock: &dyn Clock,
    now: OffsetDateTime,
    changed: &mut Vec<String>,
) -> Result<()> {
    let now_text = to_rfc3339(now)?;
    for step in &STEPS {
        let due: Vec<Subscription> = tx
            .prepare_cached(&due_query(step))?
            .query_map([due_before(step, now)?], subscription)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        for before in due {
            take(tx, clock, step, &before, &now_text)?;
            changed.push(before.id.clone());
            changed.push(before.customer_id.clone());
        }
    }
    Ok(())
}

fn take(
    tx: &Connection,
    clock: &dyn Clock,
    step: &Step,
    before: &Subscription,
    now_text: &str,
) -> Result<()> {
    let next =
        transition(before.status, step.event).ok_or_else(|| refuse_event(before, step.event))?;
    tx.execute(
        "UPDATE subscriptions SET status = ?1, updated_at = ?2 WHERE id = ?3",
        params![next.as_str(), now_text, before.id],
    )?;
    let reason = match (step.anchor, step.days) {
        (Anchor::TermEnd, 0) => format!("the term ended on {}", date_of(&before.ends_at)),
        (Anchor::TermEnd, days) => {
            format!(
                "{days} days after the term ended on {}",
                date_of(&before.ends_at)
            )
        }
        (Anchor::Cancellation, days) => format!(
            "{days} days after the cancellation on {}",
            date_of(before.cancelled_at.as_deref().unwrap_or_default())
        ),
    };
    record_change(
        tx,
        &before.id,
        now_text,
        &system(),
        step.event.as_str(),
        (
            Some(before.status.as_str().into()),
            Some(next.as_str().into()),
        ),
        &reason,
    )?;
    let after = load(tx, &before.id)?;
    crate::notifications::subscription_changed(tx, clock, before, &after, step.event.as_str())?;
    let entry = Event {
        detail: format!("{}: {reason}", step.event.as_str()),
        ..Event::done(system(), "subscription.clock", target(&after))
    }
    .with_change(
        serde_json::to_value(before).ok(),
        serde_json::to_value(&after).ok(),
    );
    audit::append(tx, clock, &entry)?;
    Ok(())
}
