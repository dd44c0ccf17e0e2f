//! Team mode's replication foundation (docs/decisions/0047-replication.md):
//! a commit gate that sees every write transaction's row changes before it
//! commits, and the replica's side that applies them.
//!
//! Row changes are recorded by SQLite's session extension. Tables that
//! triggers (or SQLite itself) derive are left out of the recording: the
//! replica's own triggers rebuild them while the changeset is applied.

use std::sync::{Arc, Mutex};

use rusqlite::session::{ChangesetItem, ConflictAction, ConflictType, Session};
use rusqlite::Connection;

use crate::error::{Error, Result};

/// Sees a write transaction's changes after its work succeeded and before it
/// commits. The server appends the changeset to PostgreSQL here; returning an
/// error rolls the transaction back and the write fails with that error.
pub trait CommitGate: Send + Sync {
    /// `Ok(Some(seq))`: the change took number `seq` in the team's ordered
    /// log, and this copy's position moves to it in the same transaction.
    fn before_commit(&self, change: &CapturedWrite) -> Result<Option<i64>>;
}

/// One write transaction's row changes, as SQLite changesets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapturedWrite {
    /// The changes every copy holds, desktops included.
    pub changeset: Vec<u8>,
    /// The changes to [`PRIVATE_TABLES`] (password verifiers): kept by the
    /// team server's instances, never sent to a desktop. Often empty.
    pub private_changeset: Vec<u8>,
    /// The schema the changeset was recorded against: a replica applies it
    /// only at the same version.
    pub schema_version: usize,
}

/// A change from the team's ordered log, as a copy applies it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoggedChange<'a> {
    /// Its number in the log: a copy at position `seq - 1` applies it, and
    /// only that copy.
    pub seq: i64,
    pub changeset: &'a [u8],
    /// Empty on a desktop, which is never sent them.
    pub private_changeset: &'a [u8],
}

/// Replicated between the team server's instances, never to desktops
/// (decision 0050): another person's password verifier is no desktop's
/// business, and a stolen laptop must not carry every colleague's.
pub const PRIVATE_TABLES: &[&str] = &["staff_credentials"];

/// Each copy's own bookkeeping: never replicated, left out of the checksum.
pub const LOCAL_TABLES: &[&str] = &["replica_position", "desktop_preferences"];

pub fn is_private(table: &str) -> bool {
    PRIVATE_TABLES.contains(&table)
}

pub fn is_local(table: &str) -> bool {
    LOCAL_TABLES.contains(&table)
}

/// What a copy holds: everything (the server's instances), or what a desktop
/// may hold (no [`PRIVATE_TABLES`] rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Everything,
    Desktop,
}

impl Scope {
    pub(crate) fn holds(self, table: &str) -> bool {
        !is_local(table) && (self == Scope::Everything || !is_private(table))
    }
}

/// Tables whose rows are derived from other tables, never replicated: the
/// replica's triggers (or SQLite) rebuild them from the replicated rows.
/// Every other table is replicated; `replication_tests` fails on a table
/// that is neither a replicated table with a primary key nor listed here.
pub const DERIVED_TABLES: &[DerivedTable] = &[
    DerivedTable {
        name: "subscription_tally",
        kept_by: "triggers on subscriptions (migration 0010)",
    },
    DerivedTable {
        name: "notification_tally",
        kept_by: "triggers on notifications (migration 0010)",
    },
    DerivedTable {
        name: "notification_read_tally",
        kept_by: "triggers on notifications and notification_reads (migration 0010)",
    },
    DerivedTable {
        name: "customer_search",
        kept_by: "the FTS5 index of customers, kept by triggers (migrations 0003, 0004)",
    },
    DerivedTable {
        name: "customer_search_data",
        kept_by: "FTS5's own storage of customer_search",
    },
    DerivedTable {
        name: "customer_search_idx",
        kept_by: "FTS5's own storage of customer_search",
    },
    DerivedTable {
        name: "customer_search_docsize",
        kept_by: "FTS5's own storage of customer_search",
    },
    DerivedTable {
        name: "customer_search_config",
        kept_by: "FTS5's own storage of customer_search",
    },
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DerivedTable {
    pub name: &'static str,
    /// Why it may be left out: what rebuilds it on a replica.
    pub kept_by: &'static str,
}

pub fn is_derived(table: &str) -> bool {
    DERIVED_TABLES.iter().any(|t| t.name == table)
}

/// The recordings of one write transaction: the shared tables, and the
/// private ones apart.
pub(crate) struct Recording<'conn> {
    shared: Session<'conn>,
    private: Session<'conn>,
}

