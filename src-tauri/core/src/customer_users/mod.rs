//! A customer's own users: the Microsoft 365 accounts in the customer's tenant,
//! which the partner administers as delegated admin (DESIGN §1 row 2, §2).
//!
//! Every action goes through the customer gate: it needs an active (or
//! expiring) delegated-administration relationship with the customer. Seeing
//! users needs full or limited customer access; adding, editing, blocking,
//! removing and importing them needs full access; resetting a password is in
//! `password.rs`.

mod export;
#[cfg(test)]
mod export_tests;
mod import;
mod password;
#[cfg(test)]
mod tests;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, guarded_write, require_for_customer, Action, CompanyRole};
use crate::audit::{self, Event, Target};
use crate::auth::actor::parse_role;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::customers::{self, Customer};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::ids::{new_id, parse_id};
use crate::limits;
use crate::paging;
use crate::store::Store;
use crate::text::Text;
use crate::validate::{self, like_escape};

pub use export::{export_as, export_list, ADMIN_CENTER_COLUMNS};
pub use import::{apply_import, preview_import, COLUMNS};
pub use password::{reset_action, reset_password, TemporaryPassword, PASSWORD_LENGTH};

/// Microsoft 365 limits (Microsoft Entra ID user properties).
const MAX_LOCAL_PART: usize = limits::USER_NAME_LOCAL_PART;
/// Besides ASCII letters and digits, what the part of a user name before the @ may hold.
const LOCAL_PART_SYMBOLS: &str = "'.-_!#^~";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerUser {
    pub id: String,
    pub customer_id: String,
    pub display_name: String,
    /// The Microsoft 365 sign-in name (UPN), `local@domain`; the domain is one of the customer's.
    pub user_name: String,
    pub first_name: String,
    pub last_name: String,
    pub job_title: String,
    /// The user's admin role in the customer's tenant: the same Microsoft 365
    /// roles the partner's own staff hold.
    pub admin_role: CompanyRole,
    /// Sign-in blocked.
    pub blocked: bool,
    /// Set by a password reset: the user chooses a new password at the next sign-in.
    pub must_change_password: bool,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_reset_at: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

/// Add or edit a user; every value is checked here and a wrong one names its field.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct CustomerUserInput {
    pub display_name: String,
    /// `anna.nowak@contoso.pl`: the domain must be one of the customer's domains.
    pub user_name: String,
    #[serde(default)]
    pub first_name: String,
    #[serde(default)]
    pub last_name: String,
    #[serde(default)]
    pub job_title: String,
    /// `none` (the default), `global_admin`, `billing_admin`, `password_admin`,
    /// `service_admin` or `user_management_admin`.
    #[serde(default)]
    pub admin_role: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct CustomerUserQuery {
    /// Any part of the display name or the user name; case and Polish diacritics are ignored.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    /// Only users whose sign-in is blocked.
    #[serde(default)]
    pub blocked_only: bool,
    /// Only users who hold an admin role.
    #[serde(default)]
    pub admins_only: bool,
    /// The `next_cursor` of the previous page.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct CustomerUserPage {
    pub rows: Vec<CustomerUser>,
    /// How many users match, over all pages.
    pub total: u32,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A validated, normalised user, ready to write once its domain and
/// uniqueness are checked against the customer and the database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValidUser {
    display_name: String,
    user_name: String,
    user_name_key: String,
    domain: String,
    first_name: String,
    last_name: String,
    job_title: String,
    admin_role: CompanyRole,
}

/// Splits and checks a sign-in name; returns it with the domain in lower case,
/// and the domain.
fn check_user_name(text: &str) -> Result<(String, String)> {
    let value = validate::required_text("user_name", text, MAX_LOCAL_PART + 1 + limits::DOMAIN)?;
    let bad = |why: Text| {
        let Text { en, pl } = why;
        Error::validation("user_name", text!("'{value}': {en}", "„{value}”: {pl}"))
    };
    let Some((local, domain)) = value.split_once('@') else {
        return Err(bad(text!(
            "a user name is written name@domain, e.g. anna.nowak@contoso.pl",
            "nazwę użytkownika zapisuje się jako nazwa@domena, np. anna.nowak@contoso.pl"
        )));
    };
    if domain.contains('@') {
        return Err(bad(text!(
            "a user name has exactly one @",
            "nazwa użytkownika zawiera dokładnie jeden znak @"
        )));
    }
    if local.is_empty() {
        return Err(bad(text!(
            "the name before the @ is missing",
            "brakuje nazwy przed znakiem @"
        )));
    }
    if domain.is_empty() {
        return Err(bad(text!(
            "the domain after the @ is missing",
            "brakuje domeny po znaku @"
        )));
    }
    if local.chars().count() > MAX_LOCAL_PART {
        return Err(bad(text!(
            "the name before the @ has at most {MAX_LOCAL_PART} characters",
            "nazwa przed znakiem @ ma najwyżej {MAX_LOCAL_PART} znaków"
        )));
    }
    if let Some(c) = local
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !LOCAL_PART_SYMBOLS.contains(*c))
    {
        let symbols = LOCAL_PART_SYMBOLS
            .chars()
            .map(String::from)
            .collect::<Vec<_>>()
            .join(" ");
        return Err(bad(text!(
            "'{c}' cannot be used before the @; use letters A–Z without diacritics, digits and {symbols}",
            "znaku „{c}” nie można użyć przed @; użyj liter A–Z bez znaków diakrytycznych, cyfr i znaków {symbols}"
        )));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(bad(text!(
            "the name before the @ cannot start or end with a period, or have two in a row",
            "nazwa przed znakiem @ nie może zaczynać się ani kończyć kropką ani zawierać dwóch kropek z rzędu"
        )));
    }
    let domain = domain.to_lowercase();
    Ok((format!("{local}@{domain}"), domain))
}

