//! The desktop shell: Tauri set-up and thin commands over `partnerdesk-core`.

pub mod commands;
pub mod state;

use tauri::{Builder, Runtime};

use crate::state::AppState;

/// The app's commands and state on any runtime: the real one in `run`, the mock one in tests.
pub fn app_builder<R: Runtime>(builder: Builder<R>, state: AppState) -> Builder<R> {
    builder
        .manage(state)
        .invoke_handler(tauri::generate_handler![
            commands::system::app_info,
            commands::settings::get_settings,
            commands::settings::update_settings,
        ])
}

pub fn run() {
    app_builder(tauri::Builder::default(), AppState::open_default())
        .run(tauri::generate_context!())
        .expect("Partnerdesk could not start its window");
}
