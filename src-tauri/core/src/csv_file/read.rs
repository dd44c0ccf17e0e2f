//! Records out of decoded text: the delimiter found from the header (or an
//! Excel `sep=` line), each record with its own line, a record with more
//! fields than the header or too few for a required column reported, never cut.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::headers::{Column, HeaderMatch};
use super::lines::LineIndex;
use crate::error::{Error, Result};
use crate::imports::ImportProblem;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum Delimiter {
    Comma,
    Semicolon,
    Tab,
}

impl Delimiter {
    const ALL: [Delimiter; 3] = [Delimiter::Comma, Delimiter::Semicolon, Delimiter::Tab];

    pub fn byte(self) -> u8 {
        match self {
            Delimiter::Comma => b',',
            Delimiter::Semicolon => b';',
            Delimiter::Tab => b'\t',
        }
    }

    fn of(byte: u8) -> Option<Delimiter> {
        Delimiter::ALL.into_iter().find(|d| d.byte() == byte)
    }
}

/// Where the delimiter a file was read with came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum DelimiterSource {
    /// Chosen by staff in the preview.
    Chosen,
    /// Stated by an Excel `sep=` first line.
    Stated,
    /// Found in the header line.
    Detected,
}

/// One data record: its line and its cells in the import's column order
/// (trimmed, without the `'` an export puts before a formula character;
/// empty where the file has no such column).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub line: u32,
    pub cells: Vec<String>,
}

impl Record {
    /// The cell of the column at `index` in the import's column list.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", String::as_str)
    }
}

/// A read file: how its header matched, its valid records and its problems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub delimiter: Delimiter,
    pub delimiter_source: DelimiterSource,
    /// The header row as written.
    pub headers: Vec<String>,
    pub header_match: HeaderMatch,
    pub records: Vec<Record>,
    /// Records that could not be read as a row, by line.
    pub problems: Vec<ImportProblem>,
}

/// An Excel `sep=;` first line: the delimiter it states and the text after it.
fn separator_line(text: &str) -> Option<(Delimiter, usize)> {
    let rest = text.strip_prefix("sep=")?;
    let delimiter = Delimiter::of(*rest.as_bytes().first()?)?;
    let after = &rest[1..];
    let ending = if after.starts_with("\r\n") {
        2
    } else if after.starts_with('\n') || after.starts_with('\r') {
        1
    } else {
        return None;
    };
    Some((delimiter, "sep=".len() + 1 + ending))
}

/// The delimiter of `text`: an Excel `sep=` line's, else the one of comma,
/// semicolon and tab that occurs most often outside quotes in the first line
/// that is not blank (comma when none does, as for a one-column file).
pub fn detect_delimiter(text: &str) -> Delimiter {
    if let Some((delimiter, _)) = separator_line(text) {
        return delimiter;
    }
    let header = text
        .split(['\n', '\r'])
        .find(|line| !line.trim().is_empty())
        .unwrap_or("");
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for byte in header.bytes() {
        if byte == b'"' {
            quoted = !quoted;
        } else if !quoted {
            if let Some(at) = Delimiter::ALL.iter().position(|d| d.byte() == byte) {
                counts[at] += 1;
            }
        }
    }
    let best = (0..3)
        .max_by_key(|&at| (counts[at], std::cmp::Reverse(at)))
        .unwrap_or(0);
    if counts[best] == 0 {
        Delimiter::Comma
    } else {
        Delimiter::ALL[best]
    }
}

fn unreadable(line: u32, error: &csv::Error) -> ImportProblem {
    ImportProblem::new(
        line,
        "file",
        text!(
            "this line cannot be read: {error}",
            "nie można odczytać tego wiersza: {error}"
        ),
    )
}

