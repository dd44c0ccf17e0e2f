//! The partner of record per customer and workload (decision 0044).

use partnerdesk_core::commands::Command;
use partnerdesk_core::partner_of_record::{self, WorkloadClaim};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_partner_of_record_claims(
    state: State<'_, AppState>,
    customer_id: String,
) -> Result<Vec<WorkloadClaim>, ApiError> {
    as_actor(&state, move |cx| {
        partner_of_record::list(cx.store, cx.clock, &cx.actor, &customer_id)
    })
    .await
}

#[tauri::command]
pub async fn claim_partner_of_record<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    workload: String,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::ClaimPartnerOfRecord {
            customer_id,
            workload,
        },
    )
    .await
}

#[tauri::command]
pub async fn record_partner_of_record_decline<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    workload: String,
    reason: String,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::RecordPartnerOfRecordDecline {
            customer_id,
            workload,
            reason,
        },
    )
    .await
}

#[tauri::command]
pub async fn remove_partner_of_record<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    workload: String,
    reason: String,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::RemovePartnerOfRecord {
            customer_id,
            workload,
            reason,
        },
    )
    .await
}
