//! One error type for the whole core, and the shape it takes across IPC.
//!
//! The UI never matches on message text: it switches on [`ErrorCode`] and, for
//! validation errors, highlights [`ApiError::field`].

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::text::Text;

/// Stable, machine-readable error codes. Renaming one is a breaking change for
/// the UI (and for a desktop reading a team server's refusal: hence Deserialize).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
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
    /// The database file is damaged or unreadable: the UI opens the recovery
    /// screen, which restores a backup (docs/decisions/0030-backups-and-recovery.md).
    Damaged,
    /// A bug: the message is for a bug report, not for the user to act on.
    Internal,
}

/// What crosses the IPC boundary when a command fails.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ApiError {
    pub code: ErrorCode,
    /// The English sentence (the same as `text.en`), for logs and bug reports.
    pub message: String,
    /// What to tell the person, in each language the UI speaks.
    pub text: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub field: Option<String>,
    /// For `forbidden`: a stable key for the reason (e.g. `role_required`,
    /// `last_global_admin`), so the UI can explain it in the user's language.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub reason: Option<String>,
}

/// Every message for a person is a [`Text`]: English and Polish, written at
/// the place the error is made (docs/decisions/0024-bilingual-messages-from-the-core.md).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{text}")]
    Validation { field: String, text: Text },

    #[error("{entity} {id} was not found")]
    NotFound { entity: &'static str, id: String },

    #[error("{text}")]
    Conflict { field: Option<String>, text: Text },

    #[error("{text}")]
    Forbidden { reason: &'static str, text: Text },

    #[error("Sign in first.")]
    Unauthenticated,

    #[error("The session is locked. Enter your password to continue.")]
    Locked,

    #[error("{text}")]
    RateLimited { text: Text },

    #[error("{text}")]
    InvalidState { text: Text },

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

    #[error(
        "The database file {path} is damaged or cannot be read (SQLite says: {detail}). \
         Restore a backup; the damaged file is kept aside, never deleted."
    )]
    Damaged { path: String, detail: String },

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
    /// Input was malformed; `field` names the input field.
    pub fn validation(field: impl Into<String>, text: Text) -> Self {
        Error::Validation {
            field: field.into(),
            text,
        }
    }

    /// A uniqueness conflict on `field` (e.g. the value is already taken).
    pub fn conflict(field: impl Into<String>, text: Text) -> Self {
        Error::Conflict {
            field: Some(field.into()),
            text,
        }
    }

    /// A refusal; `reason` is a stable key, `text` says it to a person.
    pub fn forbidden(reason: &'static str, text: Text) -> Self {
        Error::Forbidden { reason, text }
    }

    pub fn invalid_state(text: Text) -> Self {
        Error::InvalidState { text }
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
            Error::Damaged { .. } => ErrorCode::Damaged,
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

    /// What to tell the person, in English and Polish; the English is `to_string()`.
    pub fn text(&self) -> Text {
        match self {
            Error::Validation { text, .. }
            | Error::Conflict { text, .. }
            | Error::Forbidden { text, .. }
            | Error::RateLimited { text }
            | Error::InvalidState { text } => text.clone(),
            Error::NotFound { entity, id } => {
                let what = entity_pl(entity);
                text!(
                    "{entity} {id} was not found",
                    "Nie znaleziono: {what} {id}"
                )
            }
            Error::Unauthenticated => text!("Sign in first.", "Najpierw się zaloguj."),
            Error::Locked => text!(
                "The session is locked. Enter your password to continue.",
                "Sesja jest zablokowana. Wpisz hasło, aby kontynuować."
            ),
            Error::DatabaseTooNew {
                found,
                supported,
                path,
            } => text!(
                "This database was written by a newer version of Partnerdesk (schema version {found}; \
                 this build understands up to {supported}). Install the newer version, or move the file \
                 {path} aside to start with an empty database. The file was not changed.",
                "Tę bazę danych zapisała nowsza wersja Partnerdesk (wersja schematu {found}; \
                 ta wersja obsługuje najwyżej {supported}). Zainstaluj nowszą wersję albo przenieś plik \
                 {path} w inne miejsce, aby zacząć od pustej bazy. Plik nie został zmieniony."
            ),
            Error::Damaged { path, detail } => text!(
                "The database file {path} is damaged or cannot be read (SQLite says: {detail}). \
                 Restore a backup; the damaged file is kept aside, never deleted.",
                "Plik bazy danych {path} jest uszkodzony lub nie da się go odczytać (komunikat SQLite: {detail}). \
                 Przywróć kopię zapasową; uszkodzony plik zostanie odłożony obok, nigdy nie jest usuwany."
            ),
            Error::Sqlite(e) => text!("database error: {e}", "błąd bazy danych: {e}"),
            Error::Migration(e) => text!(
                "database migration failed: {e}",
                "aktualizacja bazy danych nie powiodła się: {e}"
            ),
            Error::Io(e) => text!("file error: {e}", "błąd pliku: {e}"),
            Error::Internal(detail) => {
                text!("internal error: {detail}", "błąd wewnętrzny: {detail}")
            }
        }
    }
}

