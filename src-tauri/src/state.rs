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

/// The store and who is signed in to it: replaced together by a restore, so
/// nobody stays signed in to a database that is no longer there.
struct Live {
    /// A store that failed to open (e.g. a database from a newer build, or a
    /// damaged file) is kept as its error, so the window still opens and every
    /// command explains why; `damaged` opens the recovery screen.
    store: Result<Arc<Store>, ApiError>,
    /// Who is signed in to this app instance.
    sessions: Arc<Sessions>,
}

pub struct AppState {
    live: RwLock<Live>,
    /// Where the database is (or should be), for recovery when it cannot be opened.
    database: Option<PathBuf>,
    clock: Arc<dyn Clock>,
    /// Set by `cancel_import`; the running import rolls back when it sees it.
    import_cancel: Arc<AtomicBool>,
    backups: Arc<Schedule>,
}

/// How long a restore waits for commands still using the old store to finish.
const CLOSE_WAIT: Duration = Duration::from_secs(10);

impl AppState {
    pub fn open_default() -> Self {
        let database = data_dir().ok().map(|dir| dir.join(DATABASE_FILE));
        let store = backup::open_default_checked()
            .map(Arc::new)
            .map_err(|error| {
                tracing::error!(%error, "cannot open the database");
                ApiError::from(error)
            });
        AppState::with(store, database, app_clock())
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
            }),
            database,
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
        self.live().store.clone()
    }

    /// The database's path when the store could not be opened because it is
    /// damaged: what the recovery screen works on. Refused otherwise.
    #[allow(clippy::result_large_err)]
    pub fn damaged_database(&self) -> Result<PathBuf, ApiError> {
        match (&self.live().store, &self.database) {
            (Err(error), Some(path)) if error.code == partnerdesk_core::ErrorCode::Damaged => {
                Ok(path.clone())
            }
            _ => Err(ApiError::from(Error::invalid_state(partnerdesk_core::text!(
                "The database is not damaged: restore a backup from Settings → Backups.",
                "Baza danych nie jest uszkodzona: kopię zapasową przywraca się w Ustawieniach → Kopie zapasowe."
            )))),
        }
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
        Ok(Executor::Standalone {
            store: self.store()?,
            clock: self.clock(),
            sessions: self.sessions(),
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
        let database = self.database.clone().ok_or_else(|| {
            ApiError::from(Error::Internal("the database's place is not known".into()))
        })?;
        // Taken out first, and the lock let go while the commands still
        // holding it finish: they may need the lock themselves to do so.
        let current = std::mem::replace(&mut self.live_mut().store, Err(closing()));
        if let Ok(current) = current {
            if let Err(still_used) = close(current) {
                self.live_mut().store = Ok(still_used);
                return Err(ApiError::from(Error::invalid_state(
                    partnerdesk_core::text!(
                        "The database is still busy; try again in a moment.",
                        "Baza danych jest jeszcze zajęta; spróbuj za chwilę."
                    ),
                )));
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
                tracing::error!(%error, "restoring a backup failed");
                live.store = backup::open_checked(&database)
                    .map(Arc::new)
                    .map_err(ApiError::from);
                Err(ApiError::from(error))
            }
        }
    }
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
