//! The tamper-evident audit log: every write and every refusal, hash-chained.
//!
//! Each entry's SHA-256 covers its content and the previous entry's hash, so
//! editing, deleting or inserting a row behind the app's back breaks the chain
//! at that row, and [`verify`] names it. Nothing secret is ever passed in here:
//! callers log names and ids, never passwords or full product keys.

pub mod head;
#[cfg(test)]
mod head_tests;
mod query;
mod service;
#[cfg(test)]
mod tests;
mod verify;

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use ts_rs::TS;

use crate::clock::{to_rfc3339, Clock};
use crate::error::Result;
use crate::store::Store;

pub use crate::exports::ExportedFile;
pub use head::{
    head_file_path, head_status, reanchor_audit_head, AuditHead, AuditHeadStatus, HeadFileState,
};
pub use query::{export_list, list, list_for_customer, AuditEntry, AuditPage, AuditQuery};
pub use service::{export_as, head_status_as, list_as, reanchor_as, verify_as};
pub use verify::{verify, verify_against, AuditFinding, AuditVerification, FindingKind, NotedHead};

/// The hash the first entry chains to.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Outcome {
    Done,
    Refused,
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Done => "done",
            Outcome::Refused => "refused",
            Outcome::Failed => "failed",
        }
    }
}

/// Who did it: a staff member, or nobody yet (a failed sign-in, the first-run wizard).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActorRef {
    pub id: Option<String>,
    pub name: String,
}

impl ActorRef {
    pub fn anonymous() -> Self {
        ActorRef {
            id: None,
            name: String::new(),
        }
    }
}

/// What it was done to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub kind: &'static str,
    pub id: Option<String>,
    pub label: String,
}

/// One entry to append. `before` and `after` are JSON snapshots without secrets.
#[derive(Debug, Clone)]
pub struct Event {
    pub actor: ActorRef,
    pub action: &'static str,
    pub outcome: Outcome,
    pub target: Target,
    pub detail: String,
    pub before: Option<Value>,
    pub after: Option<Value>,
}

impl Event {
    pub fn done(actor: ActorRef, action: &'static str, target: Target) -> Self {
        Event {
            actor,
            action,
            outcome: Outcome::Done,
            target,
            detail: String::new(),
            before: None,
            after: None,
        }
    }

    pub fn refused(
        actor: ActorRef,
        action: &'static str,
        target: Target,
        reason: impl Into<String>,
    ) -> Self {
        Event {
            outcome: Outcome::Refused,
            detail: reason.into(),
            ..Event::done(actor, action, target)
        }
    }

    pub fn with_change(mut self, before: Option<Value>, after: Option<Value>) -> Self {
        self.before = before;
        self.after = after;
        self
    }
}

/// The fields a hash covers, in a fixed order.
struct Sealed<'a> {
    seq: i64,
    at: &'a str,
    actor_id: Option<&'a str>,
    actor_name: &'a str,
    action: &'a str,
    outcome: &'a str,
    target_kind: &'a str,
    target_id: Option<&'a str>,
    target_label: &'a str,
    detail: &'a str,
    before_json: Option<&'a str>,
    after_json: Option<&'a str>,
    prev_hash: &'a str,
}

impl Sealed<'_> {
    fn hash(&self) -> String {
        // A JSON array is an unambiguous encoding: no field can bleed into the next.
        let canonical = serde_json::json!([
            self.seq,
            self.at,
            self.actor_id,
            self.actor_name,
            self.action,
            self.outcome,
            self.target_kind,
            self.target_id,
            self.target_label,
            self.detail,
            self.before_json,
            self.after_json,
            self.prev_hash,
        ]);
        hex::encode(Sha256::digest(canonical.to_string().as_bytes()))
    }
}

/// Appends inside the caller's transaction, so the entry commits with the change it records.
pub fn append(conn: &Connection, clock: &dyn Clock, event: &Event) -> Result<i64> {
    let last: Option<(i64, String, String)> = conn
        .query_row(
            "SELECT seq, at, hash FROM audit_log ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .optional()?;
    let now = to_rfc3339(clock.now())?;
    let (seq, at, prev_hash) = match last {
        // Times never go backwards in the log (a clock set back keeps the last
        // time), so a date range is always one contiguous run of entries.
        Some((seq, last_at, hash)) => (seq + 1, now.max(last_at), hash),
        None => (1, now, GENESIS_HASH.to_owned()),
    };
    let before_json = event.before.as_ref().map(Value::to_string);
    let after_json = event.after.as_ref().map(Value::to_string);
    let sealed = Sealed {
        seq,
        at: &at,
        actor_id: event.actor.id.as_deref(),
        actor_name: &event.actor.name,
        action: event.action,
        outcome: event.outcome.as_str(),
        target_kind: event.target.kind,
        target_id: event.target.id.as_deref(),
        target_label: &event.target.label,
        detail: &event.detail,
        before_json: before_json.as_deref(),
        after_json: after_json.as_deref(),
        prev_hash: &prev_hash,
    };
    let hash = sealed.hash();
    conn.prepare_cached(
        "INSERT INTO audit_log (seq, at, actor_id, actor_name, action, outcome, target_kind,
             target_id, target_label, detail, before_json, after_json, prev_hash, hash)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)",
    )?
    .execute(params![
        seq,
        at,
        sealed.actor_id,
        sealed.actor_name,
        sealed.action,
        sealed.outcome,
        sealed.target_kind,
        sealed.target_id,
        sealed.target_label,
        sealed.detail,
        sealed.before_json,
        sealed.after_json,
        prev_hash,
        hash
    ])?;
    head::note_appended(AuditHead { seq, hash, at });
    Ok(seq)
}

/// Records an entry in a transaction of its own: for refusals and failures,
/// whose own transaction (if any) is rolled back.
pub fn record(store: &Store, clock: &dyn Clock, event: &Event) -> Result<i64> {
    store.write(|tx| append(tx, clock, event))
}

/// The log itself, as the target of viewing, verifying, exporting and re-anchoring it.
pub(crate) fn log_target() -> Target {
    Target {
        kind: "audit_log",
        id: None,
        label: "audit log".into(),
    }
}
