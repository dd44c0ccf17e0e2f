//! Which commands count as the person's activity for the idle lock: every
//! command the person started. The app's own calls do not: the commands in
//! [`BACKGROUND_COMMANDS`], and any call the webview marks with
//! [`ACTIVITY_HEADER`]` = background` (the refreshes it makes when a change
//! event arrives, e.g. after the hourly clock). See
//! docs/decisions/0031-session-and-lock.md.

use tauri::http::HeaderMap;
use tauri::ipc::Invoke;
use tauri::{Manager, Runtime};

use super::names::BACKGROUND_COMMANDS;
use crate::state::AppState;

/// The request header the webview sets on calls it makes on its own.
pub const ACTIVITY_HEADER: &str = "partnerdesk-activity";

/// Whether a call of `command` with these headers was started by the person.
pub fn started_by_the_person(command: &str, headers: &HeaderMap) -> bool {
    let marked_background = headers
        .get(ACTIVITY_HEADER)
        .is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"background"));
    !marked_background && !BACKGROUND_COMMANDS.contains(&command)
}

/// Wraps the generated command handler: a call the person started is noted
/// as activity before it runs (the session counts it at its next check).
pub fn counting_activity<R, H>(handler: H) -> impl Fn(Invoke<R>) -> bool + Send + Sync + 'static
where
    R: Runtime,
    H: Fn(Invoke<R>) -> bool + Send + Sync + 'static,
{
    move |invoke| {
        let message = &invoke.message;
        if started_by_the_person(message.command(), message.headers()) {
            if let Some(state) = message.webview_ref().try_state::<AppState>() {
                state.sessions().note_activity(state.clock().now());
            }
        }
        handler(invoke)
    }
}

/// [`tauri::Builder::invoke_handler`] through [`counting_activity`].
pub trait CountsActivity<R: Runtime> {
    fn invoke_handler_counting_activity<H>(self, handler: H) -> Self
    where
        H: Fn(Invoke<R>) -> bool + Send + Sync + 'static;
}

impl<R: Runtime> CountsActivity<R> for tauri::Builder<R> {
    fn invoke_handler_counting_activity<H>(self, handler: H) -> Self
    where
        H: Fn(Invoke<R>) -> bool + Send + Sync + 'static,
    {
        self.invoke_handler(counting_activity(handler))
    }
}
