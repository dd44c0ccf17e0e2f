use serde::{Deserialize, Serialize};

/// The server's error body: the core's ApiError as JSON (`code`, `message`,
/// `text.en`/`text.pl`, `field`, `reason`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteError {
    pub code: String,
    pub message: String,
    pub text: RemoteText,
    #[serde(default)]
    pub field: Option<String>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoteText {
    pub en: String,
    pub pl: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// The server (its core) refused or failed: show `error.text`. `seq` is
    /// the change its audit entry was logged as, when there is one.
    #[error("{} ({status})", error.message)]
    Refused {
        status: u16,
        error: Box<RemoteError>,
        seq: Option<i64>,
    },
    /// The server could not be reached (or answered 5xx) after the retries.
    #[error("the team server cannot be reached: {0}")]
    Unreachable(String),
    /// The server answered something this build does not understand.
    #[error("the team server answered unexpectedly: {0}")]
    Protocol(String),
    /// Not signed in on this connection.
    #[error("sign in to the team server first")]
    SignedOut,
    #[error("the replica: {0}")]
    Replica(#[from] partnerdesk_core::error::Error),
}

impl ClientError {
    /// Whether sending the same request again may succeed.
    pub fn is_transient(&self) -> bool {
        matches!(self, ClientError::Unreachable(_))
    }
}
