//! A customer's users exported in the Microsoft 365 admin center's "Add
//! multiple users" shape (docs/decisions/0033 §2, 0039): the template's 16
//! English headers in Microsoft's order, so the file imports into the admin
//! center — which matches columns by position — and back into Partnerdesk,
//! whose users import reads these headers as aliases.

use std::io::Write;

use rusqlite::params_from_iter;

use super::{filters, user, CustomerUser, CustomerUserQuery, COLUMNS_SQL};
use crate::access::{guarded_read, require_for_customer, Action};
use crate::audit::Target;
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::Result;
use crate::exports::{
    render_export_audited, Column, ExportFormat, ExportTarget, RenderedExport, TableWriter, Value,
};
use crate::ids::parse_id;
use crate::store::Store;

/// A template column Partnerdesk keeps nothing for: written empty.
const fn empty(header: &'static str, width: f64) -> Column<CustomerUser> {
    Column::new(header, width, |_| Value::Empty)
}

/// The admin center's template, column for column ("you must not change the
/// order of the labels"). Admin roles are not in it: the admin center grants
/// roles elsewhere, and a file that made a global admin on import would be a
/// hazard.
pub const ADMIN_CENTER_COLUMNS: [Column<CustomerUser>; 16] = [
    Column::new("User Name", 32.0, |u| Value::text(&u.user_name)),
    Column::new("First Name", 16.0, |u| Value::text(&u.first_name)),
    Column::new("Last Name", 18.0, |u| Value::text(&u.last_name)),
    Column::new("Display Name", 26.0, |u| Value::text(&u.display_name)),
    Column::new("Job Title", 22.0, |u| Value::text(&u.job_title)),
    empty("Department", 16.0),
    empty("Office Number", 14.0),
    empty("Office Phone", 14.0),
    empty("Mobile Phone", 14.0),
    empty("Fax", 12.0),
    empty("Alternate email address", 24.0),
    empty("Address", 24.0),
    empty("City", 16.0),
    empty("State or Province", 16.0),
    empty("ZIP or Postal Code", 12.0),
    empty("Country or Region", 16.0),
];

fn list_target(customer_id: &str) -> Target {
    Target {
        kind: "customer",
        id: Some(customer_id.to_owned()),
        label: "user list".into(),
    }
}

/// Writes the customer's users matching the query's filters (every page),
/// sorted by name, in the admin center's shape. Needs the same permission as
/// seeing them.
pub fn export_list(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    query: &CustomerUserQuery,
    format: impl Into<ExportFormat>,
    out: impl Write,
) -> Result<u64> {
    let customer_id = parse_id("customer_id", customer_id)?;
    let target = list_target(&customer_id);
    guarded_read(
        store,
        clock,
        actor,
        "customer_user.export",
        target,
        |conn| {
            require_for_customer(conn, actor, Action::ViewCustomerUsers, &customer_id)?;
            let (clauses, values) = filters(&customer_id, query)?;
            let sql = format!(
                "SELECT {COLUMNS_SQL} FROM customer_users WHERE {} ORDER BY fold(display_name), id",
                clauses.join(" AND ")
            );
            let mut statement = conn.prepare(&sql)?;
            let rows = statement.query_map(params_from_iter(values.iter()), user)?;
            let mut table = TableWriter::start(out, format.into(), "Users", &ADMIN_CENTER_COLUMNS)?;
            for row in rows {
                table.push(&row?)?;
            }
            table.finish()
        },
    )
}

/// [`export_list`] rendered, audited against the customer.
pub fn export_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    customer_id: &str,
    query: &CustomerUserQuery,
    format: impl Into<ExportFormat>,
) -> Result<RenderedExport> {
    let format = format.into();
    let what = ExportTarget {
        kind: "user",
        action: "customer_user.export",
        target: list_target(customer_id),
    };
    render_export_audited(store, clock, actor, what, format, |out| {
        export_list(store, clock, actor, customer_id, query, format, out)
    })
}
