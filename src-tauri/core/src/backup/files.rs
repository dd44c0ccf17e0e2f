//! Where backups live and what they are called.

use std::fs;
use std::path::{Path, PathBuf};

use time::format_description::BorrowedFormatItem;
use time::{Duration, OffsetDateTime, PrimitiveDateTime, UtcOffset};

use super::BackupInfo;
use crate::clock::to_rfc3339;
use crate::error::{Error, Result};

/// The folder beside the database that holds the backups.
pub const BACKUP_DIR: &str = "backups";

/// Files that belong to the database and travel with it whenever it is set
/// aside or replaced: SQLite's write-ahead log and its index, and the audit
/// log's head file. `<db><suffix>` for each.
pub const COMPANION_SUFFIXES: &[&str] = &["-wal", "-shm", ".audit-head"];

const PREFIX: &str = "partnerdesk-";
const EXTENSION: &str = ".sqlite3";
/// UTC to the millisecond, fixed width: name order is time order.
const STAMP: &[BorrowedFormatItem<'static>] = time::macros::format_description!(
    "[year][month][day]T[hour][minute][second].[subsecond digits:3]Z"
);

pub fn backups_dir(database: &Path) -> PathBuf {
    database
        .parent()
        .unwrap_or_else(|| Path::new("."))
        .join(BACKUP_DIR)
}

pub(crate) fn stamp(at: OffsetDateTime) -> Result<String> {
    at.to_offset(UtcOffset::UTC)
        .format(STAMP)
        .map_err(|e| Error::Internal(format!("cannot format a backup time: {e}")))
}

pub(crate) fn file_name(at: OffsetDateTime) -> Result<String> {
    Ok(format!("{PREFIX}{}{EXTENSION}", stamp(at)?))
}

/// The time a backup's name says, or `None` for any other file.
pub(crate) fn taken_at(name: &str) -> Option<OffsetDateTime> {
    let stamp = name.strip_prefix(PREFIX)?.strip_suffix(EXTENSION)?;
    let stamp = stamp.strip_suffix('Z')?;
    let format = time::macros::format_description!(
        "[year][month][day]T[hour][minute][second].[subsecond digits:3]"
    );
    PrimitiveDateTime::parse(stamp, format)
        .ok()
        .map(PrimitiveDateTime::assume_utc)
}

/// A free backup name in `dir` at `at`, a millisecond later while one is taken.
pub(crate) fn free_name(dir: &Path, mut at: OffsetDateTime) -> Result<(String, PathBuf)> {
    loop {
        let name = file_name(at)?;
        let path = dir.join(&name);
        if !path.exists() && !partial(&path).exists() {
            return Ok((name, path));
        }
        at += Duration::milliseconds(1);
    }
}

/// Where a backup is written before it passed its check.
pub(crate) fn partial(path: &Path) -> PathBuf {
    with_suffix(path, ".partial")
}

/// `path` with `suffix` added to its file name.
pub(crate) fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(suffix);
    path.with_file_name(name)
}

/// Every backup in the folder beside `database`, newest first. A missing
/// folder (or a file where it should be: the failure says so) is an empty list.
pub fn list(database: &Path) -> Result<Vec<BackupInfo>> {
    let dir = backups_dir(database);
    if !dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = fs::read_dir(&dir)?;
    let mut found = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(at) = taken_at(&name) else { continue };
        let meta = entry.metadata()?;
        if !meta.is_file() {
            continue;
        }
        found.push((
            at,
            BackupInfo {
                taken_at: to_rfc3339(at)?,
                name,
                size_bytes: meta.len(),
                checked: true,
            },
        ));
    }
    found.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| b.1.name.cmp(&a.1.name)));
    Ok(found.into_iter().map(|(_, info)| info).collect())
}

/// The backup called `name` in the folder beside `database`. Only a name the
/// list shows is accepted: no folders, no other files.
pub(crate) fn resolve(database: &Path, name: &str) -> Result<PathBuf> {
    let path = backups_dir(database).join(name);
    let plain = !name.contains(['/', '\\']) && taken_at(name).is_some();
    if plain && path.is_file() {
        return Ok(path);
    }
    let shown = crate::validate::shown(name);
    Err(Error::validation(
        "name",
        text!(
            "'{shown}' is not one of the backups in the backups folder",
            "„{shown}” nie jest żadną z kopii zapasowych w folderze kopii"
        ),
    ))
}

/// Makes a file's rename durable: on Unix the folder holding it is synced.
pub(crate) fn sync_dir(dir: &Path) -> Result<()> {
    #[cfg(unix)]
    fs::File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
