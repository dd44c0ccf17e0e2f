use std::sync::atomic::Ordering;

use partnerdesk_core::access::Permission;
use partnerdesk_core::commands::Command;
use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::customers::{
    self, ActivityPage, Customer, CustomerImport, CustomerInput, CustomerPage, CustomerQuery,
    ImportMode, ImportReport,
};
use partnerdesk_core::exports::{ExportedFile, FileType};
use partnerdesk_core::imports::ImportFile;
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, run_export, run_import, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_customers(
    state: State<'_, AppState>,
    query: CustomerQuery,
) -> Result<CustomerPage, ApiError> {
    as_actor(&state, move |cx| {
        customers::list(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

#[tauri::command]
pub async fn get_customer(state: State<'_, AppState>, id: String) -> Result<Customer, ApiError> {
    as_actor(&state, move |cx| {
        customers::get(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

/// What the signed-in staff member may do for this customer (its
/// delegated-administration gate included), for the UI to disable and explain.
#[tauri::command]
pub async fn customer_permissions(
    state: State<'_, AppState>,
    customer_id: String,
) -> Result<Vec<Permission>, ApiError> {
    as_actor(&state, move |cx| {
        customers::permissions(cx.store, cx.clock, &cx.actor, &customer_id)
    })
    .await
}

#[tauri::command]
pub async fn create_customer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: CustomerInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::CreateCustomer { input }).await
}

#[tauri::command]
pub async fn update_customer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: CustomerInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateCustomer { id, input }).await
}

#[tauri::command]
pub async fn set_customer_archived<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::SetCustomerArchived { id, archived }).await
}

#[tauri::command]
pub async fn preview_customer_import(
    state: State<'_, AppState>,
    file: ImportFile,
) -> Result<ImportReport, ApiError> {
    as_actor(&state, move |cx| {
        customers::preview_import(cx.store, cx.clock, &cx.actor, &file)
    })
    .await
}

/// Imports in one transaction, reporting progress; `cancel_import` stops it
/// and rolls everything back.
#[tauri::command]
pub async fn import_customers<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    import: CustomerImport,
    mode: ImportMode,
) -> Result<Json, ApiError> {
    run_import(&app, &state, Command::ImportCustomers { import, mode }).await
}

#[tauri::command]
pub async fn cancel_import(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.import_cancel().store(true, Ordering::Relaxed);
    Ok(())
}

#[tauri::command]
pub async fn export_customers_csv<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    query: CustomerQuery,
    file_type: Option<FileType>,
    delimiter: Option<Delimiter>,
) -> Result<ExportedFile, ApiError> {
    let command = Command::ExportCustomersCsv {
        query,
        file_type,
        delimiter,
    };
    run_export(&app, &state, command).await
}

#[tauri::command]
pub async fn customer_activity(
    state: State<'_, AppState>,
    id: String,
    before_seq: Option<i64>,
) -> Result<ActivityPage, ApiError> {
    as_actor(&state, move |cx| {
        customers::activity(cx.store, cx.clock, &cx.actor, &id, before_seq)
    })
    .await
}
