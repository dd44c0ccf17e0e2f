//! Which backups are kept. Exactly:
//!
//! 1. the [`KEEP_NEWEST`] newest backups (24 hours of half-hourly ones), and
//! 2. for each of the last [`KEEP_DAILY_DAYS`] UTC calendar days — today and
//!    the 13 before it — the newest backup taken that day.
//!
//! Every other file named like a backup is deleted. Nothing else in the folder
//! is touched (a `.partial` copy, a file someone put there).

use std::collections::BTreeSet;
use std::path::Path;

use time::{Duration, OffsetDateTime};

use super::files::{backups_dir, taken_at};
use super::list;
use crate::error::Result;

pub const KEEP_NEWEST: usize = 48;
pub const KEEP_DAILY_DAYS: i64 = 14;

/// The names of `names` (backups, any order) that rotation retires at `now`.
pub fn retired(names: &[String], now: OffsetDateTime) -> Vec<String> {
    let mut dated: Vec<(OffsetDateTime, &String)> = names
        .iter()
        .filter_map(|name| taken_at(name).map(|at| (at, name)))
        .collect();
    dated.sort_by(|a, b| b.cmp(a));
    let today = now.date();
    let first_day = today - Duration::days(KEEP_DAILY_DAYS - 1);
    let mut kept: BTreeSet<&String> = dated.iter().take(KEEP_NEWEST).map(|(_, n)| *n).collect();
    let mut days_seen = BTreeSet::new();
    for (at, name) in &dated {
        let day = at.date();
        // Newest first, so the first of each day is that day's newest.
        if day >= first_day && day <= today && days_seen.insert(day) {
            kept.insert(name);
        }
    }
    dated
        .iter()
        .filter(|(_, name)| !kept.contains(name))
        .map(|(_, name)| (*name).clone())
        .collect()
}

/// Deletes the backups beside `database` that [`retired`] names.
pub(super) fn rotate(database: &Path, now: OffsetDateTime) -> Result<Vec<String>> {
    let names: Vec<String> = list(database)?.into_iter().map(|b| b.name).collect();
    let retired = retired(&names, now);
    let dir = backups_dir(database);
    for name in &retired {
        std::fs::remove_file(dir.join(name))?;
    }
    Ok(retired)
}
