//! The chain's head kept outside the database (docs/decisions/0029-audit-head.md).
//!
//! The hash chain catches an edited or deleted entry *inside* the log, but
//! deleting the newest entries leaves a shorter chain that still links. So
//! the newest entry's seq and hash are also written to a small file beside the
//! database, `<database file>.audit-head`, after every commit that appended
//! to the log; [`super::verify`] compares the two.
//!
//! The file is never overwritten while it disagrees with the database: then
//! it is the evidence. Only [`reanchor_audit_head`], which leaves an entry
//! naming the head it replaces, puts the two back in step.

use std::cell::RefCell;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use serde_json::json;
use ts_rs::TS;

use super::{append, log_target, ActorRef, Event, GENESIS_HASH};
use crate::clock::Clock;
use crate::error::Result;
use crate::limits;
use crate::store::Store;
use crate::text::Text;
use crate::validate::required_text;

/// Appended to the database's file name: `partnerdesk.sqlite3.audit-head`.
pub const HEAD_FILE_SUFFIX: &str = ".audit-head";

/// The first schema version that keeps a head file (migration 0012). A
/// database opened from an older version gets its head file at that upgrade.
pub const HEAD_SINCE_VERSION: usize = 12;

/// Marks the file's format, so a stray file is not taken for a head.
const FORMAT: &str = "partnerdesk-audit-head/1";

/// The newest entry of the chain: seq 0 with the genesis hash when the log is empty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[ts(export)]
pub struct AuditHead {
    #[ts(type = "number")]
    pub seq: i64,
    pub hash: String,
    /// The entry's time; empty for an empty log.
    pub at: String,
}

impl AuditHead {
    fn genesis() -> Self {
        AuditHead {
            seq: 0,
            hash: GENESIS_HASH.to_owned(),
            at: String::new(),
        }
    }
}

/// How the head file compares with the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum HeadFileState {
    /// It names the newest entry.
    Matches,
    /// It names an older entry of the same chain: entries were committed after
    /// it was last written (the app stopped in between, or writing it failed).
    Behind,
    /// It names an entry the database no longer has, or has with another hash.
    Mismatch,
    Missing,
    Unreadable,
}

impl HeadFileState {
    pub fn as_str(self) -> &'static str {
        match self {
            HeadFileState::Matches => "matches",
            HeadFileState::Behind => "behind",
            HeadFileState::Mismatch => "mismatch",
            HeadFileState::Missing => "missing",
            HeadFileState::Unreadable => "unreadable",
        }
    }
}

/// The head as Settings → About shows it, and as an export prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AuditHeadStatus {
    /// The database's newest entry.
    pub head: AuditHead,
    pub file_path: String,
    pub file_state: HeadFileState,
    /// What the head file says, when it could be read.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_head: Option<AuditHead>,
    /// Why the head file could not be read, or the last failure to write it.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// What opening the database did about the head file, when it did something.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
}

/// What reading the head file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum HeadFile {
    Missing,
    Unreadable(String),
    Found(AuditHead),
}

#[derive(Deserialize, Serialize)]
struct OnDisk {
    format: String,
    seq: i64,
    hash: String,
    at: String,
}

pub fn head_file_path(database: &Path) -> PathBuf {
    let name = database
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| crate::store::DATABASE_FILE.to_owned());
    database.with_file_name(format!("{name}{HEAD_FILE_SUFFIX}"))
}

pub(crate) fn read_head_file(path: &Path) -> HeadFile {
    let bytes = match std::fs::read(path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return HeadFile::Missing,
        Err(e) => return HeadFile::Unreadable(e.to_string()),
    };
    match serde_json::from_slice::<OnDisk>(&bytes) {
        Ok(disk) if disk.format == FORMAT && disk.seq >= 0 && is_full_hash(&disk.hash) => {
            HeadFile::Found(AuditHead {
                seq: disk.seq,
                hash: disk.hash,
                at: disk.at,
            })
        }
        Ok(_) => HeadFile::Unreadable("not a Partnerdesk audit head".into()),
        Err(e) => HeadFile::Unreadable(e.to_string()),
    }
}

