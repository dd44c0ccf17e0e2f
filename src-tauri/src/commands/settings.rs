use partnerdesk_core::commands::Command;
use partnerdesk_core::settings::{self, AppSettings, SettingsUpdate};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{announce, blocking, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<AppSettings, ApiError> {
    let store = state.store()?;
    blocking(move || settings::get(&store)).await
}

#[tauri::command]
pub async fn update_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    update: SettingsUpdate,
) -> Result<AppSettings, ApiError> {
    let (store, clock) = (state.store()?, state.clock());
    let (saved, change) =
        blocking(move || settings::update(&store, clock.as_ref(), &update)).await?;
    announce(&app, &change);
    Ok(saved)
}

#[tauri::command]
pub async fn update_idle_lock<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    minutes: u32,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateIdleLock { minutes }).await
}
