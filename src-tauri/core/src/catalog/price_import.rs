//! Importing Microsoft's license-based price list like every other import
//! (docs/decisions/0016, 0038): a preview that says what the file will add,
//! change and schedule and reports each bad row by line, column and value;
//! then one transaction, in either mode, with progress and cancel.
//!
//! A row is a dated price of one service ([`ServiceKey`]). Classified against
//! the catalog at the injected clock's `now`:
//! - **scheduled**: it starts after now (it takes effect on its date);
//! - **ended**: it ended before now (kept as history, changes nothing now);
//! - **added**: otherwise, when the catalog has no such service yet;
//! - **unchanged**: the catalog already holds this very price and details;
//! - **changed**: anything else (a new price in force, or new details).

use std::collections::{HashMap, HashSet};
use std::sync::atomic::AtomicBool;

use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;

use super::price_list::{
    parse_row, Details, PriceRow, ServiceKey, PRICE_LIST_COLUMNS, TRIAL_DAYS, TRIAL_SEATS,
};
use crate::access::{guarded_read, require, Action};
use crate::audit::Target;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::Result;
use crate::ids::new_id;
use crate::imports::{self, ImportFile, ImportJob, ImportMode, ImportReport, Parsed, ParsedRows};
use crate::store::Store;

/// How many examples of each kind the preview shows.
const EXAMPLES: usize = 3;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum PriceChangeKind {
    Add,
    Change,
    Schedule,
}

/// One row the import will write, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PriceListExample {
    pub kind: PriceChangeKind,
    pub line: u32,
    pub title: String,
    pub product_id: String,
    pub sku_id: String,
    pub term: String,
    pub billing_plan: String,
    pub segment: String,
    pub currency: String,
    /// Per licence per month.
    #[ts(type = "number")]
    pub unit_price_minor: i64,
    /// The price it replaces, for a change.
    #[ts(optional, type = "number")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before_minor: Option<i64>,
    /// When the price takes effect (absent: since ever).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub starts_at: Option<String>,
}

/// What the file adds, changes and schedules, counted by row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PriceListSummary {
    pub added: u32,
    pub changed: u32,
    pub scheduled: u32,
    pub unchanged: u32,
    pub ended: u32,
    /// Rows whose SkuId was written without its leading zeros ("1" for "0001").
    pub sku_ids_padded: u32,
    /// The first few of each kind, in file order.
    pub examples: Vec<PriceListExample>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct PriceListPreview {
    pub report: ImportReport,
    pub summary: PriceListSummary,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Add,
    Change,
    Schedule,
    Unchanged,
    Ended,
}

/// A valid row with what writing it means.
struct Planned {
    row: PriceRow,
    kind: Kind,
    service_id: String,
    /// The first row of a service the catalog lacks: insert the service.
    create_service: bool,
    /// The first row of a known service whose details differ: update them.
    update_service: bool,
    /// The row is in force now: it sets the service's fallback price.
    in_force: bool,
}

struct KnownService {
    id: String,
    details: Details,
    sample: bool,
    trial_seats: Option<u32>,
    unit_price_minor: i64,
}

/// Monthly price, ERP, end, and the term's price as written.
type StoredPrice = (i64, Option<i64>, Option<String>, i64);

/// The catalog as the import compares against it: two queries, whatever the
/// file's size (a real price list has 50,000–100,000 rows).
struct Catalog {
    services: HashMap<ServiceKey, KnownService>,
    prices: HashMap<(String, String), StoredPrice>,
}

