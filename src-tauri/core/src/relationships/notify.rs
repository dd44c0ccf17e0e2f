//! Relationship events as notifications, for the staff who manage
//! relationships (kind "delegated_admin", object_kind "relationship"; the
//! event names follow Partner Center's granular-admin webhook events).

use rusqlite::Connection;

use super::Relationship;
use crate::clock::Clock;
use crate::error::Result;
use crate::notifications::{date, notify, Draft, KIND_DELEGATED_ADMIN};

/// What happened to a relationship, as the notification's `event`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationshipNotice {
    Approved,
    Activated,
    Expired,
    Terminated,
    AutoExtended,
    AssignmentCreated,
    AssignmentDeleted,
}

impl RelationshipNotice {
    pub fn event(self) -> &'static str {
        match self {
            RelationshipNotice::Approved => "approved",
            RelationshipNotice::Activated => "activated",
            RelationshipNotice::Expired => "expired",
            RelationshipNotice::Terminated => "terminated",
            RelationshipNotice::AutoExtended => "auto_extended",
            RelationshipNotice::AssignmentCreated => "assignment_created",
            RelationshipNotice::AssignmentDeleted => "assignment_deleted",
        }
    }
}

/// Makes the notification once per cause: `occurrence` tells repeatable
/// events apart (the new end of an extension, the assignment's id).
pub(crate) fn relationship_event(
    tx: &Connection,
    clock: &dyn Clock,
    r: &Relationship,
    notice: RelationshipNotice,
    occurrence: &str,
    (from_value, to_value): (Option<String>, Option<String>),
) -> Result<()> {
    let event = notice.event();
    let company: String = tx
        .prepare_cached("SELECT company_name FROM customers WHERE id = ?1")?
        .query_row([&r.customer_id], |row| row.get(0))?;
    notify(
        tx,
        clock,
        &Draft {
            cause_key: format!("{KIND_DELEGATED_ADMIN}:{}:{event}:{occurrence}", r.id),
            kind: KIND_DELEGATED_ADMIN,
            event: event.to_owned(),
            object_kind: "relationship",
            object_id: r.id.clone(),
            customer_id: Some(r.customer_id.clone()),
            subject: format!("{company} — {}", r.display_name),
            from_value,
            to_value,
            due: r.ends_at.as_deref().map(date),
        },
    )?;
    Ok(())
}