/// Reads `text` with `delimiter` (found from the file when `None`), matching
/// the header row against `columns`. A file without a header row, or without
/// a required column, is refused naming what it lacks.
pub fn read(text: &str, delimiter: Option<Delimiter>, columns: &[Column]) -> Result<Table> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let lines = LineIndex::new(text);
    let (stated, skip) = separator_line(text).map_or((None, 0), |(d, skip)| (Some(d), skip));
    let (delimiter, delimiter_source) = match (delimiter, stated) {
        (Some(chosen), _) => (chosen, DelimiterSource::Chosen),
        (None, Some(stated)) => (stated, DelimiterSource::Stated),
        (None, None) => (detect_delimiter(text), DelimiterSource::Detected),
    };
    let body = &text.as_bytes()[skip..];
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter.byte())
        .has_headers(false)
        .flexible(true)
        .from_reader(body);
    // The csv crate ends a record at `\r` and may report the next one as
    // starting on the `\n` after it: a record never starts with a line break
    // (a quoted one starts with its quote), so the breaks are stepped over.
    let line_of = |position: Option<&csv::Position>| {
        let mut at = position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX));
        while matches!(body.get(at), Some(b'\r' | b'\n')) {
            at += 1;
        }
        lines.line_at(skip + at.min(body.len()))
    };
    let mut records = reader.records();
    let mut problems = Vec::new();
    let headers: Vec<String> = loop {
        match records.next() {
            None => {
                return Err(Error::validation(
                    "file",
                    text!(
                        "the file is empty: it needs a header row naming its columns",
                        "plik jest pusty: potrzebny jest wiersz nagłówka z nazwami kolumn"
                    ),
                ))
            }
            Some(Err(error)) => {
                let line = line_of(error.position());
                return Err(Error::validation(
                    "file",
                    text!(
                        "the header row (line {line}) cannot be read: {error}",
                        "nie można odczytać wiersza nagłówka (wiersz {line}): {error}"
                    ),
                ));
            }
            Some(Ok(record)) if record.iter().all(|c| c.trim().is_empty()) => continue,
            Some(Ok(record)) => break record.iter().map(|h| h.trim().to_owned()).collect(),
        }
    };
    let header_match = HeaderMatch::new(&headers, columns);
    if !header_match.missing.is_empty() {
        let quoted = |open: &str, close: &str| {
            let names = header_match
                .missing
                .iter()
                .map(|name| format!("{open}{name}{close}"));
            names.collect::<Vec<_>>().join(", ")
        };
        let (missing_en, missing_pl) = (quoted("'", "'"), quoted("„", "”"));
        let found = headers.join(", ");
        return Err(Error::validation(
            "file",
            text!(
                "the header row has no {missing_en} column (its columns: {found})",
                "wiersz nagłówka nie ma kolumny {missing_pl} (jego kolumny: {found})"
            ),
        ));
    }
    let needed = columns
        .iter()
        .zip(&header_match.positions)
        .filter(|(column, _)| column.required)
        .filter_map(|(_, at)| *at)
        .max()
        .map_or(0, |at| at + 1);
    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(unreadable(line_of(error.position()), &error));
                continue;
            }
        };
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = line_of(record.position());
        let (fields, width) = (record.len(), headers.len());
        if fields > width {
            problems.push(ImportProblem::new(
                line,
                "file",
                text!(
                    "this line has {fields} fields but the header has {width}: check the delimiter and the quotes",
                    "ten wiersz ma {fields} pól, a nagłówek {width}: sprawdź separator i cudzysłowy"
                ),
            ));
            continue;
        }
        if fields < needed {
            problems.push(ImportProblem::new(
                line,
                "file",
                text!(
                    "this line has {fields} fields but the header has {width}: a required column is missing",
                    "ten wiersz ma {fields} pól, a nagłówek {width}: brakuje wymaganej kolumny"
                ),
            ));
            continue;
        }
        let cells = header_match
            .positions
            .iter()
            .map(|at| {
                at.and_then(|at| record.get(at))
                    .map(|cell| crate::exports::restore_cell(cell.trim()).to_owned())
                    .unwrap_or_default()
            })
            .collect();
        rows.push(Record { line, cells });
    }
    Ok(Table {
        delimiter,
        delimiter_source,
        headers,
        header_match,
        records: rows,
        problems,
    })
}
