//! The service catalog: what the partner sells, at what price, with which trial.
//! Seeded with a clearly marked sample set; kept current by importing
//! Microsoft's license-based price list.

pub(crate) mod offer_matrix;
mod price_list;
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
pub use price_list::{import_price_list, PriceListReport};
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
    /// Per licence per month, in the currency's minor unit.
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    pub currency: String,
    pub market: String,
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

/// An edit of the price and trial settings of one service.
#[derive(Debug, Clone, Deserialize, TS)]
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

const COLUMNS: &str = "id, product_id, sku_id, title, term, billing_plan, unit_price_minor,
    currency, market, trial_seats, trial_days, decrease_window_days, sample, updated_at";

fn service(row: &Row<'_>) -> rusqlite::Result<Service> {
    Ok(Service {
        id: row.get(0)?,
        product_id: row.get(1)?,
        sku_id: row.get(2)?,
        title: row.get(3)?,
        term: row.get(4)?,
        billing_plan: row.get(5)?,
        unit_price_minor: row.get(6)?,
        currency: row.get(7)?,
        market: row.get(8)?,
        trial_seats: row.get(9)?,
        trial_days: row.get(10)?,
        decrease_window_days: row.get(11)?,
        sample: row.get(12)?,
        updated_at: row.get(13)?,
    })
}

fn load(conn: &Connection, id: &str) -> Result<Service> {
    conn.query_row(
        &format!("SELECT {COLUMNS} FROM catalog_services WHERE id = ?1"),
        [id],
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
    guarded_read(store, clock, actor, "catalog.view", target, |conn| {
        require(conn, actor, Action::ViewCatalog)?;
        let rows = conn
            .prepare_cached(&format!(
                "SELECT {COLUMNS} FROM catalog_services ORDER BY title COLLATE NOCASE, term, billing_plan"
            ))?
            .query_map([], service)?
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
    match (input.trial_seats, input.trial_days) {
        (None, None) => {}
        (Some(seats), Some(days)) if (1..=10_000).contains(&seats) && (1..=365).contains(&days) => {
        }
        _ => {
            return Err(Error::validation(
                "trial_seats",
                text!(
                    "a trial needs both seats (1–10,000) and days (1–365), or neither",
                    "wersja próbna wymaga zarówno liczby licencji (1–10 000), jak i dni (1–365), albo żadnej z nich"
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
            let before = load(tx, &id)?;
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
            let after = load(tx, &id)?;
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
