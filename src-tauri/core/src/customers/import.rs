//! Importing customers from CSV: a preview that reports every bad row by line,
//! then one transaction that imports the valid rows, or nothing at all. The
//! machinery is shared with other imports (`crate::imports`).

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use super::{check_unique, insert, validate_input, CustomerInput, ValidCustomer};
use crate::access::{guarded_read, require, Action};
use crate::audit::Target;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::csv_file::Column;
use crate::error::Result;
use crate::ids::new_id;
use crate::imports::{
    self, CsvRow, ImportFile, ImportJob, ImportMode, ImportReport, Parsed, ParsedRows,
};
use crate::store::Store;
use crate::{limits, validate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

fn list(value: &str) -> Vec<String> {
    value
        .split(';')
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
        .collect()
}

/// A customer an import would add, and the relationship its row states.
struct ImportedCustomer {
    valid: ValidCustomer,
    /// Partner Center's Relationship column, as written ("Cloud Reseller"):
    /// several values joined with "; " when the file lists the customer twice.
    relationship: String,
}

/// What to import with the file.
#[derive(Debug, Clone, Default, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct CustomerImport {
    pub file: ImportFile,
    /// Record on each customer the relationship its row states (Partner
    /// Center's Relationship column), as written.
    #[serde(default)]
    pub record_relationship: bool,
}

/// A file of these UTF-8 bytes, read with nothing chosen; nothing recorded.
impl From<&str> for CustomerImport {
    fn from(text: &str) -> CustomerImport {
        CustomerImport {
            file: text.into(),
            record_relationship: false,
        }
    }
}

fn row(row: &CsvRow<'_>) -> Result<ImportedCustomer> {
    let relationship = row.get("relationship");
    validate::check_length("relationship", &relationship, limits::STATED_RELATIONSHIP)?;
    let valid = validate_input(&CustomerInput {
        company_name: row.get("company_name"),
        default_domain: row.get("default_domain"),
        other_domains: list(&row.get("other_domains")),
        tenant_id: row.get("tenant_id"),
        street: row.get("street"),
        city: row.get("city"),
        postal_code: row.get("postal_code"),
        country: row.get("country"),
        contact_name: row.get("contact_name"),
        contact_email: row.get("contact_email"),
        contact_phone: row.get("contact_phone"),
        language: row.get("language"),
        notes: row.get("notes"),
        tags: list(&row.get("tags")),
    })?;
    Ok(ImportedCustomer {
        valid,
        relationship,
    })
}

/// The columns the import reads: [`COLUMNS`] by the export's names, or by the
/// headers people and Microsoft write (Partner Center's customer export:
/// Microsoft ID, Company name, Primary domain name, Relationship, Tags —
/// docs/decisions/0033), and Partner Center's Relationship (decision 0037).
pub const IMPORT_COLUMNS: [Column; 15] = [
    Column::required(
        "company_name",
        &["Company name", "Company", "Nazwa firmy", "Firma", "Nazwa"],
    ),
    Column::required(
        "default_domain",
        &[
            "Primary domain name",
            "Initial domain",
            "Domain",
            "Domena",
            "Domena początkowa",
        ],
    ),
    Column::optional("other_domains", &["Other domains", "Inne domeny"]),
    Column::optional(
        "tenant_id",
        &[
            "Microsoft ID",
            "Tenant ID",
            "Customer ID",
            "Identyfikator dzierżawy",
            "Identyfikator Microsoft",
        ],
    ),
    Column::optional("street", &["Street", "Address", "Ulica", "Adres"]),
    Column::optional("city", &["City", "Miasto", "Miejscowość"]),
    Column::optional(
        "postal_code",
        &["Postal code", "ZIP", "ZIP or Postal Code", "Kod pocztowy"],
    ),
    Column::optional("country", &["Country", "Country or Region", "Kraj"]),
    Column::optional(
        "contact_name",
        &["Contact name", "Contact", "Osoba kontaktowa", "Kontakt"],
    ),
    Column::optional(
        "contact_email",
        &["Contact email", "Email", "E-mail", "Adres e-mail"],
    ),
    Column::optional("contact_phone", &["Contact phone", "Phone", "Telefon"]),
    Column::optional("language", &["Language", "Język"]),
    Column::optional("notes", &["Notes", "Uwagi", "Notatki"]),
    Column::optional("tags", &["Tags", "Tagi"]),
    Column::optional(
        "relationship",
        &[
            "Relationship",
            // Our own export's name for it (the relationship state is another column).
            "Partner relationship",
            "Relationship to partner",
            "Relacja",
            "Relacja z partnerem",
        ],
    ),
];

