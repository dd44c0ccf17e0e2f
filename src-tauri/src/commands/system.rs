use partnerdesk_core::system::{self, AppInfo};
use partnerdesk_core::ApiError;
use tauri::State;

use super::blocking;
use crate::state::AppState;

/// The first call the UI makes: it also tells the UI whether the database opened.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    let store = state.store()?;
    blocking(move || system::app_info(&store)).await
}
