//! The offer matrix (import and list) and the seat ceilings it sets.

use partnerdesk_core::catalog::{self, OfferMatrixRow, SeatLine, SeatRoom};
use partnerdesk_core::commands::Command;
use partnerdesk_core::imports::{ImportFile, ImportMode, ImportReport};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run_import, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_offer_matrix(
    state: State<'_, AppState>,
) -> Result<Vec<OfferMatrixRow>, ApiError> {
    as_actor(&state, |cx| {
        catalog::list_offer_matrix(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn preview_offer_matrix_import(
    state: State<'_, AppState>,
    file: ImportFile,
) -> Result<ImportReport, ApiError> {
    as_actor(&state, move |cx| {
        catalog::preview_offer_matrix(cx.store, cx.clock, &cx.actor, &file)
    })
    .await
}

/// Imports in one transaction, reporting progress; `cancel_import` stops it.
#[tauri::command]
pub async fn import_offer_matrix<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    file: ImportFile,
    mode: ImportMode,
) -> Result<Json, ApiError> {
    run_import(&app, &state, Command::ImportOfferMatrix { file, mode }).await
}

/// How many more licences of a service the customer may get (the core's
/// ceilings; `customer_id` absent for a prospect).
#[tauri::command]
pub async fn seat_room(
    state: State<'_, AppState>,
    customer_id: Option<String>,
    service_id: String,
    others: Vec<SeatLine>,
) -> Result<SeatRoom, ApiError> {
    as_actor(&state, move |cx| {
        catalog::seat_room(
            cx.store,
            cx.clock,
            &cx.actor,
            customer_id.as_deref(),
            &service_id,
            &others,
        )
    })
    .await
}
