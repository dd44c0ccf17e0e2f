//! Schema migrations: embedded SQL, applied in one transaction, with a backup first.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite_migration::{Migrations, M};

use crate::clock::Clock;
use crate::error::{Error, Result};

/// Every schema change, in order. Append only: a released migration is never edited.
pub(crate) const MIGRATIONS: &[M<'static>] = &[
    M::up(include_str!("../../migrations/0001_settings.sql")),
    M::up(include_str!(
        "../../migrations/0002_company_staff_audit.sql"
    )),
    M::up(include_str!(
        "../../migrations/0003_customers_catalog_relationships.sql"
    )),
    M::up(include_str!(
        "../../migrations/0004_search_current_customers.sql"
    )),
    M::up(include_str!(
        "../../migrations/0005_subscriptions_users_requests.sql"
    )),
    M::up(include_str!("../../migrations/0006_trial_invitations.sql")),
    M::up(include_str!("../../migrations/0007_purchase_offers.sql")),
    M::up(include_str!("../../migrations/0008_product_keys.sql")),
    M::up(include_str!("../../migrations/0009_notifications.sql")),
    M::up(include_str!(
        "../../migrations/0010_list_indexes_and_tallies.sql"
    )),
    M::up(include_str!(
        "../../migrations/0011_fixed_width_timestamps.sql"
    )),
    M::up(include_str!("../../migrations/0012_audit_append_only.sql")),
    M::up(include_str!(
        "../../migrations/0013_price_list_as_microsoft_means_it.sql"
    )),
    M::up(include_str!("../../migrations/0014_offer_matrix.sql")),
    M::up(include_str!(
        "../../migrations/0015_customer_partner_relationship.sql"
    )),
    M::up(include_str!("../../migrations/0016_licence_windows.sql")),
    M::up(include_str!(
        "../../migrations/0017_states_after_the_term_and_upgrades.sql"
    )),
    M::up(include_str!(
        "../../migrations/0018_trial_conversion_and_por_workloads.sql"
    )),
    M::up(include_str!(
        "../../migrations/0019_gdap_roles_groups_assignments.sql"
    )),
    M::up(include_str!("../../migrations/0020_notification_order.sql")),
    M::up(include_str!(
        "../../migrations/0021_team_credentials_and_position.sql"
    )),
    M::up(include_str!(
        "../../migrations/0022_replicated_notification_order.sql"
    )),
];

pub fn migrations() -> Migrations<'static> {
    Migrations::from_slice(MIGRATIONS)
}

/// The schema version this build creates and understands.
pub fn latest_version() -> usize {
    MIGRATIONS.len()
}

pub(crate) fn schema_version(conn: &Connection) -> Result<usize> {
    let version: i64 = conn.pragma_query_value(None, "user_version", |row| row.get(0))?;
    usize::try_from(version)
        .map_err(|_| Error::Internal(format!("negative schema version {version}")))
}

/// What opening the database did to its schema.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub from_version: usize,
    pub to_version: usize,
    /// The copy written before migrating; `None` when nothing was migrated or the database was new.
    pub backup: Option<PathBuf>,
}

/// Refuses a database from a newer build before anything is written to it.
pub(crate) fn refuse_if_newer(conn: &Connection, path: &Path, supported: usize) -> Result<usize> {
    let found = schema_version(conn)?;
    if found > supported {
        return Err(Error::DatabaseTooNew {
            found,
            supported,
            path: path.display().to_string(),
        });
    }
    Ok(found)
}

/// Brings a configured connection to the latest schema. An existing database
/// is copied (SQLite online backup) next to itself first; all pending
/// migrations then run in one transaction, so a failure leaves the file as it was.
pub(crate) fn migrate(
    conn: &mut Connection,
    path: &Path,
    migrations: &Migrations<'_>,
    supported: usize,
    clock: &dyn Clock,
) -> Result<MigrationReport> {
    let from_version = refuse_if_newer(conn, path, supported)?;
    if from_version == supported {
        return Ok(MigrationReport {
            from_version,
            to_version: supported,
            backup: None,
        });
    }
    let backup = if from_version > 0 {
        Some(backup_before_migration(conn, path, from_version, clock)?)
    } else {
        None
    };
    migrations.to_latest(conn)?;
    Ok(MigrationReport {
        from_version,
        to_version: schema_version(conn)?,
        backup,
    })
}

fn backup_before_migration(
    conn: &Connection,
    path: &Path,
    from_version: usize,
    clock: &dyn Clock,
) -> Result<PathBuf> {
    let stamp = clock
        .now()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .map_err(|e| Error::Internal(format!("cannot format backup name: {e}")))?;
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "partnerdesk.sqlite3".into());
    let target = path.with_file_name(format!(
        "{file_name}.before-migration.v{from_version}.{stamp}.bak"
    ));
    conn.backup(rusqlite::MAIN_DB, &target, None)?;
    Ok(target)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migration_definitions_are_valid() {
        migrations().validate().expect("migrations validate");
        assert!(latest_version() >= 1);
    }
}
