//! Importing a customer's users from CSV, with the machinery every import
//! shares (`crate::imports`): a preview that reports every bad row by line,
//! then one transaction that imports the valid rows, or nothing at all.

use std::collections::HashSet;
use std::sync::atomic::AtomicBool;

use super::{
    check_placement, customer_for_write, insert, validate_input, CustomerUserInput, ValidUser,
};
use crate::access::{guarded_read, require_for_customer, Action, Guarded};
use crate::audit::Target;
use crate::auth::Actor;
use crate::change::{Change, Entity};
use crate::clock::{to_rfc3339, Clock};
use crate::csv_file::Column;
use crate::error::Result;
use crate::ids::{new_id, parse_id};
use crate::imports::{self, CsvRow, ImportFile, ImportJob, ImportMode, ImportReport, Parsed};
use crate::store::Store;

/// The columns the import reads, by header name (case-insensitive).
/// `admin_role` is one of the role names of [`CustomerUserInput::admin_role`].
pub const COLUMNS: [&str; 6] = [
    "display_name",
    "user_name",
    "first_name",
    "last_name",
    "job_title",
    "admin_role",
];

/// The columns the import reads: [`COLUMNS`] by the export's names, or by the
/// Microsoft 365 admin center's "add multiple users" template (User Name,
/// First Name, Last Name, Display Name, Job Title, … — docs/decisions/0033),
/// or by Polish headers.
pub const IMPORT_COLUMNS: [Column; 6] = [
    Column::required("display_name", &["Display Name", "Nazwa wyświetlana"]),
    Column::required(
        "user_name",
        &[
            "User Name",
            "Username",
            "User principal name",
            "UPN",
            "Nazwa użytkownika",
        ],
    ),
    Column::optional("first_name", &["First Name", "Imię"]),
    Column::optional("last_name", &["Last Name", "Nazwisko"]),
    Column::optional("job_title", &["Job Title", "Stanowisko"]),
    Column::optional("admin_role", &["Admin role", "Rola administratora"]),
];

fn row(row: &CsvRow<'_>) -> Result<ValidUser> {
    validate_input(&CustomerUserInput {
        display_name: row.get("display_name"),
        user_name: row.get("user_name"),
        first_name: row.get("first_name"),
        last_name: row.get("last_name"),
        job_title: row.get("job_title"),
        admin_role: row.get("admin_role"),
    })
}

fn parse(file: &ImportFile) -> Result<Parsed<ValidUser>> {
    imports::parse(file, &IMPORT_COLUMNS, row)
}

/// Checks the permission, the customer, and each row's domain and uniqueness
/// against the database and the rows before it in the file.
fn prepare<C>(
    guarded: &Guarded<'_, C>,
    actor: &Actor,
    customer_id: &str,
    parsed: Parsed<ValidUser>,
) -> Result<(Vec<ValidUser>, ImportReport)> {
    require_for_customer(guarded, actor, Action::ManageCustomerUsers, customer_id)?;
    let conn = guarded.connection();
    let customer = customer_for_write(conn, customer_id)?;
    let mut seen = HashSet::new();
    let (valid, report) = imports::check(parsed.rows, |user| {
        check_placement(conn, &customer, user, None)?;
        Ok(if seen.insert(user.user_name_key.clone()) {
            None
        } else {
            imports::repeated("user_name", &user.user_name)
        })
    })?;
    let file = Some(parsed.reading);
    Ok((valid, ImportReport { file, ..report }))
}

fn import_target(customer_id: &str) -> Target {
    Target {
        kind: "customer",
        id: Some(customer_id.to_owned()),
        label: "CSV import of users".into(),
    }
}

/// What an import would do, without writing anything.
pub fn preview_import(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    file: &ImportFile,
) -> Result<ImportReport> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let parsed = parse(file)?;
    guarded_read(
        store,
        clock,
        actor,
        "customer_user.import",
        import_target(&customer_id),
        |conn| Ok(prepare(conn, actor, &customer_id, parsed)?.1),
    )
}

/// Imports in one transaction. `progress(done, total)` is called as rows are
/// written; setting `cancel` rolls the whole import back.
#[allow(clippy::too_many_arguments)]
pub fn apply_import(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    file: &ImportFile,
    mode: ImportMode,
    progress: &dyn Fn(u32, u32),
    cancel: &AtomicBool,
) -> Result<(ImportReport, Option<Change>)> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let parsed = parse(file)?;
    let now = to_rfc3339(clock.now())?;
    let job = ImportJob {
        audit_action: "customer_user.import",
        target: import_target(&customer_id),
        change: Change::one(Entity::CustomerUser, customer_id.clone()),
        noun: text!("user", "użytkownika"),
    };
    imports::apply(
        store,
        clock,
        actor,
        job,
        mode,
        progress,
        cancel,
        |conn| prepare(conn, actor, &customer_id, parsed),
        |tx, user| {
            let id = new_id();
            insert(tx, &customer_id, user, &id, &now)?;
            Ok(id)
        },
    )
}
