use partnerdesk_core::catalog::{self, PriceListPreview, Service, ServiceUpdate};
use partnerdesk_core::commands::Command;
use partnerdesk_core::imports::{ImportFile, ImportMode};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, run_import, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_catalog(state: State<'_, AppState>) -> Result<Vec<Service>, ApiError> {
    as_actor(&state, |cx| catalog::list(cx.store, cx.clock, &cx.actor)).await
}

#[tauri::command]
pub async fn update_service<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: ServiceUpdate,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateService { id, input }).await
}

/// What importing the price list would add, change and schedule, and every
/// bad row; writes nothing.
#[tauri::command]
pub async fn preview_price_list(
    state: State<'_, AppState>,
    file: ImportFile,
) -> Result<PriceListPreview, ApiError> {
    as_actor(&state, move |cx| {
        catalog::preview_price_list(cx.store, cx.clock, &cx.actor, &file)
    })
    .await
}

/// Imports the price list in one transaction, reporting progress;
/// `cancel_import` stops it and rolls everything back.
#[tauri::command]
pub async fn import_price_list<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    file: ImportFile,
    mode: ImportMode,
) -> Result<Json, ApiError> {
    run_import(&app, &state, Command::ImportPriceList { file, mode }).await
}