fn is_full_hash(hash: &str) -> bool {
    hash.len() == 64
        && hash
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Temp file, fsync, rename: the file is always a whole head, the old one or
/// the new one, even after a power cut. The folder is not fsynced: a rename
/// lost to a power cut leaves the previous head of the same chain, which the
/// next start brings up to date (`Behind`), so it costs no false finding and
/// saves a second fsync on every audited commit.
pub(crate) fn write_head_file(path: &Path, head: &AuditHead) -> std::io::Result<()> {
    let mut temp_name = path.as_os_str().to_owned();
    temp_name.push(".tmp");
    let temp = PathBuf::from(temp_name);
    let body = serde_json::to_vec(&OnDisk {
        format: FORMAT.to_owned(),
        seq: head.seq,
        hash: head.hash.clone(),
        at: head.at.clone(),
    })
    .map_err(std::io::Error::other)?;
    {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(&body)?;
        file.write_all(b"\n")?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, path)?;
    Ok(())
}

pub(crate) fn newest(conn: &Connection) -> Result<AuditHead> {
    Ok(conn
        .prepare_cached("SELECT seq, hash, at FROM audit_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| {
            Ok(AuditHead {
                seq: r.get(0)?,
                hash: r.get(1)?,
                at: r.get(2)?,
            })
        })
        .optional()?
        .unwrap_or_else(AuditHead::genesis))
}

/// The hash stored for entry `seq` (the genesis hash for 0).
pub(crate) fn hash_at(conn: &Connection, seq: i64) -> Result<Option<String>> {
    if seq == 0 {
        return Ok(Some(GENESIS_HASH.to_owned()));
    }
    Ok(conn
        .prepare_cached("SELECT hash FROM audit_log WHERE seq = ?1")?
        .query_row([seq], |r| r.get(0))
        .optional()?)
}

/// Compares a head file with the database's newest entry and the hash the
/// database holds at the file's seq.
pub(crate) fn compare(
    file: &HeadFile,
    newest: &AuditHead,
    hash_at_file_seq: Option<&str>,
) -> HeadFileState {
    match file {
        HeadFile::Missing => HeadFileState::Missing,
        HeadFile::Unreadable(_) => HeadFileState::Unreadable,
        HeadFile::Found(head) if head.seq > newest.seq => HeadFileState::Mismatch,
        HeadFile::Found(head) if hash_at_file_seq != Some(head.hash.as_str()) => {
            HeadFileState::Mismatch
        }
        HeadFile::Found(head) if head.seq == newest.seq => HeadFileState::Matches,
        HeadFile::Found(_) => HeadFileState::Behind,
    }
}

fn compare_with(conn: &Connection, file: &HeadFile, newest: &AuditHead) -> Result<HeadFileState> {
    let at_seq = match file {
        HeadFile::Found(head) if head.seq <= newest.seq => hash_at(conn, head.seq)?,
        _ => None,
    };
    Ok(compare(file, newest, at_seq.as_deref()))
}

// The entry appended in the current transaction. `append` takes a plain
// connection (every caller passes its transaction), so it notes its entry
// here and `Store::write`, on the same thread, reads it after the commit:
// no query and no file for a commit that appended nothing.
thread_local! {
    static APPENDED: RefCell<Option<AuditHead>> = const { RefCell::new(None) };
}

pub(super) fn note_appended(head: AuditHead) {
    APPENDED.with(|cell| *cell.borrow_mut() = Some(head));
}

/// Forgets an entry noted by a transaction that did not commit.
pub(crate) fn forget_appended() {
    APPENDED.with(|cell| cell.borrow_mut().take());
}

pub(crate) fn take_appended() -> Option<AuditHead> {
    APPENDED.with(|cell| cell.borrow_mut().take())
}

/// What opening the database found, for About.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Opened {
    InStep,
    CreatedNew,
    CreatedOnUpgrade {
        from_version: usize,
    },
    CaughtUp {
        from_seq: i64,
    },
    /// The file disagreed (or was missing or unreadable): left as found.
    Disputed,
}

