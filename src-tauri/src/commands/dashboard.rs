use partnerdesk_core::commands::Command;
use partnerdesk_core::dashboard::{self, Calendar, Overview};
use partnerdesk_core::exports::ExportedFile;
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run_export};
use crate::state::AppState;

#[tauri::command]
pub async fn dashboard_overview(state: State<'_, AppState>) -> Result<Overview, ApiError> {
    as_actor(&state, move |cx| {
        dashboard::overview(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn expiry_calendar(state: State<'_, AppState>) -> Result<Calendar, ApiError> {
    as_actor(&state, move |cx| {
        dashboard::calendar(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn export_calendar_ics<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<ExportedFile, ApiError> {
    run_export(&app, &state, Command::ExportCalendarIcs).await
}
