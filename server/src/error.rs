//! What can go wrong, and the HTTP status each maps to.
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

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
}

impl From<deadpool_postgres::PoolError> for ServerError {
    fn from(error: deadpool_postgres::PoolError) -> Self {
        ServerError::Unavailable(error.to_string())
    }
}

impl ServerError {
    fn status(&self) -> StatusCode {
        match self {
            ServerError::Config(_) => StatusCode::INTERNAL_SERVER_ERROR,
            // A lost connection mid-statement is an outage too: the client retries
            // with the same command id, and idempotency makes that safe.
            ServerError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ServerError::Database(e) if e.is_closed() || e.as_db_error().is_none() => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            ServerError::Database(_) => StatusCode::INTERNAL_SERVER_ERROR,
            ServerError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ServerError::Conflict(_) => StatusCode::CONFLICT,
        }
    }
}

impl IntoResponse for ServerError {
    fn into_response(self) -> Response {
        let status = self.status();
        if status.is_server_error() {
            tracing::warn!(error = %self, status = status.as_u16(), "request failed");
        }
        (
            status,
            Json(serde_json::json!({ "error": self.to_string() })),
        )
            .into_response()
    }
}
