//! Trial invitations (DESIGN §1 row 4, §3): one trial subscription of a
//! catalog service, optionally with a delegated-administration request, shared
//! through one custom URL that carries the partner's advisor code. Staff draft
//! it, activate it (its content is then fixed), send or publish its link, and
//! record each customer who signed up through it.

mod machine;
#[cfg(test)]
mod tests;

use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{
    guarded_read, guarded_write, read_target, require, require_to_offer_delegated_admin, Action,
};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::customers::{self, CustomerInput};
use crate::error::{Error, Result};
use crate::fold::fold;
use crate::ids::{new_id, parse_id};
use crate::links;
use crate::paging;
use crate::relationships::{self, RelationshipOffer};
use crate::store::Store;
use crate::subscriptions::{self, SubscriptionInput};
use crate::validate::{self, filter_choice, like_escape};

pub use machine::{allowed_events, transition, InvitationEvent, InvitationState};

/// Most recipients one "send by e-mail" may address.
pub const MAX_RECIPIENTS: usize = 50;

/// The delegated-administration request an invitation includes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct InvitationRelationship {
    pub roles: Vec<String>,
    pub duration_days: u32,
    pub auto_extend: bool,
}

/// Drafting or editing an invitation.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct TrialInvitationInput {
    /// Staff's own label, never shown to customers.
    pub name: String,
    pub service_id: String,
    /// `pl` or `en`: the language of the e-mail and the snippet; the company's default when empty.
    #[serde(default)]
    pub language: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationship: Option<InvitationRelationship>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TrialInvitation {
    pub id: String,
    pub name: String,
    pub service_id: String,
    pub service_title: String,
    /// The catalog's trial (absent when the service no longer offers one).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_seats: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
    pub language: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship: Option<InvitationRelationship>,
    pub state: InvitationState,
    pub created_at: String,
    pub created_by: String,
    pub updated_at: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activated_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activated_by: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retired_by: Option<String>,
    pub recipient_count: u32,
    pub signup_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct InvitationRecipient {
    pub email: String,
    pub sent_at: String,
    pub sent_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct InvitationSignup {
    pub id: String,
    pub customer_id: String,
    pub customer_name: String,
    pub subscription_id: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub relationship_id: Option<String>,
    /// The sign-up created the customer (rather than linking an existing one).
    pub new_customer: bool,
    pub recorded_at: String,
    pub recorded_by: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TrialInvitationDetail {
    pub invitation: TrialInvitation,
    /// What the table allows now, for the UI's buttons.
    pub events: Vec<InvitationEvent>,
    /// The custom URL, once the invitation is active or retired.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    /// Newest first.
    pub recipients: Vec<InvitationRecipient>,
    /// Newest first.
    pub signups: Vec<InvitationSignup>,
}

#[derive(Debug, Clone, Default, Deserialize, TS)]
#[ts(export)]
pub struct TrialInvitationQuery {
    /// draft, active or retired.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Part of the name or the service's title.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TrialInvitationPage {
    pub rows: Vec<TrialInvitation>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// A catalog service that offers a trial: what an invitation may hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct TrialService {
    pub id: String,
    pub title: String,
    pub trial_seats: u32,
    pub trial_days: u32,
}

/// What staff send or publish: the link, a `mailto:` in the invitation's
/// language signed with the company profile, and an HTML snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct TrialInvitationMessage {
    pub link: String,
    pub subject: String,
    pub body: String,
    pub mailto: String,
    pub html_snippet: String,
}

/// A customer who signed up through the invitation: an existing one
/// (`customer_id`) or a new one (`customer`), never both.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct SignupInput {
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<CustomerInput>,
}

// ---------------------------------------------------------------- reading

const COLUMNS: &str = "i.id, i.name, i.service_id, cs.title, cs.trial_seats, cs.trial_days,
    i.language, i.include_relationship, i.roles, i.duration_days, i.auto_extend, i.state,
    i.created_at, i.created_by, i.updated_at, i.activated_at, i.activated_by, i.retired_at,
    i.retired_by,
    (SELECT count(*) FROM trial_invitation_recipients r WHERE r.invitation_id = i.id),
    (SELECT count(*) FROM trial_invitation_signups s WHERE s.invitation_id = i.id)";

const FROM: &str = "trial_invitations i JOIN catalog_services cs ON cs.id = i.service_id";

fn invitation(row: &Row<'_>) -> rusqlite::Result<TrialInvitation> {
    let state: String = row.get(11)?;
    let include: bool = row.get(7)?;
    let roles: String = row.get(8)?;
    let relationship = if include {
        Some(InvitationRelationship {
            roles: roles.split(',').map(str::to_owned).collect(),
            duration_days: row.get::<_, Option<u32>>(9)?.unwrap_or_default(),
            auto_extend: row.get(10)?,
        })
    } else {
        None
    };
    Ok(TrialInvitation {
        id: row.get(0)?,
        name: row.get(1)?,
        service_id: row.get(2)?,
        service_title: row.get(3)?,
        trial_seats: row.get(4)?,
        trial_days: row.get(5)?,
        language: row.get(6)?,
        relationship,
        state: InvitationState::parse(&state).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                11,
                rusqlite::types::Type::Text,
                format!("unknown invitation state '{state}'").into(),
            )
        })?,
        created_at: row.get(12)?,
        created_by: row.get(13)?,
        updated_at: row.get(14)?,
        activated_at: row.get(15)?,
        activated_by: row.get(16)?,
        retired_at: row.get(17)?,
        retired_by: row.get(18)?,
        recipient_count: row.get(19)?,
        signup_count: row.get(20)?,
    })
}

