//! The one file that makes a desktop connected: `team-connection.json` in the
//! data directory (docs/decisions/0054-connected-desktop.md). Absent, the
//! desktop is standalone exactly as before team mode; present, it names the
//! team server and the replica file kept for it.

use std::path::{Path, PathBuf};

use partnerdesk_core::{text, ApiError, Error, ErrorCode, Text};
use serde::{Deserialize, Serialize};
use url::Url;

pub const CONNECTION_FILE: &str = "team-connection.json";

/// The stable key the UI recognises a damaged connection file by: it then
/// offers to forget it and work standalone.
pub const DAMAGED_REASON: &str = "team_connection_damaged";

/// What `team-connection.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionFile {
    /// The server's base address, normalised by [`server_url`].
    pub server_url: String,
    /// The SHA-256 fingerprint of the server's self-signed certificate the
    /// person compared with the admin's and accepted; `None` when the
    /// certificate is trusted by the system (or the address is plain HTTP).
    #[serde(default)]
    pub fingerprint: Option<String>,
    /// The replica's folder in the data directory (partnerdesk-client keeps
    /// its SQLite file there): one per server, never the standalone database.
    pub replica: String,
}

impl ConnectionFile {
    pub fn new(server_url: &Url, fingerprint: Option<String>) -> Self {
        ConnectionFile {
            server_url: server_url.as_str().trim_end_matches('/').to_owned(),
            fingerprint,
            replica: replica_file_name(server_url),
        }
    }

    pub fn replica_path(&self, dir: &Path) -> PathBuf {
        dir.join(&self.replica)
    }

    /// The server's host (and port when it has one), for the header.
    pub fn host(&self) -> String {
        Url::parse(&self.server_url)
            .ok()
            .and_then(|url| {
                let host = url.host_str()?.to_owned();
                Some(match url.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host,
                })
            })
            .unwrap_or_else(|| self.server_url.clone())
    }
}

/// Reads the connection file: `Ok(None)` when there is none (standalone).
/// A file that cannot be read or understood is a clear error, and nothing
/// else is opened: the standalone database stays as it was.
#[allow(clippy::result_large_err)]
pub fn load(dir: &Path) -> Result<Option<ConnectionFile>, ApiError> {
    let path = dir.join(CONNECTION_FILE);
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(error) => return Err(damaged(&path, &error.to_string())),
    };
    let file: ConnectionFile =
        serde_json::from_slice(&bytes).map_err(|error| damaged(&path, &error.to_string()))?;
    let valid_name = file.replica.starts_with("team-")
        && !file.replica.contains(['/', '\\'])
        && !file.replica.contains("..");
    if !valid_name {
        return Err(damaged(
            &path,
            "the replica's file name is not one Partnerdesk writes",
        ));
    }
    server_url(&file.server_url).map_err(|error| damaged(&path, &error.message))?;
    Ok(Some(file))
}

/// Writes the connection file whole or not at all (a temporary file renamed
/// over it), so a crash never leaves half a file that would stop the app.
pub fn save(dir: &Path, file: &ConnectionFile) -> partnerdesk_core::Result<()> {
    std::fs::create_dir_all(dir)?;
    let json = serde_json::to_vec_pretty(file).map_err(|error| {
        Error::Internal(format!("the connection could not be written: {error}"))
    })?;
    let temporary = dir.join(format!("{CONNECTION_FILE}.tmp"));
    std::fs::write(&temporary, json)?;
    std::fs::rename(&temporary, dir.join(CONNECTION_FILE))?;
    Ok(())
}

/// Back to standalone: the connection file goes, and so does the replica's
/// folder (its SQLite file, write-ahead log and audit head) — a copy of the team's
/// data that nothing keeps current any more has no use, and decision 0050
/// says what it would expose on a lost laptop. Reconnecting downloads a
/// fresh snapshot. The standalone database is not touched.
pub fn forget(dir: &Path, file: Option<&ConnectionFile>) -> partnerdesk_core::Result<()> {
    remove_if_there(&dir.join(CONNECTION_FILE))?;
    if let Some(file) = file {
        match std::fs::remove_dir_all(file.replica_path(dir)) {
            Err(error) if error.kind() != std::io::ErrorKind::NotFound => return Err(error.into()),
            _ => {}
        }
    }
    Ok(())
}

fn remove_if_there(path: &Path) -> std::io::Result<()> {
    match std::fs::remove_file(path) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => Err(error),
        _ => Ok(()),
    }
}

/// The address a person typed, as the server's base URL: `https://` is
/// assumed when no scheme is given; only http and https, no path, query or
/// credentials.
#[allow(clippy::result_large_err)]
pub fn server_url(typed: &str) -> Result<Url, ApiError> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Err(wrong_url(text!(
            "Enter the team server's address, e.g. https://partnerdesk.example.com.",
            "Wpisz adres serwera zespołu, np. https://partnerdesk.example.com."
        )));
    }
    let with_scheme = if typed.contains("://") {
        typed.to_owned()
    } else {
        format!("https://{typed}")
    };
    let url = Url::parse(&with_scheme).map_err(|error| {
        wrong_url(text!(
            "“{typed}” is not a web address: {error}.",
            "„{typed}” nie jest adresem internetowym: {error}."
        ))
    })?;
    let plain = matches!(url.scheme(), "http" | "https")
        && url.host_str().is_some()
        && url.username().is_empty()
        && url.password().is_none()
        && url.path() == "/"
        && url.query().is_none()
        && url.fragment().is_none();
    if !plain {
        return Err(wrong_url(text!(
            "Use the server's address only, like https://partnerdesk.example.com:8750 (http or https, no path).",
            "Podaj sam adres serwera, np. https://partnerdesk.example.com:8750 (http lub https, bez ścieżki)."
        )));
    }
    Ok(url)
}

fn wrong_url(text: Text) -> ApiError {
    ApiError::from(Error::validation("server_url", text))
}

/// `team-<host>-<port>`: readable in a file manager, one per server.
fn replica_file_name(url: &Url) -> String {
    let host: String = url
        .host_str()
        .unwrap_or("server")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let port = url.port_or_known_default().unwrap_or(0);
    format!("team-{host}-{port}")
}

fn damaged(path: &Path, detail: &str) -> ApiError {
    let shown = path.display();
    let text = text!(
        "The team connection file {shown} is damaged ({detail}). Partnerdesk opened nothing, so the data on this computer is unchanged. Choose “Work standalone” to remove the file, or ask your admin for the server's address and connect again.",
        "Plik połączenia z serwerem zespołu {shown} jest uszkodzony ({detail}). Partnerdesk niczego nie otworzył, więc dane na tym komputerze się nie zmieniły. Wybierz „Pracuj samodzielnie”, aby usunąć plik, albo poproś administratora o adres serwera i połącz się ponownie."
    );
    ApiError {
        code: ErrorCode::InvalidState,
        message: text.en.clone(),
        text,
        field: None,
        reason: Some(DAMAGED_REASON.to_owned()),
    }
}
