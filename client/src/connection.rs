//! A connection to one team server: health and version check, sign-in, and
//! commands sent with a command id the server executes once.
use std::sync::{Arc, Mutex};
use std::time::Duration;

use partnerdesk_core::change::Change;
use partnerdesk_core::commands::Command;
use reqwest::{Response, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};
use uuid::Uuid;

use crate::error::{ClientError, RemoteError};
use crate::replica::Replica;

/// The one place the HTTP client is built: TLS (certificate pinning, from
/// the `partnerdesk-tls` crate) is configured here.
pub fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(5))
        .build()
        .expect("the HTTP client builds")
}

/// `GET /health`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Health {
    pub status: String,
    pub postgres: String,
    pub head: Option<i64>,
    pub core_schema_version: usize,
    pub server_version: String,
    /// Whether the workspace is set up (has staff); `None` when unknown.
    pub workspace: Option<bool>,
}

/// The server's schema against this build's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Compatibility {
    Compatible,
    /// "Update Partnerdesk to work with this server": read-only until then.
    ServerNewer {
        server: usize,
        desktop: usize,
    },
    /// "The team server must be updated first": read-only until then.
    ServerOlder {
        server: usize,
        desktop: usize,
    },
}

impl Compatibility {
    pub fn of(server: usize) -> Compatibility {
        let desktop = partnerdesk_core::store::latest_version();
        match server.cmp(&desktop) {
            std::cmp::Ordering::Equal => Compatibility::Compatible,
            std::cmp::Ordering::Greater => Compatibility::ServerNewer { server, desktop },
            std::cmp::Ordering::Less => Compatibility::ServerOlder { server, desktop },
        }
    }
}

/// A successful sign-in (or set-up).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SignedIn {
    pub token: String,
    pub expires_at: String,
    /// The core's `SessionInfo` as JSON; `session.staff.id` is who signed in.
    pub session: Value,
    /// The change the sign-in's audit entry was logged as.
    pub seq: i64,
}

impl SignedIn {
    pub fn staff_id(&self) -> &str {
        self.session["staff"]["id"].as_str().unwrap_or_default()
    }
}

/// What an executed command gave back.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Executed {
    /// The last change the command wrote (the head when it wrote none).
    pub seq: i64,
    /// The core function's result, as the JSON its type wrote (field order
    /// kept: hand it to the UI as is); `null` when the server had logged the
    /// command's changes but stopped before keeping its outcome.
    pub value: Box<RawValue>,
    pub changes: Vec<Change>,
    /// The server had executed this command id already.
    pub retried: bool,
    /// The attached replica holds `seq` (false when none is attached or it
    /// did not get there within [`REPLICA_WAIT`]).
    #[serde(default)]
    pub replicated: bool,
}

impl Executed {
    /// The value read back as `T` (the core function's type, or a `Value`).
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, ClientError> {
        serde_json::from_str(self.value.get()).map_err(|e| ClientError::Protocol(e.to_string()))
    }
}

/// How long [`Connection::execute`] waits for the replica to hold the change.
pub const REPLICA_WAIT: Duration = Duration::from_secs(5);
/// Retries of one command on network errors and 5xx, with back-off.
const ATTEMPTS: u32 = 8;

#[derive(Clone)]
pub struct Connection {
    inner: Arc<Inner>,
}

struct Inner {
    base: String,
    http: reqwest::Client,
    health: Mutex<Health>,
    token: Mutex<Option<String>>,
    replica: Mutex<Option<Replica>>,
}

impl Connection {
    /// Checks `GET /health` at `base_url` (e.g. `http://127.0.0.1:8750`).
    pub async fn connect(base_url: &str) -> Result<Connection, ClientError> {
        Connection::connect_with(base_url, http_client()).await
    }

