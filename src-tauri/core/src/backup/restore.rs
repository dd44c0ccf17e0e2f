//! Putting a backup in place of the database. The file it replaces is never
//! deleted: it is set aside with its companions (`<db>.damaged-<time>`,
//! `<db>.before-restore-<time>`), so a wrong choice can be undone by hand.

use std::fs;
use std::path::{Path, PathBuf};

use super::files::{backups_dir, resolve, stamp, sync_dir, with_suffix, COMPANION_SUFFIXES};
use super::{list, quick_check, BackupInfo};
use crate::audit::{self, ActorRef, Event, Target};
use crate::clock::Clock;
use crate::error::{Error, Result};
use crate::store::Store;

/// Moves the database and its companions aside as `<db>.<label>-<time>` (and
/// `<db>.<label>-<time><suffix>`); returns the new path of the database.
/// The store must be closed. A missing database moves nothing.
pub fn set_aside(database: &Path, label: &str, clock: &dyn Clock) -> Result<PathBuf> {
    let mut at = clock.now();
    let aside = loop {
        let candidate = with_suffix(database, &format!(".{label}-{}", stamp(at)?));
        if !candidate.exists() {
            break candidate;
        }
        at += time::Duration::milliseconds(1);
    };
    if database.exists() {
        fs::rename(database, &aside)?;
    }
    for suffix in COMPANION_SUFFIXES {
        let companion = with_suffix(database, suffix);
        if companion.exists() {
            fs::rename(&companion, with_suffix(&aside, suffix))?;
        }
    }
    sync_dir(database.parent().unwrap_or_else(|| Path::new(".")))?;
    tracing::warn!(from = %database.display(), to = %aside.display(), "database set aside");
    Ok(aside)
}

/// Copies `backup` to `database` (written beside it, then renamed). The
/// database and its companions must have been set aside.
fn put_in_place(database: &Path, backup: &Path) -> Result<()> {
    let incoming = with_suffix(database, ".restoring");
    fs::copy(backup, &incoming)?;
    fs::File::open(&incoming)?.sync_all()?;
    fs::rename(&incoming, database)?;
    sync_dir(database.parent().unwrap_or_else(|| Path::new(".")))
}

fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// The one step after any restore, once the restored store is open: the audit
/// head re-anchored to the restored log, then the entry `backup.restored`
/// naming the backup.
pub fn after_restore(
    store: &Store,
    clock: &dyn Clock,
    actor: &ActorRef,
    from: &Path,
) -> Result<()> {
    let name = name_of(from);
    // The restored log ends where the backup was taken: newer entries are
    // gone on purpose, so the head is re-anchored — audited, recording the
    // head file it replaces — rather than reported as deleted entries
    // (docs/decisions/0029). The replaced file's head went aside with it.
    audit::reanchor_audit_head(
        store,
        clock,
        actor,
        &format!("the database was restored from the backup {name}"),
    )?;
    let event = Event {
        detail: format!("the database was replaced by the backup {name}"),
        ..Event::done(
            actor.clone(),
            "backup.restored",
            Target {
                kind: "backup",
                id: None,
                label: name,
            },
        )
    };
    audit::record(store, clock, &event)?;
    Ok(())
}

/// Replaces the (closed) database with `backup`, setting the current file
/// aside as `before-restore`; opens the restored store. For Settings →
/// Backups, after [`super::prepare_restore_as`] allowed it.
pub fn restore_closed(
    database: &Path,
    backup: &Path,
    clock: &dyn Clock,
    actor: &ActorRef,
) -> Result<(Store, PathBuf)> {
    let aside = set_aside(database, "before-restore", clock)?;
    put_in_place(database, backup)?;
    let store = Store::open(database)?;
    after_restore(&store, clock, actor, backup)?;
    Ok((store, aside))
}

/// What recovery did.
pub struct Recovered {
    pub store: Store,
    pub restored: BackupInfo,
    pub set_aside: PathBuf,
    /// Newer backups that failed their check (renamed `<name>.failed-check`).
    pub skipped: Vec<String>,
}

/// Recovery from a damaged database, with nobody signed in (nobody can sign
/// in to an unreadable file): the chosen backup, or the newest that passes
/// `PRAGMA quick_check`, replaces the database, which is set aside as
/// `damaged`. Audited in the restored log as anonymous.
pub fn recover(database: &Path, clock: &dyn Clock, chosen: Option<&str>) -> Result<Recovered> {
    let mut skipped = Vec::new();
    let good = match chosen {
        Some(name) => {
            let path = resolve(database, name)?;
            quick_check(&path).map_err(|detail| {
                let shown = crate::validate::shown(name);
                Error::validation(
                    "name",
                    text!(
                        "The backup {shown} is damaged too (SQLite says: {detail}). Choose another.",
                        "Kopia {shown} również jest uszkodzona (komunikat SQLite: {detail}). Wybierz inną."
                    ),
                )
            })?;
            list(database)?
                .into_iter()
                .find(|b| b.name == name)
                .ok_or_else(|| Error::Internal(format!("backup {name} vanished")))?
        }
        None => newest_good(database, &mut skipped)?,
    };
    let from = backups_dir(database).join(&good.name);
    let aside = set_aside(database, "damaged", clock)?;
    put_in_place(database, &from)?;
    let store = Store::open(database)?;
    after_restore(&store, clock, &ActorRef::anonymous(), &from)?;
    tracing::warn!(backup = %good.name, "database recovered from a backup");
    Ok(Recovered {
        store,
        restored: good,
        set_aside: aside,
        skipped,
    })
}

fn newest_good(database: &Path, skipped: &mut Vec<String>) -> Result<BackupInfo> {
    let dir = backups_dir(database);
    for backup in list(database)? {
        let path = dir.join(&backup.name);
        match quick_check(&path) {
            Ok(()) => return Ok(backup),
            Err(detail) => {
                tracing::error!(backup = %backup.name, %detail, "a backup failed its check");
                fs::rename(&path, with_suffix(&path, ".failed-check"))?;
                skipped.push(backup.name);
            }
        }
    }
    let folder = dir.display().to_string();
    Err(Error::invalid_state(text!(
        "There is no good backup in {folder} to restore.",
        "W folderze {folder} nie ma dobrej kopii zapasowej do przywrócenia."
    )))
}
