//! Where password verifiers live: `staff_credentials`, apart from `staff`, so
//! the team server can keep them from desktops (decision 0050).

use rusqlite::{params, Connection, OptionalExtension};

use crate::error::Result;

/// Sets (or replaces) a staff member's password hash.
pub(crate) fn store_hash(conn: &Connection, staff_id: &str, hash: &str) -> Result<()> {
    conn.execute(
        "INSERT INTO staff_credentials (staff_id, password_hash) VALUES (?1, ?2)
         ON CONFLICT (staff_id) DO UPDATE SET password_hash = excluded.password_hash",
        params![staff_id, hash],
    )?;
    Ok(())
}

/// A staff member's password hash; `None` on a copy that holds no verifier
/// for them (a connected desktop holds none of its colleagues').
pub(crate) fn stored_hash(conn: &Connection, staff_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT password_hash FROM staff_credentials WHERE staff_id = ?1",
            [staff_id],
            |r| r.get(0),
        )
        .optional()?)
}
