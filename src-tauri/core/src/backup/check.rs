//! `PRAGMA quick_check`: on every backup after it is written, and on the
//! database at start, so a damaged file opens the recovery screen instead of
//! failing later, half way through someone's work.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};
use crate::store::{data_dir, Store, DATABASE_FILE};

/// Runs `PRAGMA quick_check` on the file, opened read-only. `Err` carries
/// SQLite's own words: its findings, or why the file could not be read at all.
pub fn quick_check(path: &Path) -> std::result::Result<(), String> {
    let run = || -> rusqlite::Result<Vec<String>> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(crate::store::BUSY_TIMEOUT)?;
        let mut statement = conn.prepare("PRAGMA quick_check")?;
        let rows = statement.query_map([], |r| r.get::<_, String>(0))?;
        rows.collect()
    };
    match run() {
        Ok(findings) if findings == ["ok"] => Ok(()),
        // quick_check lists up to 100 problems; the first few say enough.
        Ok(findings) => Err(findings.into_iter().take(3).collect::<Vec<_>>().join("; ")),
        Err(error) => Err(error.to_string()),
    }
}

fn damaged(path: &Path, detail: String) -> Error {
    tracing::error!(path = %path.display(), %detail, "the database is damaged");
    Error::Damaged {
        path: path.display().to_string(),
        detail,
    }
}

/// Opens the database after checking it: a damaged or unreadable file is
/// [`Error::Damaged`] (and is not touched); a missing or empty one is created.
pub fn open_checked(path: &Path) -> Result<Store> {
    let exists = std::fs::metadata(path).is_ok_and(|m| m.len() > 0);
    if exists {
        quick_check(path).map_err(|detail| damaged(path, detail))?;
    }
    Store::open(path).map_err(|error| match error {
        Error::Sqlite(sqlite) if is_corruption(&sqlite) => damaged(path, sqlite.to_string()),
        other => other,
    })
}

/// [`open_checked`] on the database in the data directory.
pub fn open_default_checked() -> Result<Store> {
    let dir = data_dir()?;
    std::fs::create_dir_all(&dir)?;
    open_checked(&dir.join(DATABASE_FILE))
}

fn is_corruption(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase)
    )
}
