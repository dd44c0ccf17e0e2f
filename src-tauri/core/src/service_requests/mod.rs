//! Service requests: the partner's support cases for a customer, each with a
//! human number (SR-000042), a lifecycle (draft → open ⇄ attention needed →
//! closed) and a thread of notes. Working on them administers the customer,
//! so every write needs an active delegated-administration relationship.

mod list;
mod machine;
#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{
    allows, guarded_read, guarded_write, permissions_for_customer, read_target,
    require_for_customer, Action, Guarded, Permission,
};
use crate::audit::{self, Event, Target};
use crate::auth::actor::partner_authorizations;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::customers;
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::limits;
use crate::store::Store;
use crate::validate;

pub use list::{
    list_for_customer, queue, CustomerServiceRequests, ServiceRequestCount, ServiceRequestPage,
    ServiceRequestQuery, ServiceRequestSummary,
};
pub use machine::{allowed_events, transition, Next, ServiceRequestEvent, ServiceRequestStatus};

/// The highest number ever issued, so a discarded draft's number is never reused.
const LAST_NUMBER_KEY: &str = "service_requests.last_number";

/// Stored and sent as snake_case text; `ALL` lists the choices in display order.
macro_rules! text_enum {
    ($name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(text: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == text)
            }
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ServiceRequestSeverity {
    Minimal,
    Moderate,
    Critical,
}

text_enum!(ServiceRequestSeverity {
    Minimal = "minimal",
    Moderate = "moderate",
    Critical = "critical",
});

/// What the request is about: the areas of Microsoft 365 a partner supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ServiceRequestCategory {
    Billing,
    Subscriptions,
    UsersAndPasswords,
    EmailAndCalendar,
    Teams,
    SharepointAndOnedrive,
    Security,
    Other,
}

text_enum!(ServiceRequestCategory {
    Billing = "billing",
    Subscriptions = "subscriptions",
    UsersAndPasswords = "users_and_passwords",
    EmailAndCalendar = "email_and_calendar",
    Teams = "teams",
    SharepointAndOnedrive = "sharepoint_and_onedrive",
    Security = "security",
    Other = "other",
});

/// "SR-000042": how people quote a request.
pub fn reference(number: u32) -> String {
    format!("SR-{number:06}")
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ServiceRequest {
    pub id: String,
    pub number: u32,
    /// `SR-000042`.
    pub reference: String,
    pub customer_id: String,
    pub customer_name: String,
    pub title: String,
    pub description: String,
    pub category: ServiceRequestCategory,
    pub severity: ServiceRequestSeverity,
    pub status: ServiceRequestStatus,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub created_by: String,
    pub created_at: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    /// The latest activity: any change or note.
    pub updated_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ServiceRequestNote {
    #[ts(type = "number")]
    pub id: i64,
    pub at: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author_id: Option<String>,
    pub author_name: String,
    pub body: String,
}

/// One request as its detail panel shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ServiceRequestView {
    pub request: ServiceRequest,
    /// The thread, oldest first.
    pub notes: Vec<ServiceRequestNote>,
    /// What the lifecycle allows from the current status (edit, discard and
    /// add_note included), whoever asks.
    pub events: Vec<ServiceRequestEvent>,
    /// Whether the acting staff member may work on this customer's requests, and why not.
    pub manage: Permission,
}

/// Create or edit a draft; every value is checked here and a wrong one names its field.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct ServiceRequestInput {
    pub title: String,
    pub description: String,
    /// One of [`ServiceRequestCategory`], as text.
    pub category: String,
    /// One of [`ServiceRequestSeverity`], as text.
    pub severity: String,
    pub contact_name: String,
    pub contact_email: String,
    #[serde(default)]
    pub contact_phone: String,
}

struct Valid {
    title: String,
    description: String,
    category: ServiceRequestCategory,
    severity: ServiceRequestSeverity,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
}

