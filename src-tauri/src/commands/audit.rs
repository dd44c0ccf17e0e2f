use partnerdesk_core::audit::{
    self, AuditHeadStatus, AuditPage, AuditQuery, ExportedFile, NotedHead,
};
use partnerdesk_core::commands::Command;
use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::exports::FileType;
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, run_export, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_audit(
    state: State<'_, AppState>,
    query: AuditQuery,
) -> Result<AuditPage, ApiError> {
    as_actor(&state, move |cx| {
        audit::list_as(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

/// Verifies the chain, and against a head the admin noted when one is given.
#[tauri::command]
pub async fn verify_audit<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    noted: Option<NotedHead>,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::VerifyAudit { noted }).await
}

/// The chain's head and its head file, for Settings → About.
#[tauri::command]
pub async fn audit_head(state: State<'_, AppState>) -> Result<AuditHeadStatus, ApiError> {
    as_actor(&state, |cx| {
        audit::head_status_as(cx.store, cx.clock, &cx.actor)
    })
    .await
}

/// Accepts the log's current end as its head, with a reason the log keeps.
#[tauri::command]
pub async fn reanchor_audit_head(
    state: State<'_, AppState>,
    reason: String,
) -> Result<AuditHeadStatus, ApiError> {
    as_actor(&state, move |cx| {
        audit::reanchor_as(cx.store, cx.clock, &cx.actor, &reason)
    })
    .await
}

/// Writes the filtered log as CSV to the Downloads folder and says where.
#[tauri::command]
pub async fn export_audit_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: AuditQuery,
    file_type: Option<FileType>,
    delimiter: Option<Delimiter>,
) -> Result<ExportedFile, ApiError> {
    let command = Command::ExportAuditCsv {
        query,
        file_type,
        delimiter,
    };
    run_export(&app, &state, command).await
}
