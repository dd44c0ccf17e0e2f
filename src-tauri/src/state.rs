//! What every command can reach: the store (or why it could not be opened) and the clock.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};

use partnerdesk_core::auth::Sessions;
use partnerdesk_core::backup::{self, Schedule};
use partnerdesk_core::clock::{Clock, SystemClock};
use partnerdesk_core::store::{data_dir, DATABASE_FILE};
use partnerdesk_core::{ApiError, Error, Store};

use crate::executor::Executor;
use crate::team::{self, Team, TeamStatus};

/// The store and who is signed in to it: replaced together by a restore, so
/// nobody stays signed in to a database that is no longer there.
struct Live {
    /// A store that failed to open (e.g. a database from a newer build, or a
    /// damaged file) is kept as its error, so the window still opens and every
    /// command explains why; `damaged` opens the recovery screen.
    store: Result<Arc<Store>, ApiError>,
    /// Who is signed in to this app instance.
    sessions: Arc<Sessions>,
    /// Where the database is (or should be), for recovery when it cannot be
    /// opened: the standalone database, or the replica when connected.
    database: Option<PathBuf>,
    /// Set when this desktop is connected to a team server (`store` is then
    /// its replica); `None` standalone.
    team: Option<Arc<Team>>,
}

pub struct AppState {
    live: RwLock<Live>,
    /// Where the connection file and the databases are; `None` for a state
    /// made around one store (tests).
    data_dir: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    /// Set by `cancel_import`; the running import rolls back when it sees it.
    import_cancel: Arc<AtomicBool>,
    backups: Arc<Schedule>,
}

/// How long a restore waits for commands still using the old store to finish.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

impl AppState {
    /// Standalone, today's database in the data directory; with a
    /// `team-connection.json` there, the replica of that team server. A
    /// damaged connection file opens nothing and says so.
    pub fn open_default() -> Self {
        match data_dir() {
            Ok(dir) => AppState::open_in(&dir, app_clock()),
            Err(error) => AppState::with(Err(ApiError::from(error)), None, app_clock()),
        }
    }

    /// Opens what the data directory `dir` holds, as at start (tests).
    pub fn open_in(dir: &Path, clock: Arc<dyn Clock>) -> Self {
        let mut state = AppState::with(Err(closing()), None, clock);
        state.data_dir = Some(dir.to_path_buf());
        *state.live_mut() = Live::open_in(dir);
        state
    }

    pub fn new(store: Result<Store, ApiError>, clock: Arc<dyn Clock>) -> Self {
        let database = store.as_ref().ok().map(|s| s.path().to_path_buf());
        AppState::with(store.map(Arc::new), database, clock)
    }

    /// A state whose store failed to open, for the database at `database`.
    pub fn failed(error: ApiError, database: &Path, clock: Arc<dyn Clock>) -> Self {
        AppState::with(Err(error), Some(database.to_path_buf()), clock)
    }

    fn with(
        store: Result<Arc<Store>, ApiError>,
        database: Option<PathBuf>,
        clock: Arc<dyn Clock>,
    ) -> Self {
        AppState {
            live: RwLock::new(Live {
                store,
                sessions: Arc::default(),
                database,
                team: None,
            }),
            data_dir: None,
            clock,
            import_cancel: Arc::default(),
            backups: Arc::default(),
        }
    }

    fn live(&self) -> RwLockReadGuard<'_, Live> {
        self.live
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn live_mut(&self) -> RwLockWriteGuard<'_, Live> {
        self.live
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    // ApiError is what every command fails with (it carries the message in
    // English and Polish); boxing it here would only unbox it at every `?`.
    #[allow(clippy::result_large_err)]
    pub fn store(&self) -> Result<Arc<Store>, ApiError> {
        let live = self.live();
        match &live.team {
            // The client's replica (a snapshot may have replaced it since).
            Some(team) => team.store(),
            None => live.store.clone(),
        }
    }