fn check_role(text: &str) -> Result<CompanyRole> {
    let role = text.trim();
    if role.is_empty() {
        return Ok(CompanyRole::None);
    }
    CompanyRole::parse(role).ok_or_else(|| {
        let roles: Vec<&str> = CompanyRole::ALL.iter().map(|r| r.as_str()).collect();
        let roles = roles.join(", ");
        Error::validation(
            "admin_role",
            text!(
                "'{role}' is not an admin role; choose one of: {roles}",
                "„{role}” nie jest rolą administratora; wybierz jedną z: {roles}"
            ),
        )
    })
}

pub(crate) fn validate_input(input: &CustomerUserInput) -> Result<ValidUser> {
    let display_name = validate::required_text(
        "display_name",
        &input.display_name,
        limits::USER_DISPLAY_NAME,
    )?;
    let (user_name, domain) = check_user_name(&input.user_name)?;
    Ok(ValidUser {
        display_name,
        user_name_key: user_name.to_lowercase(),
        user_name,
        domain,
        first_name: validate::optional_text(
            "first_name",
            &input.first_name,
            limits::USER_NAME_PART,
        )?,
        last_name: validate::optional_text("last_name", &input.last_name, limits::USER_NAME_PART)?,
        job_title: validate::optional_text("job_title", &input.job_title, limits::JOB_TITLE)?,
        admin_role: check_role(&input.admin_role)?,
    })
}

/// Refuses a user name whose domain is not one of the customer's.
fn check_domain(customer: &Customer, valid: &ValidUser) -> Result<()> {
    if customer.default_domain == valid.domain || customer.other_domains.contains(&valid.domain) {
        return Ok(());
    }
    let mut domains = vec![customer.default_domain.as_str()];
    domains.extend(customer.other_domains.iter().map(String::as_str));
    let (domain, company, domains) = (&valid.domain, &customer.company_name, domains.join(", "));
    Err(Error::validation(
        "user_name",
        text!(
            "{domain} is not a domain of {company}; use one of its domains: {domains}",
            "{domain} nie jest domeną klienta {company}; użyj jednej z jego domen: {domains}"
        ),
    ))
}

