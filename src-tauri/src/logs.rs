//! The app's log: a file a day in `logs/` in the data directory, the last
//! [`KEEP_FILES`] kept (tracing-appender rotates and prunes them), and stderr
//! too in debug builds. Panics are logged before the default hook runs.

use std::path::PathBuf;

use partnerdesk_core::store::data_dir;
use tracing_appender::rolling::{Builder, Rotation};
use tracing_subscriber::fmt::writer::MakeWriterExt;

pub use partnerdesk_core::system::LOG_DIR;
/// Fourteen days of daily files.
pub const KEEP_FILES: usize = 14;

/// Where the log files are.
pub fn log_dir() -> Option<PathBuf> {
    data_dir().ok().map(|dir| dir.join(LOG_DIR))
}

/// Starts logging for the whole process (once; later calls do nothing).
pub fn start() {
    let appender = log_dir().map(|dir| {
        Builder::new()
            .rotation(Rotation::DAILY)
            .filename_prefix("partnerdesk")
            .filename_suffix("log")
            .max_log_files(KEEP_FILES)
            .build(&dir)
    });
    let installed = match appender {
        Some(Ok(file)) => {
            #[cfg(debug_assertions)]
            let writer = file.and(std::io::stderr);
            #[cfg(not(debug_assertions))]
            let writer = file;
            tracing_subscriber::fmt()
                .with_ansi(false)
                .with_max_level(tracing::Level::INFO)
                .with_writer(writer)
                .try_init()
                .is_ok()
        }
        Some(Err(error)) => {
            let ok = stderr_only();
            tracing::error!(%error, "the log folder cannot be used; logging to stderr only");
            ok
        }
        None => stderr_only(),
    };
    if installed {
        log_panics();
    }
}

fn stderr_only() -> bool {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::INFO)
        .with_writer(std::io::stderr)
        .try_init()
        .is_ok()
}

fn log_panics() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        tracing::error!(panic = %info, "panic");
        default(info);
    }));
}
