//! Importing customers from CSV: a preview that reports every bad row by line,
//! then one transaction that imports the valid rows, or nothing at all.

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{check_unique, insert, validate_input, CustomerInput, ValidCustomer};
use crate::access::{guarded_write, require, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::ids::new_id;
use crate::store::Store;

/// The columns the import reads (and the export writes), by header name.
/// Lists (other domains, tags) are separated by semicolons.
pub const COLUMNS: [&str; 14] = [
    "company_name",
    "default_domain",
    "other_domains",
    "tenant_id",
    "street",
    "city",
    "postal_code",
    "country",
    "contact_name",
    "contact_email",
    "contact_phone",
    "language",
    "notes",
    "tags",
];
const PROGRESS_EVERY: usize = 250;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportMode {
    /// Import the rows that pass; report the others.
    ValidRows,
    /// Import nothing if any row fails.
    AllOrNothing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportProblem {
    /// The line in the file (the header is line 1).
    pub line: u32,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub rows: u32,
    pub valid: u32,
    pub problems: Vec<ImportProblem>,
    /// How many were written: 0 for a preview.
    pub imported: u32,
}

struct Parsed {
    rows: Vec<(u32, std::result::Result<ValidCustomer, ImportProblem>)>,
}

fn list(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

fn parse(csv_text: &str) -> Result<Parsed> {
    let text = csv_text.strip_prefix('\u{feff}').unwrap_or(csv_text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| Error::validation("file", format!("the file is not CSV: {e}")))?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    for required in ["company_name", "default_domain"] {
        if column(required).is_none() {
            return Err(Error::validation(
                "file",
                format!(
                    "the header row has no '{required}' column (columns read: {})",
                    COLUMNS.join(", ")
                ),
            ));
        }
    }
    let positions: Vec<Option<usize>> = COLUMNS.iter().map(|c| column(c)).collect();
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let fallback_line = u32::try_from(index + 2).unwrap_or(u32::MAX);
        let record = match record {
            Ok(record) => record,
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| u32::try_from(p.line()).unwrap_or(u32::MAX))
                    .unwrap_or(fallback_line);
                rows.push((
                    line,
                    Err(ImportProblem {
                        line,
                        field: "file".into(),
                        message: format!("this line cannot be read: {e}"),
                    }),
                ));
                continue;
            }
        };
        let line = record
            .position()
            .map(|p| u32::try_from(p.line()).unwrap_or(u32::MAX))
            .unwrap_or(fallback_line);
        if record.iter().all(str::is_empty) {
            continue;
        }
        let get = |i: usize| {
            positions[i]
                .and_then(|p| record.get(p))
                .unwrap_or_default()
                .to_owned()
        };
        let input = CustomerInput {
            company_name: get(0),
            default_domain: get(1),
            other_domains: list(&get(2)),
            tenant_id: get(3),
            street: get(4),
            city: get(5),
            postal_code: get(6),
            country: get(7),
            contact_name: get(8),
            contact_email: get(9),
            contact_phone: get(10),
            language: get(11),
            notes: get(12),
            tags: list(&get(13)),
        };
        let result = validate_input(&input).map_err(|e| ImportProblem {
            line,
            field: e.field().unwrap_or("file").to_owned(),
            message: e.to_string(),
        });
        rows.push((line, result));
    }
    Ok(Parsed { rows })
}

/// Checks uniqueness against the database and within the file itself.
fn check_all(
    conn: &rusqlite::Connection,
    parsed: Parsed,
) -> Result<(Vec<ValidCustomer>, ImportReport)> {
    let mut seen_domains = HashSet::new();
    let mut seen_tenants = HashSet::new();
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    let rows = u32::try_from(parsed.rows.len()).unwrap_or(u32::MAX);
    for (line, result) in parsed.rows {
        let customer = match result {
            Ok(customer) => customer,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let conflict = match check_unique(conn, &customer, None) {
            Err(Error::Conflict { field, message }) => Some((field.unwrap_or_default(), message)),
            Err(other) => return Err(other),
            Ok(()) if !seen_domains.insert(customer.default_domain.clone()) => Some((
                "default_domain".into(),
                format!("{} appears earlier in this file", customer.default_domain),
            )),
            Ok(()) => match &customer.tenant_id {
                Some(tenant) if !seen_tenants.insert(tenant.clone()) => Some((
                    "tenant_id".into(),
                    format!("{tenant} appears earlier in this file"),
                )),
                _ => None,
            },
        };
        match conflict {
            Some((field, message)) => problems.push(ImportProblem {
                line,
                field,
                message,
            }),
            None => valid.push(customer),
        }
    }
    let report = ImportReport {
        rows,
        valid: u32::try_from(valid.len()).unwrap_or(u32::MAX),
        problems,
        imported: 0,
    };
    Ok((valid, report))
}

/// What an import would do, without writing anything.
pub fn preview_import(store: &Store, actor: &Actor, csv_text: &str) -> Result<ImportReport> {
    let parsed = parse(csv_text)?;
    store.read(|conn| {
        require(conn, actor, Action::ManageCustomers)?;
        Ok(check_all(conn, parsed)?.1)
    })
}

/// Imports in one transaction. `progress(done, total)` is called as rows are
/// written; setting `cancel` rolls the whole import back.
pub fn apply_import(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    csv_text: &str,
    mode: ImportMode,
    progress: &dyn Fn(u32, u32),
    cancel: &AtomicBool,
) -> Result<(ImportReport, Option<Change>)> {
    let parsed = parse(csv_text)?;
    let now = to_rfc3339(clock.now())?;
    let target = Target {
        kind: "customer",
        id: None,
        label: "CSV import".into(),
    };
    guarded_write(
        store,
        clock,
        actor,
        "customer.import",
        target.clone(),
        |tx| {
            require(tx, actor, Action::ManageCustomers)?;
            let (valid, mut report) = check_all(tx, parsed)?;
            if mode == ImportMode::AllOrNothing && !report.problems.is_empty() {
                return Ok((report, None));
            }
            let total = u32::try_from(valid.len()).unwrap_or(u32::MAX);
            let mut ids = Vec::with_capacity(valid.len());
            for (done, customer) in valid.iter().enumerate() {
                if cancel.load(Ordering::Relaxed) {
                    return Err(Error::invalid_state(
                        "The import was cancelled; no customer was imported.",
                    ));
                }
                let id = new_id();
                insert(tx, customer, &id, &now)?;
                ids.push(id);
                if done % PROGRESS_EVERY == 0 {
                    progress(u32::try_from(done).unwrap_or(u32::MAX), total);
                }
            }
            progress(total, total);
            report.imported = total;
            let event = Event {
                detail: format!(
                    "{} of {} rows imported ({} with problems)",
                    report.imported,
                    report.rows,
                    report.problems.len()
                ),
                ..Event::done(actor.audit_ref(), "customer.import", target)
            };
            audit::append(tx, clock, &event)?;
            Ok((
                report,
                Some(Change {
                    entity: Entity::Customer,
                    ids,
                }),
            ))
        },
    )
}