/// Starts recording every replicated table's row changes on `conn` (the
/// write transaction about to run).
pub(crate) fn record(conn: &Connection) -> Result<Recording<'_>> {
    #[cfg(test)]
    RECORDED.with(|n| n.set(n.get() + 1));
    let mut shared = Session::new(conn)?;
    shared.table_filter(Some(|table: &str| {
        !is_derived(table) && !is_local(table) && !is_private(table)
    }));
    shared.attach(None::<&str>)?;
    let mut private = Session::new(conn)?;
    for table in PRIVATE_TABLES {
        private.attach(Some(*table))?;
    }
    Ok(Recording { shared, private })
}

/// The recorded changes, or `None` when the transaction changed no row.
pub(crate) fn captured(
    recording: Recording<'_>,
    schema_version: usize,
) -> Result<Option<CapturedWrite>> {
    let changeset = changeset_of(recording.shared)?;
    let private_changeset = changeset_of(recording.private)?;
    Ok(
        (!changeset.is_empty() || !private_changeset.is_empty()).then_some(CapturedWrite {
            changeset,
            private_changeset,
            schema_version,
        }),
    )
}

fn changeset_of(mut session: Session<'_>) -> Result<Vec<u8>> {
    let mut changeset = Vec::new();
    if !session.is_empty() {
        session.changeset_strm(&mut changeset)?;
    }
    Ok(changeset)
}

/// The tables a changeset writes to, each once, in the order first met.
pub fn tables_written(changeset: &[u8]) -> Result<Vec<String>> {
    use rusqlite::fallible_streaming_iterator::FallibleStreamingIterator;
    let mut input = changeset;
    let reader: &mut dyn std::io::Read = &mut input;
    let mut items = rusqlite::session::ChangesetIter::start_strm(&reader)?;
    let mut tables: Vec<String> = Vec::new();
    while let Some(item) = items.next()? {
        let table = item.op()?.table_name().to_owned();
        if !tables.contains(&table) {
            tables.push(table);
        }
    }
    Ok(tables)
}

/// This copy's position in the team's log: the last change it holds.
pub(crate) fn position(conn: &Connection) -> Result<i64> {
    Ok(
        conn.query_row("SELECT seq FROM replica_position WHERE id = 1", [], |r| {
            r.get(0)
        })?,
    )
}

pub(crate) fn set_position(conn: &Connection, seq: i64) -> Result<()> {
    conn.execute("UPDATE replica_position SET seq = ?1 WHERE id = 1", [seq])?;
    Ok(())
}

/// Refuses a change that is not the next one for this copy: applying it would
/// skip a change or repeat one.
pub(crate) fn check_next(conn: &Connection, seq: i64) -> Result<()> {
    let at = position(conn)?;
    if seq == at + 1 {
        return Ok(());
    }
    Err(Error::Conflict {
        field: None,
        text: text!(
            "This copy holds the team's changes up to number {at} and cannot apply change {seq}: the changes must be applied in order, each once.",
            "Ta kopia ma zmiany zespołu do numeru {at} i nie może zastosować zmiany {seq}: zmiany stosuje się po kolei, każdą raz."
        ),
    })
}

