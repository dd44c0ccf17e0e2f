use partnerdesk_core::commands::Command;
use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::customer_users::{
    self, CustomerUserInput, CustomerUserPage, CustomerUserQuery,
};
use partnerdesk_core::customers::{ImportMode, ImportReport};
use partnerdesk_core::exports::{ExportedFile, FileType};
use partnerdesk_core::imports::ImportFile;
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, run_export, run_import, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_customer_users(
    state: State<'_, AppState>,
    customer_id: String,
    query: CustomerUserQuery,
) -> Result<CustomerUserPage, ApiError> {
    as_actor(&state, move |cx| {
        customer_users::list(cx.store, cx.clock, &cx.actor, &customer_id, &query)
    })
    .await
}

/// The customer's users in the Microsoft 365 admin center's "Add multiple
/// users" shape, as CSV or a workbook, into the export folder.
#[tauri::command]
pub async fn export_customer_users<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    query: CustomerUserQuery,
    file_type: Option<FileType>,
    delimiter: Option<Delimiter>,
) -> Result<ExportedFile, ApiError> {
    let command = Command::ExportCustomerUsers {
        customer_id,
        query,
        file_type,
        delimiter,
    };
    run_export(&app, &state, command).await
}

#[tauri::command]
pub async fn create_customer_user<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    input: CustomerUserInput,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::CreateCustomerUser { customer_id, input },
    )
    .await
}

#[tauri::command]
pub async fn update_customer_user<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: CustomerUserInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateCustomerUser { id, input }).await
}

#[tauri::command]
pub async fn set_customer_user_blocked<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    blocked: bool,
) -> Result<Json, ApiError> {
    run(
        &app,
        &state,
        Command::SetCustomerUserBlocked { id, blocked },
    )
    .await
}

#[tauri::command]
pub async fn remove_customer_user<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::RemoveCustomerUser { id }).await
}

/// The temporary password goes to the webview once, in this reply, and nowhere else.
#[tauri::command]
pub async fn reset_customer_user_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::ResetCustomerUserPassword { id }).await
}

#[tauri::command]
pub async fn preview_customer_user_import(
    state: State<'_, AppState>,
    customer_id: String,
    file: ImportFile,
) -> Result<ImportReport, ApiError> {
    as_actor(&state, move |cx| {
        customer_users::preview_import(cx.store, cx.clock, &cx.actor, &customer_id, &file)
    })
    .await
}

/// Imports in one transaction, reporting progress; `cancel_import` stops it
/// and rolls everything back.
#[tauri::command]
pub async fn import_customer_users<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    file: ImportFile,
    mode: ImportMode,
) -> Result<Json, ApiError> {
    run_import(
        &app,
        &state,
        Command::ImportCustomerUsers {
            customer_id,
            file,
            mode,
        },
    )
    .await
}
