//! Thin commands, one module per domain. A read parses its input, calls one
//! core function and maps its error; a write builds a [`Command`] and hands
//! it to [`run`], which executes it where this desktop's writes go and
//! announces what changed.

pub mod activity;
pub mod audit;
pub mod backups;
pub mod catalog;
pub mod company;
pub mod customer_users;
pub mod customers;
pub mod dashboard;
pub mod gdap;
pub mod mail;
pub mod names;
pub mod notifications;
pub mod offer_matrix;
pub mod offers;
pub mod partner_of_record;
pub mod product_keys;
pub mod relationships;
pub mod service_requests;
pub mod session;
pub mod settings;
pub mod staff;
pub mod subscriptions;
pub mod system;
pub mod trial_invitations;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use partnerdesk_core::auth::Actor;
use partnerdesk_core::change::Change;
use partnerdesk_core::clock::Clock;
use partnerdesk_core::commands::{Command, Executed, Hooks};
use partnerdesk_core::exports::{ExportedFile, RenderedExport};
use partnerdesk_core::store::export_dir;
use partnerdesk_core::{ApiError, ErrorCode, Store};
use serde::Serialize;
use serde_json::value::RawValue;
use tauri::{AppHandle, Emitter, Runtime};

use crate::state::AppState;

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
        .map_err(|join_error| {
            let text = partnerdesk_core::text!(
                "the command stopped unexpectedly: {join_error}",
                "polecenie zatrzymało się nieoczekiwanie: {join_error}"
            );
            ApiError {
                code: ErrorCode::Internal,
                message: text.en.clone(),
                text,
                field: None,
                reason: None,
            }
        })?
        .map_err(ApiError::from)
}

/// Tells every window what a successful write changed.
pub fn announce<R: Runtime>(app: &AppHandle<R>, change: &Change) {
    if let Err(error) = app.emit(CHANGE_EVENT, change) {
        // The write is committed either way; a screen that missed it refreshes on focus.
        tracing::warn!(%error, "could not emit the change event");
    }
}

/// What a read's core call gets: the store, the clock, and the signed-in
/// staff member (checked; whether the call counts as activity
/// is decided before, in `activity::counting_activity`).
pub(crate) struct Context<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub actor: Actor,
}

/// Runs `work` off the async runtime as the signed-in staff member; refused
/// when nobody is signed in or the session is locked.
pub(crate) async fn as_actor<T, F>(state: &AppState, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(Context<'_>) -> partnerdesk_core::Result<T> + Send + 'static,
{
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    blocking(move || {
        let actor = sessions.actor(&store, clock.as_ref())?;
        work(Context {
            store: &store,
            clock: clock.as_ref(),
            actor,
        })
    })
    .await
}

/// Emitted while an import writes rows, so the UI can show a progress bar.
pub const IMPORT_PROGRESS_EVENT: &str = "import-progress";

#[derive(Clone, Serialize)]
struct Progress {
    done: u32,
    total: u32,
}

/// What a write command gives the UI: its core function's result, as the
/// JSON that function's type writes (see [`Executed`]).
pub(crate) type Json = Box<RawValue>;

/// Runs a write: the command goes to the state's [`Executor`] (the one seam
/// where a write is executed), off the async runtime; what it changed is
/// announced after it committed. Every write command goes through here.
pub(crate) async fn run<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    command: Command,
) -> Result<Json, ApiError> {
    Ok(executed(app, state, command, None).await?.value)
}

/// [`run`] for an import: clears the shared cancel flag (`cancel_import`
/// sets it, and the import rolls back) and emits progress as
/// [`IMPORT_PROGRESS_EVENT`].
pub(crate) async fn run_import<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    command: Command,
) -> Result<Json, ApiError> {
    let cancel = state.import_cancel();
    cancel.store(false, Ordering::Relaxed);
    Ok(executed(app, state, command, Some(cancel)).await?.value)
}

/// [`run`] for an export: the command gives back the rendered file (audited
/// where it was executed), and it is saved here, in this machine's export
/// folder, where the person who asked for it is.
pub(crate) async fn run_export<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    command: Command,
) -> Result<ExportedFile, ApiError> {
    let executed = executed(app, state, command, None).await?;
    blocking(move || executed.decode::<RenderedExport>()?.save(&export_dir()?)).await
}

/// Executes `command` through the state's [`Executor`] and announces its
/// changes; with `import_cancel`, as an import (progress emitted, the flag
/// stopping it). For the commands that need the result itself (an export to
/// save, a message to open in the mail client).
pub(crate) async fn executed<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    command: Command,
    import_cancel: Option<Arc<AtomicBool>>,
) -> Result<Executed, ApiError> {
    let executor = state.executor()?;
    let progress_app = app.clone();
    let executed = blocking(move || {
        let progress = |done: u32, total: u32| {
            let _ = progress_app.emit(IMPORT_PROGRESS_EVENT, Progress { done, total });
        };
        let hooks = match &import_cancel {
            Some(cancel) => Hooks {
                progress: Some(&progress),
                cancel: Some(cancel),
                ..Hooks::default()
            },
            None => Hooks::default(),
        };
        executor.execute(command, hooks)
    })
    .await?;
    for change in &executed.changes {
        announce(app, change);
    }
    Ok(executed)
}
