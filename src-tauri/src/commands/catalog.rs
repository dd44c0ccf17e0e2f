use partnerdesk_core::catalog::{self, PriceListReport, Service, ServiceUpdate};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, write_as_actor};
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
) -> Result<Service, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        catalog::update(cx.store, cx.clock, &cx.actor, &id, &input)
    })
    .await
}

#[tauri::command]
pub async fn import_price_list<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    csv: String,
) -> Result<PriceListReport, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        catalog::import_price_list(cx.store, cx.clock, &cx.actor, &csv)
    })
    .await
}