fn load(conn: &Connection, id: &str) -> Result<TrialInvitation> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE i.id = ?1"))?
        .query_row([id], invitation)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "trial invitation",
            id: id.to_owned(),
        })
}

fn target(id: &str, name: &str) -> Target {
    Target {
        kind: "trial_invitation",
        id: Some(id.to_owned()),
        label: name.to_owned(),
    }
}

/// The custom URL: the invitation's id and the partner's advisor code, both
/// percent-encoded into the template from Settings.
fn link(conn: &Connection, id: &str) -> Result<String> {
    let company = crate::company::read_profile(conn)?;
    let templates = relationships::get_templates_in(conn)?;
    links::build(
        &templates.trial_invitation,
        &[
            ("{invitation}", id),
            ("{advisor}", links::advisor_code(&company)?),
        ],
    )
}

fn detail(conn: &Connection, id: &str) -> Result<TrialInvitationDetail> {
    let invitation = load(conn, id)?;
    let recipients = conn
        .prepare_cached(
            "SELECT email, sent_at, sent_by FROM trial_invitation_recipients
             WHERE invitation_id = ?1 ORDER BY id DESC",
        )?
        .query_map([id], |r| {
            Ok(InvitationRecipient {
                email: r.get(0)?,
                sent_at: r.get(1)?,
                sent_by: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let signups = conn
        .prepare_cached(
            "SELECT s.id, s.customer_id, c.company_name, s.subscription_id, s.relationship_id,
                    s.new_customer, s.recorded_at, s.recorded_by
             FROM trial_invitation_signups s JOIN customers c ON c.id = s.customer_id
             WHERE s.invitation_id = ?1 ORDER BY s.recorded_at DESC, s.id",
        )?
        .query_map([id], |r| {
            Ok(InvitationSignup {
                id: r.get(0)?,
                customer_id: r.get(1)?,
                customer_name: r.get(2)?,
                subscription_id: r.get(3)?,
                relationship_id: r.get(4)?,
                new_customer: r.get(5)?,
                recorded_at: r.get(6)?,
                recorded_by: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    // A link that cannot be built (no partner ID yet) is not an error here:
    // the screen shows the invitation and `message` says what is missing.
    let link = match invitation.state {
        InvitationState::Draft => None,
        _ => link(conn, id).ok(),
    };
    Ok(TrialInvitationDetail {
        events: allowed_events(invitation.state),
        invitation,
        link,
        recipients,
        signups,
    })
}

pub fn get(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<TrialInvitationDetail> {
    let id = parse_id("id", id)?;
    let target = target(&id, "");
    guarded_read(
        store,
        clock,
        actor,
        "trial_invitation.view",
        target,
        |conn| {
            require(conn, actor, Action::ManageTrialInvitations)?;
            detail(conn, &id)
        },
    )
}

const STATES: &[&str] = &["draft", "active", "retired"];

/// Most recently changed first, a keyset page at a time.
pub fn list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    query: &TrialInvitationQuery,
) -> Result<TrialInvitationPage> {
    let limit = paging::page_size(query.limit, text!("invitations", "zaproszeń"))?;
    let mut clauses: Vec<String> = Vec::new();
    let mut values: Vec<SqlValue> = Vec::new();
    if let Some(state) = filter_choice(
        "state",
        &query.state,
        STATES,
        text!("an invitation state", "stanem zaproszenia"),
    )? {
        clauses.push("i.state = ?".into());
        values.push(SqlValue::Text(state));
    }
    if let Some(search) = validate::search("search", &query.search)? {
        clauses.push("(i.name_key LIKE ? ESCAPE '\\' OR cs.title LIKE ? ESCAPE '\\')".into());
        values.push(SqlValue::Text(format!("%{}%", like_escape(&fold(&search)))));
        values.push(SqlValue::Text(format!("%{}%", like_escape(&search))));
    }
    paging::after_cursor(
        &query.cursor,
        "i.updated_at",
        "i.id",
        "<",
        &mut clauses,
        &mut values,
    )?;
    values.push(paging::look_ahead(limit));
    let where_sql = if clauses.is_empty() {
        "1".to_owned()
    } else {
        clauses.join(" AND ")
    };
    let target = read_target("trial_invitation", None, "invitation list");
    guarded_read(
        store,
        clock,
        actor,
        "trial_invitation.list",
        target,
        |conn| {
            require(conn, actor, Action::ManageTrialInvitations)?;
            let mut rows = conn
                .prepare(&format!(
                    "SELECT {COLUMNS} FROM {FROM} WHERE {where_sql}
                 ORDER BY i.updated_at DESC, i.id DESC LIMIT ?"
                ))?
                .query_map(params_from_iter(values), invitation)?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            let next_cursor =
                paging::next_cursor(&mut rows, limit, |r| (r.updated_at.clone(), r.id.clone()));
            Ok(TrialInvitationPage { rows, next_cursor })
        },
    )
}

/// The catalog services an invitation may hold: those that offer a trial.
pub fn trial_services(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
) -> Result<Vec<TrialService>> {
    let target = read_target("catalog", None, "services with a trial");
    guarded_read(
        store,
        clock,
        actor,
        "trial_invitation.services",
        target,
        |conn| {
            require(conn, actor, Action::ManageTrialInvitations)?;
            let rows = conn
                .prepare_cached(
                    "SELECT id, title, trial_seats, trial_days FROM catalog_services
                 WHERE trial_seats IS NOT NULL AND trial_days IS NOT NULL
                 ORDER BY title COLLATE NOCASE, id",
                )?
                .query_map([], |r| {
                    Ok(TrialService {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        trial_seats: r.get(2)?,
                        trial_days: r.get(3)?,
                    })
                })?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            Ok(rows)
        },
    )
}

// ---------------------------------------------------------------- drafting

struct ValidInput {
    name: String,
    service_id: String,
    language: String,
    relationship: Option<InvitationRelationship>,
}

/// A relationship request as the relationship rules see it; the customer and
/// the display name are only known at sign-up, so placeholders stand in.
fn as_offer(
    r: &InvitationRelationship,
    customer_id: &str,
    display_name: &str,
) -> RelationshipOffer {
    RelationshipOffer {
        customer_id: customer_id.to_owned(),
        display_name: display_name.to_owned(),
        roles: r.roles.clone(),
        duration_days: r.duration_days,
        auto_extend: r.auto_extend,
        request_approval: false,
    }
}

fn validate_input(input: &TrialInvitationInput) -> Result<ValidInput> {
    let name = validate::required_text("name", &input.name, crate::limits::INVITATION_NAME)?;
    let service_id = parse_id("service_id", &input.service_id)?;
    let language = match input.language.trim() {
        "" => String::new(),
        "pl" | "en" => input.language.trim().to_owned(),
        _ => {
            return Err(Error::validation(
                "language",
                text!(
                    "choose pl (Polski) or en (English)",
                    "wybierz pl (Polski) lub en (English)"
                ),
            ))
        }
    };
    let relationship = match &input.relationship {
        None => None,
        Some(r) => {
            relationships::check_offer(&as_offer(r, &uuid_nil(), "check"))?;
            Some(InvitationRelationship {
                // Normalised as the relationship rules store them.
                roles: relationships::roles::normalize("roles", &r.roles)?,
                duration_days: r.duration_days,
                auto_extend: r.auto_extend,
            })
        }
    };
    Ok(ValidInput {
        name,
        service_id,
        language,
        relationship,
    })
}

fn uuid_nil() -> String {
    "00000000-0000-0000-0000-000000000000".to_owned()
}

/// The service must exist and offer a trial.
fn check_trial_service(conn: &Connection, service_id: &str) -> Result<()> {
    let found: Option<(String, Option<u32>, Option<u32>)> = conn
        .prepare_cached(
            "SELECT title, trial_seats, trial_days FROM catalog_services WHERE id = ?1",
        )?
        .query_row([service_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    match found {
        None => Err(Error::validation(
            "service_id",
            text!(
                "choose a service from the catalog",
                "wybierz usługę z katalogu"
            ),
        )),
        Some((_, Some(_), Some(_))) => Ok(()),
        Some((title, _, _)) => Err(Error::validation(
            "service_id",
            text!(
                "{title} is not offered as a trial; choose a service with a trial in the catalog",
                "Usługa {title} nie jest oferowana w wersji próbnej; wybierz z katalogu usługę z wersją próbną"
            ),
        )),
    }
}

fn language_or_default(conn: &Connection, language: &str) -> Result<String> {
    if !language.is_empty() {
        return Ok(language.to_owned());
    }
    let company = crate::company::read_profile(conn)?;
    Ok(match company.default_language.as_str() {
        "en" => "en".to_owned(),
        _ => "pl".to_owned(),
    })
}

fn snapshot(i: &TrialInvitation) -> Option<serde_json::Value> {
    serde_json::to_value(i).ok()
}

fn relationship_columns(r: &Option<InvitationRelationship>) -> (bool, String, Option<u32>, bool) {
    match r {
        Some(r) => (
            true,
            r.roles.join(","),
            Some(r.duration_days),
            r.auto_extend,
        ),
        None => (false, String::new(), None, false),
    }
}

pub fn create(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &TrialInvitationInput,
) -> Result<(TrialInvitationDetail, Change)> {
    let valid = validate_input(input)?;
    let id = new_id();
    let now = to_rfc3339(clock.now())?;
    let created = guarded_write(
        store,
        clock,
        actor,
        "trial_invitation.create",
        target(&id, &valid.name),
        |tx| {
            require(tx, actor, Action::ManageTrialInvitations)?;
            require_to_offer_delegated_admin(tx, actor, valid.relationship.as_ref())?;
            check_trial_service(tx, &valid.service_id)?;
            let language = language_or_default(tx, &valid.language)?;
            let (include, roles, days, extend) = relationship_columns(&valid.relationship);
            tx.execute(
                "INSERT INTO trial_invitations (id, name, name_key, service_id, language,
                     include_relationship, roles, duration_days, auto_extend, state,
                     created_at, created_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'draft', ?10, ?11, ?10)",
                params![
                    id,
                    valid.name,
                    fold(&valid.name),
                    valid.service_id,
                    language,
                    include,
                    roles,
                    days,
                    extend,
                    now,
                    actor.display_name
                ],
            )?;
            let created = load(tx, &id)?;
            let event = Event::done(
                actor.audit_ref(),
                "trial_invitation.create",
                target(&id, &created.name),
            )
            .with_change(None, snapshot(&created));
            audit::append(tx, clock, &event)?;
            detail(tx, &id)
        },
    )?;
    Ok((created, Change::one(Entity::TrialInvitation, id)))
}

/// Refuses `event` unless the table allows it from the invitation's state.
fn check_event(invitation: &TrialInvitation, event: InvitationEvent) -> Result<InvitationState> {
    transition(invitation.state, event).ok_or_else(|| {
        let name = &invitation.name;
        let (state, state_pl) = (invitation.state.describe(), invitation.state.describe_pl());
        let (done, done_pl) = (event.describe(), event.describe_pl());
        Error::invalid_state(text!(
            "'{name}' is {state}; it cannot be {done}",
            "Zaproszenie „{name}” jest {state_pl}; nie można {done_pl}"
        ))
    })
}

/// Edits a draft; an active or retired invitation's content is fixed.
pub fn update(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &TrialInvitationInput,
) -> Result<(TrialInvitationDetail, Change)> {
    let id = parse_id("id", id)?;
    let valid = validate_input(input)?;
    let now = to_rfc3339(clock.now())?;
    let updated = guarded_write(
        store,
        clock,
        actor,
        "trial_invitation.update",
        target(&id, &valid.name),
        |tx| {
            require(tx, actor, Action::ManageTrialInvitations)?;
            let before = load(tx, &id)?;
            check_event(&before, InvitationEvent::Edit)?;
            // A request someone allowed to offer it made stays when others edit the rest.
            if valid.relationship != before.relationship {
                require_to_offer_delegated_admin(tx, actor, valid.relationship.as_ref())?;
            }
            check_trial_service(tx, &valid.service_id)?;
            let language = language_or_default(tx, &valid.language)?;
            let (include, roles, days, extend) = relationship_columns(&valid.relationship);
            tx.execute(
                "UPDATE trial_invitations SET name = ?1, name_key = ?2, service_id = ?3,
                     language = ?4, include_relationship = ?5, roles = ?6, duration_days = ?7,
                     auto_extend = ?8, updated_at = ?9
                 WHERE id = ?10",
                params![
                    valid.name,
                    fold(&valid.name),
                    valid.service_id,
                    language,
                    include,
                    roles,
                    days,
                    extend,
                    now,
                    id
                ],
            )?;
            let after = load(tx, &id)?;
            let event = Event::done(
                actor.audit_ref(),
                "trial_invitation.update",
                target(&id, &after.name),
            )
            .with_change(snapshot(&before), snapshot(&after));
            audit::append(tx, clock, &event)?;
            detail(tx, &id)
        },
    )?;
    Ok((updated, Change::one(Entity::TrialInvitation, id)))
}

/// Moves an invitation along the table (activate, retire).
fn move_to(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    event: InvitationEvent,
    audit_action: &'static str,
) -> Result<(TrialInvitationDetail, Change)> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let moved = guarded_write(store, clock, actor, audit_action, target(&id, ""), |tx| {
        require(tx, actor, Action::ManageTrialInvitations)?;
        let before = load(tx, &id)?;
        let next = check_event(&before, event)?;
        match event {
            InvitationEvent::Activate => {
                // The content is fixed from now on: it must still hold a trial,
                // and its link must be buildable. Publishing the link offers
                // what the invitation includes.
                require_to_offer_delegated_admin(tx, actor, before.relationship.as_ref())?;
                check_trial_service(tx, &before.service_id)?;
                link(tx, &id)?;
                tx.execute(
                    "UPDATE trial_invitations SET state = ?1, activated_at = ?2,
                             activated_by = ?3, updated_at = ?2 WHERE id = ?4",
                    params![next.as_str(), now, actor.display_name, id],
                )?;
            }
            _ => {
                tx.execute(
                    "UPDATE trial_invitations SET state = ?1, retired_at = ?2,
                             retired_by = ?3, updated_at = ?2 WHERE id = ?4",
                    params![next.as_str(), now, actor.display_name, id],
                )?;
            }
        }
        let after = load(tx, &id)?;
        let entry = Event::done(actor.audit_ref(), audit_action, target(&id, &after.name))
            .with_change(snapshot(&before), snapshot(&after));
        audit::append(tx, clock, &entry)?;
        detail(tx, &id)
    })?;
    Ok((moved, Change::one(Entity::TrialInvitation, id)))
}

pub fn activate(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(TrialInvitationDetail, Change)> {
    move_to(
        store,
        clock,
        actor,
        id,
        InvitationEvent::Activate,
        "trial_invitation.activate",
    )
}

pub fn retire(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<(TrialInvitationDetail, Change)> {
    move_to(
        store,
        clock,
        actor,
        id,
        InvitationEvent::Retire,
        "trial_invitation.retire",
    )
}

// ---------------------------------------------------------------- sending

/// Trimmed, checked, de-duplicated addresses; at least one.
fn check_recipients(recipients: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for text in recipients
        .iter()
        .flat_map(|r| r.split([',', ';', '\n', ' ']))
        .map(str::trim)
        .filter(|r| !r.is_empty())
    {
        let email = validate::email("recipients", text)?;
        if !out.iter().any(|e| e.eq_ignore_ascii_case(&email)) {
            out.push(email);
        }
    }
    if out.is_empty() {
        return Err(Error::validation(
            "recipients",
            text!(
                "enter at least one e-mail address",
                "wpisz co najmniej jeden adres e-mail"
            ),
        ));
    }
    if out.len() > MAX_RECIPIENTS {
        return Err(Error::validation(
            "recipients",
            text!(
                "send to at most {MAX_RECIPIENTS} addresses at once",
                "wyślij naraz najwyżej na {MAX_RECIPIENTS} adresów"
            ),
        ));
    }
    Ok(out)
}

fn compose(
    conn: &Connection,
    invitation: &TrialInvitation,
    recipients: &[String],
) -> Result<TrialInvitationMessage> {
    let link = link(conn, &invitation.id)?;
    let company = crate::company::read_profile(conn)?;
    let seats = invitation.trial_seats.unwrap_or_default();
    let days = invitation.trial_days.unwrap_or_default();
    let service = &invitation.service_title;
    let (subject, body, anchor) = if invitation.language == "pl" {
        let admin = match &invitation.relationship {
            Some(r) => format!(
                "\n\nZaproszenie obejmuje również prośbę o administrację delegowaną (role: {}; czas trwania: {} dni), abyśmy mogli pomóc w konfiguracji usługi.",
                relationships::roles::names(&r.roles, "pl"),
                r.duration_days
            ),
            None => String::new(),
        };
        (
            format!("{}: bezpłatna wersja próbna {service}", company.legal_name),
            format!(
                "Dzień dobry,\n\nzapraszamy do wypróbowania usługi {service}: {seats} licencji przez {days} dni bez opłat.{admin}\n\nAby rozpocząć, otwórz link:\n{link}\n\nZ poważaniem\n{}",
                links::signature(&company)
            ),
            format!("Wypróbuj {service} za darmo"),
        )
    } else {
        let admin = match &invitation.relationship {
            Some(r) => format!(
                "\n\nThe invitation also asks for delegated administration (roles: {}; duration: {} days), so that we can help you set the service up.",
                relationships::roles::names(&r.roles, "en"),
                r.duration_days
            ),
            None => String::new(),
        };
        (
            format!("{}: free trial of {service}", company.legal_name),
            format!(
                "Hello,\n\nyou are invited to try {service}: {seats} licenses for {days} days, free of charge.{admin}\n\nTo start, open:\n{link}\n\nKind regards\n{}",
                links::signature(&company)
            ),
            format!("Try {service} for free"),
        )
    };
    let to: Vec<&str> = recipients.iter().map(String::as_str).collect();
    let mailto = links::mailto(&to, &subject, &body);
    let html_snippet = links::html_link(&link, &anchor);
    Ok(TrialInvitationMessage {
        link,
        subject,
        body,
        mailto,
        html_snippet,
    })
}

/// The link, the e-mail to `recipients` (none: an empty "to", for copying)
/// and the HTML snippet; only an active invitation has them.
pub fn message(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    recipients: &[String],
) -> Result<TrialInvitationMessage> {
    let id = parse_id("id", id)?;
    let recipients = if recipients.iter().all(|r| r.trim().is_empty()) {
        Vec::new()
    } else {
        check_recipients(recipients)?
    };
    let target = target(&id, "");
    guarded_read(
        store,
        clock,
        actor,
        "trial_invitation.message",
        target,
        |conn| {
            require(conn, actor, Action::ManageTrialInvitations)?;
            let invitation = load(conn, &id)?;
            check_event(&invitation, InvitationEvent::Send)?;
            compose(conn, &invitation, &recipients)
        },
    )
}

/// Records that the invitation was sent to `recipients` (now, by `actor`)
/// and returns the message to open in the mail client.
pub fn record_sent(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    recipients: &[String],
) -> Result<(TrialInvitationMessage, Change)> {
    let id = parse_id("id", id)?;
    let recipients = check_recipients(recipients)?;
    let now = to_rfc3339(clock.now())?;
    let message = guarded_write(
        store,
        clock,
        actor,
        "trial_invitation.send",
        target(&id, ""),
        |tx| {
            require(tx, actor, Action::ManageTrialInvitations)?;
            let invitation = load(tx, &id)?;
            check_event(&invitation, InvitationEvent::Send)?;
            require_to_offer_delegated_admin(tx, actor, invitation.relationship.as_ref())?;
            let message = compose(tx, &invitation, &recipients)?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO trial_invitation_recipients (invitation_id, email, sent_at, sent_by_id, sent_by)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for email in &recipients {
                insert.execute(params![id, email, now, actor.id, actor.display_name])?;
            }
            let event = Event {
                detail: format!("to {}", recipients.join(", ")),
                ..Event::done(
                    actor.audit_ref(),
                    "trial_invitation.send",
                    target(&id, &invitation.name),
                )
            };
            audit::append(tx, clock, &event)?;
            Ok(message)
        },
    )?;
    Ok((message, Change::one(Entity::TrialInvitation, id)))
}

// ---------------------------------------------------------------- sign-ups

/// A relationship display name unique per sign-up, at most 50 characters:
/// the customer's name and the sign-up's short id.
fn relationship_name(customer_name: &str, signup_id: &str) -> String {
    let suffix = format!(" · trial {}", &signup_id[..8]);
    let room = 50 - suffix.chars().count();
    let name: String = customer_name.chars().take(room).collect();
    format!("{}{suffix}", name.trim_end())
}

/// Records a customer who signed up through the invitation, in one
/// transaction: the customer (created with validation, or an existing one),
/// the trial subscription (one trial per service per customer), and the
/// active delegated-admin relationship when the invitation includes one.
/// Anything refused writes nothing. Returns every change, so open customer,
/// subscription and relationship screens refresh as well.
pub fn record_signup(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &SignupInput,
) -> Result<(TrialInvitationDetail, Vec<Change>)> {
    let id = parse_id("id", id)?;
    enum Who {
        Existing(String),
        New(Box<customers::ValidCustomer>),
    }
    let who = match (&input.customer_id, &input.customer) {
        (Some(existing), None) => Who::Existing(parse_id("customer_id", existing)?),
        (None, Some(new)) => Who::New(Box::new(customers::validate_input(new)?)),
        _ => {
            return Err(Error::validation(
                "customer_id",
                text!(
                    "choose an existing customer or enter a new one",
                    "wybierz istniejącego klienta lub wpisz nowego"
                ),
            ))
        }
    };
    let signup_id = new_id();
    let now = to_rfc3339(clock.now())?;
    let recorded = guarded_write(
        store,
        clock,
        actor,
        "trial_invitation.signup",
        target(&id, ""),
        |tx| {
            require(tx, actor, Action::ManageTrialInvitations)?;
            let invitation = load(tx, &id)?;
            check_event(&invitation, InvitationEvent::RecordSignup)?;
            require_to_offer_delegated_admin(tx, actor, invitation.relationship.as_ref())?;
            let (customer_id, new_customer) = match &who {
                Who::Existing(customer_id) => {
                    customers::load(tx, customer_id)?;
                    (customer_id.clone(), false)
                }
                Who::New(valid) => {
                    customers::check_unique(tx, valid, None)?;
                    let customer_id = new_id();
                    customers::insert(tx, valid, &customer_id, &now)?;
                    let created = customers::load(tx, &customer_id)?;
                    let event = Event::done(
                        actor.audit_ref(),
                        "customer.create",
                        customers::target(&customer_id, &created.company_name),
                    )
                    .with_change(None, serde_json::to_value(&created).ok());
                    audit::append(tx, clock, &event)?;
                    (customer_id, true)
                }
            };
            let subscription = subscriptions::insert(
                tx,
                clock,
                &actor.audit_ref(),
                &SubscriptionInput {
                    customer_id: customer_id.clone(),
                    service_id: invitation.service_id.clone(),
                    // Microsoft's default: the trial converts at its end
                    // into 25 licences for a year, billed monthly; staff
                    // may change or switch that off (decision 0043).
                    quantity: subscriptions::TRIAL_SEATS,
                    term: None,
                    billing_plan: None,
                    starts_at: None,
                    auto_renew: true,
                    trial: true,
                },
                subscriptions::Source::TrialInvitation,
            )?;
            let relationship = match &invitation.relationship {
                Some(request) => {
                    let customer = customers::load(tx, &customer_id)?;
                    let name = relationship_name(&customer.company_name, &signup_id);
                    Some(relationships::create_accepted_in(
                        tx,
                        clock,
                        actor,
                        &as_offer(request, &customer_id, &name),
                    )?)
                }
                None => None,
            };
            tx.execute(
                "INSERT INTO trial_invitation_signups (id, invitation_id, customer_id,
                     subscription_id, relationship_id, new_customer, recorded_at,
                     recorded_by_id, recorded_by)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    signup_id,
                    id,
                    customer_id,
                    subscription.id,
                    relationship.as_ref().map(|r| r.id.clone()),
                    new_customer,
                    now,
                    actor.id,
                    actor.display_name
                ],
            )?;
            let customer = customers::load(tx, &customer_id)?;
            let event = Event {
                detail: format!(
                    "{} signed up: trial of {}{}",
                    customer.company_name,
                    invitation.service_title,
                    if relationship.is_some() {
                        " with delegated administration"
                    } else {
                        ""
                    }
                ),
                ..Event::done(
                    actor.audit_ref(),
                    "trial_invitation.signup",
                    target(&id, &invitation.name),
                )
            };
            audit::append(tx, clock, &event)?;
            let mut changes = vec![
                Change {
                    entity: Entity::TrialInvitation,
                    ids: vec![id.clone(), customer_id.clone()],
                },
                Change {
                    entity: Entity::Subscription,
                    ids: vec![subscription.id.clone(), customer_id.clone()],
                },
            ];
            if new_customer {
                changes.push(Change::one(Entity::Customer, customer_id.clone()));
            }
            if let Some(r) = &relationship {
                changes.push(Change {
                    entity: Entity::Relationship,
                    ids: vec![r.id.clone(), customer_id.clone()],
                });
            }
            Ok((detail(tx, &id)?, changes))
        },
    )?;
    Ok(recorded)
}
