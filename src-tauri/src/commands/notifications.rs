use partnerdesk_core::commands::Command;
use partnerdesk_core::notifications::{self, KindSetting, NotificationList, NotificationQuery};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn list_notifications(
    state: State<'_, AppState>,
    query: NotificationQuery,
) -> Result<NotificationList, ApiError> {
    as_actor(&state, move |cx| {
        notifications::list(cx.store, cx.clock, &cx.actor, &query)
    })
    .await
}

#[tauri::command]
pub async fn mark_notification_read<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    id: String,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::MarkNotificationRead { id }).await
}

#[tauri::command]
pub async fn mark_all_notifications_read<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::MarkAllNotificationsRead).await
}

#[tauri::command]
pub async fn get_notification_kinds(
    state: State<'_, AppState>,
) -> Result<Vec<KindSetting>, ApiError> {
    as_actor(&state, move |cx| {
        notifications::kind_settings(cx.store, cx.clock, &cx.actor)
    })
    .await
}

#[tauri::command]
pub async fn set_notification_kinds<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: Vec<KindSetting>,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::SetNotificationKinds { settings }).await
}
