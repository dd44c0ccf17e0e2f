//! Purchase offers (DESIGN §1 row 5, §3): catalog services with licence
//! counts and prices for an existing customer or a prospect, sent as a link
//! with the partner's advisor code, answered by the customer.
//!
//! Drafts are saved on every change (each save is one committed transaction,
//! so a crash or a power cut loses at most the keystrokes since the last save).
//! Sending fixes the content. A different licence count means a new
//! *revision*: a draft copy linked to the previous revision. The previous
//! revision becomes superseded **when the revision is sent**, not when it is
//! drafted: until then the customer still holds a valid offer, and an
//! abandoned draft revision (withdrawn) leaves it untouched.

mod accept;
mod list;
mod machine;
pub(crate) mod message;
pub mod money;
#[cfg(test)]
mod tests;

use rusqlite::{params, Connection, OptionalExtension, Row, Transaction};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime, Time};
use ts_rs::TS;

use crate::access::{
    decide, guarded_read, guarded_write, require, require_to_offer_delegated_admin, Action, Guarded,
};
use crate::audit::{self, ActorRef, Event, Target};
use crate::auth::actor::partner_authorizations;
use crate::auth::Actor;
use crate::catalog::seats::{self, SeatLine};
use crate::catalog::PriceSource;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::customers;
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::limits;
use crate::money::Money;
use crate::relationships::{self, RelationshipOffer};
use crate::store::Store;
use crate::subscriptions::MAX_QUANTITY;
use crate::validate;

pub use accept::{accept, AcceptanceInput, LineCount};
pub use list::{list, OfferPage, OfferQuery, OfferSummary};
pub use machine::{transition, OfferEvent, OfferStatus};
pub use message::{document, message, OfferMessage};

const MAX_LINES: usize = 50;
const MAX_RECIPIENTS: usize = 20;

