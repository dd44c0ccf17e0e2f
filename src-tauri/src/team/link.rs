//! The desktop's side of the team protocol (docs/decisions/0051), through
//! `partnerdesk-client`: probing a server, signing in and out, sending
//! commands. Blocking: call these off the async runtime (`commands::blocking`).

use partnerdesk_client::{http_client_trusting, ClientError, Connection};
use partnerdesk_core::commands::{Command, Executed};
use partnerdesk_core::{text, ApiError, Error, ErrorCode, Text};
use partnerdesk_tls::{first_contact, FirstContact, Trust};
use url::Url;

use super::{compatibility_text, desktop_schema_version, no_workspace, ServerProbe, Team};

/// Runs the client's `work` to its end from a blocking thread.
pub(crate) fn wait<T>(work: impl std::future::Future<Output = T>) -> T {
    tauri::async_runtime::block_on(work)
}

/// A connection to `server`, trusting its certificate as the connection
/// file says: the pinned fingerprint of a self-signed one, or the system's
/// roots (decision 0053).
pub(crate) async fn connect(
    server: &str,
    fingerprint: Option<&str>,
) -> Result<Connection, ClientError> {
    let trust = match fingerprint {
        Some(pinned) => Trust::Pinned(pinned.parse().map_err(|e| {
            ClientError::Protocol(format!("the pinned fingerprint {pinned:?}: {e}"))
        })?),
        None => Trust::System,
    };
    let client = http_client_trusting(&trust).map_err(|e| ClientError::Protocol(e.to_string()))?;
    Connection::connect_with(server, client).await
}

/// The fingerprint to show before connecting: `None` for plain HTTP (loopback
/// only) and for a certificate the system trusts; the presented one when the
/// system refuses it (a self-signed server), for the person to compare with
/// the admin's.
async fn fingerprint_to_compare(url: &Url) -> Result<Option<String>, ClientError> {
    if url.scheme() != "https" {
        return Ok(None);
    }
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or(443);
    match first_contact(host, port, &Trust::System).await {
        Ok(FirstContact::Trusted { .. }) => Ok(None),
        Ok(FirstContact::Unverified { fingerprint, .. }) => Ok(Some(fingerprint.to_string())),
        Err(e) => Err(ClientError::Unreachable(e.to_string())),
    }
}

/// What `/health` at `url` says, for the first-run screen.
#[allow(clippy::result_large_err)]
pub fn probe(url: &Url) -> Result<ServerProbe, ApiError> {
    let base = url.as_str().trim_end_matches('/').to_owned();
    let fingerprint = wait(fingerprint_to_compare(url)).map_err(|e| refusal(&base, e))?;
    // Only /health is read before the person compared the fingerprint:
    // nothing is sent that a stranger's server could use.
    let connection = wait(connect(&base, fingerprint.as_deref())).map_err(|e| refusal(&base, e))?;
    let health = connection.health();
    let workspace = health.workspace.unwrap_or(true);
    Ok(ServerProbe {
        server_url: base,
        server_version: health.server_version.clone(),
        server_schema_version: u32::try_from(health.core_schema_version).unwrap_or(u32::MAX),
        desktop_schema_version: desktop_schema_version(),
        workspace,
        fingerprint,
        refusal: (!workspace).then(no_workspace),
        compatibility: compatibility_text(connection.compatibility()),
    })
}

impl Team {
    /// Signs in at the server (the password is checked there only); the
    /// replica follows with the new token. Returns the staff id it signed.
    #[allow(clippy::result_large_err)]
    pub fn sign_in(&self, email: &str, password: &str) -> Result<String, ApiError> {
        let linked = self
            .linked()
            .ok_or_else(|| self.store().err().unwrap_or_else(unreached))?;
        let signed = wait(linked.connection.sign_in(email, password))
            .map_err(|e| refusal(&self.file.server_url, e))?;
        Ok(signed.staff_id().to_owned())
    }

    /// Signs out at the server; the token is gone either way.
    pub fn sign_out(&self) {
        if let Some(linked) = self.linked() {
            if let Err(error) = wait(linked.connection.sign_out()) {
                tracing::info!(%error, "signing out at the team server failed");
            }
            linked.connection.set_token(None);
        }
    }

    /// Stops everything that talks to the server (before going standalone).
    pub fn disconnect(&self) {
        self.sign_out();
        self.leave();
    }

    /// Sends `command` to the server; answers once the replica holds what
    /// it wrote (the client waits, ≤ 5 s), so the screen that asked reads
    /// its own change. Refused while the versions differ.
    #[allow(clippy::result_large_err)]
    pub fn execute(&self, command: Command) -> Result<Executed, ApiError> {
        if let Some(text) = self.read_only_reason() {
            return Err(ApiError::from(Error::invalid_state(text)));
        }
        let linked = self
            .linked()
            .ok_or_else(|| self.store().err().unwrap_or_else(unreached))?;
        let executed = wait(linked.connection.execute(&command))
            .map_err(|e| refusal(&self.file.server_url, e))?;
        // The server's text as its type wrote it: screens compare a saved
        // record with their draft as text (decision 0049).
        Ok(Executed {
            value: executed.value,
            changes: executed.changes,
        })
    }
}

fn unreached() -> ApiError {
    ApiError::from(Error::Unauthenticated)
}

/// The client's error as the person reads it: the server's own refusal
/// as it was made there, or what went wrong on the way.
pub(crate) fn refusal(server: &str, error: ClientError) -> ApiError {
    match error {
        ClientError::Refused { error, .. } => ApiError {
            code: serde_json::from_value(serde_json::Value::String(error.code))
                .unwrap_or(ErrorCode::Internal),
            message: error.message,
            text: Text::new(error.text.en, error.text.pl),
            field: error.field,
            reason: error.reason,
        },
        ClientError::Unreachable(detail) => ApiError::from(Error::invalid_state(text!(
            "The team server {server} cannot be reached ({detail}), so nothing was changed. Check the address and the network; working offline comes in a later version.",
            "Nie można połączyć się z serwerem zespołu {server} ({detail}), więc niczego nie zmieniono. Sprawdź adres i sieć; praca bez połączenia pojawi się w późniejszej wersji."
        ))),
        ClientError::Protocol(detail) => ApiError::from(Error::invalid_state(text!(
            "{server} answered, but not as a Partnerdesk team server does ({detail}). Check the address with your admin.",
            "{server} odpowiada, ale nie jak serwer zespołu Partnerdesk ({detail}). Sprawdź adres z administratorem."
        ))),
        ClientError::CertificateChanged { expected, presented } => {
            ApiError::from(Error::invalid_state(text!(
                "The team server {server} presented another certificate than the one this desktop trusts (expected {expected}, presented {presented}). Nothing was sent. If your admin replaced the certificate, connect again from Settings → About and compare the new fingerprint with theirs; otherwise someone may be in between: tell your admin.",
                "Serwer zespołu {server} przedstawił inny certyfikat niż ten, któremu ufa ten komputer (oczekiwany {expected}, przedstawiony {presented}). Niczego nie wysłano. Jeśli administrator wymienił certyfikat, połącz się ponownie w Ustawieniach → Informacje i porównaj nowy odcisk z odciskiem od administratora; w przeciwnym razie ktoś może pośredniczyć w połączeniu: powiadom administratora."
            )))
        }
        ClientError::SignedOut => ApiError::from(Error::Unauthenticated),
        ClientError::Replica(error) => ApiError::from(error),
    }
}