/// The file's customers, a customer Partner Center lists twice read once
/// (by Microsoft ID), and the relationships the file states.
fn parse(file: &ImportFile) -> Result<(ParsedRows<ImportedCustomer>, ImportReport)> {
    let Parsed { rows, reading } = imports::parse(file, &IMPORT_COLUMNS, row)?;
    let relationships = imports::stated(
        rows.iter()
            .filter_map(|(_, r)| r.as_ref().ok())
            .map(|c| c.relationship.as_str()),
    );
    let (rows, duplicates) = imports::dedupe(
        rows,
        "tenant_id",
        |customer| customer.valid.tenant_id.clone(),
        |first, later| {
            let known = first
                .relationship
                .split("; ")
                .any(|r| r == later.relationship);
            if !later.relationship.is_empty() && !known {
                first.relationship = if first.relationship.is_empty() {
                    later.relationship
                } else {
                    format!("{}; {}", first.relationship, later.relationship)
                };
            }
        },
    );
    let report = ImportReport {
        file: Some(reading),
        duplicates,
        relationships,
        ..ImportReport::default()
    };
    Ok((rows, report))
}

/// Checks uniqueness against the database and within the file itself, and
/// completes the report `parse` began.
fn check_all(
    conn: &rusqlite::Connection,
    (parsed, read): (ParsedRows<ImportedCustomer>, ImportReport),
) -> Result<(Vec<ImportedCustomer>, ImportReport)> {
    let mut seen_domains = HashSet::new();
    let mut seen_tenants = HashSet::new();
    let (valid, report) = imports::check(parsed, |customer| {
        let customer = &customer.valid;
        check_unique(conn, customer, None)?;
        if !seen_domains.insert(customer.default_domain.clone()) {
            return Ok(imports::repeated(
                "default_domain",
                &customer.default_domain,
            ));
        }
        Ok(match &customer.tenant_id {
            Some(tenant) if !seen_tenants.insert(tenant.clone()) => {
                imports::repeated("tenant_id", tenant)
            }
            _ => None,
        })
    })?;
    let rows = report.rows + u32::try_from(read.duplicates.len()).unwrap_or(u32::MAX);
    let report = ImportReport {
        rows,
        valid: report.valid,
        problems: report.problems,
        ..read
    };
    Ok((valid, report))
}

fn import_target() -> Target {
    Target {
        kind: "customer",
        id: None,
        label: "CSV import".into(),
    }
}

/// What an import would do, without writing anything.
pub fn preview_import(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    file: &ImportFile,
) -> Result<ImportReport> {
    let parsed = parse(file)?;
    let target = import_target();
    guarded_read(store, clock, actor, "customer.import", target, |conn| {
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
    import: &CustomerImport,
    mode: ImportMode,
    progress: &dyn Fn(u32, u32),
    cancel: &AtomicBool,
) -> Result<(ImportReport, Option<Change>)> {
    let parsed = parse(&import.file)?;
    let record_relationship = import.record_relationship;
    let now = to_rfc3339(clock.now())?;
    let job = ImportJob {
        audit_action: "customer.import",
        target: import_target(),
        change: Change::of(Entity::Customer),
        noun: text!("customer", "klienta"),
    };
    imports::apply(
        store,
        clock,
        actor,
        job,
        mode,
        progress,
        cancel,
        |conn| {
            require(conn, actor, Action::ManageCustomers)?;
            check_all(conn, parsed)
        },
        |tx, customer| {
            let id = new_id();
            insert(tx, &customer.valid, &id, &now)?;
            if record_relationship {
                super::set_partner_relationship(tx, &id, &customer.relationship)?;
            }
            Ok(id)
        },
    )
}
