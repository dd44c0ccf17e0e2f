//! Team mode on the desktop (issue #13, docs/decisions/0054-connected-desktop.md):
//! whether this desktop is standalone or connected to a team server, the
//! replica it reads from when connected, and what the header and Settings →
//! About say about the server.

pub mod file;
pub mod link;
pub mod sync;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use partnerdesk_core::store::{CapturedWrite, CommitGate};
use partnerdesk_core::{text, Error, Store, Text};
use serde::Serialize;

pub use file::ConnectionFile;

/// The event the header listens to; its payload is a [`TeamStatus`].
pub const TEAM_STATUS_EVENT: &str = "team-status";

/// The replica's safety net against a side door: every local write is
/// refused. Only `Store::apply_change` (the server's changes) writes to it;
/// the desktop's own writes go to the server as commands.
pub struct ReplicaGate;

impl CommitGate for ReplicaGate {
    fn before_commit(&self, _change: &CapturedWrite) -> partnerdesk_core::Result<Option<i64>> {
        Err(Error::invalid_state(text!(
            "This desktop is connected to a team server: changes go through it.",
            "Ten komputer jest połączony z serwerem zespołu: zmiany przechodzą przez serwer."
        )))
    }
}

/// Opens (creating and migrating when new) the replica for `file`.
pub fn open_replica(dir: &Path, file: &ConnectionFile) -> partnerdesk_core::Result<Store> {
    std::fs::create_dir_all(dir)?;
    Store::open_gated(&file.replica_path(dir), Arc::new(ReplicaGate))
}

/// Where the connection to the server stands, as the header shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Sync {
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
    /// The last change of the team's log the replica holds.
    pub position: i64,
    /// When the last colleague's change was applied here (RFC 3339).
    pub last_applied_at: Option<String>,
    /// Where the replica is, for Settings → About.
    pub replica_path: Option<String>,
}