/// Delegated administration requested with the offer; becomes an active
/// relationship when the customer accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct DelegatedAdminRequest {
    pub display_name: String,
    pub roles: Vec<String>,
    pub duration_days: u32,
    pub auto_extend: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PurchaseOffer {
    pub id: String,
    /// The first revision's id: every revision of one offer shares it.
    pub root_id: String,
    pub revision: u32,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_id: Option<String>,
    pub status: OfferStatus,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// The customer's company name, or the prospect's.
    pub company_name: String,
    /// Where the offer goes by default: the customer's contact or the prospect's address.
    pub contact_email: String,
    pub prospect_name: String,
    pub prospect_email: String,
    /// `pl` or `en`: the language the customer reads.
    pub language: String,
    /// The last day it can be accepted (YYYY-MM-DD).
    pub valid_until: String,
    /// When the clock expires it (the midnight UTC after `valid_until`).
    pub expires_at: String,
    pub note: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delegated_admin: Option<DelegatedAdminRequest>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_customer_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub closed_by: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferLine {
    pub id: String,
    pub position: u32,
    pub service_id: String,
    pub service_title: String,
    pub term: String,
    pub billing_plan: String,
    pub quantity: u32,
    /// Per licence per month, minor units.
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    /// The catalog's price when the line was saved.
    #[ts(type = "number")]
    pub catalog_price_minor: i64,
    /// Which catalog price the line started from.
    pub price_source: PriceSource,
    pub currency: String,
    /// Basis points: 250 = 2.5 %.
    pub discount_bp: u32,
    /// Rounded half up (see [`money::line_total`]), per month.
    #[ts(type = "number")]
    pub line_total_minor: i64,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub accepted_quantity: Option<u32>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferRecipient {
    pub email: String,
    pub sent_at: String,
    pub sent_by: String,
}

/// What one revision changed against the one before, per service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferLineChange {
    pub service_title: String,
    /// Absent: the line is new in this revision.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_quantity: Option<u32>,
    /// Absent: the line was removed in this revision.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_quantity: Option<u32>,
    pub price_changed: bool,
    pub discount_changed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct OfferRevision {
    pub id: String,
    pub revision: u32,
    pub status: OfferStatus,
    pub created_at: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sent_at: Option<String>,
    pub totals: Vec<Money>,
    /// Against the previous revision; empty for the first.
    pub changes: Vec<OfferLineChange>,
    /// The validity date changed against the previous revision.
    pub validity_changed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PurchaseOfferDetail {
    pub offer: PurchaseOffer,
    pub lines: Vec<OfferLine>,
    /// Per month, one per currency.
    pub totals: Vec<Money>,
    /// Oldest first, this one included.
    pub revisions: Vec<OfferRevision>,
    pub recipients: Vec<OfferRecipient>,
    /// This revision is the latest of its offer and may be revised.
    pub can_revise: bool,
}

/// A draft as the editor holds it; saved whole on every change.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct OfferDraftInput {
    /// An existing customer; when absent, the prospect fields are used.
    #[ts(optional)]
    #[serde(default)]
    pub customer_id: Option<String>,
    #[serde(default)]
    pub prospect_name: String,
    #[serde(default)]
    pub prospect_email: String,
    /// For a prospect: `pl` or `en` (the company's default when empty).
    #[serde(default)]
    pub language: String,
    /// YYYY-MM-DD.
    pub valid_until: String,
    #[serde(default)]
    pub note: String,
    #[ts(optional)]
    #[serde(default)]
    pub delegated_admin: Option<DelegatedAdminRequest>,
    #[serde(default)]
    pub lines: Vec<OfferLineInput>,
}

#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct OfferLineInput {
    pub service_id: String,
    pub quantity: u32,
    /// The catalog's price (from `price_source`) unless a global or billing
    /// admin changes it.
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    /// The partner's price unless said otherwise.
    #[ts(optional)]
    #[serde(default)]
    pub price_source: Option<PriceSource>,
    #[serde(default)]
    pub discount_bp: u32,
}

const COLUMNS: &str = "o.id, o.root_id, o.revision, o.previous_id, o.status, o.customer_id,
    coalesce(c.company_name, o.prospect_name), coalesce(c.contact_email, o.prospect_email),
    o.prospect_name, o.prospect_email, o.language, o.valid_until, o.expires_at, o.note,
    o.da_display_name, o.da_roles, o.da_duration_days, o.da_auto_extend, o.accepted_customer_id,
    o.created_by, o.created_at, o.updated_at, o.sent_at, o.closed_at, o.closed_by";
const FROM: &str = "purchase_offers o LEFT JOIN customers c ON c.id = o.customer_id";

fn offer_row(row: &Row<'_>) -> rusqlite::Result<PurchaseOffer> {
    let status: String = row.get(4)?;
    let da_name: Option<String> = row.get(14)?;
    let delegated_admin = match da_name {
        Some(display_name) => {
            let roles: String = row.get::<_, Option<String>>(15)?.unwrap_or_default();
            Some(DelegatedAdminRequest {
                display_name,
                roles: roles
                    .split(',')
                    .filter(|r| !r.is_empty())
                    .map(str::to_owned)
                    .collect(),
                duration_days: row.get::<_, Option<u32>>(16)?.unwrap_or_default(),
                auto_extend: row.get::<_, Option<bool>>(17)?.unwrap_or_default(),
            })
        }
        None => None,
    };
    Ok(PurchaseOffer {
        id: row.get(0)?,
        root_id: row.get(1)?,
        revision: row.get(2)?,
        previous_id: row.get(3)?,
        status: OfferStatus::parse(&status).ok_or_else(|| {
            rusqlite::Error::FromSqlConversionFailure(
                4,
                rusqlite::types::Type::Text,
                format!("unknown offer status '{status}'").into(),
            )
        })?,
        customer_id: row.get(5)?,
        company_name: row.get(6)?,
        contact_email: row.get(7)?,
        prospect_name: row.get(8)?,
        prospect_email: row.get(9)?,
        language: row.get(10)?,
        valid_until: row.get(11)?,
        expires_at: row.get(12)?,
        note: row.get(13)?,
        delegated_admin,
        accepted_customer_id: row.get(18)?,
        created_by: row.get(19)?,
        created_at: row.get(20)?,
        updated_at: row.get(21)?,
        sent_at: row.get(22)?,
        closed_at: row.get(23)?,
        closed_by: row.get(24)?,
    })
}

pub(crate) fn load(conn: &Connection, id: &str) -> Result<PurchaseOffer> {
    conn.prepare_cached(&format!("SELECT {COLUMNS} FROM {FROM} WHERE o.id = ?1"))?
        .query_row([id], offer_row)
        .optional()?
        .ok_or_else(|| Error::NotFound {
            entity: "purchase offer",
            id: id.to_owned(),
        })
}

pub(crate) fn lines_of(conn: &Connection, id: &str) -> Result<Vec<OfferLine>> {
    let rows = conn
        .prepare_cached(
            "SELECT l.id, l.position, l.service_id, cs.title, cs.term, cs.billing_plan, l.quantity,
                    l.unit_price_minor, l.catalog_price_minor, l.currency, l.discount_bp,
                    l.accepted_quantity, l.price_source
             FROM purchase_offer_lines l JOIN catalog_services cs ON cs.id = l.service_id
             WHERE l.offer_id = ?1 ORDER BY l.position",
        )?
        .query_map([id], |r| {
            Ok(OfferLine {
                id: r.get(0)?,
                position: r.get(1)?,
                service_id: r.get(2)?,
                service_title: r.get(3)?,
                term: r.get(4)?,
                billing_plan: r.get(5)?,
                quantity: r.get(6)?,
                unit_price_minor: r.get(7)?,
                catalog_price_minor: r.get(8)?,
                price_source: PriceSource::parse(&r.get::<_, String>(12)?),
                currency: r.get(9)?,
                discount_bp: r.get(10)?,
                line_total_minor: 0,
                accepted_quantity: r.get(11)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|mut line| {
            line.line_total_minor =
                money::line_total(line.quantity, line.unit_price_minor, line.discount_bp)?;
            Ok(line)
        })
        .collect()
}

pub(crate) fn totals_of(lines: &[OfferLine]) -> Result<Vec<Money>> {
    money::totals(
        lines
            .iter()
            .map(|l| (l.currency.as_str(), l.line_total_minor)),
    )
}

fn recipients_of(conn: &Connection, id: &str) -> Result<Vec<OfferRecipient>> {
    Ok(conn
        .prepare_cached(
            "SELECT email, sent_at, sent_by FROM purchase_offer_recipients
             WHERE offer_id = ?1 ORDER BY id",
        )?
        .query_map([id], |r| {
            Ok(OfferRecipient {
                email: r.get(0)?,
                sent_at: r.get(1)?,
                sent_by: r.get(2)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?)
}

/// The id of the revision that follows `id`, if any.
fn next_revision(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached("SELECT id FROM purchase_offers WHERE previous_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?)
}

fn compare(before: &[OfferLine], after: &[OfferLine]) -> Vec<OfferLineChange> {
    let mut changes = Vec::new();
    for line in after {
        match before.iter().find(|b| b.service_id == line.service_id) {
            Some(b) => {
                let price_changed = b.unit_price_minor != line.unit_price_minor;
                let discount_changed = b.discount_bp != line.discount_bp;
                if b.quantity != line.quantity || price_changed || discount_changed {
                    changes.push(OfferLineChange {
                        service_title: line.service_title.clone(),
                        from_quantity: Some(b.quantity),
                        to_quantity: Some(line.quantity),
                        price_changed,
                        discount_changed,
                    });
                }
            }
            None => changes.push(OfferLineChange {
                service_title: line.service_title.clone(),
                from_quantity: None,
                to_quantity: Some(line.quantity),
                price_changed: false,
                discount_changed: false,
            }),
        }
    }
    for b in before {
        if !after.iter().any(|l| l.service_id == b.service_id) {
            changes.push(OfferLineChange {
                service_title: b.service_title.clone(),
                from_quantity: Some(b.quantity),
                to_quantity: None,
                price_changed: false,
                discount_changed: false,
            });
        }
    }
    changes
}

fn revisions_of(conn: &Connection, root_id: &str) -> Result<Vec<OfferRevision>> {
    let chain: Vec<PurchaseOffer> = conn
        .prepare_cached(&format!(
            "SELECT {COLUMNS} FROM {FROM} WHERE o.root_id = ?1 ORDER BY o.revision"
        ))?
        .query_map([root_id], offer_row)?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    let mut previous: Option<(Vec<OfferLine>, String)> = None;
    for offer in chain {
        let lines = lines_of(conn, &offer.id)?;
        let (changes, validity_changed) = match &previous {
            Some((before, valid_until)) => {
                (compare(before, &lines), *valid_until != offer.valid_until)
            }
            None => (Vec::new(), false),
        };
        out.push(OfferRevision {
            id: offer.id.clone(),
            revision: offer.revision,
            status: offer.status,
            created_at: offer.created_at.clone(),
            sent_at: offer.sent_at.clone(),
            totals: totals_of(&lines)?,
            changes,
            validity_changed,
        });
        previous = Some((lines, offer.valid_until));
    }
    Ok(out)
}

pub(crate) fn detail(conn: &Connection, id: &str) -> Result<PurchaseOfferDetail> {
    let offer = load(conn, id)?;
    let lines = lines_of(conn, id)?;
    let can_revise = offer.status.can_be_revised() && next_revision(conn, id)?.is_none();
    Ok(PurchaseOfferDetail {
        totals: totals_of(&lines)?,
        revisions: revisions_of(conn, &offer.root_id)?,
        recipients: recipients_of(conn, id)?,
        lines,
        can_revise,
        offer,
    })
}

pub fn get(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
) -> Result<PurchaseOfferDetail> {
    let id = parse_id("id", id)?;
    let target = blank_target(Some(&id));
    guarded_read(store, clock, actor, "purchase_offer.view", target, |conn| {
        require(conn, actor, Action::ManagePurchaseOffers)?;
        detail(conn, &id)
    })
}

fn target_of(offer: &PurchaseOffer) -> Target {
    Target {
        kind: "purchase_offer",
        id: Some(offer.id.clone()),
        label: format!("{} (revision {})", offer.company_name, offer.revision),
    }
}

pub(crate) fn blank_target(id: Option<&str>) -> Target {
    Target {
        kind: "purchase_offer",
        id: id.map(str::to_owned),
        label: String::new(),
    }
}

fn change_of(offer: &PurchaseOffer) -> Change {
    let mut ids = vec![offer.id.clone()];
    ids.extend(offer.previous_id.clone());
    Change {
        entity: Entity::PurchaseOffer,
        ids,
    }
}

/// `YYYY-MM-DD` → (the date, the instant it lapses: the next midnight UTC).
pub(crate) fn parse_valid_until(text: &str) -> Result<(Date, OffsetDateTime)> {
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(text.trim(), format).map_err(|_| {
        Error::validation(
            "valid_until",
            text!(
                "'{text}' is not a date (YYYY-MM-DD)",
                "„{text}” nie jest datą (RRRR-MM-DD)"
            ),
        )
    })?;
    let date = crate::clock::check_business_date("valid_until", date)?;
    let next = date.next_day().ok_or_else(|| {
        Error::validation(
            "valid_until",
            text!("the date is too far ahead", "data jest zbyt odległa"),
        )
    })?;
    Ok((date, next.with_time(Time::MIDNIGHT).assume_utc()))
}

/// A checked draft, ready to write. Drafts are saved on every keystroke, so
/// only what cannot be half-typed is refused here (ids, counts, prices,
/// discounts, the date); [`check_ready`] checks the rest before sending.
struct ValidDraft {
    customer_id: Option<String>,
    prospect_name: String,
    prospect_email: String,
    language: String,
    valid_until: String,
    expires_at: String,
    note: String,
    delegated_admin: Option<DelegatedAdminRequest>,
    lines: Vec<ValidLine>,
}

struct ValidLine {
    service_id: String,
    quantity: u32,
    unit_price_minor: i64,
    catalog_price_minor: i64,
    price_source: PriceSource,
    currency: String,
    discount_bp: u32,
}

/// What a draft held when it was saved before: a price a billing admin set,
/// or a delegated-admin request someone allowed to offer it made, stays
/// acceptable when someone without that right saves again.
#[derive(Default)]
struct Saved<'a> {
    lines: &'a [OfferLine],
    delegated_admin: Option<&'a DelegatedAdminRequest>,
}

/// Checks a draft against what it held before (`saved`).
fn validate_draft(
    conn: &Guarded<'_, Transaction<'_>>,
    actor: &Actor,
    input: &OfferDraftInput,
    saved: &Saved<'_>,
    now: &str,
) -> Result<ValidDraft> {
    let customer_id = match input.customer_id.as_deref().map(str::trim) {
        Some(id) if !id.is_empty() => Some(parse_id("customer_id", id)?),
        _ => None,
    };
    let (prospect_name, prospect_email, language) = match &customer_id {
        Some(id) => {
            let customer = customers::load(conn, id)?;
            if customer.archived {
                return Err(Error::validation("customer_id", {
                    let name = &customer.company_name;
                    text!("{name} is archived", "Klient {name} jest zarchiwizowany")
                }));
            }
            (String::new(), String::new(), customer.language)
        }
        None => {
            let language = match input.language.trim() {
                "" => crate::company::read_profile(conn)?.default_language,
                "pl" | "en" => input.language.trim().to_owned(),
                _ => {
                    return Err(Error::validation(
                        "language",
                        text!("choose Polish or English", "wybierz polski lub angielski"),
                    ))
                }
            };
            (
                validate::optional_text(
                    "prospect_name",
                    &input.prospect_name,
                    limits::COMPANY_NAME,
                )?,
                validate::optional_text("prospect_email", &input.prospect_email, limits::EMAIL)?,
                language,
            )
        }
    };
    let language = if language == "pl" { "pl" } else { "en" }.to_owned();
    let (date, expires) = parse_valid_until(&input.valid_until)?;
    let note = validate::long_text("note", &input.note, limits::OFFER_NOTE, false)?;
    if input.lines.len() > MAX_LINES {
        return Err(Error::validation(
            "lines",
            text!(
                "an offer holds at most {MAX_LINES} lines",
                "oferta może mieć najwyżej {MAX_LINES} pozycji"
            ),
        ));
    }
    let may_override = decide(
        actor.subject(),
        partner_authorizations(conn)?,
        Action::OverrideOfferPrices,
    )
    .is_ok();
    let mut lines = Vec::new();
    for (position, line) in input.lines.iter().enumerate() {
        let service_id = parse_id("service_id", &line.service_id)?;
        if lines.iter().any(|l: &ValidLine| l.service_id == service_id) {
            return Err(Error::validation(
                "lines",
                text!(
                    "each service appears once; change its licence count instead",
                    "każda usługa występuje tylko raz; zamiast tego zmień jej liczbę licencji"
                ),
            ));
        }
        if line.quantity == 0 || line.quantity > MAX_QUANTITY {
            return Err(Error::validation(
                "quantity",
                text!(
                    "a line holds 1 to {MAX_QUANTITY} licences",
                    "pozycja obejmuje od 1 do {MAX_QUANTITY} licencji"
                ),
            ));
        }
        let price_source = line.price_source.unwrap_or_default();
        let (catalog_price_minor, currency) =
            crate::catalog::offer_price(conn, &service_id, now, price_source)?;
        let kept = saved.lines.iter().any(|e| {
            e.position as usize == position
                && e.service_id == service_id
                && e.unit_price_minor == line.unit_price_minor
        });
        if line.unit_price_minor != catalog_price_minor && !kept && !may_override {
            require(conn, actor, Action::OverrideOfferPrices)?;
        }
        // Checks the sign and the discount, and that the total fits.
        money::line_total(line.quantity, line.unit_price_minor, line.discount_bp)?;
        lines.push(ValidLine {
            service_id,
            quantity: line.quantity,
            unit_price_minor: line.unit_price_minor,
            catalog_price_minor,
            price_source,
            currency,
            discount_bp: line.discount_bp,
        });
    }
    // An offer the customer could not buy is refused as it is made (0040).
    let seat_lines: Vec<SeatLine> = lines
        .iter()
        .map(|l| SeatLine {
            service_id: l.service_id.clone(),
            quantity: l.quantity,
        })
        .collect();
    seats::check_lines(conn, customer_id.as_deref(), &seat_lines)?;
    let delegated_admin = input.delegated_admin.clone().map(|mut request| {
        request.display_name = request.display_name.trim().to_owned();
        request
    });
    // Only the request's content may be half-typed; who may add it is decided now.
    if delegated_admin.as_ref() != saved.delegated_admin {
        require_to_offer_delegated_admin(conn, actor, delegated_admin.as_ref())?;
    }
    Ok(ValidDraft {
        customer_id,
        prospect_name,
        prospect_email,
        language,
        valid_until: date.to_string(),
        expires_at: to_rfc3339(expires)?,
        note,
        delegated_admin,
        lines,
    })
}

/// The offer's request as the relationship rules see it. The customer may
/// not exist yet (a prospect): any id stands in for it.
fn as_relationship_offer(request: &DelegatedAdminRequest) -> RelationshipOffer {
    RelationshipOffer {
        customer_id: new_id(),
        display_name: request.display_name.clone(),
        roles: request.roles.clone(),
        duration_days: request.duration_days,
        auto_extend: request.auto_extend,
        request_approval: true,
    }
}

/// Refuses delegated administration in an offer unless `actor` may offer it
/// alone (the same row of the table, decision 0027), then checks the request.
fn check_delegated_admin(
    conn: &Guarded<'_, Transaction<'_>>,
    actor: &Actor,
    request: &DelegatedAdminRequest,
) -> Result<()> {
    require_to_offer_delegated_admin(conn, actor, Some(request))?;
    relationships::check_offer(&as_relationship_offer(request))
}

/// What sending needs beyond a saved draft.
fn check_ready(
    conn: &Guarded<'_, Transaction<'_>>,
    actor: &Actor,
    offer: &PurchaseOffer,
    now: OffsetDateTime,
) -> Result<()> {
    // The offer's link carries the partner ID as advisor code.
    crate::links::advisor_code(&crate::company::read_profile(conn)?)?;
    if offer.customer_id.is_none() {
        validate::required_text("prospect_name", &offer.prospect_name, limits::COMPANY_NAME)?;
        validate::email("prospect_email", &offer.prospect_email)?;
    }
    if lines_of(conn, &offer.id)?.is_empty() {
        return Err(Error::validation(
            "lines",
            text!("add at least one service", "dodaj co najmniej jedną usługę"),
        ));
    }
    check_offer_seats(conn, offer)?;
    let (_, expires) = parse_valid_until(&offer.valid_until)?;
    if expires <= now {
        return Err(Error::validation(
            "valid_until",
            text!(
                "the validity date has passed; choose a later one",
                "termin ważności minął; wybierz późniejszy"
            ),
        ));
    }
    if let Some(request) = &offer.delegated_admin {
        check_delegated_admin(conn, actor, request)?;
        // Sending is the pre-flight: the display name must be free too.
        relationships::check_offer_in(conn, &as_relationship_offer(request))?;
    }
    Ok(())
}

fn write_draft(tx: &Connection, id: &str, draft: &ValidDraft, now: &str) -> Result<()> {
    let da = draft.delegated_admin.as_ref();
    tx.execute(
        "UPDATE purchase_offers SET customer_id = ?1, prospect_name = ?2, prospect_email = ?3,
             language = ?4, valid_until = ?5, expires_at = ?6, note = ?7, da_display_name = ?8,
             da_roles = ?9, da_duration_days = ?10, da_auto_extend = ?11, updated_at = ?12
         WHERE id = ?13",
        params![
            draft.customer_id,
            draft.prospect_name,
            draft.prospect_email,
            draft.language,
            draft.valid_until,
            draft.expires_at,
            draft.note,
            da.map(|d| d.display_name.clone()),
            da.map(|d| d.roles.join(",")),
            da.map(|d| d.duration_days),
            da.map(|d| d.auto_extend),
            now,
            id
        ],
    )?;
    tx.execute("DELETE FROM purchase_offer_lines WHERE offer_id = ?1", [id])?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO purchase_offer_lines (id, offer_id, position, service_id, quantity,
             unit_price_minor, catalog_price_minor, currency, discount_bp, price_source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for (position, line) in draft.lines.iter().enumerate() {
        insert.execute(params![
            new_id(),
            id,
            position as u32,
            line.service_id,
            line.quantity,
            line.unit_price_minor,
            line.catalog_price_minor,
            line.currency,
            line.discount_bp,
            line.price_source.as_str()
        ])?;
    }
    Ok(())
}

/// The seat ceilings (`catalog::seats`) for an offer's saved lines: asked
/// again at sending, since other purchases may have happened meanwhile.
pub(crate) fn check_offer_seats(conn: &Connection, offer: &PurchaseOffer) -> Result<()> {
    let lines: Vec<SeatLine> = lines_of(conn, &offer.id)?
        .into_iter()
        .map(|l| SeatLine {
            service_id: l.service_id,
            quantity: l.quantity,
        })
        .collect();
    seats::check_lines(conn, offer.customer_id.as_deref(), &lines)
}

/// Inserts the offer row of a new draft (revision `revision` of `root_id`).
fn insert_row(
    tx: &Connection,
    id: &str,
    (root_id, revision, previous_id): (&str, u32, Option<&str>),
    who: &ActorRef,
    language: &str,
    now: &str,
) -> Result<()> {
    tx.execute(
        "INSERT INTO purchase_offers (id, root_id, revision, previous_id, status, language,
             valid_until, expires_at, created_by, created_at, updated_at)
         VALUES (?1, ?2, ?3, ?4, 'draft', ?5, '', '', ?6, ?7, ?7)",
        params![id, root_id, revision, previous_id, language, who.name, now],
    )?;
    Ok(())
}

fn audit_done(
    tx: &Connection,
    clock: &dyn Clock,
    who: &ActorRef,
    action: &'static str,
    before: Option<&PurchaseOffer>,
    after: &PurchaseOffer,
) -> Result<()> {
    let event = Event::done(who.clone(), action, target_of(after)).with_change(
        before.and_then(|b| serde_json::to_value(b).ok()),
        serde_json::to_value(after).ok(),
    );
    audit::append(tx, clock, &event)?;
    Ok(())
}

/// Starts a new offer as a draft.
pub fn create(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    input: &OfferDraftInput,
) -> Result<(PurchaseOfferDetail, Change)> {
    let now = to_rfc3339(clock.now())?;
    let id = new_id();
    let detail = guarded_write(
        store,
        clock,
        actor,
        "offer.create",
        blank_target(None),
        |tx| {
            require(tx, actor, Action::ManagePurchaseOffers)?;
            let draft = validate_draft(tx, actor, input, &Saved::default(), &now)?;
            insert_row(
                tx,
                &id,
                (&id, 1, None),
                &actor.audit_ref(),
                &draft.language,
                &now,
            )?;
            write_draft(tx, &id, &draft, &now)?;
            let created = load(tx, &id)?;
            audit_done(
                tx,
                clock,
                &actor.audit_ref(),
                "offer.create",
                None,
                &created,
            )?;
            detail(tx, &id)
        },
    )?;
    let change = change_of(&detail.offer);
    Ok((detail, change))
}

/// Saves a draft (the editor calls this on every change, debounced). Not
/// audited per keystroke: the audit log records creation and sending, with
/// the content as sent.
pub fn update_draft(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &OfferDraftInput,
) -> Result<(PurchaseOfferDetail, Change)> {
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let detail = guarded_write(
        store,
        clock,
        actor,
        "offer.update",
        blank_target(Some(&id)),
        |tx| {
            require(tx, actor, Action::ManagePurchaseOffers)?;
            let before = load(tx, &id)?;
            if before.status != OfferStatus::Draft {
                let (status, status_pl) = (before.status.as_str(), before.status.describe_pl());
                return Err(Error::invalid_state(text!(
                    "this offer is {status}; only a draft can change (revise it for different licence counts)",
                    "Oferta ma stan „{status_pl}”; zmieniać można tylko szkic (aby zmienić liczby licencji, utwórz nową wersję)"
                )));
            }
            let lines = lines_of(tx, &id)?;
            let saved = Saved {
                lines: &lines,
                delegated_admin: before.delegated_admin.as_ref(),
            };
            let draft = validate_draft(tx, actor, input, &saved, &now)?;
            write_draft(tx, &id, &draft, &now)?;
            detail(tx, &id)
        },
    )?;
    let change = change_of(&detail.offer);
    Ok((detail, change))
}

fn refuse(offer: &PurchaseOffer, event: OfferEvent) -> Error {
    let company = &offer.company_name;
    let (status, status_pl) = (offer.status.as_str(), offer.status.describe_pl());
    let (done, done_pl) = (event.as_str(), event.describe_pl());
    Error::invalid_state(text!(
        "the offer for {company} is {status}; it cannot be {done}",
        "Oferta dla {company} ma stan „{status_pl}”; nie można jej {done_pl}"
    ))
}

/// Sets the status for `event` (checked against the table) and closes the
/// offer when it ends.
pub(crate) fn apply(
    tx: &Connection,
    offer: &PurchaseOffer,
    event: OfferEvent,
    who: &ActorRef,
    now: &str,
) -> Result<OfferStatus> {
    let next = transition(offer.status, event).ok_or_else(|| refuse(offer, event))?;
    let closes = !matches!(next, OfferStatus::Draft | OfferStatus::Sent);
    tx.execute(
        "UPDATE purchase_offers SET status = ?1, updated_at = ?2,
             sent_at = CASE WHEN ?3 THEN ?2 ELSE sent_at END,
             closed_at = CASE WHEN ?4 THEN ?2 ELSE closed_at END,
             closed_by = CASE WHEN ?4 THEN ?5 ELSE closed_by END
         WHERE id = ?6",
        params![
            next.as_str(),
            now,
            event == OfferEvent::Send,
            closes,
            who.name,
            offer.id
        ],
    )?;
    Ok(next)
}

fn check_recipients(recipients: &[String]) -> Result<Vec<String>> {
    if recipients.len() > MAX_RECIPIENTS {
        return Err(Error::validation(
            "recipients",
            text!(
                "send to at most {MAX_RECIPIENTS} addresses at once",
                "wyślij naraz najwyżej na {MAX_RECIPIENTS} adresów"
            ),
        ));
    }
    let mut out: Vec<String> = Vec::new();
    for r in recipients {
        if r.trim().is_empty() {
            continue;
        }
        let email = validate::email("recipients", r)?;
        if !out.iter().any(|e| e.eq_ignore_ascii_case(&email)) {
            out.push(email);
        }
    }
    Ok(out)
}

/// Sends a draft (its content is fixed from now on, and the revision it
/// follows becomes superseded) or sends a sent offer again; records each
/// recipient. No recipients: the link was published or handed over.
pub fn send(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    recipients: &[String],
) -> Result<(PurchaseOfferDetail, Change)> {
    let id = parse_id("id", id)?;
    let recipients = check_recipients(recipients)?;
    let now = clock.now();
    let now_text = to_rfc3339(now)?;
    let detail = guarded_write(
        store,
        clock,
        actor,
        "offer.send",
        blank_target(Some(&id)),
        |tx| {
            require(tx, actor, Action::ManagePurchaseOffers)?;
            let who = actor.audit_ref();
            let before = load(tx, &id)?;
            match before.status {
                OfferStatus::Draft => {
                    check_ready(tx, actor, &before, now)?;
                    if let Some(previous_id) = &before.previous_id {
                        let previous = load(tx, previous_id)?;
                        match previous.status {
                            OfferStatus::Sent => {
                                apply(tx, &previous, OfferEvent::Supersede, &who, &now_text)?;
                                let after = load(tx, previous_id)?;
                                audit_done(
                                    tx,
                                    clock,
                                    &who,
                                    "offer.supersede",
                                    Some(&previous),
                                    &after,
                                )?;
                            }
                            OfferStatus::Declined | OfferStatus::Expired => {}
                            other => {
                                let revision = previous.revision;
                                let (status, status_pl) = (other.as_str(), other.describe_pl());
                                return Err(Error::invalid_state(text!(
                                    "revision {revision} is {status} meanwhile; this revision can no longer be sent",
                                    "wersja {revision} ma tymczasem stan „{status_pl}”; tej wersji nie można już wysłać"
                                )));
                            }
                        }
                    }
                    apply(tx, &before, OfferEvent::Send, &who, &now_text)?;
                }
                OfferStatus::Sent => {
                    // Sending again offers the delegated administration to more people.
                    if let Some(request) = &before.delegated_admin {
                        check_delegated_admin(tx, actor, request)?;
                    }
                    // Other purchases may have used the seats since it was first sent.
                    check_offer_seats(tx, &before)?;
                    if recipients.is_empty() {
                        return Err(Error::validation(
                            "recipients",
                            text!(
                                "the offer was sent already; give the addresses to send it to again",
                                "oferta została już wysłana; podaj adresy, na które wysłać ją ponownie"
                            ),
                        ));
                    }
                }
                _ => return Err(refuse(&before, OfferEvent::Send)),
            }
            let mut insert = tx.prepare_cached(
                "INSERT INTO purchase_offer_recipients (offer_id, email, sent_at, sent_by)
                 VALUES (?1, ?2, ?3, ?4)",
            )?;
            for email in &recipients {
                insert.execute(params![id, email, now_text, who.name])?;
            }
            let after = load(tx, &id)?;
            let event = Event {
                detail: recipients.join(", "),
                ..Event::done(who.clone(), "offer.send", target_of(&after))
            }
            .with_change(
                serde_json::to_value(&before).ok(),
                serde_json::to_value(&after).ok(),
            );
            audit::append(tx, clock, &event)?;
            detail(tx, &id)
        },
    )?;
    let change = change_of(&detail.offer);
    Ok((detail, change))
}

/// Withdraws an offer (a draft is discarded this way) or records that the
/// customer declined it.
pub fn close(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    event: OfferEvent,
) -> Result<(PurchaseOfferDetail, Change)> {
    let action = match event {
        OfferEvent::Withdraw => "offer.withdraw",
        OfferEvent::Decline => "offer.decline",
        other => {
            return Err(Error::validation("event", {
                let event = other.as_str();
                text!(
                    "'{event}' is not something staff do to an offer here",
                    "„{event}” nie jest działaniem, które można tu wykonać na ofercie"
                )
            }))
        }
    };
    let id = parse_id("id", id)?;
    let now = to_rfc3339(clock.now())?;
    let detail = guarded_write(store, clock, actor, action, blank_target(Some(&id)), |tx| {
        require(tx, actor, Action::ManagePurchaseOffers)?;
        let before = load(tx, &id)?;
        apply(tx, &before, event, &actor.audit_ref(), &now)?;
        let after = load(tx, &id)?;
        audit_done(tx, clock, &actor.audit_ref(), action, Some(&before), &after)?;
        detail(tx, &id)
    })?;
    let change = change_of(&detail.offer);
    Ok((detail, change))
}

/// Starts the next revision: a draft copy of `id` (which must be the latest
/// revision and still in play: sent, declined or expired) with the licence
/// counts in `counts` (lines not named keep theirs). The draft can then be
/// edited like any other; `id` is superseded when the revision is sent.
pub fn revise(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    counts: &[LineCount],
) -> Result<(PurchaseOfferDetail, Change)> {
    let id = parse_id("id", id)?;
    let now_text = to_rfc3339(clock.now())?;
    let new = new_id();
    let detail = guarded_write(
        store,
        clock,
        actor,
        "offer.revise",
        blank_target(Some(&id)),
        |tx| {
            require(tx, actor, Action::ManagePurchaseOffers)?;
            let before = load(tx, &id)?;
            if !before.status.can_be_revised() {
                let (status, status_pl) = (before.status.as_str(), before.status.describe_pl());
                return Err(Error::invalid_state(text!(
                    "the offer is {status}; only a sent, declined or expired offer gets a new revision",
                    "Oferta ma stan „{status_pl}”; nową wersję można utworzyć tylko dla oferty wysłanej, odrzuconej lub wygasłej"
                )));
            }
            if let Some(next) = next_revision(tx, &id)? {
                let next = load(tx, &next)?;
                let revision = next.revision;
                return Err(Error::Conflict {
                    field: None,
                    text: text!(
                        "revision {revision} already follows this one; revise the latest",
                        "po tej wersji jest już wersja {revision}; zmień najnowszą"
                    ),
                });
            }
            let lines = lines_of(tx, &id)?;
            for count in counts {
                if !lines.iter().any(|l| l.id == count.line_id) {
                    return Err(Error::validation(
                        "lines",
                        text!(
                            "no such line in this offer",
                            "w tej ofercie nie ma takiej pozycji"
                        ),
                    ));
                }
                if count.quantity == 0 || count.quantity > MAX_QUANTITY {
                    return Err(Error::validation(
                        "quantity",
                        text!(
                            "a line holds 1 to {MAX_QUANTITY} licences",
                            "pozycja obejmuje od 1 do {MAX_QUANTITY} licencji"
                        ),
                    ));
                }
            }
            let who = actor.audit_ref();
            insert_row(
                tx,
                &new,
                (&before.root_id, before.revision + 1, Some(&id)),
                &who,
                &before.language,
                &now_text,
            )?;
            tx.execute(
                "UPDATE purchase_offers SET (customer_id, prospect_name, prospect_email, valid_until,
                     expires_at, note, da_display_name, da_roles, da_duration_days, da_auto_extend) =
                   (SELECT customer_id, prospect_name, prospect_email, valid_until, expires_at, note,
                       da_display_name, da_roles, da_duration_days, da_auto_extend
                    FROM purchase_offers WHERE id = ?1)
                 WHERE id = ?2",
                params![id, new],
            )?;
            let mut insert = tx.prepare_cached(
                "INSERT INTO purchase_offer_lines (id, offer_id, position, service_id, quantity,
                     unit_price_minor, catalog_price_minor, currency, discount_bp, price_source)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
            )?;
            for line in &lines {
                let quantity = counts
                    .iter()
                    .find(|c| c.line_id == line.id)
                    .map_or(line.quantity, |c| c.quantity);
                insert.execute(params![
                    new_id(),
                    new,
                    line.position,
                    line.service_id,
                    quantity,
                    line.unit_price_minor,
                    line.catalog_price_minor,
                    line.currency,
                    line.discount_bp,
                    line.price_source.as_str()
                ])?;
            }
            let created = load(tx, &new)?;
            check_offer_seats(tx, &created)?;
            audit_done(tx, clock, &who, "offer.revise", Some(&before), &created)?;
            detail(tx, &new)
        },
    )?;
    let change = change_of(&detail.offer);
    Ok((detail, change))
}

fn system() -> ActorRef {
    ActorRef {
        id: None,
        name: "Partnerdesk (clock)".into(),
    }
}

/// Expires every sent offer whose validity date has passed. Run at start and
/// hourly, like the subscriptions' clock.
pub fn apply_clock(store: &Store, clock: &dyn Clock) -> Result<Option<Change>> {
    let now_text = to_rfc3339(clock.now())?;
    store.write(|tx| {
        let due: Vec<PurchaseOffer> = tx
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM {FROM} WHERE o.status = 'sent' AND o.expires_at <= ?1"
            ))?
            .query_map([&now_text], offer_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        let mut ids = Vec::new();
        for offer in due {
            apply(tx, &offer, OfferEvent::Expire, &system(), &now_text)?;
            let after = load(tx, &offer.id)?;
            audit_done(tx, clock, &system(), "offer.expire", Some(&offer), &after)?;
            ids.push(offer.id);
        }
        Ok((!ids.is_empty()).then_some(Change {
            entity: Entity::PurchaseOffer,
            ids,
        }))
    })
}
