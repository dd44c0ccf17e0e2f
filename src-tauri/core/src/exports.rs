//! Writing an export file: complete or not at all.

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use ts_rs::TS;

use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::error::{Error, Result};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExportedFile {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// Writes `dir/partnerdesk-<name>-<time>.csv` through `write`, first as a
/// `.part` file that is renamed only when complete.
pub fn write_csv(
    dir: &Path,
    name: &str,
    clock: &dyn Clock,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<ExportedFile> {
    write_file(dir, name, "csv", clock, write)
}

/// Writes `dir/partnerdesk-<name>-<time>.<extension>` the same way as
/// [`write_csv`]: a `.part` file renamed only when complete.
pub fn write_file(
    dir: &Path,
    name: &str,
    extension: &str,
    clock: &dyn Clock,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<ExportedFile> {
    std::fs::create_dir_all(dir)?;
    let stamp = clock
        .now()
        .format(time::macros::format_description!(
            "[year][month][day]-[hour][minute][second]"
        ))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let path: PathBuf = dir.join(format!("partnerdesk-{name}-{stamp}.{extension}"));
    let partial = path.with_extension(format!("{extension}.part"));
    let mut out = BufWriter::new(std::fs::File::create(&partial)?);
    let rows = match write(&mut out).and_then(|rows| Ok(out.flush().map(|()| rows)?)) {
        Ok(rows) => rows,
        Err(error) => {
            drop(out);
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
    };
    drop(out);
    std::fs::rename(&partial, &path)?;
    Ok(ExportedFile {
        path: path.display().to_string(),
        rows,
    })
}

/// [`write_csv`], then an audit entry saying who exported how many `kind` rows where.
pub fn write_csv_audited(
    store: &crate::Store,
    clock: &dyn Clock,
    actor: &Actor,
    dir: &Path,
    kind: &'static str,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<ExportedFile> {
    let exported = write_csv(dir, &format!("{kind}s"), clock, write)?;
    let event = Event {
        detail: format!("{} {kind}s to {}", exported.rows, exported.path),
        ..Event::done(
            actor.audit_ref(),
            match kind {
                "customer" => "customer.export",
                "subscription" => "subscription.export",
                _ => "export",
            },
            Target {
                kind,
                id: None,
                label: format!("{kind} list"),
            },
        )
    };
    audit::record(store, clock, &event)?;
    Ok(exported)
}
