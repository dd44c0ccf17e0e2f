use partnerdesk_core::commands::Command;
use partnerdesk_core::company::{self, CompanyProfile, CompanyView};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Runtime, State};

use super::{as_actor, run, Json};
use crate::state::AppState;

#[tauri::command]
pub async fn get_company_profile(state: State<'_, AppState>) -> Result<CompanyView, ApiError> {
    as_actor(&state, |cx| company::get(cx.store, cx.clock, &cx.actor)).await
}

#[tauri::command]
pub async fn update_company_profile<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    profile: CompanyProfile,
) -> Result<Json, ApiError> {
    run(&app, &state, Command::UpdateCompanyProfile { profile }).await
}
