//! The service catalog: what the partner sells, at what price, with which trial.
//! Seeded with a clearly marked sample set; kept current by importing
//! Microsoft's license-based price list.

pub(crate) mod offer_matrix;
mod plain_text;
mod price_import;
mod price_list;
#[cfg(test)]
mod price_list_bench;
#[cfg(test)]
mod price_list_tests;
pub(crate) mod seats;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_matrix;
#[cfg(test)]
mod tests_seats;

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_read, guarded_write, read_target, require, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::{new_id, parse_id};
use crate::store::Store;
use crate::validate::{self, check_currency};

pub use offer_matrix::{
    import_offer_matrix, list_offer_matrix, preview_offer_matrix, OfferMatrixRow,
};
pub use price_import::{
    apply_price_list, preview_price_list, PriceChangeKind, PriceListExample, PriceListPreview,
    PriceListSummary,
};
pub use seats::{seat_room, SeatLine, SeatRoom, SeatRule};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct Service {
    pub id: String,
    pub product_id: String,
    pub sku_id: String,
    pub title: String,
    /// ISO 8601: P1M, P1Y or P3Y.
    pub term: String,
    /// monthly, annual, triennial, or none (trials).
    pub billing_plan: String,
    /// The partner's price in force now, per licence per month, in the
    /// currency's minor unit.
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    /// The suggested retail price (the price list's `ERP Price`) in force
    /// now, per licence per month; absent when the price list gives none.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erp_price_minor: Option<i64>,
    /// The price list's UnitPrice in force, as written: the whole term's
    /// price (3393.90 for a year); absent for a price set by hand.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub term_price_minor: Option<i64>,
    /// The service has dated prices, but none is in force now (the first
    /// starts later, or the last has ended).
    pub no_price_now: bool,
    /// When the price in force began and ends (absent: set by hand, or open-ended).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_starts_at: Option<String>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub price_ends_at: Option<String>,
    /// The next price the price list schedules, with its date.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled: Option<ScheduledPrice>,
    pub currency: String,
    pub market: String,
    /// commercial, education, government or charity.
    pub segment: String,
    /// The seat range of a tiered price.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_min: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier_max: Option<u32>,
    /// Plain text (never markup).
    pub description: String,
    pub publisher: String,
    pub unit_of_measure: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_seats: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
    /// Days after purchase or renewal in which the licence count may fall.
    pub decrease_window_days: u32,
    /// A sample price shipped with Partnerdesk, not a real one.
    pub sample: bool,
    pub updated_at: String,
}

/// A price the price list schedules for a later date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ScheduledPrice {
    pub starts_at: String,
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub erp_price_minor: Option<i64>,
}

/// An edit of the price and trial settings of one service.
#[derive(Debug, Clone, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct ServiceUpdate {
    pub title: String,
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    pub currency: String,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_seats: Option<u32>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trial_days: Option<u32>,
    pub decrease_window_days: u32,
}

/// The dated price in force at `?1` for the service `cs`: `starts_at <= ?1 <
/// ends_at`; where two overlap, the one that ends first still applies
/// (Microsoft's example in 0033 §3), then the later start.
pub(crate) const PRICE_IN_FORCE: &str = "(SELECT p.id FROM catalog_prices p
    WHERE p.service_id = cs.id AND p.starts_at <= ?1 AND (p.ends_at IS NULL OR p.ends_at > ?1)
    ORDER BY p.ends_at IS NULL, p.ends_at, p.starts_at DESC LIMIT 1)";

/// The next dated price after `?1`.
const NEXT_PRICE: &str = "(SELECT p.id FROM catalog_prices p
    WHERE p.service_id = cs.id AND p.starts_at > ?1 ORDER BY p.starts_at LIMIT 1)";

