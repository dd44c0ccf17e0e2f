use partnerdesk_core::system::{self, AppInfo};
use partnerdesk_core::ApiError;
use tauri::State;

use super::blocking;
use crate::state::AppState;

/// The first call the UI makes: it also tells the UI whether the database opened.
#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, ApiError> {
    let store = state.store()?;
    let mut info = blocking(move || system::app_info(&store)).await?;
    // Connected, the database is the replica in its own folder; the logs
    // stay in the data directory.
    if let (Some(_), Some(dir)) = (state.team(), state.data_dir()) {
        info.log_folder = dir.join(system::LOG_DIR).display().to_string();
    }
    Ok(info)
}
