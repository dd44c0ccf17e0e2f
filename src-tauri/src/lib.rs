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
            commands::settings::update_idle_lock,
            commands::session::session_status,
            commands::session::complete_setup,
            commands::session::sign_in,
            commands::session::sign_out,
            commands::session::lock_session,
            commands::session::unlock_session,
            commands::session::touch_session,
            commands::session::change_own_password,
            commands::company::get_company_profile,
            commands::company::update_company_profile,
            commands::staff::list_staff,
            commands::staff::create_staff,
            commands::staff::update_staff,
            commands::staff::set_staff_blocked,
            commands::staff::remove_staff,
            commands::staff::reset_staff_password,
            commands::audit::list_audit,
            commands::audit::verify_audit,
            commands::audit::export_audit_csv,
        ])
}

pub fn run() {
    app_builder(tauri::Builder::default(), AppState::open_default())
        .run(tauri::generate_context!())
        .expect("Partnerdesk could not start its window");
}