fn load_catalog(conn: &Connection) -> Result<Catalog> {
    let mut services = HashMap::new();
    let mut statement = conn.prepare(
        "SELECT id, product_id, sku_id, term, billing_plan, market, currency, segment, tier_min,
             tier_max, title, description, publisher, unit_of_measure, trial_seats, sample,
             unit_price_minor
         FROM catalog_services",
    )?;
    let mut rows = statement.query([])?;
    while let Some(r) = rows.next()? {
        let key = ServiceKey {
            product_id: r.get(1)?,
            sku_id: r.get(2)?,
            term: r.get(3)?,
            billing_plan: r.get(4)?,
            market: r.get(5)?,
            currency: r.get(6)?,
            segment: r.get(7)?,
            tier_min: r.get(8)?,
            tier_max: r.get(9)?,
        };
        let trial_seats: Option<u32> = r.get(14)?;
        let details = Details {
            title: r.get(10)?,
            description: r.get(11)?,
            publisher: r.get(12)?,
            unit_of_measure: r.get(13)?,
            trial: false,
        };
        services.insert(
            key,
            KnownService {
                id: r.get(0)?,
                details,
                sample: r.get(15)?,
                trial_seats,
                unit_price_minor: r.get(16)?,
            },
        );
    }
    let mut prices = HashMap::new();
    let mut statement = conn.prepare(
        "SELECT service_id, starts_at, unit_price_minor, erp_price_minor, ends_at, term_price_minor
         FROM catalog_prices",
    )?;
    let mut rows = statement.query([])?;
    while let Some(r) = rows.next()? {
        prices.insert(
            (r.get(0)?, r.get(1)?),
            (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?),
        );
    }
    Ok(Catalog { services, prices })
}

/// The details as the catalog would hold them after this row: a trial row
/// marks the service as a trial; another row leaves its trial settings alone.
fn same_details(known: &KnownService, row: &Details) -> bool {
    let Details {
        title,
        description,
        publisher,
        unit_of_measure,
        trial,
    } = row;
    known.details.title == *title
        && known.details.description == *description
        && known.details.publisher == *publisher
        && known.details.unit_of_measure == *unit_of_measure
        && (!trial || known.trial_seats.is_some())
        && !known.sample
}

/// Classifies every valid row against `catalog` at `now`; a second row with
/// the same service and start is a problem on its own line.
fn plan(
    conn: &Connection,
    parsed: ParsedRows<PriceRow>,
    now: &str,
) -> Result<(Vec<Planned>, ImportReport, PriceListSummary)> {
    let catalog = load_catalog(conn)?;
    let mut seen: HashSet<(ServiceKey, String)> = HashSet::new();
    let mut new_ids: HashMap<ServiceKey, String> = HashMap::new();
    let mut details_done: HashSet<String> = HashSet::new();
    let mut summary = PriceListSummary::default();
    let mut planned = Vec::new();
    // Each valid row keeps its line, for the examples.
    let parsed = parsed
        .into_iter()
        .map(|(line, result)| (line, result.map(|row| (line, row))))
        .collect();
    let (valid, report) = imports::check(parsed, |(_, row): &(u32, PriceRow)| {
        Ok(if seen.insert((row.key.clone(), row.starts_at.clone())) {
            None
        } else {
            imports::repeated(
                "EffectiveStartDate",
                &format!(
                    "{}:{} {} {} {} {} {} from {}",
                    row.key.product_id,
                    row.key.sku_id,
                    row.key.term,
                    row.key.billing_plan,
                    row.key.currency,
                    row.key.segment,
                    tiers(&row.key),
                    row.starts_at
                ),
            )
        })
    })?;
    for (line, row) in valid {
        let known = catalog.services.get(&row.key);
        let ended = row.ends_at.as_deref().is_some_and(|end| end <= now);
        let future = row.starts_at.as_str() > now;
        let (service_id, create_service) = match (known, new_ids.get(&row.key)) {
            (Some(k), _) => (k.id.clone(), false),
            (None, Some(id)) => (id.clone(), false),
            (None, None) => {
                let id = new_id();
                new_ids.insert(row.key.clone(), id.clone());
                (id, true)
            }
        };
        let stored = catalog
            .prices
            .get(&(service_id.clone(), row.starts_at.clone()));
        let details_differ = known.is_some_and(|k| !same_details(k, &row.details));
        let update_service = details_differ && details_done.insert(service_id.clone());
        let kind = if future {
            Kind::Schedule
        } else if ended {
            Kind::Ended
        } else if known.is_none() {
            Kind::Add
        } else if !details_differ
            && stored
                == Some(&(
                    row.monthly_minor,
                    row.erp_minor,
                    row.ends_at.clone(),
                    row.term_minor,
                ))
        {
            Kind::Unchanged
        } else {
            Kind::Change
        };
        let before = stored
            .map(|s| s.0)
            .or_else(|| known.map(|k| k.unit_price_minor));
        count(&mut summary, kind, line, &row, before);
        planned.push(Planned {
            in_force: !future && !ended,
            row,
            kind,
            service_id,
            create_service,
            update_service,
        });
    }
    Ok((planned, report, summary))
}

