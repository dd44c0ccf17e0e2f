//! Thin commands, one module per domain: parse input, call one core function,
//! map its error, announce what changed.

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

use partnerdesk_core::auth::{Actor, Sessions};
use partnerdesk_core::change::Change;
use partnerdesk_core::clock::Clock;
use partnerdesk_core::{ApiError, ErrorCode, Store};
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

/// What a command's core call gets: the store, the clock, the sessions, and
/// the signed-in staff member (checked; whether the call counts as activity
/// is decided before, in `activity::counting_activity`).
pub(crate) struct Context<'a> {
    pub store: &'a Store,
    pub clock: &'a dyn Clock,
    pub sessions: &'a Sessions,
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
            sessions: &sessions,
            actor,
        })
    })
    .await
}

/// The same for writes: announces the change after it committed.
pub(crate) async fn write_as_actor<R: Runtime, T, F>(
    app: &AppHandle<R>,
    state: &AppState,
    work: F,
) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(Context<'_>) -> partnerdesk_core::Result<(T, Change)> + Send + 'static,
{
    let (value, change) = as_actor(state, work).await?;
    announce(app, &change);
    Ok(value)
}
