//! Writing an export file: complete or not at all.

use std::borrow::Cow;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::clock::Clock;
use crate::csv_file::Delimiter;
use crate::error::{Error, Result};

mod table;
mod xlsx;
#[cfg(test)]
mod xlsx_tests;

pub use table::{headers, Column, ExportFormat, FileType, TableWriter, Value};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ExportedFile {
    pub path: String,
    #[ts(type = "number")]
    pub rows: u64,
}

/// An export made in memory, not yet a file: what an export command gives
/// back, so the file is written on the machine of whoever asked for it (in
/// team mode the server executes the command; docs/decisions/0049).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenderedExport {
    /// `partnerdesk-<name>-<time>`: the file's name without its extension.
    pub stem: String,
    pub extension: String,
    /// The file's content, in base64 in JSON (as an import's bytes travel).
    #[serde(with = "crate::base64_bytes")]
    pub bytes: Vec<u8>,
    pub rows: u64,
}

impl RenderedExport {
    /// The name the file is meant to have (a taken one gets " (2)"… on saving).
    pub fn file_name(&self) -> String {
        format!("{}.{}", self.stem, self.extension)
    }

    /// Writes the file into `dir`: first as a `.part` file renamed only when
    /// complete. A name already taken (two exports in one millisecond, or a
    /// file left there) gets " (2)", " (3)"…: an export never replaces a file.
    pub fn save(&self, dir: &Path) -> Result<ExportedFile> {
        std::fs::create_dir_all(dir)?;
        let (path, partial, file) = reserve(dir, &self.stem, &self.extension)?;
        let mut out = BufWriter::new(file);
        let written = out.write_all(&self.bytes).and_then(|()| out.flush());
        drop(out);
        if let Err(error) = written {
            let _ = std::fs::remove_file(&partial);
            return Err(error.into());
        }
        std::fs::rename(&partial, &path)?;
        Ok(ExportedFile {
            path: path.display().to_string(),
            rows: self.rows,
        })
    }
}

/// Renders `partnerdesk-<name>-<time>.<extension>` through `write`. The time
/// has milliseconds.
pub fn render(
    name: &str,
    extension: &str,
    clock: &dyn Clock,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<RenderedExport> {
    let stamp = clock
        .now()
        .to_offset(time::UtcOffset::UTC)
        .format(time::macros::format_description!(
            "[year][month][day]-[hour][minute][second]-[subsecond digits:3]"
        ))
        .map_err(|e| Error::Internal(e.to_string()))?;
    let mut bytes = Vec::new();
    let rows = write(&mut bytes)?;
    Ok(RenderedExport {
        stem: format!("partnerdesk-{name}-{stamp}"),
        extension: extension.to_owned(),
        bytes,
        rows,
    })
}

/// [`render`] as CSV or a workbook. A CSV starts with a UTF-8 byte-order
/// mark: without it Excel reads a CSV in the system's ANSI code page and
/// garbles every "ł" (docs/decisions/0034).
pub fn render_export(
    name: &str,
    format: ExportFormat,
    clock: &dyn Clock,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<RenderedExport> {
    match format {
        ExportFormat::Csv(_) => render_csv(name, clock, write),
        ExportFormat::Xlsx => render(name, format.extension(), clock, write),
    }
}

fn render_csv(
    name: &str,
    clock: &dyn Clock,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<RenderedExport> {
    render(name, "csv", clock, |out| {
        out.write_all(UTF8_BOM.as_bytes())?;
        write(out)
    })
}

/// The byte-order mark every CSV export starts with.
pub const UTF8_BOM: &str = "\u{feff}";

/// A CSV writer for an export: the chosen delimiter (semicolon is what Excel
/// expects where the decimal separator is a comma, as in Poland) and CRLF
/// line ends, as RFC 4180 and Excel write them.
pub fn csv_writer<W: Write>(out: W, delimiter: Delimiter) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .delimiter(delimiter.byte())
        .terminator(csv::Terminator::CRLF)
        .from_writer(out)
}

/// How many " (n)" suffixes are tried before giving up.
const MAX_SUFFIX: u32 = 1_000;

/// The first free name `<base>[ (n)].<extension>` with its `.part` file, created
/// here: holding the `.part` (created only if new) reserves the name against
/// another export, and the final name is checked free after that, so one
/// renamed in the meantime is seen.
fn reserve(dir: &Path, base: &str, extension: &str) -> Result<(PathBuf, PathBuf, std::fs::File)> {
    for n in 1..=MAX_SUFFIX {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!(" ({n})")
        };
        let path = dir.join(format!("{base}{suffix}.{extension}"));
        let partial = path.with_extension(format!("{extension}.part"));
        if path.exists() {
            continue;
        }
        let file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&partial)
        {
            Ok(file) => file,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        };
        if path.exists() {
            drop(file);
            let _ = std::fs::remove_file(&partial);
            continue;
        }
        return Ok((path, partial, file));
    }
    Err(Error::invalid_state(text!(
        "{MAX_SUFFIX} exports of this name already exist in this folder; move some away",
        "w tym folderze jest już {MAX_SUFFIX} eksportów o tej nazwie; przenieś część z nich"
    )))
}

