//! The one place that configures a SQLite connection.

use std::path::Path;
use std::time::Duration;

use rusqlite::functions::FunctionFlags;
use rusqlite::{Connection, OpenFlags};

use crate::error::Result;

/// How long a connection waits for another writer before failing with "busy".
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Opens a connection without changing the file: used first, to read the schema
/// version before anything (even the journal mode) is written.
pub(crate) fn open_untouched(path: &Path) -> Result<Connection> {
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX
            | OpenFlags::SQLITE_OPEN_URI,
    )?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    Ok(conn)
}

/// Applies the settings every Partnerdesk connection runs with.
///
/// `synchronous = FULL` in WAL mode: every commit is fsynced to the WAL, so a
/// committed change survives a power cut, not only an application crash
/// (docs/decisions/0003-sqlite-durability.md).
pub(crate) fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(BUSY_TIMEOUT)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "FULL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    register_functions(conn)
}

/// SQL functions the queries use: `fold(text)` is [`crate::fold::fold`] (lower
/// case, no diacritics), for searching and sorting columns that keep no folded copy.
fn register_functions(conn: &Connection) -> Result<()> {
    conn.create_scalar_function(
        "fold",
        1,
        FunctionFlags::SQLITE_UTF8 | FunctionFlags::SQLITE_DETERMINISTIC,
        |ctx| {
            let text: Option<String> = ctx.get(0)?;
            Ok(text.map(|t| crate::fold::fold(&t)))
        },
    )?;
    Ok(())
}

pub(crate) fn open_configured(path: &Path) -> Result<Connection> {
    let conn = open_untouched(path)?;
    configure(&conn)?;
    Ok(conn)
}
