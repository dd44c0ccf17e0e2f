use std::sync::atomic::{AtomicBool, Ordering};

use partnerdesk_core::access::Permission;
use partnerdesk_core::change::Change;
use partnerdesk_core::csv_file::Delimiter;
use partnerdesk_core::customers::{
    self, ActivityPage, Customer, CustomerImport, CustomerInput, CustomerPage, CustomerQuery,
    ImportMode, ImportReport,
};
use partnerdesk_core::exports::{ExportFormat, ExportedFile, FileType};
use partnerdesk_core::imports::ImportFile;
use partnerdesk_core::store::export_dir;
use partnerdesk_core::ApiError;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Runtime, State};

use super::{announce, as_actor, write_as_actor, Context};
use crate::state::AppState;

/// Emitted while an import writes rows, so the UI can show a progress bar.
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

#[derive(Clone, Serialize)]
struct Progress {
    done: u32,
    total: u32,
}

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
) -> Result<Customer, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customers::create(cx.store, cx.clock, &cx.actor, &input)
    })
    .await
}

#[tauri::command]
pub async fn update_customer<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: CustomerInput,
) -> Result<Customer, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customers::update(cx.store, cx.clock, &cx.actor, &id, &input)
    })
    .await
}

#[tauri::command]
pub async fn set_customer_archived<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    archived: bool,
) -> Result<Customer, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        customers::set_archived(cx.store, cx.clock, &cx.actor, &id, archived)
    })
    .await
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
) -> Result<ImportReport, ApiError> {
    run_import(&app, &state, move |cx, progress, cancel| {
        customers::apply_import(
            cx.store, cx.clock, &cx.actor, &import, mode, progress, cancel,
        )
    })
    .await
}

/// Runs an import as the signed-in staff member: clears the shared cancel
/// flag, emits progress as [`IMPORT_PROGRESS_EVENT`], and announces what was
/// written. Every import command goes through here.
pub(crate) async fn run_import<R, F, T>(
    app: &AppHandle<R>,
    state: &AppState,
    work: F,
) -> Result<T, ApiError>
where
    R: Runtime,
    T: Send + 'static,
    F: FnOnce(
            Context<'_>,
            &dyn Fn(u32, u32),
            &AtomicBool,
        ) -> partnerdesk_core::Result<(T, Option<Change>)>
        + Send
        + 'static,
{
    let cancel = state.import_cancel();
    cancel.store(false, Ordering::Relaxed);
    let progress_app = app.clone();
    let (report, change) = as_actor(state, move |cx| {
        let progress = |done: u32, total: u32| {
            let _ = progress_app.emit(IMPORT_PROGRESS_EVENT, Progress { done, total });
        };
        work(cx, &progress, &cancel)
    })
    .await?;
    if let Some(change) = change {
        announce(app, &change);
    }
    Ok(report)
}

#[tauri::command]
pub async fn cancel_import(state: State<'_, AppState>) -> Result<(), ApiError> {
    state.import_cancel().store(true, Ordering::Relaxed);
    Ok(())
}

#[tauri::command]
pub async fn export_customers_csv(
    state: State<'_, AppState>,
    query: CustomerQuery,
    file_type: Option<FileType>,
    delimiter: Option<Delimiter>,
) -> Result<ExportedFile, ApiError> {
    let format = ExportFormat::new(file_type, delimiter);
    as_actor(&state, move |cx| {
        customers::export_as(
            cx.store,
            cx.clock,
            &cx.actor,
            &query,
            format,
            &export_dir()?,
        )
    })
    .await
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
