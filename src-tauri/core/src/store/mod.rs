//! The SQLite store: one file, one writer connection, one read-only connection.

mod connection;
mod migrations;
mod paths;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timestamp_tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::audit::head::{self, HeadTracker};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};

pub use connection::BUSY_TIMEOUT;
pub use migrations::{latest_version, migrations, MigrationReport};
pub use paths::{data_dir, export_dir, DATABASE_FILE, DATA_DIR_ENV, EXPORT_DIR_ENV};

pub struct Store {
    path: PathBuf,
    writer: Mutex<Connection>,
    reader: Mutex<Connection>,
    migration: MigrationReport,
    /// The audit chain's head file beside the database (docs/decisions/0029).
    audit_head: HeadTracker,
    /// Transactions committed through [`Store::write`] since opening: the
    /// backup schedule backs up only when it moved (decision 0030).
    commits: AtomicU64,
}

impl Store {
    /// Opens (creating if needed) the database in the data directory.
    pub fn open_default() -> Result<Store> {
        let dir = data_dir()?;
        std::fs::create_dir_all(&dir)?;
        Store::open(&dir.join(DATABASE_FILE))
    }

    pub fn open(path: &Path) -> Result<Store> {
        Store::open_with(path, &migrations(), latest_version(), &SystemClock)
    }

    pub(crate) fn open_with(
        path: &Path,
        migrations: &rusqlite_migration::Migrations<'_>,
        supported: usize,
        clock: &dyn Clock,
    ) -> Result<Store> {
        let mut writer = connection::open_untouched(path)?;
        migrations::refuse_if_newer(&writer, path, supported)?;
        connection::configure(&writer)?;
        let migration = migrations::migrate(&mut writer, path, migrations, supported, clock)?;
        let audit_head = HeadTracker::open(path, &writer, migration.from_version)?;
        let reader = connection::open_configured(path)?;
        // The reader can never write, whatever a bug asks of it.
        reader.pragma_update(None, "query_only", "ON")?;
        Ok(Store {
            path: path.to_path_buf(),
            writer: Mutex::new(writer),
            reader: Mutex::new(reader),
            migration,
            audit_head,
            commits: AtomicU64::new(0),
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn migration(&self) -> &MigrationReport {
        &self.migration
    }

    pub(crate) fn audit_head(&self) -> &HeadTracker {
        &self.audit_head
    }

    /// Runs `work` on the read connection. In WAL mode it never waits for a writer.
    pub fn read<T>(&self, work: impl FnOnce(&Connection) -> Result<T>) -> Result<T> {
        let conn = lock(&self.reader)?;
        work(&conn)
    }

    /// Runs `work` in an IMMEDIATE transaction: the write lock is taken up front,
    /// so two writers never deadlock upgrading a read lock. Commits when `work`
    /// returns `Ok`, rolls back on `Err` (and on panic, when the transaction drops).
    /// After a commit that appended to the audit log, the head file is written.
    pub fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        head::forget_appended();
        let value = work(&tx)?;
        tx.commit()?;
        if let Some(appended) = head::take_appended() {
            self.audit_head.committed(&appended);
        }
        self.commits.fetch_add(1, Ordering::Relaxed);
        Ok(value)
    }

    /// How many write transactions committed since the store was opened.
    pub fn commits(&self) -> u64 {
        self.commits.load(Ordering::Relaxed)
    }

    pub fn schema_version(&self) -> Result<usize> {
        self.read(migrations::schema_version)
    }
}

fn lock(mutex: &Mutex<Connection>) -> Result<MutexGuard<'_, Connection>> {
    // A panic while holding the lock rolled its transaction back on drop,
    // so the connection itself is still sound.
    mutex
        .lock()
        .or_else(|poisoned| Ok::<_, Error>(poisoned.into_inner()))
}
