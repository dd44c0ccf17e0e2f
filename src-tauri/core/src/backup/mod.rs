//! Automatic backups and recovery from a damaged database
//! (docs/decisions/0030-backups-and-recovery.md).
//!
//! A backup is an online copy made with SQLite's backup API while the app
//! runs, into a `backups` folder beside the database, named by its UTC time
//! to the millisecond so that name order is time order. Each copy gets its
//! final name only after `PRAGMA quick_check` passed on it, opened read-only;
//! a failure is never silent (recorded, logged, notified). At start a damaged
//! or unreadable database becomes [`crate::Error::Damaged`], and the UI's
//! recovery screen restores a backup; nothing is ever deleted but backups
//! that rotation retires.

mod check;
mod failure;
mod files;
mod make;
mod restore;
mod rotation;
mod service;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_restore;

use serde::Serialize;
use ts_rs::TS;

use crate::text::Text;

pub use check::{open_checked, open_default_checked, quick_check};
pub use files::{backups_dir, list, COMPANION_SUFFIXES};
pub use make::{create, Schedule, INTERVAL};
pub use restore::{after_restore, recover, restore_closed, set_aside, Recovered};
pub use rotation::{retired, KEEP_DAILY_DAYS, KEEP_NEWEST};
pub use service::{back_up_now_as, overview_as, prepare_restore_as, recovery_overview};

/// One backup file in the backups folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupInfo {
    /// The file name (`partnerdesk-20261125T093000.123Z.sqlite3`); restore asks for it.
    pub name: String,
    /// When it was taken, in the stored timestamp form.
    pub taken_at: String,
    #[ts(type = "number")]
    pub size_bytes: u64,
    /// Passed `PRAGMA quick_check` when it was written: a copy that does not
    /// pass never gets a backup's name, so every listed one did.
    pub checked: bool,
}

/// The last backup that failed, as Settings → Backups shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupFailure {
    pub at: String,
    /// What went wrong, in each language the UI speaks.
    pub error: Text,
}

/// Settings → Backups, and the recovery screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct BackupOverview {
    pub folder: String,
    /// Newest first.
    pub backups: Vec<BackupInfo>,
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_failure: Option<BackupFailure>,
    /// The last failure is newer than the newest backup: backups are failing now.
    pub failing: bool,
}

/// What a restore did: which backup it put in place and where the file it
/// replaced was kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct RestoreReport {
    pub restored: String,
    pub set_aside: String,
    /// Newer backups that failed their check and were passed over (recovery only).
    pub skipped: Vec<String>,
}