struct Tracked {
    /// Whether commits keep the file up to date. False while it disagrees
    /// with the database as opened: overwriting it would destroy the evidence.
    in_step: bool,
    opened: Opened,
    write_error: Option<String>,
    /// The newest seq this store wrote: a slower commit never moves it back.
    written_seq: i64,
    /// The newest entry when the database was opened, and the head file then.
    newest_at_open: i64,
    file_at_open: Option<AuditHead>,
}

/// The store's view of its head file.
pub(crate) struct HeadTracker {
    path: PathBuf,
    state: Mutex<Tracked>,
}

impl HeadTracker {
    /// Reads the head file of a database just opened (and migrated from
    /// `from_version`). It creates the file only for a new database or one
    /// upgraded across [`HEAD_SINCE_VERSION`] at this open; an up-to-date
    /// database without one is a finding, not something to paper over.
    pub(crate) fn open(database: &Path, conn: &Connection, from_version: usize) -> Result<Self> {
        let path = head_file_path(database);
        let file = read_head_file(&path);
        let newest = newest(conn)?;
        let state = compare_with(conn, &file, &newest)?;
        let (opened, write) = match state {
            HeadFileState::Matches => (Opened::InStep, false),
            HeadFileState::Behind => {
                let from_seq = match &file {
                    HeadFile::Found(head) => head.seq,
                    _ => 0,
                };
                (Opened::CaughtUp { from_seq }, true)
            }
            HeadFileState::Missing if from_version == 0 => (Opened::CreatedNew, true),
            HeadFileState::Missing if from_version < HEAD_SINCE_VERSION => {
                (Opened::CreatedOnUpgrade { from_version }, true)
            }
            HeadFileState::Missing | HeadFileState::Unreadable | HeadFileState::Mismatch => {
                tracing::warn!(
                    "audit head file {} is {}; left as found for verify to report",
                    path.display(),
                    state.as_str()
                );
                (Opened::Disputed, false)
            }
        };
        let tracker = HeadTracker {
            path,
            state: Mutex::new(Tracked {
                in_step: opened != Opened::Disputed,
                opened,
                write_error: None,
                written_seq: 0,
                newest_at_open: newest.seq,
                file_at_open: match file {
                    HeadFile::Found(head) => Some(head),
                    _ => None,
                },
            }),
        };
        if write {
            tracker.committed(&newest);
        }
        Ok(tracker)
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn lock(&self) -> MutexGuard<'_, Tracked> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// After a commit that appended `head`: writes the file when in step. A
    /// failure loses nothing committed; it is logged, kept for About and
    /// verify, and the next audited commit tries again.
    pub(crate) fn committed(&self, head: &AuditHead) {
        let mut state = self.lock();
        if !state.in_step || head.seq < state.written_seq {
            return;
        }
        Self::write_locked(&mut state, &self.path, head);
    }

    fn write_locked(state: &mut Tracked, path: &Path, head: &AuditHead) {
        match write_head_file(path, head) {
            Ok(()) => {
                state.write_error = None;
                state.written_seq = head.seq;
            }
            Err(e) => {
                tracing::error!(
                    "could not write the audit head file {}: {e}",
                    path.display()
                );
                state.write_error = Some(e.to_string());
            }
        }
    }

    /// Writes `head` whatever the file said, and keeps the file in step from now on.
    fn reanchor(&self, head: &AuditHead) -> Result<()> {
        let mut state = self.lock();
        state.in_step = true;
        state.opened = Opened::InStep;
        state.written_seq = 0;
        Self::write_locked(&mut state, &self.path, head);
        match &state.write_error {
            None => Ok(()),
            Some(e) => Err(std::io::Error::other(e.clone()).into()),
        }
    }

    /// The newest entry at open, while `file` is the head file left as found
    /// then: entries after it were written since, so the deleted are counted
    /// from there. `None` once the file changed or was re-anchored.
    pub(crate) fn disputed_since(&self, file: &AuditHead) -> Option<i64> {
        let state = self.lock();
        (state.opened == Opened::Disputed && state.file_at_open.as_ref() == Some(file))
            .then_some(state.newest_at_open)
    }

    pub(crate) fn write_error(&self) -> Option<String> {
        self.lock().write_error.clone()
    }

    fn note(&self) -> Option<Text> {
        match self.lock().opened {
            Opened::InStep | Opened::Disputed => None,
            Opened::CreatedNew => Some(text!(
                "The head file was created for this new database.",
                "Plik głowy utworzono dla tej nowej bazy danych."
            )),
            Opened::CreatedOnUpgrade { from_version } => Some(text!(
                "The head file was created when this database was upgraded from version {from_version}, which kept none: entries before then are vouched for by the chain alone.",
                "Plik głowy utworzono przy aktualizacji tej bazy z wersji {from_version}, która go nie miała: wcześniejsze wpisy poświadcza tylko sam łańcuch."
            )),
            Opened::CaughtUp { from_seq } => Some(text!(
                "At this start the head file named entry {from_seq}, an older entry of the same chain (e.g. the app stopped between a commit and the head write); it was brought up to date.",
                "Przy tym uruchomieniu plik głowy wskazywał wpis {from_seq}, starszy wpis tego samego łańcucha (np. aplikacja zatrzymała się między zapisem a aktualizacją głowy); zaktualizowano go."
            )),
        }
    }
}

/// The head now: the file is read before the database, so a commit in
/// between makes the file look behind, never ahead.
pub fn head_status(store: &Store) -> Result<AuditHeadStatus> {
    let tracker = store.audit_head();
    let file = read_head_file(tracker.path());
    let (newest, state) = store.read(|conn| {
        let newest = newest(conn)?;
        let state = compare_with(conn, &file, &newest)?;
        Ok((newest, state))
    })?;
    let (file_head, unreadable) = match file {
        HeadFile::Found(head) => (Some(head), None),
        HeadFile::Unreadable(reason) => (None, Some(reason)),
        HeadFile::Missing => (None, None),
    };
    Ok(AuditHeadStatus {
        head: newest,
        file_path: tracker.path().display().to_string(),
        file_state: state,
        file_head,
        problem: unreadable.or_else(|| tracker.write_error()),
        note: tracker.note(),
    })
}

/// Makes the database's newest entry the head again, after a legitimate
/// change of history (a restore from a backup) or once a finding is
/// explained. It appends an `audit.reanchor` entry that records the head file
/// it replaces (seq and hash, or that it was missing or unreadable) and the
/// newest entry before it, and writes that entry as the new head.
///
/// Checks no permission: its callers do (restore, [`super::reanchor_as`]).
pub fn reanchor_audit_head(
    store: &Store,
    clock: &dyn Clock,
    actor: &ActorRef,
    reason: &str,
) -> Result<AuditHeadStatus> {
    let reason = required_text("reason", reason, limits::REASON)?;
    let tracker = store.audit_head();
    let file = read_head_file(tracker.path());
    store.write(|tx| {
        let newest = newest(tx)?;
        let state = compare_with(tx, &file, &newest)?;
        let previous = match &file {
            HeadFile::Found(head) => json!({"seq": head.seq, "hash": head.hash, "at": head.at}),
            _ => serde_json::Value::Null,
        };
        let mut before = json!({"head_file": previous, "head_file_state": state.as_str()});
        if let HeadFile::Unreadable(why) = &file {
            before["head_file_problem"] = json!(why);
        }
        let event = Event::done(actor.clone(), "audit.reanchor", log_target()).with_change(
            Some(before),
            Some(json!({"newest_seq": newest.seq, "newest_hash": newest.hash})),
        );
        append(
            tx,
            clock,
            &Event {
                detail: reason,
                ..event
            },
        )
    })?;
    let head = store.read(newest)?;
    tracker.reanchor(&head)?;
    head_status(store)
}
