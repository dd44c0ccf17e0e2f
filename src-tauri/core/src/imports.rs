//! What every CSV import shares (customers, a customer's users): columns read
//! by header name, a report of every bad row by line, and one transaction that
//! writes the valid rows or nothing, with progress and cancel
//! (docs/decisions/0016-imports.md).

mod file;
#[cfg(test)]
mod file_tests;

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

use rusqlite::Transaction;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::access::{guarded_write, Guarded};
use crate::audit::{self, Event, Target};
use crate::auth::Actor;
use crate::change::Change;
use crate::clock::Clock;
use crate::csv_file::{self, Column, Record};
use crate::error::{Error, Result};
use crate::limits;
use crate::store::Store;
use crate::text::Text;

pub(crate) use file::read_text;
pub use file::{
    decode_file, read_file, EncodingSource, FileReading, ImportFile, MatchedColumn, ReadEncoding,
};

/// Progress is reported every this many rows written (and once at the end).
const PROGRESS_EVERY: usize = 250;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ImportMode {
    /// Import the rows that pass; report the others.
    ValidRows,
    /// Import nothing if any row fails.
    AllOrNothing,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportProblem {
    /// The line in the file (the header is line 1).
    pub line: u32,
    pub field: String,
    /// The problem in English (the same as `text.en`).
    pub message: String,
    /// The problem, in each language the UI speaks.
    pub text: Text,
}

impl ImportProblem {
    pub fn new(line: u32, field: impl Into<String>, text: Text) -> Self {
        ImportProblem {
            line,
            field: field.into(),
            message: text.en.clone(),
            text,
        }
    }

    /// The problem a row's validation error makes; `field` when the error names none.
    pub fn of_error(line: u32, error: &Error, field: &str) -> Self {
        ImportProblem::new(line, error.field().unwrap_or(field), error.text())
    }
}

/// A row that repeats an earlier row's identity (Partner Center lists a
/// customer twice to a partner that is both direct and indirect): read once,
/// not a problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportDuplicate {
    pub line: u32,
    /// The line of the row it repeats, which is the one imported.
    pub first_line: u32,
    pub field: String,
    /// The repeated value, as written.
    pub value: String,
}

/// A value a column states and on how many rows, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct StatedValue {
    pub value: String,
    pub rows: u32,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ImportReport {
    pub rows: u32,
    pub valid: u32,
    pub problems: Vec<ImportProblem>,
    /// How many were written: 0 for a preview.
    pub imported: u32,
    /// Lines read but not rows: blank lines and `#` comments of pasted keys.
    pub skipped: u32,
    /// How the file was read (encoding, delimiter, columns); none for pasted
    /// lines that are not CSV.
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<FileReading>,
    /// Rows read once because they repeat an earlier row.
    pub duplicates: Vec<ImportDuplicate>,
    /// The relationships a Partner Center customer export states, by value
    /// as written (empty for other files).
    pub relationships: Vec<StatedValue>,
}

/// Every non-blank data row of a file with its line: validated, or its problem.
pub(crate) type ParsedRows<T> = Vec<(u32, std::result::Result<T, ImportProblem>)>;

/// One data row, its cells looked up by column name.
pub(crate) struct CsvRow<'a> {
    columns: &'a [Column],
    record: &'a Record,
}

impl CsvRow<'_> {
    /// The row's line in the file (the header is line 1).
    pub fn line(&self) -> u32 {
        self.record.line
    }

    /// The cell under `column` (trimmed, and without the `'` an export puts
    /// before a formula character), or empty when the file has no such column.
    pub fn get(&self, column: &str) -> String {
        self.columns
            .iter()
            .position(|c| c.name == column)
            .map(|at| self.record.cell(at).to_owned())
            .unwrap_or_default()
    }
}