/// The Polish name of an entity in a `not_found` error (the English is the key).
fn entity_pl(entity: &str) -> &str {
    match entity {
        "company profile" => "profil firmy",
        "customer" => "klient",
        "customer user" => "użytkownik klienta",
        "notification" => "powiadomienie",
        "product_key" | "product key" => "klucz produktu",
        "purchase offer" => "oferta zakupu",
        "relationship" => "relacja administracji delegowanej",
        "service" => "usługa",
        "service request" => "żądanie usługi",
        "staff member" => "użytkownik",
        "subscription" => "subskrypcja",
        "trial invitation" => "zaproszenie do wersji próbnej",
        other => other,
    }
}

impl From<&Error> for ApiError {
    fn from(error: &Error) -> Self {
        let text = error.text();
        ApiError {
            code: error.code(),
            message: text.en.clone(),
            text,
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
    fn validation_error_crosses_ipc_with_its_field_and_both_languages() {
        let api = ApiError::from(Error::validation(
            "language",
            text!(
                "must be one of: system, pl, en",
                "wybierz jedną z wartości: system, pl, en"
            ),
        ));
        let json = serde_json::to_value(&api).expect("serialises");
        assert_eq!(
            json,
            serde_json::json!({
                "code": "validation",
                "message": "must be one of: system, pl, en",
                "text": {
                    "en": "must be one of: system, pl, en",
                    "pl": "wybierz jedną z wartości: system, pl, en"
                },
                "field": "language"
            })
        );
    }

    #[test]
    fn errors_without_a_field_omit_it() {
        let api = ApiError::from(Error::forbidden(
            "role_required",
            text!(
                "Only global admins may edit the company profile.",
                "Tylko administratorzy globalni mogą edytować profil firmy."
            ),
        ));
        let json = serde_json::to_value(&api).expect("serialises");
        assert_eq!(json["code"], "forbidden");
        assert_eq!(json["reason"], "role_required");
        assert_eq!(
            json["text"]["pl"],
            "Tylko administratorzy globalni mogą edytować profil firmy."
        );
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
        assert!(too_new.text().pl.contains("nowsza wersja"));
        let sqlite = Error::from(rusqlite::Error::InvalidQuery);
        assert_eq!(sqlite.code(), ErrorCode::Storage);
    }

    /// The errors the core builds itself, without a sentence from the call site.
    fn fixed_errors() -> Vec<Error> {
        vec![
            Error::NotFound {
                entity: "customer",
                id: "c-123".into(),
            },
            Error::NotFound {
                entity: "purchase offer",
                id: "o-7".into(),
            },
            Error::Unauthenticated,
            Error::Locked,
            Error::DatabaseTooNew {
                found: 9,
                supported: 1,
                path: "/tmp/x".into(),
            },
            Error::from(rusqlite::Error::InvalidQuery),
            Error::Damaged {
                path: "/tmp/x".into(),
                detail: "database disk image is malformed".into(),
            },
            Error::from(std::io::Error::other("disk full")),
            Error::Internal("a bug".into()),
        ]
    }

    #[test]
    fn the_message_is_the_english_text_for_every_kind_of_error() {
        for error in fixed_errors() {
            let api = ApiError::from(&error);
            assert_eq!(api.message, error.to_string(), "{error:?}");
            assert_eq!(api.text.en, api.message, "{error:?}");
            assert!(!api.text.pl.is_empty(), "{error:?}");
            assert_ne!(api.text.pl, api.text.en, "{error:?}");
        }
    }

    #[test]
    fn not_found_names_the_same_thing_in_polish() {
        let text = Error::NotFound {
            entity: "customer",
            id: "c-123".into(),
        }
        .text();
        assert_eq!(text.en, "customer c-123 was not found");
        assert_eq!(text.pl, "Nie znaleziono: klient c-123");
    }
}