/// A service with its prices at `?1`.
fn select() -> String {
    format!(
        "SELECT cs.id, cs.product_id, cs.sku_id, cs.title, cs.term, cs.billing_plan,
             coalesce(cur.unit_price_minor, cs.unit_price_minor),
             CASE WHEN cur.id IS NULL THEN cs.erp_price_minor ELSE cur.erp_price_minor END,
             cur.id IS NULL AND EXISTS (SELECT 1 FROM catalog_prices a WHERE a.service_id = cs.id),
             cur.starts_at, cur.ends_at, nxt.starts_at, nxt.unit_price_minor, nxt.erp_price_minor,
             cs.currency, cs.market, cs.segment, cs.tier_min, cs.tier_max, cs.description,
             cs.publisher, cs.unit_of_measure, cs.trial_seats, cs.trial_days,
             cs.decrease_window_days, cs.sample, cs.updated_at, cur.term_price_minor
         FROM catalog_services cs
         LEFT JOIN catalog_prices cur ON cur.id = {PRICE_IN_FORCE}
         LEFT JOIN catalog_prices nxt ON nxt.id = {NEXT_PRICE}"
    )
}

fn service(row: &Row<'_>) -> rusqlite::Result<Service> {
    let scheduled: Option<String> = row.get(11)?;
    Ok(Service {
        id: row.get(0)?,
        product_id: row.get(1)?,
        sku_id: row.get(2)?,
        title: row.get(3)?,
        term: row.get(4)?,
        billing_plan: row.get(5)?,
        unit_price_minor: row.get(6)?,
        erp_price_minor: row.get(7)?,
        no_price_now: row.get(8)?,
        price_starts_at: row
            .get::<_, Option<String>>(9)?
            .filter(|s| s != price_list::SINCE_EVER),
        price_ends_at: row.get(10)?,
        scheduled: match scheduled {
            Some(starts_at) => Some(ScheduledPrice {
                starts_at,
                unit_price_minor: row.get(12)?,
                erp_price_minor: row.get(13)?,
            }),
            None => None,
        },
        currency: row.get(14)?,
        market: row.get(15)?,
        segment: row.get(16)?,
        tier_min: row.get(17)?,
        tier_max: row.get(18)?,
        description: row.get(19)?,
        publisher: row.get(20)?,
        unit_of_measure: row.get(21)?,
        trial_seats: row.get(22)?,
        trial_days: row.get(23)?,
        decrease_window_days: row.get(24)?,
        sample: row.get(25)?,
        updated_at: row.get(26)?,
        term_price_minor: row.get(27)?,
    })
}

fn load(conn: &Connection, id: &str, now: &str) -> Result<Service> {
    conn.query_row(
        &format!("{} WHERE cs.id = ?2", select()),
        params![now, id],
        service,
    )
    .map_err(|e| match e {
        rusqlite::Error::QueryReturnedNoRows => Error::NotFound {
            entity: "service",
            id: id.to_owned(),
        },
        other => other.into(),
    })
}

/// The sample Microsoft 365 set (sample prices, PLN, market PL), written on
/// first run when the catalog is empty. The product and SKU ids are
/// Microsoft's own for the names shown, one name per id (docs/decisions/0040
/// gives the source of each); migration 0014 holds the offer-matrix rows of
/// the Business plans, so their seat ceilings apply from the start.
/// Product id, SKU id, title, monthly price in grosze, trial (seats, days).
type Sample = (
    &'static str,
    &'static str,
    &'static str,
    i64,
    Option<(u32, u32)>,
);
pub(crate) const SAMPLES: &[Sample] = &[
    (
        "CFQ7TTC0LH18",
        "0001",
        "Microsoft 365 Business Basic (sample price)",
        2_600,
        Some((25, 30)),
    ),
    (
        "CFQ7TTC0LDPB",
        "0001",
        "Microsoft 365 Business Standard (sample price)",
        5_400,
        Some((25, 30)),
    ),
    (
        "CFQ7TTC0LCHC",
        "0002",
        "Microsoft 365 Business Premium (sample price)",
        9_300,
        Some((25, 30)),
    ),
    (
        "CFQ7TTC0LFLX",
        "0001",
        "Microsoft 365 E3 (sample price)",
        15_500,
        None,
    ),
    (
        "CFQ7TTC0LFLZ",
        "0002",
        "Microsoft 365 E5 (sample price)",
        25_200,
        None,
    ),
    (
        "CFQ7TTC0LH16",
        "0001",
        "Exchange Online (Plan 1) (sample price)",
        1_800,
        Some((25, 30)),
    ),
    (
        "CFQ7TTC0LFK5",
        "0001",
        "Microsoft Entra ID P2 (sample price)",
        3_700,
        None,
    ),
];