    /// The database's path when the store could not be opened because it is
    /// damaged: what the recovery screen works on. Refused otherwise.
    #[allow(clippy::result_large_err)]
    pub fn damaged_database(&self) -> Result<PathBuf, ApiError> {
        let live = self.live();
        match (&live.store, &live.database) {
            (Err(error), Some(path)) if error.code == partnerdesk_core::ErrorCode::Damaged => {
                Ok(path.clone())
            }
            _ => Err(ApiError::from(Error::invalid_state(partnerdesk_core::text!(
                "The database is not damaged: restore a backup from Settings → Backups.",
                "Baza danych nie jest uszkodzona: kopię zapasową przywraca się w Ustawieniach → Kopie zapasowe."
            )))),
        }
    }

    /// The team server this desktop is connected to; `None` standalone.
    pub fn team(&self) -> Option<Arc<Team>> {
        self.live().team.clone()
    }

    /// What the header and Settings → About show.
    pub fn team_status(&self) -> TeamStatus {
        let live = self.live();
        match &live.team {
            Some(team) => team.status(),
            None => team::standalone_status(),
        }
    }

    /// Refuses with `text` when this desktop is connected: set-up, backups
    /// and restores belong to a standalone desktop (decision 0054).
    #[allow(clippy::result_large_err)]
    pub fn refuse_when_connected(&self, text: partnerdesk_core::Text) -> Result<(), ApiError> {
        match self.team() {
            Some(_) => Err(ApiError::from(Error::invalid_state(text))),
            None => Ok(()),
        }
    }

    /// Ends the local session without writing anything: a connected
    /// desktop's sign-out is the server's to audit.
    pub fn forget_sessions(&self) {
        self.live_mut().sessions = Arc::default();
    }

    /// The data directory this state was opened in.
    pub fn data_dir(&self) -> Option<PathBuf> {
        self.data_dir.clone()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    pub fn sessions(&self) -> Arc<Sessions> {
        Arc::clone(&self.live().sessions)
    }

    /// The one place a write goes through: see [`Executor`].
    #[allow(clippy::result_large_err)]
    pub fn executor(&self) -> Result<Executor, ApiError> {
        let (store, clock, sessions) = (self.store()?, self.clock(), self.sessions());
        Ok(match self.team() {
            None => Executor::Standalone {
                store,
                clock,
                sessions,
            },
            Some(team) => Executor::Connected {
                team,
                store,
                clock,
                sessions,
            },
        })
    }

    pub fn import_cancel(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.import_cancel)
    }

    pub fn backups(&self) -> Arc<Schedule> {
        Arc::clone(&self.backups)
    }

    /// Closes the store at exit, once the commands still using it finished:
    /// its last connection folds the write-ahead log into the file, so the
    /// file on disk is whole by itself.
    pub fn close(&self) {
        let current = std::mem::replace(&mut self.live_mut().store, Err(closing()));
        if let Ok(current) = current {
            if close(current).is_err() {
                tracing::warn!("the database was still in use at exit");
            }
        }
    }

    /// Replaces the store: closes the current one (waiting for commands still
    /// using it), runs `swap` with nothing open on the file, and installs the
    /// store it opened with fresh sessions, so everyone signs in again. When
    /// `swap` fails, whatever is at the path is opened again.
    #[allow(clippy::result_large_err)]
    pub fn swap_store<T>(
        &self,
        swap: impl FnOnce(&Path) -> partnerdesk_core::Result<(Store, T)>,
    ) -> Result<T, ApiError> {
        let database = self.live().database.clone().ok_or_else(|| {
            ApiError::from(Error::Internal("the database's place is not known".into()))
        })?;
        // Taken out first, and the lock let go while the commands still
        // holding it finish: they may need the lock themselves to do so.
        let current = std::mem::replace(&mut self.live_mut().store, Err(closing()));
        if let Ok(current) = current {
            if let Err(still_used) = close(current) {
                self.live_mut().store = Ok(still_used);
                return Err(busy());
            }
        }
        let mut live = self.live_mut();
        live.sessions = Arc::default();
        self.backups.reset();
        match swap(&database) {
            Ok((store, value)) => {
                live.store = Ok(Arc::new(store));
                Ok(value)
            }
            Err(error) => {
                tracing::error!(%error, "replacing the database failed");
                live.store = backup::open_checked(&database)
                    .map(Arc::new)
                    .map_err(ApiError::from);
                Err(ApiError::from(error))
            }
        }
    }