    pub async fn connect_with(
        base_url: &str,
        http: reqwest::Client,
    ) -> Result<Connection, ClientError> {
        let base = base_url.trim_end_matches('/').to_owned();
        let health = fetch_health(&http, &base).await?;
        Ok(Connection {
            inner: Arc::new(Inner {
                base,
                http,
                health: Mutex::new(health),
                token: Mutex::new(None),
                replica: Mutex::new(None),
            }),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.inner.base
    }

    pub fn http(&self) -> &reqwest::Client {
        &self.inner.http
    }

    /// The health read at connect (or at the last [`Connection::refresh_health`]).
    pub fn health(&self) -> Health {
        self.inner
            .health
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    pub async fn refresh_health(&self) -> Result<Health, ClientError> {
        let health = fetch_health(&self.inner.http, &self.inner.base).await?;
        *self.inner.health.lock().unwrap_or_else(|p| p.into_inner()) = health.clone();
        Ok(health)
    }

    pub fn compatibility(&self) -> Compatibility {
        Compatibility::of(self.health().core_schema_version)
    }

    pub fn token(&self) -> Option<String> {
        self.inner
            .token
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Uses a token kept from an earlier sign-in.
    pub fn set_token(&self, token: Option<String>) {
        *self.inner.token.lock().unwrap_or_else(|p| p.into_inner()) = token;
    }

    /// The replica `execute` waits for.
    pub fn attach(&self, replica: &Replica) {
        *self.inner.replica.lock().unwrap_or_else(|p| p.into_inner()) = Some(replica.clone());
    }

    fn replica(&self) -> Option<Replica> {
        self.inner
            .replica
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.inner.base)
    }

    /// `POST /sessions`: the server checks the password (one audited attempt).
    pub async fn sign_in(&self, email: &str, password: &str) -> Result<SignedIn, ClientError> {
        let reply = self
            .inner
            .http
            .post(self.url("/sessions"))
            .json(&json!({ "email": email, "password": password }))
            .send()
            .await
            .map_err(unreachable)?;
        self.signed_in(reply).await
    }

    /// `POST /setup`: the first-run wizard on an empty server; signs the new
    /// global admin in. `input` is the core's `SetupInput` as JSON.
    pub async fn set_up(&self, input: &Value) -> Result<SignedIn, ClientError> {
        let reply = self
            .inner
            .http
            .post(self.url("/setup"))
            .json(input)
            .send()
            .await
            .map_err(unreachable)?;
        self.signed_in(reply).await
    }

    async fn signed_in(&self, reply: Response) -> Result<SignedIn, ClientError> {
        let body = answer(reply).await?;
        let signed: SignedIn =
            serde_json::from_str(&body).map_err(|e| ClientError::Protocol(e.to_string()))?;
        self.set_token(Some(signed.token.clone()));
        if let Some(replica) = self.replica() {
            replica.wait_for(signed.seq, REPLICA_WAIT).await;
        }
        Ok(signed)
    }

    /// `DELETE /sessions`: audited on the server; the token is gone.
    pub async fn sign_out(&self) -> Result<(), ClientError> {
        let token = self.token().ok_or(ClientError::SignedOut)?;
        let reply = self
            .inner
            .http
            .delete(self.url("/sessions"))
            .bearer_auth(token)
            .send()
            .await
            .map_err(unreachable)?;
        self.set_token(None);
        if reply.status() == StatusCode::NO_CONTENT || reply.status() == StatusCode::UNAUTHORIZED {
            return Ok(());
        }
        answer(reply).await.map(drop)
    }

    /// `POST /commands` with a fresh command id, sent again unchanged on
    /// network errors and 5xx (the server executes it once), then waits
    /// until the attached replica holds the change.
    pub async fn execute(&self, command: &Command) -> Result<Executed, ClientError> {
        let body = json!({ "command_id": Uuid::new_v4(), "command": command });
        let mut delay = Duration::from_millis(100);
        let mut attempt = 0;
        let outcome = loop {
            attempt += 1;
            let token = self.token().ok_or(ClientError::SignedOut)?;
            let sent = self
                .inner
                .http
                .post(self.url("/commands"))
                .bearer_auth(token)
                .timeout(Duration::from_secs(60))
                .json(&body)
                .send()
                .await;
            let result = match sent {
                Ok(reply) => answer(reply).await,
                Err(e) => Err(unreachable(e)),
            };
            match result {
                Err(e) if e.is_transient() && attempt < ATTEMPTS => {
                    tracing::info!(attempt, error = %e, "a command is sent again");
                    tokio::time::sleep(delay).await;
                    delay = (delay * 2).min(Duration::from_secs(5));
                }
                other => break other,
            }
        };
        let replica = self.replica();
        match outcome {
            Ok(body) => {
                let mut executed: Executed = serde_json::from_str(&body)
                    .map_err(|e| ClientError::Protocol(e.to_string()))?;
                if let Some(replica) = replica {
                    executed.replicated = replica.wait_for(executed.seq, REPLICA_WAIT).await;
                }
                Ok(executed)
            }
            Err(refused) => {
                // The refusal's audit entry is a change too: wait for it, so
                // the desktop's audit screen shows it.
                if let (ClientError::Refused { seq: Some(seq), .. }, Some(replica)) =
                    (&refused, replica)
                {
                    replica.wait_for(*seq, REPLICA_WAIT).await;
                }
                Err(refused)
            }
        }
    }
}

async fn fetch_health(http: &reqwest::Client, base: &str) -> Result<Health, ClientError> {
    let reply = http
        .get(format!("{base}/health"))
        .timeout(Duration::from_secs(10))
        .send()
        .await
        .map_err(unreachable)?;
    let status = reply.status();
    let body: Value = reply.json().await.map_err(unreachable)?;
    let health: Health = serde_json::from_value(body.clone())
        .map_err(|e| ClientError::Protocol(format!("{status}: {e}: {body}")))?;
    Ok(health)
}

pub(crate) fn unreachable(error: reqwest::Error) -> ClientError {
    ClientError::Unreachable(error.to_string())
}

/// The body of a 2xx answer, as text (so a command's value keeps its field
/// order); a refusal with the server's error otherwise.
pub(crate) async fn answer(reply: Response) -> Result<String, ClientError> {
    let status = reply.status();
    // An outage (PostgreSQL away, a proxy without its server): send again.
    let outage = matches!(status.as_u16(), 502..=504);
    let text = match reply.text().await {
        Ok(text) => text,
        Err(e) if outage || status.is_success() => {
            return Err(ClientError::Unreachable(e.to_string()))
        }
        Err(e) => return Err(ClientError::Protocol(format!("{status}: {e}"))),
    };
    if status.is_success() {
        return Ok(text);
    }
    let body: Value = match serde_json::from_str(&text) {
        Ok(body) => body,
        Err(_) if outage => return Err(ClientError::Unreachable(format!("{status}: {text}"))),
        Err(e) => return Err(ClientError::Protocol(format!("{status}: {e}: {text}"))),
    };
    if outage {
        return Err(ClientError::Unreachable(format!(
            "{status}: {}",
            body["error"]["message"]
        )));
    }
    let error: RemoteError = serde_json::from_value(body["error"].clone())
        .map_err(|e| ClientError::Protocol(format!("{status}: {e}: {body}")))?;
    Err(ClientError::Refused {
        status: status.as_u16(),
        error: Box::new(error),
        seq: body["seq"].as_i64(),
    })
}