fn tiers(key: &ServiceKey) -> String {
    match (key.tier_min, key.tier_max) {
        (None, None) => String::new(),
        (min, max) => format!(
            "{}–{}",
            min.map(|m| m.to_string()).unwrap_or_default(),
            max.map(|m| m.to_string()).unwrap_or_default()
        ),
    }
}

fn count(
    summary: &mut PriceListSummary,
    kind: Kind,
    line: u32,
    row: &PriceRow,
    before: Option<i64>,
) {
    summary.sku_ids_padded += u32::from(row.sku_padded);
    let (counter, shown) = match kind {
        Kind::Add => (&mut summary.added, Some(PriceChangeKind::Add)),
        Kind::Change => (&mut summary.changed, Some(PriceChangeKind::Change)),
        Kind::Schedule => (&mut summary.scheduled, Some(PriceChangeKind::Schedule)),
        Kind::Unchanged => (&mut summary.unchanged, None),
        Kind::Ended => (&mut summary.ended, None),
    };
    *counter += 1;
    let Some(kind) = shown else { return };
    if summary.examples.iter().filter(|e| e.kind == kind).count() >= EXAMPLES {
        return;
    }
    summary.examples.push(PriceListExample {
        kind,
        line,
        title: row.details.title.clone(),
        product_id: row.key.product_id.clone(),
        sku_id: row.key.sku_id.clone(),
        term: row.key.term.clone(),
        billing_plan: row.key.billing_plan.clone(),
        segment: row.key.segment.clone(),
        currency: row.key.currency.clone(),
        unit_price_minor: row.monthly_minor,
        before_minor: before.filter(|_| kind == PriceChangeKind::Change),
        starts_at: Some(row.starts_at.clone()).filter(|s| s != super::price_list::SINCE_EVER),
    });
}

fn parse(file: &ImportFile) -> Result<Parsed<PriceRow>> {
    imports::parse(file, &PRICE_LIST_COLUMNS, parse_row)
}

fn target() -> Target {
    Target {
        kind: "catalog",
        id: None,
        label: "price list import".into(),
    }
}

/// What importing `file` would do at the clock's now, writing nothing.
pub fn preview_price_list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    file: &ImportFile,
) -> Result<PriceListPreview> {
    let Parsed {
        rows: parsed,
        reading,
    } = parse(file)?;
    let now = to_rfc3339(clock.now())?;
    guarded_read(store, clock, actor, "catalog.import", target(), |conn| {
        require(conn, actor, Action::EditCatalog)?;
        let (_, report, summary) = plan(conn, parsed, &now)?;
        let report = ImportReport {
            file: Some(reading),
            ..report
        };
        Ok(PriceListPreview { report, summary })
    })
}