/// Refuses a user name another user (of any customer) already signs in with.
fn check_unique(conn: &Connection, valid: &ValidUser, except_id: Option<&str>) -> Result<()> {
    let taken: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT u.user_name, c.company_name FROM customer_users u
             JOIN customers c ON c.id = u.customer_id
             WHERE u.user_name_key = ?1 AND u.id <> coalesce(?2, '')",
        )?
        .query_row(params![valid.user_name_key, except_id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .optional()?;
    match taken {
        Some((user_name, company)) => Err(Error::conflict(
            "user_name",
            text!(
                "{user_name} is already a user of {company}",
                "{user_name} jest już użytkownikiem klienta {company}"
            ),
        )),
        None => Ok(()),
    }
}

/// Both checks a user must pass against the database before it is written.
fn check_placement(
    conn: &Connection,
    customer: &Customer,
    valid: &ValidUser,
    except_id: Option<&str>,
) -> Result<()> {
    check_domain(customer, valid)?;
    check_unique(conn, valid, except_id)
}

/// The customer, refused when archived: an archived customer is history.
fn customer_for_write(conn: &Connection, customer_id: &str) -> Result<Customer> {
    let customer = customers::load(conn, customer_id)?;
    if customer.archived {
        let name = &customer.company_name;
        return Err(Error::invalid_state(text!(
            "{name} is archived; restore the customer first",
            "Klient {name} jest zarchiwizowany; najpierw go przywróć"
        )));
    }
    Ok(customer)
}

const COLUMNS_SQL: &str = "id, customer_id, display_name, user_name, first_name, last_name,
    job_title, admin_role, blocked, must_change_password, password_reset_at, created_at, updated_at";

fn user(row: &Row<'_>) -> rusqlite::Result<CustomerUser> {
    Ok(CustomerUser {
        id: row.get(0)?,
        customer_id: row.get(1)?,
        display_name: row.get(2)?,
        user_name: row.get(3)?,
        first_name: row.get(4)?,
        last_name: row.get(5)?,
        job_title: row.get(6)?,
        admin_role: parse_role(&row.get::<_, String>(7)?)?,
        blocked: row.get(8)?,
        must_change_password: row.get(9)?,
        password_reset_at: row.get(10)?,
        created_at: row.get(11)?,
        updated_at: row.get(12)?,
    })
}

fn find(conn: &Connection, id: &str) -> Result<Option<CustomerUser>> {
    Ok(conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS_SQL} FROM customer_users WHERE id = ?1"
        ))?
        .query_row([id], user)
        .optional()?)
}

fn load(conn: &Connection, id: &str) -> Result<CustomerUser> {
    find(conn, id)?.ok_or_else(|| Error::NotFound {
        entity: "customer user",
        id: id.to_owned(),
    })
}

fn insert(
    conn: &Connection,
    customer_id: &str,
    valid: &ValidUser,
    id: &str,
    now: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO customer_users (id, customer_id, display_name, user_name, user_name_key,
             first_name, last_name, job_title, admin_role, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
    )?
    .execute(params![
        id,
        customer_id,
        valid.display_name,
        valid.user_name,
        valid.user_name_key,
        valid.first_name,
        valid.last_name,
        valid.job_title,
        valid.admin_role.as_str(),
        now
    ])?;
    Ok(())
}

fn snapshot(user: &CustomerUser) -> serde_json::Value {
    serde_json::to_value(user).unwrap_or_default()
}

fn target(id: &str, label: &str) -> Target {
    Target {
        kind: "customer_user",
        id: Some(id.to_owned()),
        label: label.to_owned(),
    }
}

