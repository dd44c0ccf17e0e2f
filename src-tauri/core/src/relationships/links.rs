//! Approval links and the e-mail that carries them, built from templates.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{load, RelationshipState};
use crate::access::{guarded_read, guarded_write, read_target, require, require_any, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::customers;
use crate::error::{Error, Result};
use crate::ids::parse_id;
use crate::links;
use crate::store::Store;

/// The URL templates of DESIGN §4. `{advisor}` is the partner ID, ids are UUIDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct LinkTemplates {
    pub trial_invitation: String,
    pub purchase_offer: String,
    pub reseller_relationship: String,
    pub granular_relationship: String,
}

impl Default for LinkTemplates {
    fn default() -> Self {
        LinkTemplates {
            trial_invitation: "https://portal.office.com/partner/partnersignup.aspx?type=Trial&id={invitation}&msppid={advisor}".into(),
            purchase_offer: "https://portal.office.com/partner/partnersignup.aspx?type=Purchase&id={offer}&msppid={advisor}".into(),
            reseller_relationship: "https://admin.microsoft.com/Adminportal/Home?invType=ResellerRelationship&partnerId={partner_tenant}&msppId={advisor}&DAP=true#/BillingAccounts/partner-invitation".into(),
            granular_relationship: "https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/{relationship}".into(),
        }
    }
}

const KEYS: [(&str, &str); 4] = [
    ("link.trial_invitation", "{invitation}"),
    ("link.purchase_offer", "{offer}"),
    ("link.reseller_relationship", "{partner_tenant}"),
    ("link.granular_relationship", "{relationship}"),
];

fn values(t: &LinkTemplates) -> [&String; 4] {
    [
        &t.trial_invitation,
        &t.purchase_offer,
        &t.reseller_relationship,
        &t.granular_relationship,
    ]
}

/// The templates as saved (the defaults where none is), inside a read or write under way.
pub(crate) fn get_templates_in(conn: &Connection) -> Result<LinkTemplates> {
    let mut templates = LinkTemplates::default();
    let get = |key: &str| -> Result<Option<String>> {
        Ok(conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
                r.get(0)
            })
            .optional()?)
    };
    if let Some(v) = get(KEYS[0].0)? {
        templates.trial_invitation = v;
    }
    if let Some(v) = get(KEYS[1].0)? {
        templates.purchase_offer = v;
    }
    if let Some(v) = get(KEYS[2].0)? {
        templates.reseller_relationship = v;
    }
    if let Some(v) = get(KEYS[3].0)? {
        templates.granular_relationship = v;
    }
    Ok(templates)
}

/// Who sees the templates: those who edit them, and those who send what they
/// build — delegated-administration requests, trial invitations, purchase
/// offers (docs/decisions/0028).
pub const TEMPLATE_READERS: [Action; 4] = [
    Action::EditLinkTemplates,
    Action::ManageRelationships,
    Action::ManageTrialInvitations,
    Action::ManagePurchaseOffers,
];

fn templates_target() -> Target {
    Target {
        kind: "settings",
        id: None,
        label: "link templates".into(),
    }
}

pub fn get_templates(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<LinkTemplates> {
    guarded_read(
        store,
        clock,
        actor,
        "link_templates.view",
        templates_target(),
        |conn| {
            require_any(conn, actor, &TEMPLATE_READERS)?;
            get_templates_in(conn)
        },
    )
}

pub fn update_templates(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    templates: &LinkTemplates,
) -> Result<(LinkTemplates, Change)> {
    let fields = [
        "trial_invitation",
        "purchase_offer",
        "reseller_relationship",
        "granular_relationship",
    ];
    let mut checked = Vec::new();
    for ((field, (_, placeholder)), value) in fields.iter().zip(KEYS).zip(values(templates)) {
        checked.push(links::check_template(field, value, placeholder)?);
    }
    let now = to_rfc3339(clock.now())?;
    let target = templates_target();
    let saved = guarded_write(
        store,
        clock,
        actor,
        "settings.update",
        target.clone(),
        |tx| {
            require(tx, actor, Action::EditLinkTemplates)?;
            let before = get_templates_in(tx)?;
            for ((key, _), value) in KEYS.iter().zip(&checked) {
                tx.execute(
                "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                params![key, value, now],
            )?;
            }
            let after = get_templates_in(tx)?;
            let event = Event::done(actor.audit_ref(), "settings.update", target).with_change(
                serde_json::to_value(&before).ok(),
                serde_json::to_value(&after).ok(),
            );
            audit::append(tx, clock, &event)?;
            Ok(after)
        },
    )?;
    Ok((saved, Change::of(Entity::Settings)))
}

/// What staff send to the customer: the approval link, a `mailto:` in the
/// customer's language signed with the company profile, and an HTML snippet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RelationshipMessage {
    pub link: String,
    pub subject: String,
    pub body: String,
    pub mailto: String,
    pub html_snippet: String,
}

pub fn message(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<RelationshipMessage> {
    let id = parse_id("id", id)?;
    let target = read_target("relationship", Some(&id), "");
    guarded_read(
        store,
        clock,
        actor,
        "relationship.message",
        target,
        |conn| {
            require(conn, actor, Action::ManageRelationships)?;
            let relationship = load(conn, &id)?;
            if relationship.state != RelationshipState::ApprovalPending {
                let name = &relationship.display_name;
                let (state, state_pl) = (
                    relationship.state.describe(),
                    relationship.state.describe_pl(),
                );
                return Err(Error::invalid_state(text!(
                "'{name}' is {state}; only a relationship waiting for approval has a link to send",
                "Relacja „{name}” ma stan: {state_pl}; link do wysłania ma tylko relacja czekająca na zatwierdzenie"
            )));
            }
            let customer = customers::load(conn, &relationship.customer_id)?;
            let company = crate::company::read_profile(conn)?;
            let templates = get_templates_in(conn)?;
            let link = links::build(
                &templates.granular_relationship,
                &[
                    ("{relationship}", &relationship.id),
                    ("{partner_tenant}", &company.partner_tenant_id),
                    ("{advisor}", &company.partner_id),
                ],
            )?;
            let roles = super::roles::names(&relationship.roles, &customer.language);
            let (subject, body, anchor) = if customer.language == "pl" {
                (
                format!("{}: prośba o administrację delegowaną", company.legal_name),
                format!(
                    "Dzień dobry,\n\nprosimy o zatwierdzenie relacji administracji delegowanej „{}” dla {} (role: {}; czas trwania: {} dni).\n\nAby ją zatwierdzić, zaloguj się jako administrator globalny i otwórz link:\n{}\n\nZ poważaniem\n{}",
                    relationship.display_name, customer.company_name, roles, relationship.duration_days, link, links::signature(&company)
                ),
                "Zatwierdź administrację delegowaną",
            )
            } else {
                (
                format!("{}: request for delegated administration", company.legal_name),
                format!(
                    "Hello,\n\nplease approve the delegated-administration relationship \"{}\" for {} (roles: {}; duration: {} days).\n\nTo approve it, sign in as a global admin and open:\n{}\n\nKind regards\n{}",
                    relationship.display_name, customer.company_name, roles, relationship.duration_days, link, links::signature(&company)
                ),
                "Approve delegated administration",
            )
            };
            let mailto = links::mailto(&[&customer.contact_email], &subject, &body);
            let html_snippet = links::html_link(&link, anchor);
            Ok(RelationshipMessage {
                link,
                subject,
                body,
                mailto,
                html_snippet,
            })
        },
    )
}
