//! Moving a standalone workspace into an empty team server (decision 0055):
//! the admin's SQLite file becomes the server's stored snapshot, and every
//! instance rebuilds its working copy from it. Nothing is decided here that
//! the core decides: the core opens (migrates) the file and verifies its
//! audit chain; this module refuses a server that already holds a workspace.
use std::path::{Path, PathBuf};

use deadpool_postgres::Pool;
use partnerdesk_core::audit;
use partnerdesk_core::store::{Scope, Store};

use crate::error::ServerError;
use crate::instance::{snapshot_of, COMMAND_LOCK};
use crate::snapshots;

/// What was imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    /// The log position the workspace starts at (0 for a standalone database).
    pub position: i64,
    pub staff: i64,
    pub customers: i64,
    pub audit_entries: i64,
    pub bytes: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{file}: {why}")]
    File { file: String, why: String },
    #[error(
        "the team server already holds a workspace ({what}): a workspace is imported only \
         into an empty server, so nothing of the team's is overwritten"
    )]
    NotEmpty { what: String },
    #[error("{0}")]
    Server(#[from] ServerError),
}

/// The workspace in `file`, checked and written into a temporary copy. The
/// admin's file is never changed (not even migrated): the copy is opened.
pub struct Workspace {
    file: PathBuf,
    _dir: tempfile::TempDir,
    store: Store,
}

impl Workspace {
    /// Copies `file` (with its write-ahead log and audit head file, when
    /// present), opens the copy with the core and verifies its audit chain.
    pub fn open(file: &Path) -> Result<Workspace, ImportError> {
        let refuse = |why: String| ImportError::File {
            file: file.display().to_string(),
            why,
        };
        if !file.is_file() {
            return Err(refuse(
                "no such file (give the standalone database, partnerdesk.sqlite3)".into(),
            ));
        }
        let dir = tempfile::tempdir().map_err(|e| refuse(e.to_string()))?;
        let copy = dir.path().join("import.sqlite3");
        for (from, to) in companions(file).into_iter().zip(companions(&copy)) {
            if from.exists() {
                std::fs::copy(&from, &to)
                    .map_err(|e| refuse(format!("cannot copy {}: {e}", from.display())))?;
            }
        }
        let store = Store::open(&copy)
            .map_err(|e| refuse(format!("not a Partnerdesk database, or a damaged one: {e}")))?;
        let staff = count(&store, "staff").map_err(|e| refuse(e.to_string()))?;
        if staff == 0 {
            return Err(refuse(
                "holds no workspace: nobody was ever set up in it (no staff)".into(),
            ));
        }
        let verified = audit::verify(&store).map_err(|e| refuse(e.to_string()))?;
        if !verified.intact {
            let findings: Vec<String> = verified
                .findings
                .iter()
                .map(|f| f.text.en.clone())
                .collect();
            return Err(refuse(format!(
                "its audit chain does not verify, so it is not imported: {}",
                findings.join(" ")
            )));
        }
        Ok(Workspace {
            file: file.to_path_buf(),
            _dir: dir,
            store,
        })
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Stores the workspace as the server's snapshot, in one PostgreSQL
    /// transaction holding the command lock: no instance executes a command
    /// (a set-up, say) between the emptiness check and the snapshot. Call on
    /// a blocking thread with a runtime handle, or from async code.
    pub async fn import_into(&self, pool: &Pool) -> Result<Imported, ImportError> {
        let refuse = |why: String| ImportError::File {
            file: self.file.display().to_string(),
            why,
        };
        let snapshot_dir = tempfile::tempdir().map_err(|e| refuse(e.to_string()))?;
        let (position, bytes, audit_head) = snapshot_of(
            &self.store,
            Scope::Everything,
            &snapshot_dir.path().join("snapshot.sqlite3"),
        )?;
        let imported = Imported {
            position,
            staff: count(&self.store, "staff").map_err(|e| refuse(e.to_string()))?,
            customers: count(&self.store, "customers").map_err(|e| refuse(e.to_string()))?,
            audit_entries: count(&self.store, "audit_log").map_err(|e| refuse(e.to_string()))?,
            bytes: bytes.len(),
        };
        crate::db::migrate(pool).await?;
        let mut client = pool.get().await.map_err(ServerError::from)?;
        let tx = client.transaction().await.map_err(ServerError::from)?;
        tx.execute("SELECT pg_advisory_xact_lock($1)", &[&COMMAND_LOCK])
            .await
            .map_err(ServerError::from)?;
        let row = tx
            .query_one(
                "SELECT (SELECT count(*) FROM changes), (SELECT count(*) FROM snapshots),
                        (SELECT pruned_through FROM log_retention WHERE id = 1)",
                &[],
            )
            .await
            .map_err(ServerError::from)?;
        let (changes, stored, pruned): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if changes > 0 || stored > 0 || pruned > 0 {
            return Err(ImportError::NotEmpty {
                what: format!(
                    "{changes} changes in its log, {stored} stored snapshots, \
                     {pruned} changes pruned"
                ),
            });
        }
        // A copy at position P goes on from change P + 1: the log's head starts there.
        tx.execute(
            "UPDATE log_retention SET pruned_through = $1 WHERE id = 1",
            &[&position],
        )
        .await
        .map_err(ServerError::from)?;
        snapshots::store(&*tx, position, &bytes, &audit_head).await?;
        tx.commit().await.map_err(ServerError::from)?;
        Ok(imported)
    }
}

/// The database file and the files the core keeps beside it, in one order.
fn companions(database: &Path) -> [PathBuf; 3] {
    [
        database.to_path_buf(),
        PathBuf::from(format!("{}-wal", database.display())),
        audit::head::head_file_path(database),
    ]
}

fn count(store: &Store, table: &str) -> partnerdesk_core::error::Result<i64> {
    store.read(|conn| {
        Ok(conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
    })
}
