//! Facts about this installation that the UI shows in Settings (About).

use serde::Serialize;
use ts_rs::TS;

use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct AppInfo {
    pub version: String,
    pub database_path: String,
    pub schema_version: u32,
    /// The pre-migration copy written at this start, if one was.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub migration_backup: Option<String>,
    /// The folder of the app's daily log files.
    pub log_folder: String,
}

/// The log folder's name in the data directory, beside the database.
pub const LOG_DIR: &str = "logs";

pub fn app_info(store: &Store) -> Result<AppInfo> {
    let schema_version = u32::try_from(store.schema_version()?).unwrap_or(u32::MAX);
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION").to_owned(),
        database_path: store.path().display().to_string(),
        schema_version,
        migration_backup: store
            .migration()
            .backup
            .as_ref()
            .map(|p| p.display().to_string()),
        log_folder: store
            .path()
            .parent()
            .map(|dir| dir.join(LOG_DIR).display().to_string())
            .unwrap_or_default(),
    })
}