fn count(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Refuses an imported file over [`limits::IMPORT_BYTES`], naming its size
/// and the limit. The UI checks the same before it reads a chosen file; this
/// is the check for every other way text reaches an import.
pub fn check_size(bytes: u64) -> Result<()> {
    if bytes <= limits::IMPORT_BYTES {
        return Ok(());
    }
    let (found_en, found_pl) = megabytes(bytes);
    let (max_en, max_pl) = megabytes(limits::IMPORT_BYTES);
    Err(Error::validation(
        "file",
        text!(
            "the file has {found_en}; import at most {max_en} at once (split it into parts)",
            "plik ma {found_pl}; importuj najwyżej {max_pl} naraz (podziel go na części)"
        ),
    ))
}

/// "52.4 MB" and "52,4 MB" (decimal megabytes, one digit, never rounded down to the limit).
fn megabytes(bytes: u64) -> (String, String) {
    let tenths = bytes.div_ceil(100_000);
    let (whole, tenth) = (tenths / 10, tenths % 10);
    if tenth == 0 {
        return (format!("{whole} MB"), format!("{whole} MB"));
    }
    (format!("{whole}.{tenth} MB"), format!("{whole},{tenth} MB"))
}

/// A file's rows and how it was read.
pub(crate) struct Parsed<T> {
    pub rows: ParsedRows<T>,
    pub reading: FileReading,
}

/// Reads an import file with the one CSV reader ([`read_file`]): its bytes
/// decoded, the delimiter found (or as chosen), headers matched by name or
/// alias, unknown columns listed and ignored, each required column present,
/// every record on the file's own line. `build` validates one row; its error
/// becomes that line's problem.
pub(crate) fn parse<T>(
    file: &ImportFile,
    columns: &[Column],
    build: impl Fn(&CsvRow<'_>) -> Result<T>,
) -> Result<Parsed<T>> {
    let (text, encoding) = decode_file(file)?;
    parse_text(&text, Some(encoding), file.delimiter, columns, build)
}

/// [`parse`] for text already decoded (`encoding`: how, when it was a file).
pub(crate) fn parse_text<T>(
    text: &str,
    encoding: Option<ReadEncoding>,
    delimiter: Option<csv_file::Delimiter>,
    columns: &[Column],
    build: impl Fn(&CsvRow<'_>) -> Result<T>,
) -> Result<Parsed<T>> {
    check_size(text.len() as u64)?;
    let (table, reading) = read_text(text, encoding, delimiter, columns)?;
    let mut rows: ParsedRows<T> = table
        .problems
        .into_iter()
        .map(|problem| (problem.line, Err(problem)))
        .collect();
    for record in &table.records {
        let row = CsvRow { columns, record };
        let result = build(&row).map_err(|e| ImportProblem::of_error(record.line, &e, "file"));
        rows.push((record.line, result));
    }
    rows.sort_by_key(|(line, _)| *line);
    Ok(Parsed { rows, reading })
}

/// Reads rows that repeat an earlier valid row's `key` once: the later row is
/// dropped, reported as a duplicate of `field`, and `merge`d into the first.
pub(crate) fn dedupe<T>(
    rows: ParsedRows<T>,
    field: &str,
    key: impl Fn(&T) -> Option<String>,
    mut merge: impl FnMut(&mut T, T),
) -> (ParsedRows<T>, Vec<ImportDuplicate>) {
    let mut kept: ParsedRows<T> = Vec::with_capacity(rows.len());
    let mut first: HashMap<String, usize> = HashMap::new();
    let mut duplicates = Vec::new();
    for (line, result) in rows {
        let Some(value) = result.as_ref().ok().and_then(&key) else {
            kept.push((line, result));
            continue;
        };
        match first.get(&value) {
            Some(&at) => {
                let (first_line, earlier) = &mut kept[at];
                if let (Ok(earlier), Ok(later)) = (earlier, result) {
                    merge(earlier, later);
                }
                duplicates.push(ImportDuplicate {
                    line,
                    first_line: *first_line,
                    field: field.to_owned(),
                    value,
                });
            }
            None => {
                first.insert(value, kept.len());
                kept.push((line, result));
            }
        }
    }
    (kept, duplicates)
}

/// Each non-empty value with the number of rows stating it, in the order first seen.
pub(crate) fn stated<'a>(values: impl IntoIterator<Item = &'a str>) -> Vec<StatedValue> {
    let mut counted: Vec<StatedValue> = Vec::new();
    for value in values.into_iter().map(str::trim).filter(|v| !v.is_empty()) {
        match counted.iter_mut().find(|s| s.value == value) {
            Some(seen) => seen.rows += 1,
            None => counted.push(StatedValue {
                value: value.to_owned(),
                rows: 1,
            }),
        }
    }
    counted
}

/// A value that appears twice in one file: the second row's problem.
pub(crate) fn repeated(field: &str, value: &str) -> Option<(String, Text)> {
    Some((
        field.into(),
        text!(
            "{value} appears earlier in this file",
            "{value} występuje już wcześniej w tym pliku"
        ),
    ))
}

/// Splits parsed rows into the valid ones and a report. `conflict` checks each
/// valid row against the database and the rows before it, returning the field
/// and text of a conflict; a conflict error from the database counts as one.
pub(crate) fn check<T>(
    parsed: ParsedRows<T>,
    mut conflict: impl FnMut(&T) -> Result<Option<(String, Text)>>,
) -> Result<(Vec<T>, ImportReport)> {
    let rows = count(parsed.len());
    let mut valid = Vec::new();
    let mut problems = Vec::new();
    for (line, result) in parsed {
        let item = match result {
            Ok(item) => item,
            Err(problem) => {
                problems.push(problem);
                continue;
            }
        };
        let found = match conflict(&item) {
            Err(Error::Conflict { field, text }) => Some((field.unwrap_or_default(), text)),
            Err(Error::Validation { field, text }) => Some((field, text)),
            Err(other) => return Err(other),
            Ok(found) => found,
        };
        match found {
            Some((field, text)) => problems.push(ImportProblem::new(line, field, text)),
            None => valid.push(item),
        }
    }
    let report = ImportReport {
        rows,
        valid: count(valid.len()),
        problems,
        ..ImportReport::default()
    };
    Ok((valid, report))
}

/// What one import writes and how it is audited.
pub(crate) struct ImportJob {
    /// The audit action, e.g. `customer.import`.
    pub audit_action: &'static str,
    pub target: Target,
    /// The change to announce; the new rows' ids are added to its `ids`.
    pub change: Change,
    /// What one row is, for the "cancelled" message: `customer`, `user`
    /// (in Polish in the genitive: `klienta`, `użytkownika`).
    pub noun: Text,
}

/// Runs an import in one transaction for `actor`. `prepare` checks the
/// permission and every row (inside the transaction, so nothing changes
/// between check and write); in [`ImportMode::AllOrNothing`] any problem means
/// nothing is written and the report comes back. `insert` writes one row and
/// returns its id. `progress(done, total)` follows the writing; setting
/// `cancel` rolls the whole import back.
#[allow(clippy::too_many_arguments)]
pub(crate) fn apply<T>(
    store: &Store,
    clock: &dyn Clock,
    actor: &Actor,
    job: ImportJob,
    mode: ImportMode,
    progress: &dyn Fn(u32, u32),
    cancel: &AtomicBool,
    prepare: impl FnOnce(&Guarded<'_, Transaction<'_>>) -> Result<(Vec<T>, ImportReport)>,
    mut insert: impl FnMut(&Transaction<'_>, &T) -> Result<String>,
) -> Result<(ImportReport, Option<Change>)> {
    let ImportJob {
        audit_action,
        target,
        mut change,
        noun,
    } = job;
    guarded_write(store, clock, actor, audit_action, target.clone(), |tx| {
        let (valid, mut report) = prepare(tx)?;
        if mode == ImportMode::AllOrNothing && !report.problems.is_empty() {
            return Ok((report, None));
        }
        let total = count(valid.len());
        for (done, item) in valid.iter().enumerate() {
            if cancel.load(Ordering::Relaxed) {
                let Text { en, pl } = &noun;
                return Err(Error::invalid_state(text!(
                    "The import was cancelled; no {en} was imported.",
                    "Import został anulowany; nie zaimportowano żadnego {pl}."
                )));
            }
            change.ids.push(insert(tx, item)?);
            if done % PROGRESS_EVERY == 0 {
                progress(count(done), total);
            }
        }
        progress(total, total);
        report.imported = total;
        let event = Event {
            detail: format!(
                "{} of {} rows imported ({} with problems)",
                report.imported,
                report.rows,
                report.problems.len()
            ),
            ..Event::done(actor.audit_ref(), audit_action, target)
        };
        audit::append(tx, clock, &event)?;
        Ok((report, Some(change)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::world;

    #[test]
    fn a_file_over_the_limit_is_refused_naming_its_size_and_the_limit() {
        assert!(check_size(limits::IMPORT_BYTES).is_ok());
        let error = check_size(52_428_800).unwrap_err();
        assert_eq!(error.field(), Some("file"));
        assert_eq!(
            error.text(),
            text!(
                "the file has 52.5 MB; import at most 50 MB at once (split it into parts)",
                "plik ma 52,5 MB; importuj najwyżej 50 MB naraz (podziel go na części)"
            )
        );
        let one_more = check_size(limits::IMPORT_BYTES + 1).unwrap_err();
        assert!(
            one_more.to_string().starts_with("the file has 50.1 MB;"),
            "never shown as the limit"
        );
    }

    #[test]
    fn every_import_refuses_a_file_over_the_limit() {
        let w = world();
        let customer = w.customer("Alfa", "alfa", &[]);
        let mut csv = String::from("company_name,default_domain\n");
        csv.push_str(&"a".repeat(limits::IMPORT_BYTES as usize));
        let refusals = [
            crate::customers::preview_import(&w.store, &w.clock, &w.admin, &csv.as_str().into())
                .unwrap_err(),
            crate::customer_users::preview_import(
                &w.store,
                &w.clock,
                &w.admin,
                &customer,
                &csv.as_str().into(),
            )
            .unwrap_err(),
            crate::catalog::preview_price_list(&w.store, &w.clock, &w.admin, &csv.as_str().into())
                .unwrap_err(),
            crate::product_keys::preview_import(
                &w.store,
                &w.clock,
                &w.admin,
                &crate::product_keys::KeyImport {
                    text: csv.clone(),
                    ..Default::default()
                },
            )
            .unwrap_err(),
        ];
        for error in refusals {
            assert_eq!(error.field(), Some("file"), "{error:?}");
            assert!(
                error.to_string().starts_with("the file has 50.1 MB;"),
                "{error}"
            );
        }
    }
}
