//! Thin commands, one module per domain: parse input, call one core function,
//! map its error, announce what changed.

pub mod names;
pub mod settings;
pub mod system;

use partnerdesk_core::change::Change;
use partnerdesk_core::{ApiError, ErrorCode};
use tauri::{AppHandle, Emitter, Runtime};

/// The event every open screen listens to; its payload is a [`Change`].
pub const CHANGE_EVENT: &str = "changed";

/// Runs blocking database work on Tauri's blocking pool, off the async runtime.
pub(crate) async fn blocking<T, F>(work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce() -> partnerdesk_core::Result<T> + Send + 'static,
{
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|join_error| ApiError {
            code: ErrorCode::Internal,
            message: format!("the command stopped unexpectedly: {join_error}"),
            field: None,
            reason: None,
        })?
        .map_err(ApiError::from)
}

/// Tells every window what a successful write changed.
pub(crate) fn announce<R: Runtime>(app: &AppHandle<R>, change: &Change) {
    if let Err(error) = app.emit(CHANGE_EVENT, change) {
        // The write is committed either way; a screen that missed it refreshes on focus.
        eprintln!("partnerdesk: could not emit the change event: {error}");
    }
}
