//! One error type for the whole core, and the shape it takes across IPC.
//!
//! The UI never matches on message text: it switches on [`ErrorCode`] and, for
//! validation errors, highlights [`ApiError::field`].

use serde::Serialize;
use ts_rs::TS;

/// Stable, machine-readable error codes. Renaming one is a breaking change for the UI.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorCode {
    /// Input was malformed; `field` names the input field.
    Validation,
    NotFound,
    /// A uniqueness or concurrency conflict (e.g. the value is already taken).
    Conflict,
    /// The acting user may not do this; the message gives the reason.
    Forbidden,
    /// Nobody is signed in.
    Unauthenticated,
    /// The session is locked (idle too long); unlocking needs the password again.
    Locked,
    /// Too many failed attempts; the message says when to try again.
    RateLimited,
    /// The object is in a state that does not allow this action.
    InvalidState,
    /// The database could not be read or written, or is not usable by this build.
    Storage,
    /// A bug: the message is for a bug report, not for the user to act on.
    Internal,
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ApiError {
    pub code: ErrorCode,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// For `forbidden`: a stable key for the reason (e.g. `role_required`,
    /// `last_global_admin`), so the UI can explain it in the user's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{message}")]
    Validation { field: String, message: String },

    #[error("{entity} {id} was not found")]
    NotFound { entity: &'static str, id: String },

    #[error("{message}")]
    Conflict {
        field: Option<String>,
        message: String,
    },

    #[error("{message}")]
    Forbidden {
        reason: &'static str,
        message: String,
    },

    #[error("Sign in first.")]
    Unauthenticated,

    #[error("The session is locked. Enter your password to continue.")]
    Locked,

    #[error("{message}")]
    RateLimited { message: String },

    #[error("{message}")]
    InvalidState { message: String },

    #[error(
        "This database was written by a newer version of Partnerdesk (schema version {found}; \
         this build understands up to {supported}). Install the newer version, or move the file \
         {path} aside to start with an empty database. The file was not changed."
    )]
    DatabaseTooNew {
        found: usize,
        supported: usize,
        path: String,
    },

    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),

    #[error("database migration failed: {0}")]
    Migration(#[from] rusqlite_migration::Error),

    #[error("file error: {0}")]
    Io(#[from] std::io::Error),

    #[error("internal error: {0}")]
    Internal(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// A refusal; `reason` is a stable key, `message` says it to a person.
    pub fn forbidden(reason: &'static str, message: impl Into<String>) -> Self {
        Error::Forbidden {
            reason,
            message: message.into(),
        }
    }

    pub fn invalid_state(message: impl Into<String>) -> Self {
        Error::InvalidState {
            message: message.into(),
        }
    }

    pub fn code(&self) -> ErrorCode {
        match self {
            Error::Validation { .. } => ErrorCode::Validation,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::Conflict { .. } => ErrorCode::Conflict,
            Error::Forbidden { .. } => ErrorCode::Forbidden,
            Error::Unauthenticated => ErrorCode::Unauthenticated,
            Error::Locked => ErrorCode::Locked,
            Error::RateLimited { .. } => ErrorCode::RateLimited,
            Error::InvalidState { .. } => ErrorCode::InvalidState,
            Error::DatabaseTooNew { .. }
            | Error::Sqlite(_)
            | Error::Migration(_)
            | Error::Io(_) => ErrorCode::Storage,
            Error::Internal(_) => ErrorCode::Internal,
        }
    }

    /// The refusal's reason key, for a `forbidden` error.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Error::Forbidden { reason, .. } => Some(reason),
            _ => None,
        }
    }

    pub fn field(&self) -> Option<&str> {
        match self {
            Error::Validation { field, .. } => Some(field),
            Error::Conflict { field, .. } => field.as_deref(),
            _ => None,
        }
    }
}

impl From<&Error> for ApiError {
    fn from(error: &Error) -> Self {
        ApiError {
            code: error.code(),
            message: error.to_string(),
            field: error.field().map(str::to_owned),
            reason: error.reason().map(str::to_owned),
        }
    }
}

impl From<Error> for ApiError {
    fn from(error: Error) -> Self {
        ApiError::from(&error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_error_crosses_ipc_with_its_field() {
        let api = ApiError::from(Error::validation(
            "language",
            "must be one of: system, pl, en",
        ));
        let json = serde_json::to_value(&api).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "must be one of: system, pl, en",
                "field": "language"
            })
        );
    }

    #[test]
    fn errors_without_a_field_omit_it() {
        let api = ApiError::from(Error::forbidden(
            "role_required",
            "Only global admins may edit the company profile.",
        ));
        let json = serde_json::to_value(&api).expect("serialises");
        assert_eq!(json["code"], "forbidden");
        assert_eq!(json["reason"], "role_required");
        assert!(json.get("field").is_none());
    }

    #[test]
    fn every_storage_failure_maps_to_the_storage_code() {
        let too_new = Error::DatabaseTooNew {
            found: 9,
            supported: 1,
            path: "/tmp/x".into(),
        };
        assert_eq!(too_new.code(), ErrorCode::Storage);
        assert!(too_new.to_string().contains("newer version"));
        let sqlite = Error::from(rusqlite::Error::InvalidQuery);
        assert_eq!(sqlite.code(), ErrorCode::Storage);
    }
}
