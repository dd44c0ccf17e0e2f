//! Seat ceilings: how many licences of a SKU one customer tenant may hold and
//! one purchase needs, asked by every path that adds licences — a new
//! subscription (by hand, from an offer, from a key), a quantity change, a
//! key's added licences, a trial becoming paid, and an offer when it is
//! created, saved, revised, sent and accepted (docs/decisions/0027, 0034 §1, 0040).
//!
//! - **MaxLicenses** of the offer matrix, per SKU per customer tenant, pooled
//!   across all the customer's paid subscriptions of the SKU ("The limit is on
//!   the number of aggregate licenses purchased for the product SKU, not on the
//!   number of subscriptions", "pooled on the customer tenant").
//! - **300 in total** across Microsoft 365 Business Basic, Standard and
//!   Premium (the Business family; Microsoft 365 business FAQ and Product Terms).
//! - **MinLicenses** per purchase.
//!
//! Without a matrix row, a SKU keeps the flat per-subscription limit
//! ([`crate::subscriptions::MAX_QUANTITY`]). Trials are not purchased
//! licences and do not count; live paid subscriptions (pending, active,
//! suspended) do.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, read_target, require, Action};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::ids::parse_id;
use crate::store::Store;
use crate::text::Text;

/// The Business family's product ids (docs/decisions/0034 §1 and 0040):
/// Microsoft 365 Business Basic, Business Standard, Business Premium.
pub const BUSINESS_FAMILY: [&str; 3] = ["CFQ7TTC0LH18", "CFQ7TTC0LDPB", "CFQ7TTC0LCHC"];
/// "Organizations may only provision up to 300 seats total across all of our
/// Business family of plans" (0034 §1).
pub const BUSINESS_FAMILY_SEATS: u32 = 300;

/// Which rule a ceiling comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum SeatRule {
    /// The offer matrix's MaxLicenses, pooled per customer tenant.
    SkuMaximum,
    /// 300 across Microsoft 365 Business Basic, Standard and Premium.
    BusinessFamily,
}

/// How many more licences of a service a customer may get, under the
/// tightest ceiling that applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct SeatRoom {
    /// The rule whose ceiling is nearest; absent when none applies (only the
    /// flat per-subscription limit).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rule: Option<SeatRule>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ceiling: Option<u32>,
    /// What the customer holds under that rule (and the purchase's other lines).
    pub held: u32,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub remaining: Option<u32>,
    /// The offer matrix's MinLicenses for one purchase.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub minimum: Option<u32>,
    /// The whole sentence, for staff: the rule, the ceiling, what is held.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<Text>,
}

/// Another line of the same purchase (an offer), counted as held.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[ts(export)]
pub struct SeatLine {
    pub service_id: String,
    pub quantity: u32,
}

/// A ceiling that applies, before it is compared.
struct Ceiling {
    rule: SeatRule,
    ceiling: u32,
    held: u32,
    /// Of `held`, what the purchase's other lines add.
    pending: u32,
}

impl Ceiling {
    fn remaining(&self) -> u32 {
        self.ceiling.saturating_sub(self.held)
    }
}

struct Service {
    title: String,
    product_id: String,
    sku_id: String,
}

fn service(conn: &Connection, service_id: &str) -> Result<Service> {
    conn.prepare_cached("SELECT title, product_id, sku_id FROM catalog_services WHERE id = ?1")?
        .query_row([service_id], |r| {
            Ok(Service {
                title: r.get(0)?,
                product_id: r.get(1)?,
                sku_id: r.get(2)?,
            })
        })
        .optional()?
        .ok_or_else(super::unknown_service)
}

/// The SQL that says a catalog service `cs` is of SKU (?2, ?3): SKU ids
/// compare with leading zeros ignored, as Excel may have dropped them.
const SAME_SKU: &str = "cs.product_id = ?2 AND ltrim(cs.sku_id, '0') = ltrim(?3, '0')";
const HELD: &str = "SELECT coalesce(sum(s.quantity), 0) FROM subscriptions s
     JOIN catalog_services cs ON cs.id = s.service_id
     WHERE s.customer_id = ?1 AND s.trial = 0 AND s.status IN ('pending', 'active', 'suspended')";

fn held_of_sku(conn: &Connection, customer: Option<&str>, s: &Service) -> Result<u32> {
    let Some(customer) = customer else {
        return Ok(0);
    };
    let sum: i64 = conn
        .prepare_cached(&format!("{HELD} AND {SAME_SKU}"))?
        .query_row(params![customer, s.product_id, s.sku_id], |r| r.get(0))?;
    Ok(u32::try_from(sum).unwrap_or(u32::MAX))
}

fn held_of_family(conn: &Connection, customer: Option<&str>) -> Result<u32> {
    let Some(customer) = customer else {
        return Ok(0);
    };
    let [basic, standard, premium] = BUSINESS_FAMILY;
    let sum: i64 = conn
        .prepare_cached(&format!("{HELD} AND cs.product_id IN (?2, ?3, ?4)"))?
        .query_row(params![customer, basic, standard, premium], |r| r.get(0))?;
    Ok(u32::try_from(sum).unwrap_or(u32::MAX))
}

