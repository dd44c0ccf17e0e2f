//! The partner's staff ("Active users"): who may add, change, block, remove
//! and reset whom, and the rules no role can bypass.

#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{
    guarded_read, guarded_write, require, Action, CompanyRole, CustomerAccess, Guarded,
};
use crate::audit::{self, Event, Target};
use crate::auth::actor::{parse_access, parse_role};
use crate::auth::{credentials, password, Actor};
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::store::Store;
use crate::text::Text;
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StaffStatus {
    Active,
    Blocked,
    Removed,
}

impl StaffStatus {
    fn parse(text: &str) -> rusqlite::Result<StaffStatus> {
        match text {
            "active" => Ok(StaffStatus::Active),
            "blocked" => Ok(StaffStatus::Blocked),
            "removed" => Ok(StaffStatus::Removed),
            other => Err(rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Text,
                format!("unknown staff status '{other}'").into(),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StaffMember {
    pub id: String,
    pub display_name: String,
    pub email: String,
    pub role: CompanyRole,
    pub customer_access: CustomerAccess,
    pub status: StaffStatus,
    pub must_change_password: bool,
    pub created_at: String,
    pub updated_at: String,
}

impl StaffMember {
    /// An admin role or any customer access: only global admins grant or manage these.
    pub fn holds_admin_rights(&self) -> bool {
        holds_admin_rights(self.role, self.customer_access)
    }

    fn target(&self) -> Target {
        Target {
            kind: "staff",
            id: Some(self.id.clone()),
            label: self.display_name.clone(),
        }
    }

    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({
            "display_name": self.display_name,
            "email": self.email,
            "role": self.role,
            "customer_access": self.customer_access,
            "status": self.status,
        })
    }
}

fn holds_admin_rights(role: CompanyRole, access: CustomerAccess) -> bool {
    role != CompanyRole::None || access != CustomerAccess::None
}

/// Add or edit: values arrive as text and are checked here, field by field.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct StaffInput {
    pub display_name: String,
    pub email: String,
    pub role: String,
    pub customer_access: String,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct StaffFilter {
    /// Part of the name or e-mail, any case.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_access: Option<String>,
    /// `active`, `blocked` or `removed`; by default active and blocked staff.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
}

/// What the acting staff member may do to one listed member, decided here so
/// the UI can disable a button and say why without knowing any rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum StaffAction {
    Edit,
    Block,
    Unblock,
    Remove,
    ResetPassword,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StaffActionState {
    pub action: StaffAction,
    pub allowed: bool,
    /// The refusal's stable key (as in a `forbidden` error) and its message.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The refusal in English (the same as `text.en`).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The refusal, in each language the UI speaks.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StaffRow {
    pub member: StaffMember,
    pub actions: Vec<StaffActionState>,
}

fn action_state(action: StaffAction, check: Result<()>) -> Result<StaffActionState> {
    match check {
        Ok(()) => Ok(StaffActionState {
            action,
            allowed: true,
            reason: None,
            message: None,
            text: None,
        }),
        Err(Error::Forbidden { reason, text }) => Ok(StaffActionState {
            action,
            allowed: false,
            reason: Some(reason.to_owned()),
            message: Some(text.en.clone()),
            text: Some(text),
        }),
        Err(other) => Err(other),
    }
}

/// The same checks the commands make, asked without doing anything.
fn row_actions(
    conn: &Guarded<'_, Connection>,
    actor: &Actor,
    member: &StaffMember,
) -> Result<Vec<StaffActionState>> {
    let rights = member.holds_admin_rights();
    let manage = manage_action(rights, rights);
    let reset = if rights {
        Action::ResetAdminPassword
    } else {
        Action::ResetStaffPassword
    };
    let status_change = |what: Text, last_admin_rule: bool| -> Result<()> {
        require(conn, actor, manage)?;
        refuse_own_account(actor, member, what)?;
        if last_admin_rule {
            refuse_last_global_admin(conn, member)?;
        }
        Ok(())
    };
    let mut states = vec![action_state(
        StaffAction::Edit,
        require(conn, actor, manage),
    )?];
    if member.status == StaffStatus::Blocked {
        states.push(action_state(
            StaffAction::Unblock,
            status_change(text!("unblock", "odblokować"), false),
        )?);
    } else {
        states.push(action_state(
            StaffAction::Block,
            status_change(text!("block", "zablokować"), true),
        )?);
    }
    states.push(action_state(
        StaffAction::Remove,
        status_change(text!("remove", "usunąć"), true),
    )?);
    states.push(action_state(
        StaffAction::ResetPassword,
        require(conn, actor, reset).and_then(|()| {
            if actor.id == member.id {
                Err(Error::forbidden(
                    "own_account",
                    text!(
                        "Use \"Change my password\" for your own account.",
                        "Dla własnego konta użyj opcji „Zmień moje hasło”."
                    ),
                ))
            } else {
                Ok(())
            }
        }),
    )?);
    Ok(states)
}

/// A new or reset password, shown once to the admin and never stored in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct IssuedPassword {
    pub staff: StaffMember,
    pub temporary_password: String,
}

struct ValidInput {
    display_name: String,
    email: String,
    email_key: String,
    role: CompanyRole,
    customer_access: CustomerAccess,
}

fn validate_input(input: &StaffInput) -> Result<ValidInput> {
    let display_name = validate::required_text(
        "display_name",
        &input.display_name,
        crate::limits::STAFF_NAME,
    )?;
    let email = validate::email("email", &input.email)?;
    let role = CompanyRole::parse(input.role.trim()).ok_or_else(|| {
        Error::validation("role", {
            let role = &input.role;
            text!(
                "'{role}' is not a company admin role",
                "„{role}” nie jest rolą administratora firmy"
            )
        })
    })?;
    let customer_access = CustomerAccess::parse(input.customer_access.trim()).ok_or_else(|| {
        Error::validation("customer_access", {
            let access = &input.customer_access;
            text!(
                "'{access}' is not none, full or limited",
                "„{access}” nie jest żadną z wartości none, full, limited"
            )
        })
    })?;
    Ok(ValidInput {
        display_name,
        email_key: email.to_lowercase(),
        email,
        role,
        customer_access,
    })
}

const COLUMNS: &str = "id, display_name, email, role, customer_access, status,
    must_change_password, created_at, updated_at";

fn member(row: &Row<'_>) -> rusqlite::Result<StaffMember> {
    Ok(StaffMember {
        id: row.get(0)?,
        display_name: row.get(1)?,
        email: row.get(2)?,
        role: parse_role(&row.get::<_, String>(3)?)?,
        customer_access: parse_access(&row.get::<_, String>(4)?)?,
        status: StaffStatus::parse(&row.get::<_, String>(5)?)?,
        must_change_password: row.get(6)?,
        created_at: row.get(7)?,
        updated_at: row.get(8)?,
    })
}

fn load(conn: &Connection, id: &str) -> Result<StaffMember> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"),
        [id],
        member,
    )
    .optional()?
    .ok_or_else(|| Error::NotFound {
        entity: "staff member",
        id: id.to_owned(),
    })
}

