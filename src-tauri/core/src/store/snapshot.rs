//! A copy of the whole database at one position of the team's log: what a
//! new desktop downloads instead of replaying history, and what a server
//! instance rebuilds its working copy from (issue #13, decision 0050).

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use super::replication::{self, Scope, PRIVATE_TABLES};
use super::{Store, BUSY_TIMEOUT};
use crate::audit::head::{self, head_file_path, write_head_file};
use crate::error::{Error, Result};

/// What a snapshot holds and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// The last change of the log it holds: a copy opened from it goes on
    /// from the next one.
    pub position: i64,
    pub schema_version: usize,
    pub bytes: u64,
}

impl Store {
    /// Writes a consistent copy of this store into `target` (which must not
    /// exist), with the audit head file beside it so the copy opens in step.
    /// A [`Scope::Desktop`] copy holds no row of a private table, not even in
    /// its free pages. Writers are not held up: the copy is one read
    /// transaction of its own connection.
    pub fn snapshot_into(&self, target: &Path, scope: Scope) -> Result<Snapshot> {
        if target.exists() {
            return Err(Error::Internal(format!(
                "the snapshot's file {} exists already",
                target.display()
            )));
        }
        let written = write(self.path(), target, scope);
        if written.is_err() {
            // Never leave half a snapshot that could be opened as a replica.
            let _ = std::fs::remove_file(target);
            let _ = std::fs::remove_file(head_file_path(target));
        }
        let position = written?;
        Ok(Snapshot {
            position,
            schema_version: self.migration().to_version,
            bytes: std::fs::metadata(target)?.len(),
        })
    }
}

fn write(database: &Path, target: &Path, scope: Scope) -> Result<i64> {
    let source = Connection::open_with_flags(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    source.busy_timeout(BUSY_TIMEOUT)?;
    let into = target
        .to_str()
        .ok_or_else(|| Error::Internal("the snapshot's path is not valid text".into()))?;
    source.execute("VACUUM INTO ?1", [into])?;
    drop(source);
    let copy = Connection::open(target)?;
    if scope == Scope::Desktop {
        // Deleted rows would otherwise linger in free pages until reused.
        copy.pragma_update(None, "secure_delete", "ON")?;
        for table in PRIVATE_TABLES {
            copy.execute(&format!("DELETE FROM \"{table}\""), [])?;
        }
        copy.execute_batch("VACUUM")?;
    }
    copy.pragma_update(None, "journal_mode", "DELETE")?;
    let newest = head::newest(&copy)?;
    write_head_file(&head_file_path(target), &newest)?;
    replication::position(&copy)
}