fn choice<T: Copy>(
    field: &str,
    text: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    as_str: fn(T) -> &'static str,
) -> Result<T> {
    let text = text.trim();
    parse(text).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|v| as_str(*v)).collect();
        let names = names.join(", ");
        Error::validation(
            field,
            if text.is_empty() {
                text!(
                    "choose one of: {names}",
                    "wybierz jedną z wartości: {names}"
                )
            } else {
                text!(
                    "'{text}' is not one of: {names}",
                    "„{text}” nie jest jedną z wartości: {names}"
                )
            },
        )
    })
}

fn validate_input(input: &ServiceRequestInput) -> Result<Valid> {
    let phone = validate::optional_text("contact_phone", &input.contact_phone, limits::PHONE)?;
    Ok(Valid {
        title: validate::required_text("title", &input.title, limits::REQUEST_TITLE)?,
        description: validate::long_text(
            "description",
            &input.description,
            limits::REQUEST_DESCRIPTION,
            true,
        )?,
        category: choice(
            "category",
            &input.category,
            ServiceRequestCategory::parse,
            ServiceRequestCategory::ALL,
            ServiceRequestCategory::as_str,
        )?,
        severity: choice(
            "severity",
            &input.severity,
            ServiceRequestSeverity::parse,
            ServiceRequestSeverity::ALL,
            ServiceRequestSeverity::as_str,
        )?,
        contact_name: validate::required_text(
            "contact_name",
            &input.contact_name,
            limits::CONTACT_NAME,
        )?,
        contact_email: validate::email("contact_email", &input.contact_email)?,
        contact_phone: if phone.is_empty() {
            phone
        } else {
            validate::check_phone("contact_phone", &phone)?
        },
    })
}

/// An optional note with a status change: blank means none.
fn optional_note(note: Option<&str>) -> Result<Option<String>> {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(text) => validate::long_text("note", text, limits::REQUEST_NOTE, true).map(Some),
        None => Ok(None),
    }
}

const COLUMNS: &str = "sr.id, sr.number, sr.customer_id, c.company_name, sr.title, sr.description,
    sr.category, sr.severity, sr.status, sr.contact_name, sr.contact_email, sr.contact_phone,
    sr.created_by, sr.created_at, sr.submitted_at, sr.closed_at, sr.updated_at";

fn bad_text(column: usize, what: &str, text: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unknown service request {what} '{text}'").into(),
    )
}

pub(crate) fn parse_status(column: usize, text: &str) -> rusqlite::Result<ServiceRequestStatus> {
    ServiceRequestStatus::parse(text).ok_or_else(|| bad_text(column, "status", text))
}

pub(crate) fn parse_severity(
    column: usize,
    text: &str,
) -> rusqlite::Result<ServiceRequestSeverity> {
    ServiceRequestSeverity::parse(text).ok_or_else(|| bad_text(column, "severity", text))
}

pub(crate) fn parse_category(
    column: usize,
    text: &str,
) -> rusqlite::Result<ServiceRequestCategory> {
    ServiceRequestCategory::parse(text).ok_or_else(|| bad_text(column, "category", text))
}

fn request(row: &Row<'_>) -> rusqlite::Result<ServiceRequest> {
    let number: u32 = row.get(1)?;
    Ok(ServiceRequest {
        id: row.get(0)?,
        number,
        reference: reference(number),
        customer_id: row.get(2)?,
        customer_name: row.get(3)?,
        title: row.get(4)?,
        description: row.get(5)?,
        category: parse_category(6, &row.get::<_, String>(6)?)?,
        severity: parse_severity(7, &row.get::<_, String>(7)?)?,
        status: parse_status(8, &row.get::<_, String>(8)?)?,
        contact_name: row.get(9)?,
        contact_email: row.get(10)?,
        contact_phone: row.get(11)?,
        created_by: row.get(12)?,
        created_at: row.get(13)?,
        submitted_at: row.get(14)?,
        closed_at: row.get(15)?,
        updated_at: row.get(16)?,
    })
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<ServiceRequest> {
    conn.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM service_requests sr JOIN customers c ON c.id = sr.customer_id
         WHERE sr.id = ?1"
    ))?
    .query_row([id], request)
    .optional()?
    .ok_or_else(|| Error::NotFound {
        entity: "service request",
        id: id.to_owned(),
    })
}