/// Which of the catalog's prices a purchase offer line starts from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PriceSource {
    /// The partner's price (the price list's UnitPrice).
    #[default]
    Partner,
    /// The suggested retail price (the price list's ERP Price).
    Retail,
}

impl PriceSource {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            PriceSource::Partner => "partner",
            PriceSource::Retail => "retail",
        }
    }

    pub(crate) fn parse(text: &str) -> PriceSource {
        if text == "retail" {
            PriceSource::Retail
        } else {
            PriceSource::Partner
        }
    }
}

/// The price per licence per month an offer line of `service_id` starts
/// from at `now`, from `source`, and its currency. Refuses a service with no
/// price in force (its first price starts later, or its last has ended) and
/// a retail price the price list does not give.
pub(crate) fn offer_price(
    conn: &Connection,
    service_id: &str,
    now: &str,
    source: PriceSource,
) -> Result<(i64, String)> {
    let service = load(conn, service_id, now).map_err(|e| match e {
        Error::NotFound { .. } => unknown_service(),
        other => other,
    })?;
    let title = &service.title;
    if service.no_price_now {
        return Err(Error::validation(
            "service_id",
            match &service.scheduled {
                Some(next) => {
                    let date = next.starts_at.get(..10).unwrap_or(&next.starts_at);
                    text!(
                        "{title} has no price in force yet: its price starts on {date}",
                        "{title} nie ma jeszcze obowiązującej ceny: jej cena obowiązuje od {date}"
                    )
                }
                None => text!(
                    "{title} has no price in force: its last price has ended",
                    "{title} nie ma obowiązującej ceny: jej ostatnia cena wygasła"
                ),
            },
        ));
    }
    let price = match source {
        PriceSource::Partner => service.unit_price_minor,
        PriceSource::Retail => service.erp_price_minor.ok_or_else(|| {
            Error::validation(
                "price_source",
                text!(
                    "{title} has no suggested retail price (the price list's ERP Price)",
                    "{title} nie ma sugerowanej ceny detalicznej (ERP Price w cenniku)"
                ),
            )
        })?,
    };
    Ok((price, service.currency))
}

/// The refusal for a `service_id` that names nothing in the catalog.
pub(crate) fn unknown_service() -> Error {
    Error::validation(
        "service_id",
        text!(
            "no such service in the catalog",
            "nie ma takiej usługi w katalogu"
        ),
    )
}

pub(crate) fn seed_samples(conn: &Connection, now: &str) -> Result<()> {
    let count: i64 = conn.query_row("SELECT count(*) FROM catalog_services", [], |r| r.get(0))?;
    if count > 0 {
        return Ok(());
    }
    for (product, sku, title, price, trial) in SAMPLES {
        conn.execute(
            "INSERT INTO catalog_services (id, product_id, sku_id, title, term, billing_plan,
                 unit_price_minor, currency, market, trial_seats, trial_days, decrease_window_days,
                 sample, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'P1Y', 'monthly', ?5, 'PLN', 'PL', ?6, ?7, 7, 1, ?8)",
            params![
                new_id(),
                product,
                sku,
                title,
                price,
                trial.map(|t| t.0),
                trial.map(|t| t.1),
                now
            ],
        )?;
    }
    Ok(())
}

