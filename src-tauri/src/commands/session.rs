use partnerdesk_core::auth::{PasswordChange, SessionInfo, SessionStatus};
use partnerdesk_core::change::{Change, Entity};
use partnerdesk_core::commands::Command;
use partnerdesk_core::setup::{self, SetupInput};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{announce, blocking, run, Json};
use crate::state::AppState;

/// Where the UI starts: the wizard, sign-in, the lock screen or the shell.
#[tauri::command]
pub async fn session_status(state: State<'_, AppState>) -> Result<SessionStatus, ApiError> {
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    blocking(move || sessions.status(&store, clock.as_ref())).await
}

#[tauri::command]
pub async fn complete_setup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: SetupInput,
) -> Result<SessionInfo, ApiError> {
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    let (info, change) =
        blocking(move || setup::complete(&store, clock.as_ref(), &sessions, &input)).await?;
    announce(&app, &change);
    Ok(info)
}

#[tauri::command]
pub async fn sign_in<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    email: String,
    password: String,
) -> Result<SessionInfo, ApiError> {
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    let info =
        blocking(move || sessions.sign_in(&store, clock.as_ref(), &email, &password)).await?;
    announce(&app, &Change::of(Entity::Session));
    Ok(info)
}

#[tauri::command]
pub async fn sign_out<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), ApiError> {
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    blocking(move || sessions.sign_out(&store, clock.as_ref())).await?;
    announce(&app, &Change::of(Entity::Session));
    Ok(())
}

/// Locks now: the UI's idle timer calls it, and so can a "lock" button.
#[tauri::command]
pub async fn lock_session<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), ApiError> {
    state.sessions().lock();
    announce(&app, &Change::of(Entity::Session));
    Ok(())
}

#[tauri::command]
pub async fn unlock_session(
    state: State<'_, AppState>,
    password: String,
) -> Result<SessionInfo, ApiError> {
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    blocking(move || sessions.unlock(&store, clock.as_ref(), &password)).await
}

/// Keeps the session from locking while the user works without saving.
#[tauri::command]
pub async fn touch_session(state: State<'_, AppState>) -> Result<(), ApiError> {
    super::as_actor(&state, |_| Ok(())).await
}

#[tauri::command]
pub async fn change_own_password<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    change: PasswordChange,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::ChangeOwnPassword { change }).await
}
