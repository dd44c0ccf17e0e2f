//! Where the database lives.

use std::path::PathBuf;

use crate::error::{Error, Result};

/// Overrides the platform data directory; tests and portable installs set it.
pub const DATA_DIR_ENV: &str = "PARTNERDESK_DATA_DIR";
pub const DATABASE_FILE: &str = "partnerdesk.sqlite3";

/// The directory that holds the database: `PARTNERDESK_DATA_DIR` when set and
/// not empty, otherwise the platform's per-user data directory
/// (`~/.local/share/partnerdesk`, `%APPDATA%\Partnerdesk\Partnerdesk\data`,
/// `~/Library/Application Support/com.Partnerdesk.Partnerdesk`).
pub fn data_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("com", "Partnerdesk", "Partnerdesk")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| Error::Internal("the platform has no home directory for user data".into()))
}

/// Overrides where exports (CSV) are written; tests set it.
pub const EXPORT_DIR_ENV: &str = "PARTNERDESK_EXPORT_DIR";

/// Where exported files go: `PARTNERDESK_EXPORT_DIR`, else the user's
/// Downloads folder, else an `exports` folder in the data directory.
pub fn export_dir() -> Result<PathBuf> {
    if let Some(dir) = std::env::var_os(EXPORT_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    if let Some(downloads) =
        directories::UserDirs::new().and_then(|u| u.download_dir().map(PathBuf::from))
    {
        return Ok(downloads);
    }
    Ok(data_dir()?.join("exports"))
}
