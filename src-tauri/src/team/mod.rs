//! Team mode on the desktop (issue #13, docs/decisions/0054-connected-desktop.md):
//! whether this desktop is standalone or connected to a team server, the
//! replica it reads from when connected (kept by `partnerdesk-client`), and
//! what the header and Settings → About say about the server.

pub mod file;
pub mod link;
pub mod sync;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use partnerdesk_client::{Compatibility, Connection, Replica, SyncState};
use partnerdesk_core::{text, ApiError, Error, Store, Text};
use serde::Serialize;

pub use file::ConnectionFile;

/// The event the header listens to; its payload is a [`TeamStatus`].
pub const TEAM_STATUS_EVENT: &str = "team-status";

/// Where the connection to the server stands, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Sync {
    /// Reaching the server, or downloading its copy of the workspace.
    Connecting,
    /// Nobody signed in to the server yet: nothing is being followed.
    SignedOut,
    /// Following the server's changes as they happen.
    Live,
    /// The connection broke at `since` (RFC 3339); retrying with back-off.
    Reconnecting { since: String },
    /// The server and this desktop speak different schema versions: the
    /// desktop stays read-only and says who must update.
    NeedsUpdate { text: Text },
}

impl Sync {
    pub fn of(state: &SyncState) -> Sync {
        match state {
            SyncState::Connecting | SyncState::Downloading => Sync::Connecting,
            SyncState::SignedOut => Sync::SignedOut,
            SyncState::Live { .. } => Sync::Live,
            SyncState::Reconnecting { since, .. } => Sync::Reconnecting {
                since: since.clone(),
            },
            SyncState::NeedsUpdate { compatibility } => Sync::NeedsUpdate {
                text: compatibility_text(*compatibility).unwrap_or_else(|| Text::new("", "")),
            },
        }
    }
}

/// What the header and Settings → About show (the UI's `TeamStatus` in
/// ui/src/lib/team.ts mirrors it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TeamStatus {
    pub connected: bool,
    pub server_url: Option<String>,
    pub host: Option<String>,
    pub sync: Sync,
    pub server_version: Option<String>,
    pub server_schema_version: Option<u32>,
    pub desktop_schema_version: u32,
    /// Whether the server's workspace exists (its admin created it).
    pub workspace: Option<bool>,
    /// The last change of the team's log the replica holds.
    pub position: i64,
    /// When the last colleague's change was applied here (RFC 3339).
    pub last_applied_at: Option<String>,
    /// Where the replica is, for Settings → About.
    pub replica_path: Option<String>,
}

/// What the first-run screen learns from a server before connecting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ServerProbe {
    pub server_url: String,
    pub server_version: String,
    pub server_schema_version: u32,
    pub desktop_schema_version: u32,
    /// Whether the server's admin created its workspace (it has staff).
    pub workspace: bool,
    /// The SHA-256 fingerprint of a self-signed certificate, for the person
    /// to compare with what the admin was shown; `None` otherwise.
    pub fingerprint: Option<String>,
    /// Why this desktop cannot connect (no workspace yet); `None` when it can.
    pub refusal: Option<Text>,
    /// The version rule's sentence when the versions differ: the desktop
    /// may connect but stays read-only.
    pub compatibility: Option<Text>,
}

/// The client's connection and the replica following it, once reached.
#[derive(Clone)]
pub(crate) struct Linked {
    pub connection: Connection,
    pub replica: Replica,
}

/// A connected desktop's link to its server: the connection file, the
/// client's connection and replica once the server was reached, and what
/// the header shows.
pub struct Team {
    pub file: ConnectionFile,
    dir: PathBuf,
    linked: Mutex<Option<Linked>>,
    view: Mutex<View>,
    /// Set when this desktop goes back to standalone: the tasks following
    /// the server end.
    left: std::sync::atomic::AtomicBool,
}

struct View {
    sync: Sync,
    last_applied_at: Option<String>,
}

impl Team {
    pub fn new(dir: &Path, file: ConnectionFile) -> Self {
        Team {
            file,
            dir: dir.to_path_buf(),
            linked: Mutex::new(None),
            view: Mutex::new(View {
                sync: Sync::Connecting,
                last_applied_at: None,
            }),
            left: Default::default(),
        }
    }

    pub fn leave(&self) {
        self.left.store(true, std::sync::atomic::Ordering::Relaxed);
        self.set_linked(None);
    }

