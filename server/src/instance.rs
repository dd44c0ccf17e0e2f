//! One server instance's working copy (decision 0051): a SQLite cache of the
//! log in `--data-dir`, rebuilt from PostgreSQL at start, caught up before
//! every use, written only by commands executed under the command lock.
//!
//! Everything here is synchronous and runs on blocking threads (the core is
//! synchronous); PostgreSQL is reached through the runtime's handle.
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use deadpool_postgres::{Object, Pool};
use partnerdesk_core::error::Result as CoreResult;
use partnerdesk_core::store::{LoggedChange, Scope, Store};
use tokio::runtime::Handle;
use uuid::Uuid;

use crate::error::ServerError;
use crate::gate::{LogGate, Running};
use crate::log;
use crate::snapshots;

/// Held (session-level) by the instance executing a command, from catching
/// up to its last append: commands of all instances run one at a time, each
/// on the newest state.
pub const COMMAND_LOCK: i64 = 0x5044_434d_4421; // "PDCMD!"

pub struct Instance {
    pub pool: Pool,
    rt: Handle,
    gate: Arc<LogGate>,
    copy: Mutex<Store>,
    data_dir: PathBuf,
    generation: AtomicU64,
}

/// What a command left: the core's result, the last change it wrote, and
/// the log's head afterwards.
pub struct Ran<T> {
    pub result: CoreResult<T>,
    pub last_seq: Option<i64>,
    pub head: i64,
}

/// A connection holding the command lock. Dropped without [`Lease::release`]
/// (an error path), it is closed instead of going back to the pool, so
/// PostgreSQL frees the lock with the session.
struct Lease(Option<Object>);

impl Lease {
    fn client(&self) -> &Object {
        self.0
            .as_ref()
            .expect("a lease holds its connection until released")
    }

    fn release(mut self, rt: &Handle) -> Result<(), ServerError> {
        let client = self.0.take().expect("released once");
        rt.block_on(client.execute("SELECT pg_advisory_unlock($1)", &[&COMMAND_LOCK]))
            .map(drop)
            .map_err(|e| {
                drop(Object::take(client));
                ServerError::from(e)
            })
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        if let Some(client) = self.0.take() {
            drop(Object::take(client));
        }
    }
}

impl Instance {
    /// Opens the working copy in `data_dir`, rebuilt from PostgreSQL when it
    /// is missing or cannot follow the log. Call on a blocking thread.
    pub fn open(pool: Pool, rt: Handle, data_dir: &Path) -> Result<Arc<Instance>, ServerError> {
        std::fs::create_dir_all(data_dir)
            .map_err(|e| ServerError::Config(format!("--data-dir {}: {e}", data_dir.display())))?;
        let gate = LogGate::new(rt.clone());
        let path = data_dir.join("copy-0.sqlite3");
        let store = rebuild(&pool, &rt, &gate, &path, true)?;
        let instance = Instance {
            pool,
            rt,
            gate,
            copy: Mutex::new(store),
            data_dir: data_dir.to_path_buf(),
            generation: AtomicU64::new(0),
        };
        instance.with_copy(|_| Ok(()))?;
        Ok(Arc::new(instance))
    }

    fn lock_copy(&self) -> MutexGuard<'_, Store> {
        self.copy.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `read` on the copy caught up to the log's head.
    pub fn with_copy<T>(
        &self,
        read: impl FnOnce(&Store) -> Result<T, ServerError>,
    ) -> Result<T, ServerError> {
        let mut copy = self.lock_copy();
        let client = self.rt.block_on(self.pool.get())?;
        self.catch_up_or_rebuild(&mut copy, &client)?;
        drop(client);
        read(&copy)
    }

    /// Executes `work` as one command: under the command lock, on the copy
    /// caught up, with the gate appending each write to the log. `known`
    /// looks up an earlier outcome under the lock (a retry); `record` stores
    /// this one's before the lock is released.
    pub fn run<T, K>(
        &self,
        command_id: Uuid,
        actor: &str,
        known: impl FnOnce(&Object) -> Result<Option<K>, ServerError>,
        work: impl FnOnce(&Store) -> CoreResult<T>,
        record: impl FnOnce(&Object, &Ran<T>) -> Result<(), ServerError>,
    ) -> Result<Result<Ran<T>, K>, ServerError> {
        let mut copy = self.lock_copy();
        let client = self.rt.block_on(self.pool.get())?;
        let lease = Lease(Some(client));
        self.rt.block_on(
            lease
                .client()
                .execute("SELECT pg_advisory_lock($1)", &[&COMMAND_LOCK]),
        )?;
        self.catch_up_or_rebuild(&mut copy, lease.client())?;
        if let Some(earlier) = known(lease.client())? {
            lease.release(&self.rt)?;
            return Ok(Err(earlier));
        }
        let mut lease = lease;
        self.gate.begin(Running {
            client: lease.0.take().expect("held"),
            command_id,
            actor: actor.to_owned(),
            part: 0,
            head: copy.position()?,
            last_seq: None,
            failed: None,
        });
        // A panic in the core must not leave the lock's connection in the
        // gate: every instance would wait for the lock forever.
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&copy)));
        let running = self.gate.end().expect("the gate keeps the running command");
        let lease = Lease(Some(running.client));
        let Ok(result) = result else {
            drop(lease); // closed, not pooled: PostgreSQL frees the lock
            return Err(ServerError::Config(format!(
                "command {command_id} stopped on a bug (a panic); nothing more of it was kept"
            )));
        };
        if let Some(failed) = running.failed {
            // Committed in PostgreSQL or not: the copy rolled back either way,
            // and the next catch-up brings it in if it was.
            return Err(ServerError::Unavailable(failed));
        }
        let ran = Ran {
            result,
            last_seq: running.last_seq,
            head: running.head,
        };
        record(lease.client(), &ran)?;
        lease.release(&self.rt)?;
        Ok(Ok(ran))
    }

    pub fn runtime(&self) -> &Handle {
        &self.rt
    }

    fn catch_up_or_rebuild(&self, copy: &mut Store, client: &Object) -> Result<(), ServerError> {
        let caught_up = if self.workspace_imported(copy, client)? {
            Err(ServerError::SnapshotRequired(0))
        } else {
            catch_up(copy, client, &self.rt)
        };
        match caught_up {
            Err(ServerError::SnapshotRequired(_)) | Err(ServerError::Stale { .. }) => {
                let next = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
                let path = self.data_dir.join(format!("copy-{next}.sqlite3"));
                let fresh = rebuild(&self.pool, &self.rt, &self.gate, &path, false)?;
                let old = std::mem::replace(copy, fresh);
                let old_path = old.path().to_path_buf();
                drop(old);
                remove_copy(&old_path);
                catch_up(copy, client, &self.rt)
            }
            other => other,
        }
    }
}

