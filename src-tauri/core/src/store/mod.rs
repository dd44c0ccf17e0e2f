//! The SQLite store: one file, one writer connection, one read-only connection.

mod checksum;
mod connection;
mod migrations;
mod paths;
pub mod replication;
#[cfg(test)]
mod replication_tests;
mod snapshot;
#[cfg(test)]
mod team_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod timestamp_tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use rusqlite::{Connection, Transaction, TransactionBehavior};

use crate::audit::head::{self, HeadTracker};
use crate::clock::{Clock, SystemClock};
use crate::error::{Error, Result};

pub use connection::BUSY_TIMEOUT;
pub use migrations::{latest_version, migrations, MigrationReport};
pub use paths::{data_dir, export_dir, DATABASE_FILE, DATA_DIR_ENV, EXPORT_DIR_ENV};
pub use replication::{CapturedWrite, CommitGate, LoggedChange, Scope};
pub use snapshot::Snapshot;

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
    /// Team mode's gate (decision 0047): set, every write's row changes are
    /// recorded and handed to it before the commit. Unset (standalone), no
    /// recording is attached at all.
    gate: Option<Arc<dyn CommitGate>>,
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
            gate: None,
        })
    }

    /// [`Store::open`] with a commit gate: no write commits unless `gate`
    /// accepted its changes. Opening (migrations included) is not gated: every
    /// copy migrates its own schema.
    pub fn open_gated(path: &Path, gate: Arc<dyn CommitGate>) -> Result<Store> {
        let mut store = Store::open(path)?;
        store.gate = Some(gate);
        Ok(store)
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
    /// With a gate, the transaction's changes go to the gate first, and an
    /// error from it rolls everything back.
    pub fn write<T>(&self, work: impl FnOnce(&Transaction<'_>) -> Result<T>) -> Result<T> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        head::forget_appended();
        let value = match &self.gate {
            None => work(&tx)?,
            Some(gate) => {
                let session = replication::record(&tx)?;
                let value = work(&tx)?;
                let captured = replication::captured(session, self.migration.to_version)?;
                if let Some(change) = captured {
                    if let Some(seq) = gate.before_commit(&change)? {
                        replication::set_position(&tx, seq)?;
                    }
                }
                value
            }
        };
        tx.commit()?;
        if let Some(appended) = head::take_appended() {
            self.audit_head.committed(&appended);
        }
        self.commits.fetch_add(1, Ordering::Relaxed);
        Ok(value)
    }

    /// Applies the next change of the team's log, in one transaction with the
    /// move of this copy's position: all of it or, on any conflict (decision
    /// 0047's policy) or when it is not the next change, none of it. This
    /// store's triggers rebuild the derived tables meanwhile.
    pub fn apply_change(&self, change: &LoggedChange<'_>) -> Result<()> {
        let mut conn = lock(&self.writer)?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        replication::check_next(&tx, change.seq)?;
        let before = head::newest(&tx)?;
        // The shared rows first: a private row refers to them (a verifier to its staff member).
        replication::apply(&tx, change.changeset)?;
        replication::apply(&tx, change.private_changeset)?;
        replication::set_position(&tx, change.seq)?;
        let after = head::newest(&tx)?;
        tx.commit()?;
        if after.seq != before.seq {
            self.audit_head.committed(&after);
        }
        self.commits.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }

    /// A hash of every row of every table `scope` holds, derived ones
    /// included (decision 0047): equal on a replica and its source when they
    /// hold the same data. Each copy's own bookkeeping is left out.
    pub fn content_checksum(&self, scope: Scope) -> Result<String> {
        // The writer, not the read-only reader: the full-text index is read
        // through a temporary vocabulary table, which the reader may not create.
        let conn = lock(&self.writer)?;
        let tx = conn.unchecked_transaction()?;
        let sum = checksum::checksum(&tx, scope)?;
        tx.commit()?;
        Ok(sum)
    }

    /// The last change of the team's log this copy holds (0 standalone).
    pub fn position(&self) -> Result<i64> {
        self.read(replication::position)
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