    pub fn is_left(&self) -> bool {
        self.left.load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn replica_dir(&self) -> PathBuf {
        self.file.replica_path(&self.dir)
    }

    fn view(&self) -> std::sync::MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn linked(&self) -> Option<Linked> {
        self.linked
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub(crate) fn set_linked(&self, linked: Option<Linked>) {
        let previous = std::mem::replace(
            &mut *self.linked.lock().unwrap_or_else(|p| p.into_inner()),
            linked,
        );
        if let Some(previous) = previous {
            previous.replica.stop();
        }
    }

    pub fn set_sync(&self, sync: Sync) {
        self.view().sync = sync;
    }

    pub fn applied_at(&self, at: String) {
        self.view().last_applied_at = Some(at);
    }

    /// The replica to read from; until the server was reached once, a clear
    /// refusal (the replica's file is the client's to open).
    #[allow(clippy::result_large_err)]
    pub fn store(&self) -> Result<Arc<Store>, ApiError> {
        match self.linked() {
            Some(linked) => Ok(linked.replica.store()),
            None => Err(ApiError::from(Error::invalid_state(self.not_reached()))),
        }
    }

    fn not_reached(&self) -> Text {
        let host = self.file.host();
        match &self.view().sync {
            Sync::Reconnecting { since } => text!(
                "The team server {host} cannot be reached (since {since}). Partnerdesk keeps trying; check the network, or ask your admin whether the server is running.",
                "Nie można połączyć się z serwerem zespołu {host} (od {since}). Partnerdesk ponawia próby; sprawdź sieć albo zapytaj administratora, czy serwer działa."
            ),
            _ => text!(
                "Connecting to the team server {host}…",
                "Łączenie z serwerem zespołu {host}…"
            ),
        }
    }

    /// The version rule's refusal while it applies: writes are refused with
    /// the same sentence the header shows.
    pub fn read_only_reason(&self) -> Option<Text> {
        let linked = self.linked()?;
        compatibility_text(linked.connection.compatibility())
    }

    pub fn status(&self) -> TeamStatus {
        let linked = self.linked();
        let health = linked.as_ref().map(|l| l.connection.health());
        let view = self.view();
        TeamStatus {
            connected: true,
            server_url: Some(self.file.server_url.clone()),
            host: Some(self.file.host()),
            sync: view.sync.clone(),
            server_version: health.as_ref().map(|h| h.server_version.clone()),
            server_schema_version: health
                .as_ref()
                .map(|h| u32::try_from(h.core_schema_version).unwrap_or(u32::MAX)),
            desktop_schema_version: desktop_schema_version(),
            workspace: health.as_ref().and_then(|h| h.workspace),
            position: linked.as_ref().map_or(0, |l| l.replica.position()),
            last_applied_at: view.last_applied_at.clone(),
            replica_path: Some(self.replica_dir().display().to_string()),
        }
    }
}

/// The status of a standalone desktop.
pub fn standalone_status() -> TeamStatus {
    TeamStatus {
        connected: false,
        server_url: None,
        host: None,
        sync: Sync::SignedOut,
        server_version: None,
        server_schema_version: None,
        desktop_schema_version: desktop_schema_version(),
        workspace: None,
        position: 0,
        last_applied_at: None,
        replica_path: None,
    }
}

pub fn desktop_schema_version() -> u32 {
    u32::try_from(partnerdesk_core::store::latest_version()).unwrap_or(u32::MAX)
}

/// The version rule (the client decides it, decision 0051) said to a
/// person: `None` when the versions agree.
pub fn compatibility_text(compatibility: Compatibility) -> Option<Text> {
    match compatibility {
        Compatibility::Compatible => None,
        Compatibility::ServerNewer { server, desktop } => Some(text!(
            "Update Partnerdesk to work with this team server (it uses data version {server}, this desktop {desktop}). Until then this desktop is read-only.",
            "Zaktualizuj Partnerdesk, aby pracować z tym serwerem zespołu (serwer używa wersji danych {server}, ten komputer {desktop}). Do tego czasu ten komputer działa tylko do odczytu."
        )),
        Compatibility::ServerOlder { server, desktop } => Some(text!(
            "The team server must be updated first (it uses data version {server}, this desktop {desktop}). Until then this desktop is read-only.",
            "Najpierw trzeba zaktualizować serwer zespołu (serwer używa wersji danych {server}, ten komputer {desktop}). Do tego czasu ten komputer działa tylko do odczytu."
        )),
    }
}

/// The server has no workspace yet: its admin creates it there.
pub fn no_workspace() -> Text {
    text!(
        "This team server has no workspace yet: its admin creates it on the server first (the first global admin and the company). Try again once they have.",
        "Ten serwer zespołu nie ma jeszcze obszaru roboczego: najpierw tworzy go administrator na serwerze (pierwszy administrator globalny i firma). Spróbuj ponownie, gdy to zrobi."
    )
}
