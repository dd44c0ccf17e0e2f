use partnerdesk_core::staff::{
    self, IssuedPassword, StaffFilter, StaffInput, StaffMember, StaffRow,
};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, write_as_actor};
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
) -> Result<IssuedPassword, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        staff::create(cx.store, cx.clock, &cx.actor, &input)
    })
    .await
}

#[tauri::command]
pub async fn update_staff<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    input: StaffInput,
) -> Result<StaffMember, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        staff::update(cx.store, cx.clock, &cx.actor, &id, &input)
    })
    .await
}

#[tauri::command]
pub async fn set_staff_blocked<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
    blocked: bool,
) -> Result<StaffMember, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        staff::set_blocked(cx.store, cx.clock, &cx.actor, &id, blocked)
    })
    .await
}

#[tauri::command]
pub async fn remove_staff<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<StaffMember, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        staff::remove(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}

#[tauri::command]
pub async fn reset_staff_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<IssuedPassword, ApiError> {
    write_as_actor(&app, &state, move |cx| {
        staff::reset_password(cx.store, cx.clock, &cx.actor, &id)
    })
    .await
}