fn notes(conn: &Connection, id: &str) -> Result<Vec<ServiceRequestNote>> {
    let rows = conn
        .prepare_cached(
            "SELECT id, at, author_id, author_name, body FROM service_request_notes
             WHERE request_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(ServiceRequestNote {
                id: r.get(0)?,
                at: r.get(1)?,
                author_id: r.get(2)?,
                author_name: r.get(3)?,
                body: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The table's answer on working on `customer_id`'s requests, with the reason when refused.
pub(crate) fn manage_permission(
    conn: &Connection,
    actor: &Actor,
    customer_id: &str,
) -> Result<Permission> {
    let state: String = conn
        .prepare_cached("SELECT relationship_state FROM customers WHERE id = ?1")?
        .query_row([customer_id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "customer",
            id: customer_id.to_owned(),
        })?;
    let partner = partner_authorizations(conn)?;
    permissions_for_customer(actor.subject(), partner, &state)
        .into_iter()
        .find(|p| p.action == Action::ManageServiceRequests)
        .ok_or_else(|| Error::Internal("the permission table lost an action".into()))
}

fn view(conn: &Connection, actor: &Actor, request: ServiceRequest) -> Result<ServiceRequestView> {
    Ok(ServiceRequestView {
        notes: notes(conn, &request.id)?,
        events: allowed_events(request.status),
        manage: manage_permission(conn, actor, &request.customer_id)?,
        request,
    })
}

/// Service and global admins see every customer's requests.
pub(crate) fn sees_all(conn: &Connection, actor: &Actor) -> Result<bool> {
    allows(conn, actor, Action::ViewAllServiceRequests)
}

/// Seeing one customer's requests: the whole queue, or that customer's with its gate.
pub(crate) fn require_view(
    conn: &Guarded<'_, Connection>,
    actor: &Actor,
    customer_id: &str,
) -> Result<()> {
    if sees_all(conn, actor)? {
        // The customer must still exist.
        customers::load(conn, customer_id)?;
        return Ok(());
    }
    require_for_customer(conn, actor, Action::ViewServiceRequests, customer_id)
}

fn snapshot(request: &ServiceRequest) -> serde_json::Value {
    serde_json::to_value(request).unwrap_or_default()
}

fn target(id: &str, label: String) -> Target {
    Target {
        kind: "service_request",
        id: Some(id.to_owned()),
        label,
    }
}

fn label(request: &ServiceRequest) -> String {
    format!("{} {}", request.reference, request.title)
}

/// The next number, inside the caller's write transaction: one more than any
/// number issued before, including discarded drafts'.
fn next_number(conn: &Connection, now: &str) -> Result<u32> {
    let issued: Option<String> = conn
        .prepare_cached("SELECT value FROM settings WHERE key = ?1")?
        .query_row([LAST_NUMBER_KEY], |r| r.get(0))
        .optional()?;
    let issued: u32 = issued.and_then(|v| v.parse().ok()).unwrap_or(0);
    let highest: u32 = conn
        .prepare_cached("SELECT coalesce(max(number), 0) FROM service_requests")?
        .query_row([], |r| r.get(0))?;
    let next = issued
        .max(highest)
        .checked_add(1)
        .ok_or_else(|| Error::Internal("service request numbers are exhausted".into()))?;
    conn.prepare_cached(
        "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )?
    .execute(params![LAST_NUMBER_KEY, next.to_string(), now])?;
    Ok(next)
}

fn insert_note(conn: &Connection, id: &str, actor: &Actor, body: &str, now: &str) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO service_request_notes (request_id, at, author_id, author_name, body)
         VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![id, now, actor.id, actor.display_name, body])?;
    Ok(())
}

fn change(id: String, customer_id: String) -> Change {
    Change {
        entity: Entity::ServiceRequest,
        ids: vec![id, customer_id],
    }
}

/// Opens a draft request for a customer. Its number is assigned here.
pub fn create(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    input: &ServiceRequestInput,
) -> Result<(ServiceRequestView, Change)> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let valid = validate_input(input)?;
    let id = new_id();
    let now = to_rfc3339(clock.now())?;
    let created = guarded_write(
        store,
        clock,
        actor,
        "service_request.create",
        target(&id, valid.title.clone()),
        |tx| {
            require_for_customer(tx, actor, Action::ManageServiceRequests, &customer_id)?;
            let customer = customers::load(tx, &customer_id)?;
            if customer.archived {
                let name = &customer.company_name;
                return Err(Error::invalid_state(text!(
                    "{name} is archived; restore the customer first",
                    "Klient {name} jest zarchiwizowany; najpierw go przywróć"
                )));
            }
            let number = next_number(tx, &now)?;
            tx.prepare_cached(
                "INSERT INTO service_requests (id, number, customer_id, title, description,
                     category, severity, status, contact_name, contact_email, contact_phone,
                     created_by, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?9, ?10, ?11, ?12, ?12)",
            )?
            .execute(params![
                id,
                number,
                customer_id,
                valid.title,
                valid.description,
                valid.category.as_str(),
                valid.severity.as_str(),
                valid.contact_name,
                valid.contact_email,
                valid.contact_phone,
                actor.display_name,
                now
            ])?;
            let created = load(tx, &id)?;
            let event = Event::done(
                actor.audit_ref(),
                "service_request.create",
                target(&id, label(&created)),
            )
            .with_change(None, Some(snapshot(&created)));
            audit::append(tx, clock, &event)?;
            view(tx, actor, created)
        },
    )?;
    Ok((created, change(id, customer_id)))
}

/// Applies one event after the gate and the transition table, then records the
/// optional note and the activity time, and audits before and after.
fn apply(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    event: ServiceRequestEvent,
    note: Option<String>,
    work: impl FnOnce(&Connection, &ServiceRequest, Next, &str) -> Result<()>,
) -> Result<(Option<ServiceRequestView>, Change)> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let action = event.audit_action();
    let (after, customer_id) = guarded_write(
        store,
        clock,
        actor,
        action,
        target(&id, String::new()),
        |tx| {
            let before = load(tx, &id)?;
            require_for_customer(
                tx,
                actor,
                Action::ManageServiceRequests,
                &before.customer_id,
            )?;
            let next = transition(before.status, event).ok_or_else(|| {
                let reference = &before.reference;
                let (status, status_pl) = (before.status.describe(), before.status.describe_pl());
                let (done, done_pl) = (event.describe(), event.describe_pl());
                Error::invalid_state(text!(
                    "{reference} is {status}; it cannot be {done}",
                    "Żądanie {reference} jest {status_pl}; nie można {done_pl}"
                ))
            })?;
            work(tx, &before, next, &now)?;
            let after = match next {
                Next::Discarded => None,
                Next::Status(status) => {
                    tx.prepare_cached(
                        "UPDATE service_requests SET status = ?1, updated_at = ?2 WHERE id = ?3",
                    )?
                    .execute(params![status.as_str(), now, id])?;
                    if let Some(body) = &note {
                        insert_note(tx, &id, actor, body, &now)?;
                    }
                    Some(load(tx, &id)?)
                }
            };
            let mut after_json = after.as_ref().map(snapshot);
            if let (Some(serde_json::Value::Object(map)), Some(body)) = (&mut after_json, &note) {
                map.insert("note".into(), serde_json::Value::String(body.clone()));
            }
            let entry = Event::done(actor.audit_ref(), action, target(&id, label(&before)))
                .with_change(Some(snapshot(&before)), after_json);
            audit::append(tx, clock, &entry)?;
            let after = after.map(|a| view(tx, actor, a)).transpose()?;
            Ok((after, before.customer_id))
        },
    )?;
    Ok((after, change(id, customer_id)))
}

