//! The customer's Activity tab: everything done to the customer and to what is
//! theirs. The tab needs only "see customers", but each entry is shown in full
//! only to someone the table lets see its kind of record; to anyone else it says
//! that something happened — when, who, which action, on what kind of record —
//! and not what (docs/decisions/0028).

use serde::Serialize;
use ts_rs::TS;

use super::{load, target};
use crate::access::{
    decide_for_customer, guarded_read, require, Action, DenialReason, PartnerAuthorizations,
    Subject,
};
use crate::audit::{self, AuditEntry};
use crate::auth::actor::partner_authorizations;
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::Result;
use crate::ids::parse_id;
use crate::store::Store;
use crate::text::Text;

const PAGE: u32 = 50;

/// One entry of the tab. When `hidden` is present, the entry's record is one
/// the viewer may not see: its label, detail and snapshots are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActivityEntry {
    #[serde(flatten)]
    pub entry: AuditEntry,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hidden: Option<Hidden>,
}

/// Why an entry's content is left out: the permission that would show it, refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Hidden {
    /// What seeing this kind of record needs.
    pub action: Action,
    pub reason: DenialReason,
    /// The refusal, in each language the UI speaks.
    pub text: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ActivityPage {
    pub entries: Vec<ActivityEntry>,
    /// Pass as `before_seq` for the next page; absent on the last page.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_before_seq: Option<i64>,
}

/// The newest entries about the customer and everything of theirs, a page at a time.
pub fn activity(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    before_seq: Option<i64>,
) -> Result<ActivityPage> {
    let id = parse_id("id", id)?;
    guarded_read(
        store,
        clock,
        actor,
        "customer.activity",
        target(&id, ""),
        |conn| {
            require(conn, actor, Action::ViewCustomers)?;
            let customer = load(conn, &id)?;
            let viewer = Viewer {
                subject: actor.subject(),
                partner: partner_authorizations(conn)?,
                relationship_state: customer.relationship_state,
            };
            let page = audit::list_for_customer(conn, &id, before_seq, PAGE)?;
            Ok(ActivityPage {
                entries: page.entries.into_iter().map(|e| viewer.show(e)).collect(),
                next_before_seq: page.next_before_seq,
            })
        },
    )
}

/// The viewer as the table sees them, for this one customer.
struct Viewer {
    subject: Subject,
    partner: PartnerAuthorizations,
    relationship_state: String,
}

impl Viewer {
    fn may(&self, action: Action) -> Result<(), DenialReason> {
        decide_for_customer(self.subject, self.partner, &self.relationship_state, action)
    }

    /// The same permission the record's own screen asks for.
    fn may_see(&self, kind: &str) -> Result<(), (Action, DenialReason)> {
        let action = match kind {
            "customer" | "relationship" => Action::ViewCustomers,
            "subscription" => Action::ViewSubscriptions,
            "customer_user" => Action::ViewCustomerUsers,
            "service_request" => {
                // Service and global admins read every customer's requests in the queue.
                if self.may(Action::ViewAllServiceRequests).is_ok() {
                    return Ok(());
                }
                Action::ViewServiceRequests
            }
            "purchase_offer" => Action::ManagePurchaseOffers,
            // Audit snapshots of keys are masked already; seeing them needs the inventory.
            "product_key" => Action::ViewProductKeys,
            // A kind this tab does not know yet: only those who read the whole log.
            _ => Action::ViewAuditLog,
        };
        self.may(action).map_err(|reason| (action, reason))
    }

    fn show(&self, entry: AuditEntry) -> ActivityEntry {
        match self.may_see(&entry.target_kind) {
            Ok(()) => ActivityEntry {
                entry,
                hidden: None,
            },
            Err((action, reason)) => ActivityEntry {
                entry: AuditEntry {
                    target_id: None,
                    target_label: String::new(),
                    detail: String::new(),
                    before_json: None,
                    after_json: None,
                    ..entry
                },
                hidden: Some(Hidden {
                    action,
                    reason,
                    text: reason.text(action),
                }),
            },
        }
    }
}

#[cfg(test)]
#[path = "activity_tests.rs"]
mod tests;