/// Applies `changeset` inside the caller's transaction.
///
/// Conflict policy (decision 0047): a *direct* change (one the writer's own
/// statements made) must apply exactly; any conflict aborts the whole
/// changeset. An *indirect* change (made by a trigger or a foreign-key action
/// on the writer) is skipped only when the replica already holds its result,
/// which is what the replica's own triggers and foreign-key actions produce
/// while the direct changes are applied; otherwise it aborts too.
pub(crate) fn apply(conn: &Connection, changeset: &[u8]) -> Result<()> {
    let refusal: Arc<Mutex<Option<String>>> = Arc::default();
    let noted = Arc::clone(&refusal);
    let mut input = changeset;
    let result = conn.apply_strm(
        &mut input,
        None::<fn(&str) -> bool>,
        move |conflict, item| match judge(&conflict, &item) {
            Ok(()) => ConflictAction::SQLITE_CHANGESET_OMIT,
            Err(why) => {
                let mut slot = noted.lock().unwrap_or_else(|p| p.into_inner());
                slot.get_or_insert(why);
                ConflictAction::SQLITE_CHANGESET_ABORT
            }
        },
    );
    let why = refusal.lock().unwrap_or_else(|p| p.into_inner()).take();
    match (result, why) {
        (_, Some(why)) => Err(conflict_error(&why)),
        (Err(e), None) => Err(e.into()),
        (Ok(()), None) => Ok(()),
    }
}

/// `Ok` when the conflicting change may be skipped (the replica already holds
/// its result); otherwise what went wrong, for the error.
fn judge(conflict: &ConflictType, item: &ChangesetItem) -> std::result::Result<(), String> {
    let op = item.op().map_err(|e| e.to_string())?;
    let table = op.table_name().to_owned();
    let columns = usize::try_from(op.number_of_columns()).unwrap_or(0);
    let action = match op.code() {
        rusqlite::hooks::Action::SQLITE_INSERT => "insert into",
        rusqlite::hooks::Action::SQLITE_UPDATE => "update of",
        rusqlite::hooks::Action::SQLITE_DELETE => "delete from",
        _ => "change to",
    };
    let kind = match conflict {
        ConflictType::SQLITE_CHANGESET_DATA => "the row differs from the one the change expects",
        ConflictType::SQLITE_CHANGESET_NOTFOUND => "the row is not there",
        ConflictType::SQLITE_CHANGESET_CONFLICT => "a row with that key is already there",
        ConflictType::SQLITE_CHANGESET_CONSTRAINT => "a constraint refused it",
        ConflictType::SQLITE_CHANGESET_FOREIGN_KEY => "it leaves a foreign key unsatisfied",
        _ => "an unknown conflict",
    };
    let reproduced = op.indirect()
        && match conflict {
            // A deleted row that a cascade on the replica already removed.
            ConflictType::SQLITE_CHANGESET_NOTFOUND => {
                matches!(op.code(), rusqlite::hooks::Action::SQLITE_DELETE)
            }
            // A row a trigger on the replica already brought to the new values.
            ConflictType::SQLITE_CHANGESET_DATA | ConflictType::SQLITE_CHANGESET_CONFLICT => {
                !matches!(op.code(), rusqlite::hooks::Action::SQLITE_DELETE)
                    && holds_new_values(item, columns)
            }
            _ => false,
        };
    if reproduced {
        Ok(())
    } else {
        Err(format!("{action} {table}: {kind}"))
    }
}

/// Whether the replica's row already has every value the change sets.
fn holds_new_values(item: &ChangesetItem, columns: usize) -> bool {
    (0..columns).all(|col| match item.new_value(col) {
        // An UPDATE leaves the columns it does not change undefined.
        Err(_) => true,
        Ok(new) => item.conflict(col).is_ok_and(|current| current == new),
    })
}

fn conflict_error(why: &str) -> Error {
    Error::Conflict {
        field: None,
        text: text!(
            "This replica cannot apply the change ({why}): it was applied already, or the replica no longer matches the server. Nothing of the change was applied.",
            "Ta replika nie może zastosować zmiany ({why}): została już zastosowana albo replika nie zgadza się już z serwerem. Nie zastosowano niczego z tej zmiany."
        ),
    }
}

#[cfg(test)]
thread_local! {
    static RECORDED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How many write transactions this thread recorded: the proof that a
/// standalone store attaches no session.
#[cfg(test)]
pub(crate) fn sessions_recorded() -> u64 {
    RECORDED.with(std::cell::Cell::get)
}
