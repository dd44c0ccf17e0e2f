//! A failed backup is never silent: it is logged, kept as the last failure
//! (Settings → Backups shows it) and notified to those who manage backups.

use rusqlite::{params, Connection, OptionalExtension};

use super::BackupFailure;
use crate::clock::{to_rfc3339, Clock};
use crate::error::{Error, Result};
use crate::notifications::{notify, Draft, KIND_BACKUP_FAILED};
use crate::store::Store;

/// The settings row that holds the last failure, as JSON.
const LAST_FAILURE: &str = "backup.last_failure";

#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    at: String,
    en: String,
    pl: String,
}

pub(super) fn record(store: &Store, clock: &dyn Clock, error: &Error) {
    tracing::error!(%error, database = %store.path().display(), "backup failed");
    if let Err(also) = write(store, clock, error) {
        // The database itself may be what fails; the log still has both.
        tracing::error!(error = %also, "the backup failure could not be recorded");
    }
}

fn write(store: &Store, clock: &dyn Clock, error: &Error) -> Result<()> {
    let at = to_rfc3339(clock.now())?;
    let text = error.text();
    let json = serde_json::to_string(&Stored {
        at: at.clone(),
        en: text.en.clone(),
        pl: text.pl,
    })
    .map_err(|e| Error::Internal(format!("cannot encode a backup failure: {e}")))?;
    store.write(|tx| {
        tx.execute(
            "INSERT INTO settings (key, value, updated_at) VALUES (?1, ?2, ?3)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            params![LAST_FAILURE, json, at],
        )?;
        // One notification a day for the same trouble, a new one when it changes.
        let day = crate::notifications::date(&at);
        notify(
            tx,
            clock,
            &Draft {
                cause_key: format!("{KIND_BACKUP_FAILED}:{day}:{}", text.en),
                kind: KIND_BACKUP_FAILED,
                event: "failed".into(),
                object_kind: "backup",
                subject: text.en.clone(),
                ..Draft::default()
            },
        )?;
        Ok(())
    })
}

/// The last failure recorded, if any.
pub(super) fn last(conn: &Connection) -> Result<Option<BackupFailure>> {
    let json: Option<String> = conn
        .query_row(
            "SELECT value FROM settings WHERE key = ?1",
            [LAST_FAILURE],
            |r| r.get(0),
        )
        .optional()?;
    Ok(json
        .and_then(|j| serde_json::from_str::<Stored>(&j).ok())
        .map(|s| BackupFailure {
            at: s.at,
            error: crate::text::Text::new(s.en, s.pl),
        }))
}