fn applied(result: (Option<ServiceRequestView>, Change)) -> Result<(ServiceRequestView, Change)> {
    match result {
        (Some(view), change) => Ok((view, change)),
        (None, _) => Err(Error::Internal("the service request was discarded".into())),
    }
}

/// Edits every field of a draft.
pub fn update(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &ServiceRequestInput,
) -> Result<(ServiceRequestView, Change)> {
    let valid = validate_input(input)?;
    applied(apply(
        store,
        clock,
        actor,
        id,
        ServiceRequestEvent::Edit,
        None,
        |tx, before, _, _| {
            tx.prepare_cached(
                "UPDATE service_requests SET title = ?1, description = ?2, category = ?3,
                     severity = ?4, contact_name = ?5, contact_email = ?6, contact_phone = ?7
                 WHERE id = ?8",
            )?
            .execute(params![
                valid.title,
                valid.description,
                valid.category.as_str(),
                valid.severity.as_str(),
                valid.contact_name,
                valid.contact_email,
                valid.contact_phone,
                before.id
            ])?;
            Ok(())
        },
    )?)
}

/// Deletes a draft and its notes; the audit log keeps what it said.
pub fn discard(store: &Store, clock: &dyn Clock, actor: &Actor, id: &str) -> Result<((), Change)> {
    let (_, change) = apply(
        store,
        clock,
        actor,
        id,
        ServiceRequestEvent::Discard,
        None,
        |tx, before, _, _| {
            tx.prepare_cached("DELETE FROM service_request_notes WHERE request_id = ?1")?
                .execute([&before.id])?;
            tx.prepare_cached("DELETE FROM service_requests WHERE id = ?1")?
                .execute([&before.id])?;
            Ok(())
        },
    )?;
    Ok(((), change))
}

