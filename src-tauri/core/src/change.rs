//! What a successful write changed, so open screens can refresh without polling.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// The kinds of object a change event can name. Grows with each domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Entity {
    Settings,
    Company,
    Staff,
    Session,
    Audit,
    Customer,
    Relationship,
    RoleTemplate,
    SecurityGroup,
    Catalog,
    Subscription,
    CustomerUser,
    ServiceRequest,
    TrialInvitation,
    PurchaseOffer,
    ProductKey,
    Notification,
}

/// Emitted by the shell after every successful write, as the `changed` event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct Change {
    pub entity: Entity,
    /// Ids of the objects written; empty when the entity is a singleton (settings).
    pub ids: Vec<String>,
}

impl Change {
    /// A change to one object.
    pub fn one(entity: Entity, id: String) -> Self {
        Change {
            entity,
            ids: vec![id],
        }
    }

    pub fn of(entity: Entity) -> Self {
        Change {
            entity,
            ids: Vec::new(),
        }
    }
}