pub fn list(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<Vec<Service>> {
    let target = read_target("catalog", None, "service catalog");
    let now = to_rfc3339(clock.now())?;
    guarded_read(store, clock, actor, "catalog.view", target, |conn| {
        require(conn, actor, Action::ViewCatalog)?;
        let rows = conn
            .prepare_cached(&format!(
                "{} ORDER BY cs.title COLLATE NOCASE, cs.term, cs.billing_plan, cs.segment,
                     cs.currency, cs.tier_min",
                select()
            ))?
            .query_map([&now], service)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    })
}

pub fn update(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    id: &str,
    input: &ServiceUpdate,
) -> Result<(Service, Change)> {
    let id = parse_id("id", id)?;
    let title = validate::required_text("title", &input.title, crate::limits::SERVICE_TITLE)?;
    crate::money::check_amount("unit_price_minor", input.unit_price_minor)?;
    let currency = check_currency("currency", &input.currency)?;
    // Microsoft's trials are all 25 licences for 30 days (decision 0043): the
    // two fields say only whether this offer has one.
    let (seats, days) = (
        crate::subscriptions::TRIAL_SEATS,
        crate::subscriptions::TRIAL_DAYS,
    );
    match (input.trial_seats, input.trial_days) {
        (None, None) => {}
        (Some(s), Some(d)) if (s, d) == (seats, days) => {}
        _ => {
            return Err(Error::validation(
                "trial_seats",
                text!(
                    "a Microsoft trial is always {seats} licences for {days} days: offer it with those, or no trial",
                    "wersja próbna Microsoft ma zawsze {seats} licencji na {days} dni: zaoferuj ją z tymi wartościami albo bez wersji próbnej"
                ),
            ))
        }
    }
    if input.decrease_window_days > 365 {
        return Err(Error::validation(
            "decrease_window_days",
            text!("use at most 365 days", "użyj najwyżej 365 dni"),
        ));
    }
    let now = to_rfc3339(clock.now())?;
    let target = Target {
        kind: "service",
        id: Some(id.clone()),
        label: title.clone(),
    };
    let saved = guarded_write(
        store,
        clock,
        actor,
        "catalog.update",
        target.clone(),
        |tx| {
            require(tx, actor, Action::EditCatalog)?;
            let before = load(tx, &id, &now)?;
            tx.execute(
                "UPDATE catalog_services SET title = ?1, unit_price_minor = ?2, currency = ?3,
                 trial_seats = ?4, trial_days = ?5, decrease_window_days = ?6, sample = 0,
                 updated_at = ?7
             WHERE id = ?8",
                params![
                    title,
                    input.unit_price_minor,
                    currency,
                    input.trial_seats,
                    input.trial_days,
                    input.decrease_window_days,
                    now,
                    id
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _)
                    if f.code == rusqlite::ErrorCode::ConstraintViolation =>
                {
                    Error::conflict(
                        "currency",
                        text!(
                            "this service already has a price in that currency",
                            "ta usługa ma już cenę w tej walucie"
                        ),
                    )
                }
                other => other.into(),
            })?;
            // A hand-set price replaces the dated price in force, if any;
            // scheduled prices still take effect on their dates.
            tx.execute(
                &format!(
                    "UPDATE catalog_prices SET unit_price_minor = ?2, term_price_minor = ?2 * ?4,
                         updated_at = ?1
                     WHERE id = (SELECT {PRICE_IN_FORCE} FROM catalog_services cs WHERE cs.id = ?3)"
                ),
                params![
                    now,
                    input.unit_price_minor,
                    id,
                    price_list::months(&before.term)
                ],
            )?;
            let after = load(tx, &id, &now)?;
            let event = Event::done(actor.audit_ref(), "catalog.update", target).with_change(
                serde_json::to_value(&before).ok(),
                serde_json::to_value(&after).ok(),
            );
            audit::append(tx, clock, &event)?;
            Ok(after)
        },
    )?;
    Ok((saved, Change::one(Entity::Catalog, id)))
}