/// The characters that make a spreadsheet read a cell as a formula (OWASP,
/// "CSV Injection"): a cell starting with one of them is written with a
/// leading `'`, which spreadsheets show as text and do not evaluate.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Whether a cell would be read as a formula, or is one behind quotes that
/// [`restore_cell`] would take off: `'=1` must itself be quoted to come back.
fn needs_quote(cell: &str) -> bool {
    cell.trim_start_matches('\'').starts_with(FORMULA_STARTS)
}

/// A cell as an export writes it: text a spreadsheet could run gets a leading
/// `'`, so that [`restore_cell`] gives every value back exactly.
pub fn neutralise_cell(cell: &str) -> Cow<'_, str> {
    if needs_quote(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The value an exported cell stood for: what an import reads, so that an
/// exported file imports back unchanged.
pub fn restore_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => cell,
    }
}

/// [`render_export`] of a whole list (customers, subscriptions), audited.
pub fn render_list_audited(
    store: &crate::Store,
    clock: &dyn Clock,
    actor: &Actor,
    kind: &'static str,
    format: ExportFormat,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<RenderedExport> {
    let action = match kind {
        "customer" => "customer.export",
        "subscription" => "subscription.export",
        _ => "export",
    };
    let target = Target {
        kind,
        id: None,
        label: format!("{kind} list"),
    };
    let what = ExportTarget {
        kind,
        action,
        target,
    };
    render_export_audited(store, clock, actor, what, format, write)
}

/// What an audited export is of: the rows' kind (the file's name and the
/// entry's detail), the audited action, and its target.
pub struct ExportTarget {
    pub kind: &'static str,
    pub action: &'static str,
    pub target: Target,
}

/// [`render_export`], then an audit entry saying who exported how many rows
/// under which file name. The data has left the database once it is
/// rendered, whether or not the file is saved afterwards, so that is when
/// it is audited.
pub fn render_export_audited(
    store: &crate::Store,
    clock: &dyn Clock,
    actor: &Actor,
    what: ExportTarget,
    format: ExportFormat,
    write: impl FnOnce(&mut dyn Write) -> Result<u64>,
) -> Result<RenderedExport> {
    let ExportTarget {
        kind,
        action,
        target,
    } = what;
    let rendered = render_export(&format!("{kind}s"), format, clock, write)?;
    audit_export(
        store,
        clock,
        actor,
        action,
        target,
        &format!("{kind}s"),
        &rendered,
    )?;
    Ok(rendered)
}

/// The audit entry of an export: `<rows> <what> as <file name>`.
pub fn audit_export(
    store: &crate::Store,
    clock: &dyn Clock,
    actor: &Actor,
    action: &'static str,
    target: Target,
    what: &str,
    rendered: &RenderedExport,
) -> Result<()> {
    let event = Event {
        detail: format!("{} {what} as {}", rendered.rows, rendered.file_name()),
        ..Event::done(actor.audit_ref(), action, target)
    };
    audit::record(store, clock, &event).map(|_| ())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;
    use time::macros::datetime;

    #[test]
    fn cells_a_spreadsheet_would_run_are_written_as_text() {
        for formula in [
            "=1+1",
            "+1",
            "-1",
            "@SUM(A1)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"x\")",
        ] {
            assert_eq!(
                neutralise_cell(formula),
                format!("'{formula}"),
                "{formula:?}"
            );
        }
        for plain in ["Contoso", "12", "", "a=b", "'quoted", "'"] {
            assert_eq!(neutralise_cell(plain), plain, "{plain:?}");
        }
        assert_eq!(
            neutralise_cell("'=1"),
            "''=1",
            "a quote before a formula is kept"
        );
    }

    #[test]
    fn every_neutralised_cell_reads_back_as_it_was() {
        for value in [
            "=1", "'=1", "''=1", "'", "''", "'abc", "-5", "plain", "@", "'@x",
        ] {
            let written = neutralise_cell(value);
            assert_eq!(
                restore_cell(&written),
                value,
                "{value:?} written as {written:?}"
            );
        }
    }

    #[test]
    fn exports_in_the_same_millisecond_never_overwrite_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let clock = ManualClock::at(datetime!(2026-11-25 09:30:00.250 UTC));
        let export = |text: &'static str| {
            let csv = ExportFormat::Csv(Delimiter::Comma);
            render_export("customers", csv, &clock, move |out| {
                out.write_all(text.as_bytes())?;
                Ok(1)
            })
            .and_then(|rendered| rendered.save(dir.path()))
            .unwrap()
        };
        let (first, second, third) = (export("first"), export("second"), export("third"));
        let name = |p: &str| {
            Path::new(p)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned()
        };
        assert_eq!(
            name(&first.path),
            "partnerdesk-customers-20261125-093000-250.csv"
        );
        assert_eq!(
            name(&second.path),
            "partnerdesk-customers-20261125-093000-250 (2).csv"
        );
        assert_eq!(
            name(&third.path),
            "partnerdesk-customers-20261125-093000-250 (3).csv"
        );
        for (file, text) in [(first, "first"), (second, "second"), (third, "third")] {
            assert_eq!(
                std::fs::read_to_string(&file.path).unwrap(),
                format!("{UTF8_BOM}{text}")
            );
        }
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            3,
            "no .part left"
        );
    }

    #[test]
    fn a_customer_named_like_a_formula_exports_as_text_and_imports_back_unchanged() {
        let w = crate::testing::world();
        let input = crate::customers::CustomerInput {
            company_name: "=HYPERLINK(\"https://evil.example\";\"Contoso\")".into(),
            default_domain: "alfa".into(),
            city: "-Kraków".into(),
            ..Default::default()
        };
        crate::customers::create(&w.store, &w.clock, &w.admin, &input).unwrap();
        let mut out = Vec::new();
        crate::customers::export_list(
            &w.store,
            &w.clock,
            &w.admin,
            &Default::default(),
            Delimiter::Comma,
            &mut out,
        )
        .unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(
            text.contains("\"'=HYPERLINK(\"\"https://evil.example\"\";\"\"Contoso\"\")\""),
            "{text}"
        );
        assert!(text.contains(",'-Kraków,"), "{text}");
        let elsewhere = crate::testing::world();
        let (report, _) = crate::customers::apply_import(
            &elsewhere.store,
            &elsewhere.clock,
            &elsewhere.admin,
            &text.as_str().into(),
            crate::imports::ImportMode::AllOrNothing,
            &|_, _| {},
            &std::sync::atomic::AtomicBool::new(false),
        )
        .unwrap();
        assert_eq!(
            (report.imported, report.problems.len()),
            (1, 0),
            "{report:?}"
        );
        let page = crate::customers::list(
            &elsewhere.store,
            &elsewhere.clock,
            &elsewhere.admin,
            &Default::default(),
        )
        .unwrap();
        let imported = crate::customers::get(
            &elsewhere.store,
            &elsewhere.clock,
            &elsewhere.admin,
            &page.rows[0].id,
        )
        .unwrap();
        assert_eq!(imported.company_name, input.company_name);
        assert_eq!(imported.city, "-Kraków");
    }
}
