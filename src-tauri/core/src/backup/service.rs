//! Backups as staff reach them in Settings → Backups: permission-checked,
//! and audited when they change something.

use std::path::{Path, PathBuf};

use super::files::{backups_dir, resolve};
use super::{create, failure, list, quick_check, BackupInfo, BackupOverview};
use crate::access::{guarded_read, require, Action};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

fn target(label: &str) -> Target {
    Target {
        kind: "backup",
        id: None,
        label: label.to_owned(),
    }
}

fn overview(database: &Path, last_failure: Option<super::BackupFailure>) -> Result<BackupOverview> {
    let backups = list(database)?;
    let failing = match (&last_failure, backups.first()) {
        (Some(failure), Some(newest)) => failure.at > newest.taken_at,
        (Some(_), None) => true,
        (None, _) => false,
    };
    Ok(BackupOverview {
        folder: backups_dir(database).display().to_string(),
        backups,
        last_failure,
        failing,
    })
}

/// The backups, newest first, and the last failure.
pub fn overview_as(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<BackupOverview> {
    let last = guarded_read(
        store,
        clock,
        actor,
        "backup.list",
        target("backups"),
        |conn| {
            require(conn, actor, Action::ManageBackups)?;
            failure::last(conn.connection())
        },
    )?;
    overview(store.path(), last)
}

/// The recovery screen's list: no sign-in, the database cannot be read.
pub fn recovery_overview(database: &Path) -> Result<BackupOverview> {
    overview(database, None)
}

/// "Back up now": audited as `backup.create` with the backup's name.
pub fn back_up_now_as(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<BackupInfo> {
    guarded_read(
        store,
        clock,
        actor,
        "backup.create",
        target("backups"),
        |conn| require(conn, actor, Action::ManageBackups),
    )?;
    let info = create(store, clock)?;
    let event = Event {
        detail: format!("{} bytes, checked", info.size_bytes),
        ..Event::done(actor.audit_ref(), "backup.create", target(&info.name))
    };
    audit::record(store, clock, &event)?;
    Ok(info)
}

/// Asks whether `actor` may restore the backup `name` and checks the backup;
/// returns its path. Audited as `backup.restore` in the log that is about to
/// be set aside; the restored log gets `backup.restored` ([`super::after_restore`]).
pub fn prepare_restore_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    name: &str,
) -> Result<PathBuf> {
    guarded_read(
        store,
        clock,
        actor,
        "backup.restore",
        target(name),
        |conn| require(conn, actor, Action::RestoreBackups),
    )?;
    let path = resolve(store.path(), name)?;
    quick_check(&path).map_err(|detail| {
        let shown = crate::validate::shown(name);
        Error::validation(
            "name",
            text!(
                "The backup {shown} is damaged (SQLite says: {detail}); it was not restored.",
                "Kopia {shown} jest uszkodzona (komunikat SQLite: {detail}); nie została przywrócona."
            ),
        )
    })?;
    let event = Event {
        detail: "this database is set aside and replaced by the backup".into(),
        ..Event::done(actor.audit_ref(), "backup.restore", target(name))
    };
    audit::record(store, clock, &event)?;
    Ok(path)
}
