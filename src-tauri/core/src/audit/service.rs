//! The audit log as staff reach it: permission-checked, and audited itself.

use std::path::Path;

use super::{append, query, verify, AuditPage, AuditQuery, AuditVerification, Event, Target};
use crate::access::{guarded_read, require, Action};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::Result;
use crate::exports::{write_csv, ExportedFile};
use crate::store::Store;

fn log_target() -> Target {
    Target {
        kind: "audit_log",
        id: None,
        label: "audit log".into(),
    }
}

pub fn list_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    filter: &AuditQuery,
) -> Result<AuditPage> {
    guarded_read(store, clock, actor, "audit.view", log_target(), |conn| {
        require(conn, actor, Action::ViewAuditLog)
    })?;
    query::list(store, filter)
}

/// Verifies the chain and records that it was verified, with the result.
pub fn verify_as(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<AuditVerification> {
    guarded_read(store, clock, actor, "audit.verify", log_target(), |conn| {
        require(conn, actor, Action::VerifyAuditLog)
    })?;
    let result = verify(store)?;
    let detail = match result.first_broken_seq {
        None => format!("intact ({} entries)", result.entries_checked),
        Some(seq) => format!("broken at entry {seq}"),
    };
    store.write(|tx| {
        let event = Event {
            detail,
            ..Event::done(actor.audit_ref(), "audit.verify", log_target())
        };
        append(tx, clock, &event)
    })?;
    Ok(result)
}

/// Writes the filtered log to `dir` as `partnerdesk-audit-<time>.csv`.
/// The file appears only when complete (written aside, then renamed).
pub fn export_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    filter: &AuditQuery,
    dir: &Path,
) -> Result<ExportedFile> {
    guarded_read(store, clock, actor, "audit.export", log_target(), |conn| {
        require(conn, actor, Action::ViewAuditLog)
    })?;
    let exported = write_csv(dir, "audit", clock, |out| {
        query::export_csv(store, filter, out)
    })?;
    let (rows, path) = (exported.rows, &exported.path);
    store.write(|tx| {
        let event = Event {
            detail: format!("{rows} entries to {path}"),
            ..Event::done(actor.audit_ref(), "audit.export", log_target())
        };
        append(tx, clock, &event)
    })?;
    Ok(exported)
}
