//! The desktop's replica of one team server: a SQLite file the desktop reads
//! from, written only by applying the server's changes in order. Its gate
//! refuses every local write — the safety net against a side door.
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use futures_util::StreamExt;
use partnerdesk_core::change::Entity;
use partnerdesk_core::error::{Error, Result as CoreResult};
use partnerdesk_core::store::replication::tables_written;
use partnerdesk_core::store::{CapturedWrite, CommitGate, LoggedChange, Store};
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, watch};

use crate::connection::{answer, unreachable, Compatibility, Connection};
use crate::error::ClientError;
use crate::sse;

/// What the replica is doing, for the shell's status indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SyncState {
    Connecting,
    /// Waiting for a sign-in: the server sends changes to signed-in staff only.
    SignedOut,
    /// Downloading a whole copy (new replica, or too far behind the log).
    Downloading,
    Live {
        position: i64,
    },
    /// Lost the stream at `since` (RFC 3339); trying again.
    Reconnecting {
        since: String,
        attempt: u32,
    },
    /// Versions differ: read-only until one side is updated.
    NeedsUpdate {
        compatibility: Compatibility,
    },
}

/// Changes the replica applied: what open screens refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReplicaChange {
    pub seq: i64,
    pub entities: Vec<Entity>,
    /// The whole replica was replaced by a snapshot: refresh everything.
    pub replaced: bool,
}

/// A change as the server sends it.
#[derive(Debug, Deserialize)]
struct WireChange {
    seq: i64,
    schema_version: usize,
    changeset: String,
}

/// Refuses every write: a connected desktop changes nothing locally.
struct RefuseWrites;

impl CommitGate for RefuseWrites {
    fn before_commit(&self, _: &CapturedWrite) -> CoreResult<Option<i64>> {
        Err(Error::forbidden(
            "connected_to_team_server",
            partnerdesk_core::text!(
                "This desktop is connected to a team server: changes go through it.",
                "Ten komputer jest połączony z serwerem zespołu: zmiany przechodzą przez niego."
            ),
        ))
    }
}

#[derive(Clone)]
pub struct Replica {
    inner: Arc<Inner>,
}

struct Inner {
    dir: PathBuf,
    store: RwLock<Arc<Store>>,
    position: watch::Sender<i64>,
    state: watch::Sender<SyncState>,
    changes: broadcast::Sender<ReplicaChange>,
    task: Mutex<Option<tokio::task::JoinHandle<()>>>,
}

impl Replica {
    /// Opens (or creates) the replica kept in `dir` — one directory per
    /// server, never the standalone database's — and starts following
    /// `connection`. A new replica downloads the server's snapshot first.
    /// Call inside a Tokio runtime (in the shell: from an async command or
    /// `tauri::async_runtime`): the following runs as a task of it.
    pub fn open(connection: &Connection, dir: &Path) -> Result<Replica, ClientError> {
        std::fs::create_dir_all(dir).map_err(|e| ClientError::Replica(e.into()))?;
        let path = newest_file(dir).unwrap_or_else(|| dir.join("replica-0.sqlite3"));
        let store = Arc::new(Store::open_gated(&path, Arc::new(RefuseWrites))?);
        let at = store.position()?;
        let replica = Replica {
            inner: Arc::new(Inner {
                dir: dir.to_path_buf(),
                store: RwLock::new(store),
                position: watch::channel(at).0,
                state: watch::channel(SyncState::Connecting).0,
                changes: broadcast::channel(256).0,
                task: Mutex::new(None),
            }),
        };
        connection.attach(&replica);
        let task = tokio::spawn(follow(replica.clone(), connection.clone()));
        *replica.inner.task.lock().unwrap_or_else(|p| p.into_inner()) = Some(task);
        Ok(replica)
    }