    /// Switches between standalone and connected: closes the current store
    /// (waiting for the commands still using it) and opens what the data
    /// directory says now, with fresh sessions. `change` runs in between on
    /// the data directory, with nothing open (it writes or removes the
    /// connection file).
    #[allow(clippy::result_large_err)]
    pub fn switch_mode(
        &self,
        change: impl FnOnce(&Path) -> partnerdesk_core::Result<()>,
    ) -> Result<(), ApiError> {
        let dir = self.data_dir.clone().ok_or_else(|| {
            ApiError::from(Error::Internal("the data directory is not known".into()))
        })?;
        let current = std::mem::replace(&mut self.live_mut().store, Err(closing()));
        if let Ok(current) = current {
            if let Err(still_used) = close(current) {
                self.live_mut().store = Ok(still_used);
                return Err(busy());
            }
        }
        let changed = change(&dir);
        self.backups.reset();
        *self.live_mut() = Live::open_in(&dir);
        changed.map_err(ApiError::from)
    }
}

impl Live {
    fn open_in(dir: &Path) -> Live {
        match team::file::load(dir) {
            Err(damaged) => {
                tracing::error!(error = %damaged.message, "the team connection file is damaged");
                Live::failed(damaged, None)
            }
            Ok(None) => {
                let database = dir.join(DATABASE_FILE);
                let store = std::fs::create_dir_all(dir)
                    .map_err(partnerdesk_core::Error::from)
                    .and_then(|()| backup::open_checked(&database))
                    .map(Arc::new)
                    .map_err(|error| {
                        tracing::error!(%error, "cannot open the database");
                        ApiError::from(error)
                    });
                Live {
                    store,
                    sessions: Arc::default(),
                    database: Some(database),
                    team: None,
                }
            }
            Ok(Some(file)) => {
                // The replica is the client's to open, once the server
                // was reached (team::sync); until then reads explain why.
                let team = Arc::new(Team::new(dir, file));
                Live {
                    store: Err(closing()),
                    sessions: Arc::default(),
                    database: None,
                    team: Some(team),
                }
            }
        }
    }

    fn failed(error: ApiError, database: Option<PathBuf>) -> Live {
        Live {
            store: Err(error),
            sessions: Arc::default(),
            database,
            team: None,
        }
    }
}

fn busy() -> ApiError {
    ApiError::from(Error::invalid_state(partnerdesk_core::text!(
        "The database is still busy; try again in a moment.",
        "Baza danych jest jeszcze zajęta; spróbuj za chwilę."
    )))
}

/// What commands see for the moment the store is being replaced.
fn closing() -> ApiError {
    ApiError::from(Error::invalid_state(partnerdesk_core::text!(
        "A backup is being restored; try again in a moment.",
        "Trwa przywracanie kopii zapasowej; spróbuj za chwilę."
    )))
}

/// Drops the last handle to `store` (closing its connections), once the
/// commands that still hold one have finished; gives it back if they do not.
fn close(mut store: Arc<Store>) -> Result<(), Arc<Store>> {
    let deadline = Instant::now() + CLOSE_WAIT;
    loop {
        match Arc::try_unwrap(store) {
            Ok(only) => {
                drop(only);
                return Ok(());
            }
            Err(shared) if Instant::now() < deadline => {
                store = shared;
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(shared) => return Err(shared),
        }
    }
}

/// The system clock; a debug build started by the end-to-end tests with
/// `PARTNERDESK_TEST_CLOCK_SHIFT_DAYS=N` runs N days ahead. Release builds
/// never read the variable.
fn app_clock() -> Arc<dyn Clock> {
    #[cfg(debug_assertions)]
    if let Some(days) = std::env::var("PARTNERDESK_TEST_CLOCK_SHIFT_DAYS")
        .ok()
        .and_then(|d| d.parse::<i64>().ok())
    {
        tracing::info!(days, "test clock ahead");
        return Arc::new(partnerdesk_core::clock::ShiftedClock::days_ahead(days));
    }
    Arc::new(SystemClock)
}