fn same_sku(a: &Service, b: &Service) -> bool {
    a.product_id == b.product_id
        && a.sku_id.trim_start_matches('0') == b.sku_id.trim_start_matches('0')
}

fn in_family(s: &Service) -> bool {
    BUSINESS_FAMILY.contains(&s.product_id.as_str())
}

/// Every ceiling on `s` for `customer`, with `others` (the purchase's other
/// lines) counted as held; and the matrix's minimum.
fn ceilings(
    conn: &Connection,
    customer: Option<&str>,
    s: &Service,
    others: &[SeatLine],
) -> Result<(Vec<Ceiling>, Option<u32>)> {
    let mut other_services = Vec::new();
    for line in others {
        other_services.push((service(conn, &line.service_id)?, line.quantity));
    }
    let pending = |keep: &dyn Fn(&Service) -> bool| -> u32 {
        other_services
            .iter()
            .filter(|(o, _)| keep(o))
            .fold(0u32, |sum, (_, q)| sum.saturating_add(*q))
    };
    let row = super::offer_matrix::find(conn, &s.product_id, &s.sku_id)?;
    let mut found = Vec::new();
    if let Some(ceiling) = row.as_ref().and_then(|r| r.max_licenses) {
        let pending = pending(&|o| same_sku(o, s));
        found.push(Ceiling {
            rule: SeatRule::SkuMaximum,
            ceiling,
            held: held_of_sku(conn, customer, s)?.saturating_add(pending),
            pending,
        });
    }
    if in_family(s) {
        let pending = pending(&in_family);
        found.push(Ceiling {
            rule: SeatRule::BusinessFamily,
            ceiling: BUSINESS_FAMILY_SEATS,
            held: held_of_family(conn, customer)?.saturating_add(pending),
            pending,
        });
    }
    Ok((found, row.and_then(|r| r.min_licenses)))
}

fn customer_name(conn: &Connection, customer: Option<&str>) -> Result<Option<String>> {
    let Some(customer) = customer else {
        return Ok(None);
    };
    Ok(conn
        .prepare_cached("SELECT company_name FROM customers WHERE id = ?1")?
        .query_row([customer], |r| r.get(0))
        .optional()?)
}

/// "Microsoft 365 Business Basic allows at most 300 seats per customer tenant …;
/// Alfa already holds 250."
fn describe(c: &Ceiling, title: &str, who: Option<&str>) -> Text {
    let (ceiling, held) = (c.ceiling, c.held - c.pending);
    let rule = match c.rule {
        SeatRule::SkuMaximum => text!(
            "{title} allows at most {ceiling} seats per customer tenant, all its subscriptions of the SKU together (offer matrix MaxLicenses)",
            "{title} pozwala na najwyżej {ceiling} licencji na dzierżawę klienta, łącznie we wszystkich jego subskrypcjach tego SKU (MaxLicenses z macierzy ofert)"
        ),
        SeatRule::BusinessFamily => text!(
            "Microsoft 365 Business Basic, Standard and Premium allow at most {ceiling} seats together per customer tenant (the Business family)",
            "Microsoft 365 Business Basic, Standard i Premium pozwalają łącznie na najwyżej {ceiling} licencji na dzierżawę klienta (rodzina Business)"
        ),
    };
    let holds = match who {
        Some(name) => text!("{name} already holds {held}", "klient {name} ma już {held}"),
        None => text!(
            "the customer holds none yet",
            "klient nie ma jeszcze żadnej"
        ),
    };
    let pending = c.pending;
    let others = if pending > 0 {
        text!(
            " and this offer's other lines add {pending}",
            ", a pozostałe pozycje tej oferty dodają {pending}"
        )
    } else {
        text!("", "")
    };
    let (Text { en: r_en, pl: r_pl }, Text { en: h_en, pl: h_pl }) = (rule, holds);
    let (o_en, o_pl) = (others.en, others.pl);
    text!("{r_en}; {h_en}{o_en}", "{r_pl}; {h_pl}{o_pl}")
}

/// A purchase, or a change, that adds licences.
pub(crate) struct SeatRequest<'a> {
    /// `None` for an offer to a prospect (nothing held yet).
    pub customer_id: Option<&'a str>,
    pub service_id: &'a str,
    /// Licences added: a new subscription's quantity, an increase's difference.
    pub adding: u32,
    /// The subscription's (or offer line's) count afterwards, for MinLicenses.
    pub resulting: u32,
}