    /// The store to read from. Replaced when a snapshot is downloaded
    /// ([`ReplicaChange::replaced`]): take it again after that.
    pub fn store(&self) -> Arc<Store> {
        self.inner
            .store
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub fn position(&self) -> i64 {
        *self.inner.position.borrow()
    }

    pub fn state(&self) -> watch::Receiver<SyncState> {
        self.inner.state.subscribe()
    }

    pub fn changes(&self) -> broadcast::Receiver<ReplicaChange> {
        self.inner.changes.subscribe()
    }

    /// Waits until the replica holds change `seq`; false after `within`.
    pub async fn wait_for(&self, seq: i64, within: Duration) -> bool {
        let mut position = self.inner.position.subscribe();
        tokio::time::timeout(within, position.wait_for(|at| *at >= seq))
            .await
            .is_ok_and(|r| r.is_ok())
    }

    /// Stops following the server (the file stays for the next start).
    pub fn stop(&self) {
        if let Some(task) = self
            .inner
            .task
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take()
        {
            task.abort();
        }
    }

    fn set_state(&self, state: SyncState) {
        self.inner.state.send_replace(state);
    }

    fn apply(&self, change: &WireChange) -> Result<Vec<Entity>, ClientError> {
        let store = self.store();
        if change.schema_version != store.schema_version()? {
            return Err(ClientError::Protocol(format!(
                "change {} was written at schema version {}, this replica is at {}",
                change.seq,
                change.schema_version,
                store.schema_version()?
            )));
        }
        let changeset = BASE64
            .decode(change.changeset.as_bytes())
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        store.apply_change(&LoggedChange {
            seq: change.seq,
            changeset: &changeset,
            private_changeset: &[],
        })?;
        self.inner.position.send_replace(change.seq);
        let mut entities: Vec<Entity> = Vec::new();
        for table in tables_written(&changeset)? {
            if let Some(entity) = Entity::of_table(&table) {
                if !entities.contains(&entity) {
                    entities.push(entity);
                }
            }
        }
        Ok(entities)
    }

    /// Downloads `/snapshot` into a new file and makes it the replica.
    async fn download(&self, connection: &Connection, token: &str) -> Result<(), ClientError> {
        self.set_state(SyncState::Downloading);
        let reply = connection
            .http()
            .get(format!("{}/snapshot", connection.base_url()))
            .bearer_auth(token)
            .send()
            .await
            .map_err(unreachable)?;
        if !reply.status().is_success() {
            return Err(answer(reply)
                .await
                .err()
                .unwrap_or(ClientError::Protocol("snapshot".into())));
        }
        let header = |name: &str| {
            reply
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
                .ok_or_else(|| ClientError::Protocol(format!("the snapshot lacks {name}")))
        };
        let schema: usize = header("Partnerdesk-Schema-Version")?
            .parse()
            .map_err(|_| ClientError::Protocol("schema version".into()))?;
        let audit_head = BASE64
            .decode(header("Partnerdesk-Audit-Head")?)
            .map_err(|e| ClientError::Protocol(e.to_string()))?;
        let compatibility = Compatibility::of(schema);
        if compatibility != Compatibility::Compatible {
            self.set_state(SyncState::NeedsUpdate { compatibility });
            return Err(ClientError::Protocol("the server's schema differs".into()));
        }
        let bytes = reply.bytes().await.map_err(unreachable)?;
        let current = self.store().path().to_path_buf();
        let next = next_file(&self.inner.dir, &current);
        let io = |e: std::io::Error| ClientError::Replica(e.into());
        std::fs::write(&next, &bytes).map_err(io)?;
        std::fs::write(
            partnerdesk_core::audit::head::head_file_path(&next),
            audit_head,
        )
        .map_err(io)?;
        let store = Arc::new(Store::open_gated(&next, Arc::new(RefuseWrites))?);
        let at = store.position()?;
        *self.inner.store.write().unwrap_or_else(|p| p.into_inner()) = store;
        self.inner.position.send_replace(at);
        remove_files(&current);
        let _ = self.inner.changes.send(ReplicaChange {
            seq: at,
            entities: Vec::new(),
            replaced: true,
        });
        Ok(())
    }
}

/// Three missed keep-alives.
const SILENCE: Duration = Duration::from_secs(45);

/// Follows the server until stopped: stream, apply, reconnect with back-off.
async fn follow(replica: Replica, connection: Connection) {
    let mut attempt: u32 = 0;
    let mut since: Option<String> = None;
    loop {
        let Some(token) = connection.token() else {
            replica.set_state(SyncState::SignedOut);
            tokio::time::sleep(Duration::from_millis(100)).await;
            continue;
        };
        let compatibility = connection.compatibility();
        if compatibility != Compatibility::Compatible {
            replica.set_state(SyncState::NeedsUpdate { compatibility });
            tokio::time::sleep(Duration::from_secs(30)).await;
            let _ = connection.refresh_health().await;
            continue;
        }
        let result = stream_once(&replica, &connection, &token, &mut attempt).await;
        if let Err(e) = &result {
            tracing::info!(error = %e, "the replica's stream stopped");
        }
        if attempt == 0 {
            since = None; // it was live: a new outage starts now
        }
        attempt += 1;
        let now = time::OffsetDateTime::now_utc()
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        let since_text = since.get_or_insert(now).clone();
        replica.set_state(SyncState::Reconnecting {
            since: since_text,
            attempt,
        });
        let wait = Duration::from_secs(1u64 << attempt.saturating_sub(1).min(5))
            .min(Duration::from_secs(30));
        tokio::time::sleep(wait).await;
    }
}

/// One stream: returns when it breaks. Resets `attempt` once live.
async fn stream_once(
    replica: &Replica,
    connection: &Connection,
    token: &str,
    attempt: &mut u32,
) -> Result<(), ClientError> {
    if replica.position() == 0 && !partnerdesk_core::setup::is_set_up(&replica.store())? {
        replica.download(connection, token).await?;
    }
    let reply = connection
        .http()
        .get(format!(
            "{}/changes/stream?after={}",
            connection.base_url(),
            replica.position()
        ))
        .bearer_auth(token)
        .send()
        .await
        .map_err(unreachable)?;
    if !reply.status().is_success() {
        if reply.status().as_u16() == 401 {
            connection.set_token(None);
        }
        return Err(answer(reply)
            .await
            .err()
            .unwrap_or(ClientError::Protocol("stream".into())));
    }
    *attempt = 0;
    replica.set_state(SyncState::Live {
        position: replica.position(),
    });
    let mut events = Box::pin(sse::events(reply.bytes_stream()));
    loop {
        // The server sends a keep-alive every 15 s: silence this long means
        // a connection that died without closing.
        let Ok(next) = tokio::time::timeout(SILENCE, events.next()).await else {
            return Err(ClientError::Unreachable(format!(
                "nothing from the server for {SILENCE:?}"
            )));
        };
        let Some(event) = next else { break };
        let event = event.map_err(ClientError::Unreachable)?;
        match event.event.as_str() {
            "change" => {
                let change: WireChange = serde_json::from_str(&event.data)
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                if change.seq <= replica.position() {
                    continue;
                }
                let seq = change.seq;
                // SQLite's work (a transaction, the triggers, maybe a
                // checkpoint) off the async workers: the desktop's requests
                // and other replicas' streams share them.
                let applying = replica.clone();
                let entities = tokio::task::spawn_blocking(move || applying.apply(&change))
                    .await
                    .map_err(|e| ClientError::Protocol(format!("applying change {seq}: {e}")))??;
                replica.set_state(SyncState::Live { position: seq });
                let _ = replica.inner.changes.send(ReplicaChange {
                    seq,
                    entities,
                    replaced: false,
                });
            }
            "snapshot_required" => {
                replica.download(connection, token).await?;
                return Ok(());
            }
            _ => {}
        }
    }
    Ok(())
}

fn newest_file(dir: &Path) -> Option<PathBuf> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            let n: u64 = name
                .strip_prefix("replica-")?
                .strip_suffix(".sqlite3")?
                .parse()
                .ok()?;
            Some((n, e.path()))
        })
        .max_by_key(|(n, _)| *n)
        .map(|(_, path)| path)
}

fn next_file(dir: &Path, current: &Path) -> PathBuf {
    let n: u64 = current
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| {
            n.strip_prefix("replica-")?
                .strip_suffix(".sqlite3")?
                .parse()
                .ok()
        })
        .unwrap_or(0);
    dir.join(format!("replica-{}.sqlite3", n + 1))
}

fn remove_files(path: &Path) {
    for file in [
        path.to_path_buf(),
        partnerdesk_core::audit::head::head_file_path(path),
        PathBuf::from(format!("{}-wal", path.display())),
        PathBuf::from(format!("{}-shm", path.display())),
    ] {
        let _ = std::fs::remove_file(file);
    }
}
