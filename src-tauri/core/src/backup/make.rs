//! Making a backup: SQLite's online backup API, a check, then the final name.

use std::fs;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use rusqlite::backup::{Backup, StepResult};
use rusqlite::{Connection, OpenFlags};

use super::files::{backups_dir, free_name, partial, sync_dir};
use super::{failure, quick_check, rotation, BackupInfo};
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::store::{Store, BUSY_TIMEOUT};

/// How often the app backs up while something changed.
pub const INTERVAL: Duration = Duration::from_secs(30 * 60);

/// Backs the store up now, then retires old backups. A failure is recorded,
/// logged and notified before it is returned (see [`failure::record`]).
pub fn create(store: &Store, clock: &dyn Clock) -> Result<BackupInfo> {
    let started = Instant::now();
    match write(store, clock) {
        Ok(info) => {
            tracing::info!(
                backup = %info.name,
                bytes = info.size_bytes,
                millis = started.elapsed().as_millis() as u64,
                "backup written and checked"
            );
            // Retiring old copies is housekeeping: the new backup stands either way.
            if let Err(error) = rotation::rotate(store.path(), clock.now()) {
                tracing::warn!(%error, "old backups could not be retired");
            }
            Ok(info)
        }
        Err(error) => {
            failure::record(store, clock, &error);
            Err(error)
        }
    }
}

fn write(store: &Store, clock: &dyn Clock) -> Result<BackupInfo> {
    let dir = backups_dir(store.path());
    fs::create_dir_all(&dir)?;
    let at = clock.now();
    let (name, path) = free_name(&dir, at)?;
    let partial = partial(&path);
    let written = copy_online(store.path(), &partial).and_then(|()| {
        quick_check(&partial).map_err(|detail| {
            Error::Internal(format!("the new backup failed its check: {detail}"))
        })?;
        fs::File::open(&partial)?.sync_all()?;
        fs::rename(&partial, &path)?;
        sync_dir(&dir)
    });
    if let Err(error) = written {
        // Never leave a half-written copy that could be mistaken for a backup.
        let _ = fs::remove_file(&partial);
        return Err(error);
    }
    Ok(BackupInfo {
        name,
        taken_at: to_rfc3339(at)?,
        size_bytes: fs::metadata(&path)?.len(),
        checked: true,
    })
}

/// Copies the database into `target` in one step of the backup API: one read
/// transaction, so the copy is one consistent moment even while the app
/// writes (in WAL mode the writers are not held up). Its own read-only
/// connection, so the app's reads are not held up either.
fn copy_online(database: &Path, target: &Path) -> Result<()> {
    let source = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(BUSY_TIMEOUT)?;
    let mut copy = Connection::open(target)?;
    {
        let backup = Backup::new(&source, &mut copy)?;
        let deadline = Instant::now() + BUSY_TIMEOUT;
        loop {
            match backup.step(-1)? {
                StepResult::Done => break,
                StepResult::More => {}
                _ if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
                _ => {
                    return Err(Error::Internal(
                        "the database stayed busy; the backup was not made".into(),
                    ))
                }
            }
        }
    }
    // A backup is one self-contained file: no write-ahead log beside it.
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    Ok(())
}

/// When to back up: every [`INTERVAL`] while something changed, and at exit.
/// It remembers the store's commit count at the last backup.
#[derive(Debug, Default)]
pub struct Schedule {
    backed_up_at: AtomicU64,
}

impl Schedule {
    /// Whether anything committed since the last backup of `store`.
    pub fn changed(&self, store: &Store) -> bool {
        store.commits() != self.backed_up_at.load(Ordering::Relaxed)
    }

    /// Notes that `store` is backed up as it is now (after a backup made elsewhere).
    pub fn mark(&self, store: &Store) {
        self.backed_up_at.store(store.commits(), Ordering::Relaxed);
    }

    /// Backs up when something changed; `None` when nothing did.
    pub fn run_if_changed(&self, store: &Store, clock: &dyn Clock) -> Option<Result<BackupInfo>> {
        if !self.changed(store) {
            return None;
        }
        // Counted before: a commit made while the copy is taken is in the next one.
        let commits = store.commits();
        let result = create(store, clock);
        // A failure leaves the mark, so the next turn tries again.
        if result.is_ok() {
            self.backed_up_at.store(commits, Ordering::Relaxed);
        }
        Some(result)
    }

    /// Forgets the last backup, for a store just swapped in.
    pub fn reset(&self) {
        self.backed_up_at.store(0, Ordering::Relaxed);
    }
}
