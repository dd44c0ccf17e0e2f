use partnerdesk_core::commands::Command;
use partnerdesk_core::staff::{self, StaffFilter, StaffInput, StaffRow};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_staff(
    state: State<'_, AppState>,
    filter: StaffFilter,
) -> Result<Vec<StaffRow>, ApiError> {
    as_actor(&state, move |cx| {
        staff::list(cx.store, cx.clock, &cx.actor, &filter)
    })
    .await
}

#[tauri::command]
pub async fn create_staff<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: StaffInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::CreateStaff { input }).await
}

#[tauri::command]
pub async fn update_staff<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: StaffInput,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateStaff { id, input }).await
}

#[tauri::command]
pub async fn set_staff_blocked<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    blocked: bool,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::SetStaffBlocked { id, blocked }).await
}

#[tauri::command]
pub async fn remove_staff<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::RemoveStaff { id }).await
}

#[tauri::command]
pub async fn reset_staff_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::ResetStaffPassword { id }).await
}