/// Loads a staff member who can still be changed (removed staff are history).
fn load_live(conn: &Connection, id: &str) -> Result<StaffMember> {
    let staff = load(conn, id)?;
    if staff.status == StaffStatus::Removed {
        let name = &staff.display_name;
        return Err(Error::invalid_state(text!(
            "{name} was removed; removed staff cannot be changed",
            "Użytkownik {name} został usunięty; usuniętych użytkowników nie można zmieniać"
        )));
    }
    Ok(staff)
}

fn manage_action(rights_before: bool, rights_after: bool) -> Action {
    if rights_before || rights_after {
        Action::ManageAdminStaff
    } else {
        Action::ManageStaff
    }
}

/// `what` is the verb: "block", and in Polish the infinitive "zablokować".
fn refuse_own_account(actor: &Actor, target: &StaffMember, what: Text) -> Result<()> {
    if actor.id == target.id {
        let Text { en, pl } = what;
        return Err(Error::forbidden(
            "own_account",
            text!(
                "You cannot {en} your own account; ask another admin.",
                "Nie możesz {pl} własnego konta; poproś innego administratora."
            ),
        ));
    }
    Ok(())
}

/// The last active global admin can never be removed, blocked or demoted.
fn refuse_last_global_admin(conn: &Connection, target: &StaffMember) -> Result<()> {
    if target.role != CompanyRole::GlobalAdmin || target.status != StaffStatus::Active {
        return Ok(());
    }
    let others: i64 = conn.query_row(
        "SELECT count(*) FROM staff
         WHERE role = 'global_admin' AND status = 'active' AND id <> ?1",
        [&target.id],
        |r| r.get(0),
    )?;
    if others == 0 {
        return Err(Error::forbidden("last_global_admin", {
            let name = &target.display_name;
            text!(
                    "{name} is the last active global admin; make someone else a global admin first.",
                    "{name} to ostatni aktywny administrator globalny; najpierw nadaj tę rolę komuś innemu."
                )
        }));
    }
    Ok(())
}