/// What the server said about itself, kept for About and the version rule.
#[derive(Debug, Clone, Default)]
pub struct ServerFacts {
    pub server_version: Option<String>,
    pub schema_version: Option<u32>,
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

impl ServerProbe {
    pub fn facts(&self) -> ServerFacts {
        ServerFacts {
            server_version: Some(self.server_version.clone()),
            schema_version: Some(self.server_schema_version),
        }
    }
}

/// A sign-in the server accepted.
pub struct SignedIn {
    pub staff_id: String,
    /// The replica holds nothing yet (or is too far behind): a snapshot
    /// replaces it before the session starts.
    pub needs_snapshot: bool,
}

/// The server has no workspace yet: its admin creates it there.
pub fn no_workspace() -> Text {
    text!(
        "This team server has no workspace yet: its admin creates it on the server first (the first global admin and the company). Try again once they have.",
        "Ten serwer zespołu nie ma jeszcze obszaru roboczego: najpierw tworzy go administrator na serwerze (pierwszy administrator globalny i firma). Spróbuj ponownie, gdy to zrobi."
    )
}

/// A connected desktop's link to its server: the connection file, what is
/// known of the server, and where syncing stands.
pub struct Team {
    pub file: ConnectionFile,
    dir: PathBuf,
    view: Mutex<View>,
}

struct View {
    sync: Sync,
    facts: ServerFacts,
    last_applied_at: Option<String>,
}

impl Team {
    pub fn new(dir: &Path, file: ConnectionFile) -> Self {
        Team {
            file,
            dir: dir.to_path_buf(),
            view: Mutex::new(View {
                sync: Sync::SignedOut,
                facts: ServerFacts::default(),
                last_applied_at: None,
            }),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn replica_path(&self) -> PathBuf {
        self.file.replica_path(&self.dir)
    }

    fn view(&self) -> std::sync::MutexGuard<'_, View> {
        self.view.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn set_sync(&self, sync: Sync) {
        self.view().sync = sync;
    }

    pub fn sync(&self) -> Sync {
        self.view().sync.clone()
    }

    pub fn set_facts(&self, facts: ServerFacts) {
        self.view().facts = facts;
    }

    pub fn applied_at(&self, at: String) {
        self.view().last_applied_at = Some(at);
    }

    /// Sends `command` to the server and waits until the replica holds what
    /// it wrote (decision 0051): the screen that asked then reads its own
    /// change. Refused while the versions differ.
    pub fn execute(
        &self,
        _replica: &Store,
        _command: partnerdesk_core::commands::Command,
    ) -> partnerdesk_core::Result<partnerdesk_core::commands::Executed> {
        if let Some(text) = self.read_only_reason() {
            return Err(Error::invalid_state(text));
        }
        Err(Error::invalid_state(not_signed_in_to_server()))
    }

    /// Signs in at the server (the password is checked there only).
    pub fn sign_in(&self, _email: &str, _password: &str) -> partnerdesk_core::Result<SignedIn> {
        Err(link::not_available())
    }

    /// Signs out at the server (best effort) and stops following it.
    pub fn sign_out(&self) {
        self.set_sync(Sync::SignedOut);
    }

    /// Stops everything that talks to the server (before going standalone).
    pub fn disconnect(&self) {
        self.sign_out();
    }

    /// Replaces the replica at `replica` (closed) with the server's snapshot.
    pub fn download_snapshot(&self, _replica: &Path) -> partnerdesk_core::Result<Store> {
        Err(link::not_available())
    }

    /// The version rule's refusal while it applies: writes are refused with
    /// the same sentence the header shows.
    pub fn read_only_reason(&self) -> Option<Text> {
        match &self.view().sync {
            Sync::NeedsUpdate { text } => Some(text.clone()),
            _ => None,
        }
    }

    pub fn status(&self, store: Option<&Store>) -> TeamStatus {
        let view = self.view();
        TeamStatus {
            connected: true,
            server_url: Some(self.file.server_url.clone()),
            host: Some(self.file.host()),
            sync: view.sync.clone(),
            server_version: view.facts.server_version.clone(),
            server_schema_version: view.facts.schema_version,
            desktop_schema_version: desktop_schema_version(),
            position: store.and_then(|s| s.position().ok()).unwrap_or(0),
            last_applied_at: view.last_applied_at.clone(),
            replica_path: Some(self.replica_path().display().to_string()),
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
        position: 0,
        last_applied_at: None,
        replica_path: None,
    }
}

pub fn desktop_schema_version() -> u32 {
    u32::try_from(partnerdesk_core::store::latest_version()).unwrap_or(u32::MAX)
}

/// The version rule (docs/decisions/0051 and 0054): equal schema versions
/// work; otherwise the desktop is read-only and told who must update.
pub fn version_rule(server_schema_version: u32) -> Option<Text> {
    let ours = desktop_schema_version();
    match server_schema_version.cmp(&ours) {
        std::cmp::Ordering::Equal => None,
        std::cmp::Ordering::Greater => Some(text!(
            "Update Partnerdesk to work with this team server (it uses data version {server_schema_version}, this desktop {ours}). Until then this desktop is read-only.",
            "Zaktualizuj Partnerdesk, aby pracować z tym serwerem zespołu (serwer używa wersji danych {server_schema_version}, ten komputer {ours}). Do tego czasu ten komputer działa tylko do odczytu."
        )),
        std::cmp::Ordering::Less => Some(text!(
            "The team server must be updated first (it uses data version {server_schema_version}, this desktop {ours}). Until then this desktop is read-only.",
            "Najpierw trzeba zaktualizować serwer zespołu (serwer używa wersji danych {server_schema_version}, ten komputer {ours}). Do tego czasu ten komputer działa tylko do odczytu."
        )),
    }
}

fn not_signed_in_to_server() -> Text {
    text!(
        "This desktop is not signed in to its team server yet: sign in again to make changes.",
        "Ten komputer nie jest jeszcze zalogowany do serwera zespołu: zaloguj się ponownie, aby wprowadzać zmiany."
    )
}
