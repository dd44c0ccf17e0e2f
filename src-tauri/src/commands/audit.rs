use partnerdesk_core::audit::{self, AuditPage, AuditQuery, AuditVerification, ExportedFile};
use partnerdesk_core::store::export_dir;
use partnerdesk_core::ApiError;
use tauri::State;

use super::as_actor;
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

#[tauri::command]
pub async fn verify_audit(state: State<'_, AppState>) -> Result<AuditVerification, ApiError> {
    as_actor(&state, |cx| audit::verify_as(cx.store, cx.clock, &cx.actor)).await
}

/// Writes the filtered log as CSV to the Downloads folder and says where.
#[tauri::command]
pub async fn export_audit_csv(
    state: State<'_, AppState>,
    query: AuditQuery,
) -> Result<ExportedFile, ApiError> {
    as_actor(&state, move |cx| {
        let dir = export_dir()?;
        audit::export_as(cx.store, cx.clock, &cx.actor, &query, &dir)
    })
    .await
}
