//! Settings → Backups, and the recovery screen's two commands.

use partnerdesk_core::backup::{self, BackupInfo, BackupOverview, RestoreReport};
use partnerdesk_core::change::{Change, Entity};
use partnerdesk_core::{ApiError, ErrorCode};
use tauri::{AppHandle, Manager, Runtime, State};

use super::{announce, as_actor, blocking};
use crate::state::AppState;

#[tauri::command]
pub async fn list_backups(state: State<'_, AppState>) -> Result<BackupOverview, ApiError> {
    as_actor(&state, |cx| {
        backup::overview_as(cx.store, cx.clock, &cx.actor)
    })
    .await
}

/// Backs up now; audited. The half-hourly schedule counts it as its own.
#[tauri::command]
pub async fn back_up_now(state: State<'_, AppState>) -> Result<BackupInfo, ApiError> {
    state.refuse_when_connected(no_backups_when_connected())?;
    let schedule = state.backups();
    as_actor(&state, move |cx| {
        let made = backup::back_up_now_as(cx.store, cx.clock, &cx.actor)?;
        schedule.mark(cx.store);
        Ok(made)
    })
    .await
}

/// Replaces the database with the backup `name` (global admins; the current
/// file is set aside). Everyone is signed out: the sessions were of the old file.
#[tauri::command]
pub async fn restore_backup<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: String,
) -> Result<RestoreReport, ApiError> {
    state.refuse_when_connected(no_backups_when_connected())?;
    let (from, actor) = as_actor(&state, move |cx| {
        let from = backup::prepare_restore_as(cx.store, cx.clock, &cx.actor, &name)?;
        Ok((from, cx.actor.audit_ref()))
    })
    .await?;
    let report = swap(&app, move |database, clock| {
        let (store, aside) = backup::restore_closed(database, &from, clock, &actor)?;
        let report = RestoreReport {
            restored: file_name(&from),
            set_aside: aside.display().to_string(),
            skipped: Vec::new(),
        };
        Ok((store, report))
    })
    .await?;
    announce(&app, &Change::of(Entity::Session));
    Ok(report)
}

/// The recovery screen's list; only while the database is damaged.
#[tauri::command]
pub async fn recovery_backups(state: State<'_, AppState>) -> Result<BackupOverview, ApiError> {
    let database = state.damaged_database()?;
    blocking(move || backup::recovery_overview(&database)).await
}

/// Restores the newest good backup (or the one named) over a damaged
/// database, with nobody signed in: nobody can sign in to an unreadable file,
/// and whoever runs the app can copy its files anyway (decision 0030).
#[tauri::command]
pub async fn recover_database<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    name: Option<String>,
) -> Result<RestoreReport, ApiError> {
    state.damaged_database()?;
    let report = swap(&app, move |database, clock| {
        let recovered = backup::recover(database, clock, name.as_deref())?;
        let report = RestoreReport {
            restored: recovered.restored.name,
            set_aside: recovered.set_aside.display().to_string(),
            skipped: recovered.skipped,
        };
        Ok((recovered.store, report))
    })
    .await?;
    announce(&app, &Change::of(Entity::Session));
    Ok(report)
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Runs [`AppState::swap_store`] off the async runtime: it waits for commands
/// to let go of the old store, and copies files.
async fn swap<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    work: impl FnOnce(
            &std::path::Path,
            &dyn partnerdesk_core::clock::Clock,
        ) -> partnerdesk_core::Result<(partnerdesk_core::Store, T)>
        + Send
        + 'static,
) -> Result<T, ApiError> {
    let app = app.clone();
    // ApiError is what every command fails with; boxing it would only unbox it here.
    #[allow(clippy::result_large_err)]
    tauri::async_runtime::spawn_blocking(move || {
        let state = app.state::<AppState>();
        let clock = state.clock();
        state.swap_store(|database| work(database, clock.as_ref()))
    })
    .await
    .map_err(|join_error| {
        let text = partnerdesk_core::text!(
            "the restore stopped unexpectedly: {join_error}",
            "przywracanie zatrzymało się nieoczekiwanie: {join_error}"
        );
        ApiError {
            code: ErrorCode::Internal,
            message: text.en.clone(),
            text,
            field: None,
            reason: None,
        }
    })?
}

/// A connected desktop's replica is a copy of the team server's data, which
/// the server's admin backs up (decision 0054).
fn no_backups_when_connected() -> partnerdesk_core::Text {
    partnerdesk_core::text!(
        "This desktop is connected to a team server: it keeps no backups of its own. The server's admin backs up the team's data.",
        "Ten komputer jest połączony z serwerem zespołu: nie tworzy własnych kopii zapasowych. Kopie danych zespołu robi administrator serwera."
    )
}