fn email_conflict(conn: &Connection, email_key: &str, except_id: Option<&str>) -> Result<()> {
    let taken: Option<String> = conn
        .query_row(
            "SELECT display_name FROM staff
             WHERE email_key = ?1 AND status <> 'removed' AND id <> coalesce(?2, '')",
            params![email_key, except_id],
            |r| r.get(0),
        )
        .optional()?;
    match taken {
        Some(name) => Err(Error::conflict(
            "email",
            text!(
                "{name} already signs in with this e-mail address",
                "Użytkownik {name} już loguje się tym adresem e-mail"
            ),
        )),
        None => Ok(()),
    }
}

fn staff_list_target() -> Target {
    Target {
        kind: "staff",
        id: None,
        label: "staff list".into(),
    }
}

pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    filter: &StaffFilter,
) -> Result<Vec<StaffRow>> {
    let search = validate::search("search", &filter.search)?
        .map(|s| format!("%{}%", validate::like_escape(&s.to_lowercase())));
    let roles: Vec<&str> = CompanyRole::ALL.iter().map(|r| r.as_str()).collect();
    let role = validate::filter_choice(
        "role",
        &filter.role,
        &roles,
        text!("a company admin role", "rolą administratora firmy"),
    )?;
    let access = validate::filter_choice(
        "customer_access",
        &filter.customer_access,
        &["none", "full", "limited"],
        text!(
            "none, full or limited",
            "żadną z wartości none, full, limited"
        ),
    )?;
    let status = validate::filter_choice(
        "status",
        &filter.status,
        &["active", "blocked", "removed"],
        text!(
            "active, blocked or removed",
            "żadną z wartości active, blocked, removed"
        ),
    )?;
    guarded_read(
        store,
        clock,
        actor,
        "staff.view",
        staff_list_target(),
        |conn| {
            require(conn, actor, Action::ViewStaff)?;
            let mut statement = conn.prepare_cached(&format!(
            "SELECT {COLUMNS} FROM staff
             WHERE (?1 IS NULL OR lower(display_name) LIKE ?1 ESCAPE '\\' OR email_key LIKE ?1 ESCAPE '\\')
               AND (?2 IS NULL OR role = ?2)
               AND (?3 IS NULL OR customer_access = ?3)
               AND (CASE WHEN ?4 IS NULL THEN status <> 'removed' ELSE status = ?4 END)
             ORDER BY display_name COLLATE NOCASE, id"
        ))?;
            let members = statement
                .query_map(params![search, role, access, status], member)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            members
                .into_iter()
                .map(|member| {
                    let actions = if member.status == StaffStatus::Removed {
                        Vec::new()
                    } else {
                        row_actions(conn, actor, &member)?
                    };
                    Ok(StaffRow { member, actions })
                })
                .collect()
        },
    )
}