/// Imports in one transaction (re-checked inside it). `progress(done,
/// total)` follows the writing; setting `cancel` rolls everything back.
pub fn apply_price_list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    file: &ImportFile,
    mode: ImportMode,
    progress: &dyn Fn(u32, u32),
    cancel: &AtomicBool,
) -> Result<(PriceListPreview, Option<Change>)> {
    let Parsed {
        rows: parsed,
        reading,
    } = parse(file)?;
    let now = to_rfc3339(clock.now())?;
    let job = ImportJob {
        audit_action: "catalog.import",
        target: target(),
        change: Change::of(Entity::Catalog),
        noun: text!("price-list row", "wiersza cennika"),
    };
    let mut summary = PriceListSummary::default();
    let (report, change) = imports::apply(
        store,
        clock,
        actor,
        job,
        mode,
        progress,
        cancel,
        |conn| {
            require(conn, actor, Action::EditCatalog)?;
            let (planned, report, planned_summary) = plan(conn, parsed, &now)?;
            summary = planned_summary;
            Ok((planned, report))
        },
        |tx, item| {
            write(tx, item, &now)?;
            Ok(String::new())
        },
    )?;
    // The catalog screen reloads on the entity; a price list's ids would be
    // tens of thousands.
    let change = change.map(|_| Change::of(Entity::Catalog));
    let report = ImportReport {
        file: Some(reading),
        ..report
    };
    Ok((PriceListPreview { report, summary }, change))
}

fn write(tx: &Connection, item: &Planned, now: &str) -> Result<()> {
    if item.kind == Kind::Unchanged {
        return Ok(());
    }
    let PriceRow { key, details, .. } = &item.row;
    let trial = details.trial.then_some((TRIAL_SEATS, TRIAL_DAYS));
    if item.create_service {
        tx.prepare_cached(
            "INSERT INTO catalog_services (id, product_id, sku_id, title, term, billing_plan,
                 unit_price_minor, erp_price_minor, currency, market, segment, tier_min, tier_max,
                 description, publisher, unit_of_measure, trial_seats, trial_days,
                 decrease_window_days, sample, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
                 ?18, 7, 0, ?19)",
        )?
        .execute(params![
            item.service_id,
            key.product_id,
            key.sku_id,
            details.title,
            key.term,
            key.billing_plan,
            item.row.monthly_minor,
            item.row.erp_minor,
            key.currency,
            key.market,
            key.segment,
            key.tier_min,
            key.tier_max,
            details.description,
            details.publisher,
            details.unit_of_measure,
            trial.map(|t| t.0),
            trial.map(|t| t.1),
            now
        ])?;
    } else if item.update_service {
        // Trial settings set by hand stay, unless the row marks a trial.
        tx.prepare_cached(
            "UPDATE catalog_services SET title = ?2, description = ?3, publisher = ?4,
                 unit_of_measure = ?5, trial_seats = coalesce(?6, trial_seats),
                 trial_days = coalesce(?7, trial_days), sample = 0, updated_at = ?8
             WHERE id = ?1",
        )?
        .execute(params![
            item.service_id,
            details.title,
            details.description,
            details.publisher,
            details.unit_of_measure,
            trial.map(|t| t.0),
            trial.map(|t| t.1),
            now
        ])?;
    }
    if item.in_force {
        tx.prepare_cached(
            "UPDATE catalog_services SET unit_price_minor = ?2, erp_price_minor = ?3, sample = 0,
                 updated_at = ?4
             WHERE id = ?1",
        )?
        .execute(params![
            item.service_id,
            item.row.monthly_minor,
            item.row.erp_minor,
            now
        ])?;
    }
    tx.prepare_cached(
        "INSERT INTO catalog_prices (service_id, starts_at, ends_at, unit_price_minor,
             erp_price_minor, term_price_minor, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (service_id, starts_at) DO UPDATE SET ends_at = excluded.ends_at,
             unit_price_minor = excluded.unit_price_minor,
             erp_price_minor = excluded.erp_price_minor,
             term_price_minor = excluded.term_price_minor, updated_at = excluded.updated_at",
    )?
    .execute(params![
        item.service_id,
        item.row.starts_at,
        item.row.ends_at,
        item.row.monthly_minor,
        item.row.erp_minor,
        item.row.term_minor,
        now
    ])?;
    Ok(())
}