/// Refuses `request` when it would pass a ceiling, naming the rule, the
/// ceiling, what the customer already has and how many remain, in
/// Microsoft's own words ("The requested number of 51 seats exceeds the
/// remaining limit of 50 seats"); or when it falls short of MinLicenses.
pub(crate) fn check(
    conn: &Connection,
    request: &SeatRequest<'_>,
    others: &[SeatLine],
) -> Result<()> {
    let s = service(conn, request.service_id)?;
    let (found, minimum) = ceilings(conn, request.customer_id, &s, others)?;
    compare(conn, request, &s, &found, minimum)
}

/// [`check`] for an upgrade moving `request.adding` licences of the
/// customer's `from_service` to `request.service_id`: the moved licences stop
/// counting under every rule that also covers the source (moving Business
/// Basic seats to Business Standard leaves the family's 300 as it was).
pub(crate) fn check_move(
    conn: &Connection,
    from_service: &str,
    request: &SeatRequest<'_>,
) -> Result<()> {
    let (from, s) = (
        service(conn, from_service)?,
        service(conn, request.service_id)?,
    );
    let (mut found, minimum) = ceilings(conn, request.customer_id, &s, &[])?;
    for c in &mut found {
        let covers_source = match c.rule {
            SeatRule::SkuMaximum => same_sku(&from, &s),
            SeatRule::BusinessFamily => in_family(&from),
        };
        if covers_source {
            c.held = c.held.saturating_sub(request.adding);
        }
    }
    compare(conn, request, &s, &found, minimum)
}

/// The minimum and the tightest ceiling, against what `request` asks.
fn compare(
    conn: &Connection,
    request: &SeatRequest<'_>,
    s: &Service,
    found: &[Ceiling],
    minimum: Option<u32>,
) -> Result<()> {
    if let Some(min) = minimum {
        let resulting = request.resulting;
        if resulting < min {
            let title = &s.title;
            return Err(Error::validation(
                "quantity",
                text!(
                    "{title} needs at least {min} seats per purchase (offer matrix MinLicenses); {resulting} requested",
                    "{title} wymaga co najmniej {min} licencji na zakup (MinLicenses z macierzy ofert); żądano {resulting}"
                ),
            ));
        }
    }
    if request.adding == 0 {
        return Ok(());
    }
    let Some(tightest) = found.iter().min_by_key(|c| c.remaining()) else {
        return Ok(());
    };
    let (adding, remaining) = (request.adding, tightest.remaining());
    if adding <= remaining {
        return Ok(());
    }
    let who = customer_name(conn, request.customer_id)?;
    let Text { en, pl } = describe(tightest, &s.title, who.as_deref());
    Err(Error::validation(
        "quantity",
        text!(
            "The requested number of {adding} seats exceeds the remaining limit of {remaining} seats: {en}.",
            "Żądana liczba {adding} licencji przekracza pozostały limit {remaining} licencji: {pl}."
        ),
    ))
}

/// The room left under the tightest ceiling (for the UI where staff choose a
/// quantity); the same computation [`check`] decides with.
pub(crate) fn room_in(
    conn: &Connection,
    customer: Option<&str>,
    service_id: &str,
    others: &[SeatLine],
) -> Result<SeatRoom> {
    let s = service(conn, service_id)?;
    let (found, minimum) = ceilings(conn, customer, &s, others)?;
    let tightest = found.iter().min_by_key(|c| c.remaining());
    let who = customer_name(conn, customer)?;
    Ok(SeatRoom {
        rule: tightest.map(|c| c.rule),
        ceiling: tightest.map(|c| c.ceiling),
        held: tightest.map_or(0, |c| c.held),
        remaining: tightest.map(Ceiling::remaining),
        minimum,
        text: tightest.map(|c| describe(c, &s.title, who.as_deref())),
    })
}

/// How many more licences of `service_id` the customer may get (`customer_id`
/// empty for a prospect), with `others` the purchase's other lines.
pub fn seat_room(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: Option<&str>,
    service_id: &str,
    others: &[SeatLine],
) -> Result<SeatRoom> {
    let customer = match customer_id.map(str::trim).filter(|c| !c.is_empty()) {
        Some(id) => Some(parse_id("customer_id", id)?),
        None => None,
    };
    let service_id = parse_id("service_id", service_id)?;
    let target = read_target("catalog", Some(&service_id), "seat ceilings");
    guarded_read(store, clock, actor, "catalog.seat_room", target, |conn| {
        require(conn, actor, Action::ViewSubscriptions)?;
        room_in(conn, customer.as_deref(), &service_id, others)
    })
}

/// Checks every line of one purchase (an offer): each against the ceilings
/// with the lines before it counted as held, so two lines of the Business
/// family cannot pass 300 together.
pub(crate) fn check_lines(
    conn: &Connection,
    customer: Option<&str>,
    lines: &[SeatLine],
) -> Result<()> {
    for (at, line) in lines.iter().enumerate() {
        let request = SeatRequest {
            customer_id: customer,
            service_id: &line.service_id,
            adding: line.quantity,
            resulting: line.quantity,
        };
        check(conn, &request, &lines[..at])?;
    }
    Ok(())
}