pub fn create(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &StaffInput,
) -> Result<(IssuedPassword, Change)> {
    let valid = validate_input(input)?;
    let temporary_password = password::temporary(16)?;
    let hash = password::hash(&temporary_password)?;
    let id = new_id();
    let now = to_rfc3339(clock.now())?;
    let target = Target {
        kind: "staff",
        id: Some(id.clone()),
        label: valid.display_name.clone(),
    };
    let staff = guarded_write(store, clock, actor, "staff.create", target, |tx| {
        require(
            tx,
            actor,
            manage_action(false, holds_admin_rights(valid.role, valid.customer_access)),
        )?;
        email_conflict(tx, &valid.email_key, None)?;
        tx.execute(
            "INSERT INTO staff (id, display_name, email, email_key, role, customer_access, status,
                 must_change_password, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, 'active', 1, ?7, ?7)",
            params![
                id,
                valid.display_name,
                valid.email,
                valid.email_key,
                valid.role.as_str(),
                valid.customer_access.as_str(),
                now
            ],
        )?;
        credentials::store_hash(tx, &id, &hash)?;
        let staff = load(tx, &id)?;
        let event = Event::done(actor.audit_ref(), "staff.create", staff.target())
            .with_change(None, Some(staff.snapshot()));
        audit::append(tx, clock, &event)?;
        Ok(staff)
    })?;
    Ok((
        IssuedPassword {
            staff,
            temporary_password,
        },
        Change::one(Entity::Staff, id),
    ))
}

pub fn update(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &StaffInput,
) -> Result<(StaffMember, Change)> {
    let id = parse_id("id", id)?;
    let valid = validate_input(input)?;
    let now = to_rfc3339(clock.now())?;
    let target = Target {
        kind: "staff",
        id: Some(id.clone()),
        label: valid.display_name.clone(),
    };
    let staff = guarded_write(store, clock, actor, "staff.update", target, |tx| {
        let before = load_live(tx, &id)?;
        let rights_after = holds_admin_rights(valid.role, valid.customer_access);
        require(
            tx,
            actor,
            manage_action(before.holds_admin_rights(), rights_after),
        )?;
        let rights_changed =
            before.role != valid.role || before.customer_access != valid.customer_access;
        if rights_changed && actor.id == before.id {
            return Err(Error::forbidden(
                "own_rights",
                text!(
                    "You cannot change your own role or customer access; ask another global admin.",
                    "Nie możesz zmienić własnej roli ani dostępu do klientów; poproś innego administratora globalnego."
                ),
            ));
        }
        if valid.role != CompanyRole::GlobalAdmin {
            refuse_last_global_admin(tx, &before)?;
        }
        email_conflict(tx, &valid.email_key, Some(&id))?;
        tx.execute(
            "UPDATE staff SET display_name = ?1, email = ?2, email_key = ?3, role = ?4,
                 customer_access = ?5, updated_at = ?6
             WHERE id = ?7",
            params![
                valid.display_name,
                valid.email,
                valid.email_key,
                valid.role.as_str(),
                valid.customer_access.as_str(),
                now,
                id
            ],
        )?;
        let after = load(tx, &id)?;
        let event = Event::done(actor.audit_ref(), "staff.update", after.target())
            .with_change(Some(before.snapshot()), Some(after.snapshot()));
        audit::append(tx, clock, &event)?;
        Ok(after)
    })?;
    Ok((staff, Change::one(Entity::Staff, id)))
}

/// Blocks (`blocked = true`) or unblocks a staff member.
pub fn set_blocked(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    blocked: bool,
) -> Result<(StaffMember, Change)> {
    let action_name = if blocked {
        "staff.block"
    } else {
        "staff.unblock"
    };
    change_status(store, clock, actor, id, action_name, |tx, before| {
        let what = if blocked {
            text!("block", "zablokować")
        } else {
            text!("unblock", "odblokować")
        };
        refuse_own_account(actor, before, what)?;
        if blocked {
            refuse_last_global_admin(tx, before)?;
        }
        Ok(if blocked { "blocked" } else { "active" })
    })
}

