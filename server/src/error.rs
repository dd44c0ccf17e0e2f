//! What can go wrong, and the HTTP status each maps to. Every error body is
//! `{"error": <an ApiError's JSON>, "seq": …}` (decision 0051), the core's
//! own for the core's refusals.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use partnerdesk_core::error::{ApiError, Error, ErrorCode};
use serde_json::{json, Value};

#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    #[error("{0}")]
    Config(String),
    #[error("PostgreSQL is unreachable: {0}")]
    Unavailable(String),
    #[error("PostgreSQL refused the request: {0}")]
    Database(#[from] tokio_postgres::Error),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Conflict(String),
    /// The working copy is not at the log's head: another writer appended
    /// while this instance thought it held the command lock.
    #[error("this server's copy is at change {local} but the log is at {head}: try again")]
    Stale { local: i64, head: i64 },
    /// Change `after + 1` was pruned: the reader needs a snapshot.
    #[error("change {0} is no longer kept by the server: download a snapshot")]
    SnapshotRequired(i64),
    /// No valid session token.
    #[error("Sign in first.")]
    Unauthenticated,
    /// The core refused or failed (outside a command's stored outcome).
    #[error("{0}")]
    Core(#[from] Error),
}

impl From<deadpool_postgres::PoolError> for ServerError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        ServerError::Unavailable(error.to_string())
    }
}

/// The status for the core's error codes, as the contract maps them.
pub fn status_of(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Validation => StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::Conflict | ErrorCode::InvalidState => StatusCode::CONFLICT,
        ErrorCode::Forbidden => StatusCode::FORBIDDEN,
        ErrorCode::Unauthenticated | ErrorCode::Locked => StatusCode::UNAUTHORIZED,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Storage | ErrorCode::Damaged | ErrorCode::Internal => {
            StatusCode::INTERNAL_SERVER_ERROR
        }
    }
}

/// The body of a core refusal: the core's ApiError and the change its audit
/// entry was logged as (null when it wrote nothing).
pub fn core_error_body(error: &Error, seq: Option<i64>) -> Value {
    json!({ "error": ApiError::from(error), "seq": seq })
}

impl ServerError {
    pub fn status(&self) -> StatusCode {
        match self {
            ServerError::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
            // A lost connection mid-statement is an outage too: the client retries
            // with the same command id, and idempotency makes that safe.
            ServerError::Unavailable(_) | ServerError::Stale { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ServerError::Database(e) if e.is_closed() || e.as_db_error().is_none() => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ServerError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServerError::Conflict(_) => StatusCode::CONFLICT,
            ServerError::SnapshotRequired(_) => StatusCode::GONE,
            ServerError::Unauthenticated => StatusCode::UNAUTHORIZED,
            ServerError::Core(e) => status_of(e.code()),
        }
    }

    fn body(&self) -> Value {
        if let ServerError::Core(e) = self {
            return core_error_body(e, None);
        }
        if let ServerError::Unauthenticated = self {
            return core_error_body(&Error::Unauthenticated, None);
        }
        let code = match self.status() {
            StatusCode::SERVICE_UNAVAILABLE => "storage",
            StatusCode::BAD_REQUEST => "validation",
            StatusCode::CONFLICT => "conflict",
            StatusCode::GONE => "not_found",
            _ => "internal",
        };
        let message = self.to_string();
        let pl = match self {
            ServerError::Unavailable(_) | ServerError::Database(_) => {
                format!("Serwer zespołu nie może teraz połączyć się z bazą danych: {message}")
            }
            ServerError::Stale { local, head } => format!(
                "Kopia serwera jest na zmianie {local}, a dziennik na {head}: spróbuj ponownie."
            ),
            ServerError::SnapshotRequired(seq) => {
                format!("Serwer nie przechowuje już zmiany {seq}: pobierz migawkę.")
            }
            _ => message.clone(),
        };
        let mut body = json!({
            "error": { "code": code, "message": message, "text": { "en": message, "pl": pl } },
            "seq": null,
        });
        if let ServerError::SnapshotRequired(_) = self {
            body["snapshot_required"] = json!(true);
        }
        body
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(error = %self, status = status.as_u16(), "request failed");
        }
        (status, Json(self.body())).into_response()
    }
}
