//! The signed-in staff member a command acts for, as loaded fresh for each command.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use ts_rs::TS;

use crate::access::{CompanyRole, CustomerAccess, PartnerAuthorizations, Subject};
use crate::audit::ActorRef;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Actor {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub role: CompanyRole,
    pub customer_access: CustomerAccess,
    /// Signed in with a temporary password: only changing it is allowed.
    pub must_change_password: bool,
}

impl Actor {
    pub fn subject(&self) -> Subject {
        Subject {
            role: self.role,
            customer_access: self.customer_access,
        }
    }

    pub fn audit_ref(&self) -> ActorRef {
        ActorRef {
            id: Some(self.id.clone()),
            name: self.display_name.clone(),
        }
    }
}

pub(crate) fn parse_role(text: &str) -> rusqlite::Result<CompanyRole> {
    CompanyRole::parse(text).ok_or_else(|| bad_column("role", text))
}

pub(crate) fn parse_access(text: &str) -> rusqlite::Result<CustomerAccess> {
    CustomerAccess::parse(text).ok_or_else(|| bad_column("customer_access", text))
}

fn bad_column(column: &str, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {column} '{text}'").into(),
    )
}

/// Loads an active staff member; blocked or removed staff act for nobody.
pub fn load_active(conn: &Connection, staff_id: &str) -> Result<Option<Actor>> {
    Ok(conn
        .query_row(
            "SELECT id, display_name, email, role, customer_access, must_change_password
             FROM staff WHERE id = ?1 AND status = 'active'",
            [staff_id],
            |row| {
                Ok(Actor {
                    id: row.get(0)?,
                    display_name: row.get(1)?,
                    email: row.get(2)?,
                    role: parse_role(&row.get::<_, String>(3)?)?,
                    customer_access: parse_access(&row.get::<_, String>(4)?)?,
                    must_change_password: row.get(5)?,
                })
            },
        )
        .optional()?)
}

/// The partner's authorizations from the company profile (none before set-up).
pub fn partner_authorizations(conn: &Connection) -> Result<PartnerAuthorizations> {
    Ok(conn
        .query_row(
            "SELECT authorized_delegated_admin, authorized_subscription_advisor
             FROM company_profile WHERE id = 1",
            [],
            |row| {
                Ok(PartnerAuthorizations {
                    delegated_admin: row.get(0)?,
                    subscription_advisor: row.get(1)?,
                })
            },
        )
        .optional()?
        .unwrap_or_default())
}

pub(crate) fn unauthenticated() -> Error {
    Error::Unauthenticated
}