/// Removes a staff member for good: they cannot sign in, and stay in the audit log.
pub fn remove(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(StaffMember, Change)> {
    change_status(store, clock, actor, id, "staff.remove", |tx, before| {
        refuse_own_account(actor, before, text!("remove", "usunąć"))?;
        refuse_last_global_admin(tx, before)?;
        Ok("removed")
    })
}

fn change_status(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    action_name: &'static str,
    rule: impl FnOnce(&Connection, &StaffMember) -> Result<&'static str>,
) -> Result<(StaffMember, Change)> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let target = Target {
        kind: "staff",
        id: Some(id.clone()),
        label: String::new(),
    };
    let staff = guarded_write(store, clock, actor, action_name, target, |tx| {
        let before = load_live(tx, &id)?;
        let rights = before.holds_admin_rights();
        require(tx, actor, manage_action(rights, rights))?;
        let status = rule(tx, &before)?;
        tx.execute(
            "UPDATE staff SET status = ?1, updated_at = ?2 WHERE id = ?3",
            params![status, now, id],
        )?;
        let after = load(tx, &id)?;
        let event = Event::done(actor.audit_ref(), action_name, after.target())
            .with_change(Some(before.snapshot()), Some(after.snapshot()));
        audit::append(tx, clock, &event)?;
        Ok(after)
    })?;
    Ok((staff, Change::one(Entity::Staff, id)))
}

/// Issues a temporary password the staff member must change at next sign-in.
pub fn reset_password(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(IssuedPassword, Change)> {
    let id = parse_id("id", id)?;
    let temporary_password = password::temporary(16)?;
    let hash = password::hash(&temporary_password)?;
    let now = to_rfc3339(clock.now())?;
    let target = Target {
        kind: "staff",
        id: Some(id.clone()),
        label: String::new(),
    };
    let staff = guarded_write(store, clock, actor, "staff.reset_password", target, |tx| {
        let before = load_live(tx, &id)?;
        let action = if before.holds_admin_rights() {
            Action::ResetAdminPassword
        } else {
            Action::ResetStaffPassword
        };
        require(tx, actor, action)?;
        if actor.id == before.id {
            return Err(Error::forbidden(
                "own_account",
                text!(
                    "Use \"Change my password\" for your own account.",
                    "Dla własnego konta użyj opcji „Zmień moje hasło”."
                ),
            ));
        }
        tx.execute(
            "UPDATE staff SET must_change_password = 1, updated_at = ?1 WHERE id = ?2",
            params![now, id],
        )?;
        credentials::store_hash(tx, &id, &hash)?;
        // The password itself is never logged: the entry says only that it was reset.
        audit::append(
            tx,
            clock,
            &Event::done(actor.audit_ref(), "staff.reset_password", before.target()),
        )?;
        load(tx, &id)
    })?;
    Ok((
        IssuedPassword {
            staff,
            temporary_password,
        },
        Change::one(Entity::Staff, id),
    ))
}

/// Creates the first global admin during set-up (no actor exists yet).
pub(crate) fn insert_first_global_admin(
    conn: &Connection,
    display_name: &str,
    email: &str,
    password_text: &str,
    now: &str,
) -> Result<StaffMember> {
    let valid = validate_input(&StaffInput {
        display_name: display_name.into(),
        email: email.into(),
        role: CompanyRole::GlobalAdmin.as_str().into(),
        customer_access: CustomerAccess::Full.as_str().into(),
    })?;
    password::check_new("password", password_text)?;
    let id = new_id();
    conn.execute(
        "INSERT INTO staff (id, display_name, email, email_key, role, customer_access, status,
             must_change_password, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'global_admin', 'full', 'active', 0, ?5, ?5)",
        params![id, valid.display_name, valid.email, valid.email_key, now],
    )?;
    credentials::store_hash(conn, &id, &password::hash(password_text)?)?;
    load(conn, &id)
}
