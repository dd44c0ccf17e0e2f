//! Team mode's commands (decision 0054): what the header and About show,
//! connecting to a team server and going back to standalone, and the
//! connected desktop's sign-in, sign-out and unlock, which go to the server.

use std::sync::Arc;

use partnerdesk_core::auth::{self, SessionInfo, SessionStatus};
use partnerdesk_core::change::{Change, Entity};
use partnerdesk_core::ApiError;
use tauri::{AppHandle, Emitter, Runtime, State};

use super::{announce, blocking, blocking_api};
use crate::state::AppState;
use crate::team::{self, file, ServerProbe, Team, TeamStatus, TEAM_STATUS_EVENT};

#[tauri::command]
pub async fn team_status(state: State<'_, AppState>) -> Result<TeamStatus, ApiError> {
    Ok(state.team_status())
}

/// Tells the header (and About) where the connection stands now.
pub fn tell_status<R: Runtime>(app: &AppHandle<R>, state: &AppState) {
    if let Err(error) = app.emit(TEAM_STATUS_EVENT, state.team_status()) {
        tracing::warn!(%error, "could not emit the team status");
    }
}

/// What the server at `server_url` says about itself, before anything is
/// saved: the first-run screen shows it (and a self-signed certificate's
/// fingerprint to compare) and asks the person to go on.
#[allow(clippy::result_large_err)] // see state.rs: ApiError is every command's error
#[tauri::command]
pub async fn probe_team_server(server_url: String) -> Result<ServerProbe, ApiError> {
    let url = file::server_url(&server_url)?;
    blocking_api(move || team::link::probe(&url)).await
}

/// Connects this desktop: the connection file is written and the replica
/// opened; the sign-in screen follows, against the server. `fingerprint` is
/// the one the person compared and accepted (self-signed certificates).
#[allow(clippy::result_large_err)] // see state.rs: ApiError is every command's error
#[tauri::command]
pub async fn connect_team_server<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    server_url: String,
    fingerprint: Option<String>,
) -> Result<TeamStatus, ApiError> {
    let url = file::server_url(&server_url)?;
    let probed = {
        let url = url.clone();
        blocking_api(move || team::link::probe(&url)).await?
    };
    if let Some(refusal) = probed.refusal.clone() {
        return Err(ApiError::from(partnerdesk_core::Error::invalid_state(
            refusal,
        )));
    }
    // The certificate pinned is the one the person compared, and only if it
    // is still the one the server presents.
    if probed.fingerprint.is_some() && probed.fingerprint != fingerprint {
        return Err(ApiError::from(partnerdesk_core::Error::invalid_state(
            partnerdesk_core::text!(
                "The server's certificate is not the one you compared. Compare the fingerprint shown now with the admin's before connecting.",
                "Certyfikat serwera nie jest tym, który porównano. Przed połączeniem porównaj wyświetlony teraz odcisk z odciskiem od administratora."
            ),
        )));
    }
    let connection = file::ConnectionFile::new(&url, probed.fingerprint.clone());
    // Connecting elsewhere: the previous server's tasks end first.
    if let Some(previous) = state.team() {
        blocking(move || {
            previous.disconnect();
            Ok(())
        })
        .await?;
    }
    state.switch_mode(|dir| file::save(dir, &connection))?;
    if let Some(team) = state.team() {
        team::sync::start(app.clone(), team);
    }
    announce(&app, &Change::of(Entity::Session));
    tell_status(&app, &state);
    Ok(state.team_status())
}

/// Back to standalone (Settings, after a confirmation; or the start screen
/// when the connection file is damaged): the connection file and the
/// replica are removed, the standalone database opens as before.
#[tauri::command]
pub async fn work_standalone<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<TeamStatus, ApiError> {
    if let Some(leaving) = state.team() {
        blocking(move || {
            leaving.disconnect();
            Ok(())
        })
        .await?;
    }
    state.switch_mode(|dir| {
        let known = file::load(dir).ok().flatten();
        file::forget(dir, known.as_ref())
    })?;
    announce(&app, &Change::of(Entity::Session));
    tell_status(&app, &state);
    Ok(state.team_status())
}

/// Signs in at the server; then the replica (which the client downloads
/// when this desktop has none yet, and waits for) knows who reads, through
/// the local session.
#[allow(clippy::result_large_err)] // see state.rs: ApiError is every command's error
pub(crate) async fn sign_in<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    team: Arc<Team>,
    email: String,
    password: String,
) -> Result<SessionInfo, ApiError> {
    let staff_id = blocking_api(move || team.sign_in(&email, &password)).await?;
    let info = start_session(state, &staff_id).await?;
    announce(app, &Change::of(Entity::Session));
    tell_status(app, state);
    Ok(info)
}

/// Unlocking signs in to the server again with the locked person's e-mail.
pub(crate) async fn unlock<R: Runtime>(
    app: &AppHandle<R>,
    state: &AppState,
    team: Arc<Team>,
    password: String,
) -> Result<SessionInfo, ApiError> {
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    let email = blocking(move || match sessions.status(&store, clock.as_ref())? {
        SessionStatus::Locked { staff } => Ok(staff.email),
        SessionStatus::SignedIn { session } => Ok(session.staff.email),
        _ => Err(partnerdesk_core::Error::Unauthenticated),
    })
    .await?;
    sign_in(app, state, team, email, password).await
}

pub(crate) async fn sign_out(state: &AppState, team: Arc<Team>) {
    let leaving = team;
    // The server audits the sign-out; a server out of reach still ends the
    // local session (the token expires on its own there).
    let _ = blocking(move || {
        leaving.sign_out();
        Ok(())
    })
    .await;
    state.forget_sessions();
}

async fn start_session(state: &AppState, staff_id: &str) -> Result<SessionInfo, ApiError> {
    let (store, clock, sessions) = (state.store()?, state.clock(), state.sessions());
    let staff_id = staff_id.to_owned();
    blocking(move || {
        sessions.start(&staff_id, clock.now());
        let actor = sessions.actor(&store, clock.as_ref())?;
        auth::describe(&store, actor)
    })
    .await
}
