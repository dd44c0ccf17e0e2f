use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::customer_users::{
    self, CustomerUser, CustomerUserInput, CustomerUserPage, CustomerUserQuery, TemporaryPassword,
};
use partnerdesk_core::customers::{ImportMode, ImportReport};
use partnerdesk_core::exports::{ExportFormat, ExportedFile, FileType};
use partnerdesk_core::imports::ImportFile;
use partnerdesk_core::store::export_dir;
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::customers::run_import;
use super::{as_actor, write_as_actor};
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
pub async fn export_customer_users(
    state: State<'_, AppState>,
    customer_id: String,
    query: CustomerUserQuery,
    file_type: Option<FileType>,
    delimiter: Option<Delimiter>,
) -> Result<ExportedFile, ApiError> {
    let format = ExportFormat::new(file_type, delimiter);
    as_actor(&state, move |cx| {
        let dir = export_dir()?;
        customer_users::export_as(
            cx.store,
            cx.clock,
            &cx.actor,
            &customer_id,
            &query,
            format,
            &dir,
        )
    })
    .await
}

#[tauri::command]
pub async fn create_customer_user<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    customer_id: String,
    input: CustomerUserInput,
) -> Result<CustomerUser, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customer_users::create(cx.store, cx.clock, &cx.actor, &customer_id, &input)
    })
    .await
}

#[tauri::command]
pub async fn update_customer_user<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: CustomerUserInput,
) -> Result<CustomerUser, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customer_users::update(cx.store, cx.clock, &cx.actor, &id, &input)
    })
    .await
}

#[tauri::command]
pub async fn set_customer_user_blocked<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    blocked: bool,
) -> Result<CustomerUser, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customer_users::set_blocked(cx.store, cx.clock, &cx.actor, &id, blocked)
    })
    .await
}

#[tauri::command]
pub async fn remove_customer_user<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<CustomerUser, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customer_users::remove(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

/// The temporary password goes to the webview once, in this reply, and nowhere else.
#[tauri::command]
pub async fn reset_customer_user_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<TemporaryPassword, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customer_users::reset_password(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
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
) -> Result<ImportReport, ApiError> {
    run_import(&app, &state, move |cx, progress, cancel| {
        customer_users::apply_import(
            cx.store,
            cx.clock,
            &cx.actor,
            &customer_id,
            &file,
            mode,
            progress,
            cancel,
        )
    })
    .await
}
