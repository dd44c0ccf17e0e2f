//! Product keys: the inventory, adding and importing keys, redeeming one.

use partnerdesk_core::commands::Command;
use partnerdesk_core::customers::{ImportMode, ImportReport};
use partnerdesk_core::product_keys::{
    self, KeyImport, ProductKeyInput, ProductKeyPage, ProductKeyQuery, Redemption,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, run_import, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_product_keys(
    state: State<'_, AppState>,
    query: ProductKeyQuery,
) -> Result<ProductKeyPage, ApiError> {
    as_actor(&state, move |cx| {
        product_keys::list(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

#[tauri::command]
pub async fn add_product_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ProductKeyInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::AddProductKey { input }).await
}

#[tauri::command]
pub async fn preview_product_key_import(
    state: State<'_, AppState>,
    import: KeyImport,
) -> Result<ImportReport, ApiError> {
    as_actor(&state, move |cx| {
        product_keys::preview_import(cx.store, cx.clock, &cx.actor, &import)
    })
    .await
}

/// Imports in one transaction, reporting progress; `cancel_import` stops it.
#[tauri::command]
pub async fn import_product_keys<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    import: KeyImport,
    mode: ImportMode,
) -> Result<Json, ApiError> {
    run_import(&app, &state, Command::ImportProductKeys { import, mode }).await
}

#[tauri::command]
pub async fn redeem_product_key<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    redemption: Redemption,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::RedeemProductKey { redemption }).await
}