impl Instance {
    /// A copy that never had a workspace while PostgreSQL holds a snapshot:
    /// a workspace was imported since this instance started (decision 0055).
    fn workspace_imported(&self, copy: &Store, client: &Object) -> Result<bool, ServerError> {
        let has_staff = partnerdesk_core::setup::is_set_up(copy)?;
        if copy.position()? != 0 || has_staff {
            return Ok(false);
        }
        Ok(self
            .rt
            .block_on(
                client.query_one("SELECT exists(SELECT 1 FROM snapshots WHERE complete)", &[]),
            )?
            .get(0))
    }
}

/// Applies every change after the copy's position. `SnapshotRequired` when
/// the next one was pruned; `Stale` when the copy is ahead of the log (it
/// cannot be trusted: rebuilt).
fn catch_up(copy: &Store, client: &Object, rt: &Handle) -> Result<(), ServerError> {
    loop {
        let at = copy.position()?;
        let changes = rt.block_on(log::read_after(&***client, at, log::MAX_READ, true))?;
        let Some(first) = changes.first() else {
            let head = rt.block_on(log::head_of(&***client))?;
            if at > head {
                return Err(ServerError::Stale { local: at, head });
            }
            return Ok(());
        };
        if first.seq != at + 1 {
            return Err(ServerError::SnapshotRequired(at + 1));
        }
        for change in &changes {
            refuse_other_schema(change.seq, change.schema_version, copy)?;
            copy.apply_change(&LoggedChange {
                seq: change.seq,
                changeset: &change.changeset,
                private_changeset: &change.private_changeset,
            })?;
        }
    }
}

/// A copy at `path` the log can follow: the file there if it is not ahead of
/// the log and its next change is kept, else the newest stored snapshot, else
/// a new database.
fn rebuild(
    pool: &Pool,
    rt: &Handle,
    gate: &Arc<LogGate>,
    path: &Path,
    reuse: bool,
) -> Result<Store, ServerError> {
    let client = rt.block_on(pool.get())?;
    let head = rt.block_on(log::head_of(&**client))?;
    let pruned = rt.block_on(log::pruned_through(&**client))?;
    if reuse && path.exists() {
        let kept = Store::open_gated(path, gate.clone())?;
        let at = kept.position()?;
        if at <= head && at >= pruned {
            return Ok(kept);
        }
        tracing::warn!(
            at,
            head,
            pruned,
            "the working copy cannot follow the log: rebuilt"
        );
        drop(kept);
    }
    remove_copy(path);
    if let Some(position) = rt.block_on(snapshots::restore_latest(&client, path))? {
        tracing::info!(position, "working copy restored from the stored snapshot");
    }
    Ok(Store::open_gated(path, gate.clone())?)
}

fn remove_copy(path: &Path) {
    let head = partnerdesk_core::audit::head::head_file_path(path);
    for file in [
        path.to_path_buf(),
        head,
        PathBuf::from(format!("{}-wal", path.display())),
        PathBuf::from(format!("{}-shm", path.display())),
    ] {
        let _ = std::fs::remove_file(file);
    }
}

/// A snapshot of the caught-up copy: what `GET /snapshot` sends and what is
/// stored in PostgreSQL.
pub fn snapshot_of(
    copy: &Store,
    scope: Scope,
    into: &Path,
) -> Result<(i64, Vec<u8>, Vec<u8>), ServerError> {
    let taken = copy.snapshot_into(into, scope)?;
    let bytes = std::fs::read(into).map_err(|e| ServerError::Config(e.to_string()))?;
    let head = std::fs::read(partnerdesk_core::audit::head::head_file_path(into))
        .map_err(|e| ServerError::Config(e.to_string()))?;
    Ok((taken.position, bytes, head))
}

/// A change recorded at another schema than this copy's is never applied:
/// SQLite skips a changeset's rows for a table whose columns differ, so the
/// copy would silently lose them. An instance older than the log stops here
/// with what to do; upgrading a workspace across a migration is the admin's
/// step (README, "Run a team server").
fn refuse_other_schema(seq: i64, logged: i32, copy: &Store) -> Result<(), ServerError> {
    let ours = copy.schema_version()?;
    if usize::try_from(logged).ok() == Some(ours) {
        return Ok(());
    }
    Err(ServerError::Config(format!(
        "change {seq} was recorded at schema version {logged} and this server's copy is at {ours}: \
         every instance of one workspace must run the same Partnerdesk version \
         (partnerdesk-server {}); update this one",
        env!("CARGO_PKG_VERSION")
    )))
}
