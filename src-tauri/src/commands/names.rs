// Every command the webview may call. Read by build.rs (one generated
// permission per command) and by the shell's tests (each must be granted).
// Keep it in step with `generate_handler!` in lib.rs.
pub const COMMANDS: &[&str] = &[
    "app_info",
    "get_settings",
    "update_settings",
    "update_idle_lock",
    "session_status",
    "complete_setup",
    "sign_in",
    "sign_out",
    "lock_session",
    "unlock_session",
    "touch_session",
    "change_own_password",
    "get_company_profile",
    "update_company_profile",
    "list_staff",
    "create_staff",
    "update_staff",
    "set_staff_blocked",
    "remove_staff",
    "reset_staff_password",
    "list_audit",
    "verify_audit",
    "export_audit_csv",
];
