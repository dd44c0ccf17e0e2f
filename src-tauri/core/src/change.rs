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

impl Entity {
    /// The kind of object a table's rows belong to, so a replica that applied
    /// a colleague's change tells its open screens what to refresh. `None`
    /// for tables no screen shows (derived and bookkeeping tables).
    pub fn of_table(table: &str) -> Option<Entity> {
        Some(match table {
            "settings" => Entity::Settings,
            "company_profile" => Entity::Company,
            "staff" | "staff_credentials" => Entity::Staff,
            "sign_in_failures" => Entity::Session,
            "audit_log" => Entity::Audit,
            "customers" | "customer_tags" => Entity::Customer,
            "relationships" | "access_assignments" => Entity::Relationship,
            "role_templates" => Entity::RoleTemplate,
            "security_groups" | "security_group_members" => Entity::SecurityGroup,
            "catalog_services" | "catalog_prices" | "offer_matrix" | "offer_matrix_links" => {
                Entity::Catalog
            }
            "subscriptions"
            | "subscription_changes"
            | "subscription_licence_lots"
            | "partner_of_record_claims" => Entity::Subscription,
            "customer_users" => Entity::CustomerUser,
            "service_requests" | "service_request_notes" => Entity::ServiceRequest,
            "trial_invitations" | "trial_invitation_recipients" | "trial_invitation_signups" => {
                Entity::TrialInvitation
            }
            "purchase_offers" | "purchase_offer_lines" | "purchase_offer_recipients" => {
                Entity::PurchaseOffer
            }
            "product_keys" => Entity::ProductKey,
            "notifications" | "notification_reads" | "notification_muted_kinds" => {
                Entity::Notification
            }
            _ => return None,
        })
    }
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
