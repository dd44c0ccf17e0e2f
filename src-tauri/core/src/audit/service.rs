//! The audit log as staff reach it: permission-checked, and audited itself.

use super::head::{head_status, reanchor_audit_head, AuditHeadStatus};
use super::{
    append, log_target, query, verify_against, AuditPage, AuditQuery, AuditVerification, Event,
    NotedHead,
};
use crate::access::{guarded_read, guarded_write, require, Action};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::Result;
use crate::exports::{audit_export, render_export, ExportFormat, RenderedExport};
use crate::store::Store;

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

/// Verifies the chain (and, when given, against a head the admin noted) and
/// records that it was verified, with the result.
pub fn verify_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    noted: Option<&NotedHead>,
) -> Result<AuditVerification> {
    guarded_read(store, clock, actor, "audit.verify", log_target(), |conn| {
        require(conn, actor, Action::VerifyAuditLog)
    })?;
    let result = verify_against(store, noted)?;
    let head = &result.head;
    let mut detail = match result.first_broken_seq {
        _ if result.intact => format!("intact ({} entries)", result.entries_checked),
        None => format!("{} findings", result.findings.len()),
        Some(seq) => format!("{} findings, first at entry {seq}", result.findings.len()),
    };
    detail.push_str(&format!(
        "; head {} {}; head file {}",
        head.seq,
        head.hash,
        result.head_file.as_str()
    ));
    if noted.is_some() {
        detail.push_str("; compared with a noted head");
    }
    store.write(|tx| {
        let event = Event {
            detail,
            ..Event::done(actor.audit_ref(), "audit.verify", log_target())
        };
        append(tx, clock, &event)
    })?;
    Ok(result)
}

/// The head for Settings → About: for those who may view the log.
pub fn head_status_as(store: &Store, clock: &dyn Clock, actor: &Actor) -> Result<AuditHeadStatus> {
    guarded_read(store, clock, actor, "audit.head", log_target(), |conn| {
        require(conn, actor, Action::ViewAuditLog)
    })?;
    head_status(store)
}

/// [`reanchor_audit_head`] for staff: those who may verify the log may accept
/// its current end as the head, with a reason that the new entry keeps.
pub fn reanchor_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    reason: &str,
) -> Result<AuditHeadStatus> {
    guarded_write(store, clock, actor, "audit.reanchor", log_target(), |tx| {
        require(tx, actor, Action::VerifyAuditLog)
    })?;
    reanchor_audit_head(store, clock, &actor.audit_ref(), reason)
}

/// Renders the filtered log as `partnerdesk-audit-<time>.csv` (or `.xlsx`)
/// and audits that it was exported.
pub fn export_as(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    filter: &AuditQuery,
    format: impl Into<ExportFormat>,
) -> Result<RenderedExport> {
    let format = format.into();
    guarded_read(store, clock, actor, "audit.export", log_target(), |conn| {
        require(conn, actor, Action::ViewAuditLog)
    })?;
    let rendered = render_export("audit", format, clock, |out| {
        query::export_list(store, filter, format, out)
    })?;
    let action = "audit.export";
    audit_export(
        store,
        clock,
        actor,
        action,
        log_target(),
        "entries",
        &rendered,
    )?;
    Ok(rendered)
}
