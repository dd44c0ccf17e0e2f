//! Resetting a customer user's password (DESIGN §3): a strong temporary
//! password, shown once, "change at next sign-in" set, and never stored.
//!
//! The password exists only in the value returned to the caller. It is not
//! written to the database (not even as a hash: Partnerdesk never signs the
//! user in, so it has nothing to check it against), not to the audit entry and
//! not to any log; its `Debug` output is redacted
//! (docs/decisions/0017-temporary-passwords.md).

use std::fmt;

use rusqlite::params;
use serde::Serialize;
use ts_rs::TS;

use super::{change_user, CustomerUser};
use crate::access::{Action, CompanyRole};
use crate::auth::password::temporary;
use crate::auth::Actor;
use crate::change::Change;
use crate::clock::Clock;
use crate::error::Result;
use crate::store::Store;

/// Characters in a temporary password (Microsoft 365 asks for at least 8; we
/// use more, since it is copied, not typed).
pub const PASSWORD_LENGTH: usize = 20;

/// A temporary password, for the admin to hand to the user once.
#[derive(Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TemporaryPassword {
    pub user_id: String,
    pub user_name: String,
    pub password: String,
    /// Always true: the user must choose their own password at the next sign-in.
    pub must_change_password: bool,
}

impl fmt::Debug for TemporaryPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TemporaryPassword")
            .field("user_id", &self.user_id)
            .field("user_name", &self.user_name)
            .field("password", &"<redacted>")
            .field("must_change_password", &self.must_change_password)
            .finish()
    }
}

/// The permission a reset needs: limited customer access (the customer's
/// password admin) may reset only users without an admin role.
pub fn reset_action(role: CompanyRole) -> Action {
    if role == CompanyRole::None {
        Action::ResetCustomerUserPassword
    } else {
        Action::ResetCustomerAdminPassword
    }
}

/// Issues a temporary password for `user_id` and flags "change at next sign-in".
///
/// A blocked user's password may be reset, and the user stays blocked: this is
/// the recovery path for a compromised account (block sign-in, reset the
/// password, then unblock), as in the Microsoft 365 admin center. Unblocking
/// remains a separate, deliberate action.
pub fn reset_password(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    user_id: &str,
) -> Result<(TemporaryPassword, Change)> {
    let password = temporary(PASSWORD_LENGTH)?;
    let (user, change): (CustomerUser, Change) = change_user(
        store,
        clock,
        actor,
        user_id,
        |user| reset_action(user.admin_role),
        "customer_user.reset_password",
        |tx, _, before, now| {
            // Only the flag and the time are written; the password is not passed in here.
            tx.execute(
                "UPDATE customer_users SET must_change_password = 1, password_reset_at = ?1,
                     updated_at = ?1
                 WHERE id = ?2",
                params![now, before.id],
            )?;
            Ok(())
        },
    )?;
    Ok((
        TemporaryPassword {
            user_id: user.id,
            user_name: user.user_name,
            password,
            must_change_password: user.must_change_password,
        },
        change,
    ))
}
