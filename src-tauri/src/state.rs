//! What every command can reach: the store (or why it could not be opened) and the clock.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use partnerdesk_core::auth::Sessions;
use partnerdesk_core::clock::{Clock, SystemClock};
use partnerdesk_core::{ApiError, Store};

pub struct AppState {
    /// A store that failed to open (e.g. a database from a newer build) is kept
    /// as its error, so the window still opens and every command explains why.
    store: Result<Arc<Store>, ApiError>,
    clock: Arc<dyn Clock>,
    /// Who is signed in to this app instance.
    sessions: Arc<Sessions>,
    /// Set by `cancel_import`; the running import rolls back when it sees it.
    import_cancel: Arc<AtomicBool>,
}

impl AppState {
    pub fn open_default() -> Self {
        let store = Store::open_default().map(Arc::new).map_err(|error| {
            eprintln!("partnerdesk: cannot open the database: {error}");
            ApiError::from(error)
        });
        AppState {
            store,
            clock: app_clock(),
            sessions: Arc::default(),
            import_cancel: Arc::default(),
        }
    }

    pub fn new(store: Result<Store, ApiError>, clock: Arc<dyn Clock>) -> Self {
        AppState {
            store: store.map(Arc::new),
            clock,
            sessions: Arc::default(),
            import_cancel: Arc::default(),
        }
    }

    // ApiError is what every command fails with (it carries the message in
    // English and Polish); boxing it here would only unbox it at every `?`.
    #[allow(clippy::result_large_err)]
    pub fn store(&self) -> Result<Arc<Store>, ApiError> {
        self.store.clone()
    }

    pub fn clock(&self) -> Arc<dyn Clock> {
        Arc::clone(&self.clock)
    }

    pub fn sessions(&self) -> Arc<Sessions> {
        Arc::clone(&self.sessions)
    }

    pub fn import_cancel(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.import_cancel)
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
        eprintln!("partnerdesk: test clock, {days} days ahead");
        return Arc::new(partnerdesk_core::clock::ShiftedClock::days_ahead(days));
    }
    Arc::new(SystemClock)
}