/// Every user change names the user and the customer, so the customer's
/// screens refresh too.
fn change_of(user: &CustomerUser) -> Change {
    Change {
        entity: Entity::CustomerUser,
        ids: vec![user.id.clone(), user.customer_id.clone()],
    }
}

/// The query's filters (search, blocked, admins) over one customer's users.
fn filters(customer_id: &str, query: &CustomerUserQuery) -> Result<(Vec<String>, Vec<SqlValue>)> {
    let mut clauses = vec!["customer_id = ?".to_owned()];
    let mut values = vec![SqlValue::Text(customer_id.to_owned())];
    if let Some(search) = validate::search("search", &query.search)? {
        clauses.push(
            "(fold(display_name) LIKE ? ESCAPE '\\' OR user_name_key LIKE ? ESCAPE '\\')".into(),
        );
        let pattern = format!("%{}%", like_escape(&fold(&search)));
        values.push(SqlValue::Text(pattern.clone()));
        values.push(SqlValue::Text(pattern));
    }
    if query.blocked_only {
        clauses.push("blocked = 1".into());
    }
    if query.admins_only {
        clauses.push("admin_role <> 'none'".into());
    }
    Ok((clauses, values))
}

fn page(
    conn: &Connection,
    customer_id: &str,
    query: &CustomerUserQuery,
) -> Result<CustomerUserPage> {
    let limit = paging::page_size(query.limit, text!("users", "użytkowników"))?;
    let (mut clauses, mut values) = filters(customer_id, query)?;
    let total: u32 = conn
        .prepare_cached(&format!(
            "SELECT count(*) FROM customer_users WHERE {}",
            clauses.join(" AND ")
        ))?
        .query_row(params_from_iter(values.iter()), |r| r.get(0))?;
    // Sorted by the folded name ("Łukasz" with "Lukasz"); the key travels in
    // the cursor with the id, so equal names page correctly.
    paging::after_cursor(
        &query.cursor,
        "fold(display_name)",
        "id",
        ">",
        &mut clauses,
        &mut values,
    )?;
    values.push(paging::look_ahead(limit));
    let sql = format!(
        "SELECT {COLUMNS_SQL} FROM customer_users WHERE {}
         ORDER BY fold(display_name), id LIMIT ?",
        clauses.join(" AND ")
    );
    let mut rows = conn
        .prepare_cached(&sql)?
        .query_map(params_from_iter(values.iter()), user)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let next_cursor = paging::next_cursor(&mut rows, limit, |last| {
        (fold(&last.display_name), last.id.clone())
    });
    Ok(CustomerUserPage {
        rows,
        total,
        next_cursor,
    })
}

/// One page of a customer's users, sorted by name.
pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    query: &CustomerUserQuery,
) -> Result<CustomerUserPage> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let audit_target = Target {
        kind: "customer",
        id: Some(customer_id.clone()),
        label: "user list".into(),
    };
    guarded_read(
        store,
        clock,
        actor,
        "customer_user.view",
        audit_target,
        |conn| {
            require_for_customer(conn, actor, Action::ViewCustomerUsers, &customer_id)?;
            page(conn, &customer_id, query)
        },
    )
}

pub fn create(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    input: &CustomerUserInput,
) -> Result<(CustomerUser, Change)> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let valid = validate_input(input)?;
    let id = new_id();
    let now = to_rfc3339(clock.now())?;
    let created = guarded_write(
        store,
        clock,
        actor,
        "customer_user.create",
        target(&id, &valid.user_name),
        |tx| {
            require_for_customer(tx, actor, Action::ManageCustomerUsers, &customer_id)?;
            let customer = customer_for_write(tx, &customer_id)?;
            check_placement(tx, &customer, &valid, None)?;
            insert(tx, &customer_id, &valid, &id, &now)?;
            let created = load(tx, &id)?;
            let event = Event::done(
                actor.audit_ref(),
                "customer_user.create",
                target(&id, &created.user_name),
            )
            .with_change(None, Some(snapshot(&created)));
            audit::append(tx, clock, &event)?;
            Ok(created)
        },
    )?;
    let change = change_of(&created);
    Ok((created, change))
}