/// Submits, flags, clears, closes or reopens, with an optional note.
pub fn change_status(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    event: ServiceRequestEvent,
    note: Option<&str>,
) -> Result<(ServiceRequestView, Change)> {
    if !ServiceRequestEvent::LIFECYCLE.contains(&event) {
        return Err(Error::validation("event", {
            let event = event.as_str();
            text!(
                    "'{event}' is not a status change; use submit, flag_attention, clear_attention, close or reopen",
                    "„{event}” nie jest zmianą stanu; użyj submit, flag_attention, clear_attention, close lub reopen"
                )
        }));
    }
    let note = optional_note(note)?;
    applied(apply(
        store,
        clock,
        actor,
        id,
        event,
        note,
        |tx, before, _, now| {
            let sql = match event {
                ServiceRequestEvent::Submit => {
                    "UPDATE service_requests SET submitted_at = ?1 WHERE id = ?2"
                }
                ServiceRequestEvent::Close => {
                    "UPDATE service_requests SET closed_at = ?1 WHERE id = ?2"
                }
                ServiceRequestEvent::Reopen => {
                    "UPDATE service_requests SET closed_at = NULL WHERE id = ?2"
                }
                _ => return Ok(()),
            };
            tx.prepare_cached(sql)?.execute(params![now, before.id])?;
            Ok(())
        },
    )?)
}

/// Adds a note to the thread, as the acting staff member; not to a closed request.
pub fn add_note(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    body: &str,
) -> Result<(ServiceRequestView, Change)> {
    let body = validate::long_text("body", body, limits::REQUEST_NOTE, true)?;
    applied(apply(
        store,
        clock,
        actor,
        id,
        ServiceRequestEvent::AddNote,
        Some(body),
        |_, _, _, _| Ok(()),
    )?)
}

/// One request with its notes, for whoever may see its customer's requests.
pub fn get(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<ServiceRequestView> {
    let id = parse_id("id", id)?;
    let target = read_target("service_request", Some(&id), "");
    guarded_read(
        store,
        clock,
        actor,
        "service_request.view",
        target,
        |conn| {
            let found = load(conn, &id)?;
            require_view(conn, actor, &found.customer_id)?;
            view(conn, actor, found)
        },
    )
}
