// Every command the webview may call. Read by build.rs (one generated
// permission per command) and by the shell's tests (each must be granted).
// Keep it in step with `generate_handler!` in lib.rs.
pub const COMMANDS: &[&str] = &["app_info", "get_settings", "update_settings"];