/// Changes one existing user: loads it, asks the table for `action(user)` on
/// the user's customer (the customer gate included), refuses an archived
/// customer, runs `work`, and audits the before- and after-image (none after
/// a removal). A refusal is audited by `guarded_write`.
fn change_user(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    action: impl FnOnce(&CustomerUser) -> Action,
    audit_action: &'static str,
    work: impl FnOnce(&Transaction<'_>, &Customer, &CustomerUser, &str) -> Result<()>,
) -> Result<(CustomerUser, Change)> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let changed = guarded_write(store, clock, actor, audit_action, target(&id, ""), |tx| {
        let before = load(tx, &id)?;
        require_for_customer(tx, actor, action(&before), &before.customer_id)?;
        let customer = customer_for_write(tx, &before.customer_id)?;
        work(tx, &customer, &before, &now)?;
        let after = find(tx, &id)?;
        let event = Event::done(
            actor.audit_ref(),
            audit_action,
            target(&id, &before.user_name),
        )
        .with_change(Some(snapshot(&before)), after.as_ref().map(snapshot));
        audit::append(tx, clock, &event)?;
        Ok(after.unwrap_or(before))
    })?;
    let change = change_of(&changed);
    Ok((changed, change))
}

pub fn update(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &CustomerUserInput,
) -> Result<(CustomerUser, Change)> {
    let valid = validate_input(input)?;
    change_user(
        store,
        clock,
        actor,
        id,
        |_| Action::ManageCustomerUsers,
        "customer_user.update",
        |tx, customer, before, now| {
            check_placement(tx, customer, &valid, Some(&before.id))?;
            tx.execute(
                "UPDATE customer_users SET display_name = ?1, user_name = ?2, user_name_key = ?3,
                     first_name = ?4, last_name = ?5, job_title = ?6, admin_role = ?7,
                     updated_at = ?8
                 WHERE id = ?9",
                params![
                    valid.display_name,
                    valid.user_name,
                    valid.user_name_key,
                    valid.first_name,
                    valid.last_name,
                    valid.job_title,
                    valid.admin_role.as_str(),
                    now,
                    before.id
                ],
            )?;
            Ok(())
        },
    )
}

/// Blocks (`blocked = true`) or unblocks a user's sign-in.
pub fn set_blocked(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    blocked: bool,
) -> Result<(CustomerUser, Change)> {
    let audit_action = if blocked {
        "customer_user.block"
    } else {
        "customer_user.unblock"
    };
    change_user(
        store,
        clock,
        actor,
        id,
        |_| Action::ManageCustomerUsers,
        audit_action,
        |tx, _, before, now| {
            if before.blocked == blocked {
                let name = &before.user_name;
                return Err(Error::invalid_state(if blocked {
                    text!(
                        "{name} is already blocked",
                        "{name} ma już zablokowane logowanie"
                    )
                } else {
                    text!(
                        "{name} is already allowed to sign in",
                        "{name} może się już logować"
                    )
                }));
            }
            tx.execute(
                "UPDATE customer_users SET blocked = ?1, updated_at = ?2 WHERE id = ?3",
                params![blocked, now, before.id],
            )?;
            Ok(())
        },
    )
}

/// Deletes the user. The audit entry keeps the before-image; the returned
/// value is the user as it was.
pub fn remove(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(CustomerUser, Change)> {
    change_user(
        store,
        clock,
        actor,
        id,
        |_| Action::ManageCustomerUsers,
        "customer_user.remove",
        |tx, _, before, _| {
            tx.execute("DELETE FROM customer_users WHERE id = ?1", [&before.id])?;
            Ok(())
        },
    )
}
