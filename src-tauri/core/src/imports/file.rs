//! The file an import reads, as it crosses from the UI: its bytes and the
//! encoding and delimiter staff chose in the preview (none: found from the
//! file), and the account of how it was read that the preview shows
//! (docs/decisions/0037-import-file-shape.md).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::csv_file::{self, Column, Delimiter, DelimiterSource, FileEncoding, Table};
use crate::error::Result;

/// A file to import. Preview and import take the same value, so both read
/// the file identically.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, TS)]
#[ts(export)]
pub struct ImportFile {
    /// The file's bytes in base64 (standard alphabet, padded): JSON has no
    /// bytes, and base64 is a third larger where an array of numbers is four times.
    #[serde(with = "crate::base64_bytes")]
    #[ts(type = "string")]
    pub bytes: Vec<u8>,
    /// The encoding chosen in the preview; none: the file's mark, else UTF-8
    /// when the bytes are valid UTF-8, else the guess.
    #[ts(optional)]
    #[serde(default)]
    pub encoding: Option<FileEncoding>,
    /// The delimiter chosen in the preview; none: an Excel `sep=` line's, else
    /// the one the header line uses.
    #[ts(optional)]
    #[serde(default)]
    pub delimiter: Option<Delimiter>,
}

impl ImportFile {
    pub fn new(bytes: impl Into<Vec<u8>>) -> ImportFile {
        ImportFile {
            bytes: bytes.into(),
            ..ImportFile::default()
        }
    }

    pub fn with_encoding(self, encoding: FileEncoding) -> ImportFile {
        ImportFile {
            encoding: Some(encoding),
            ..self
        }
    }

    pub fn with_delimiter(self, delimiter: Delimiter) -> ImportFile {
        ImportFile {
            delimiter: Some(delimiter),
            ..self
        }
    }
}

/// A file of these UTF-8 bytes, read with nothing chosen.
impl From<&str> for ImportFile {
    fn from(text: &str) -> ImportFile {
        ImportFile::new(text.as_bytes())
    }
}

/// Where the encoding a file was read in came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum EncodingSource {
    /// Chosen by staff in the preview.
    Chosen,
    /// The file's byte-order mark states it.
    Mark,
    /// The bytes are valid UTF-8 (without a mark).
    Valid,
    /// Guessed from the bytes (chardetng, with Polish as the hint).
    Guessed,
}

/// The encoding a file was read in, and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct ReadEncoding {
    pub encoding: FileEncoding,
    pub source: EncodingSource,
}

/// A header the import reads, as the file writes it, and the field it fills.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct MatchedColumn {
    pub header: String,
    pub field: String,
}

/// How a file was read, as the preview shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
#[ts(export)]
pub struct FileReading {
    /// None for pasted text (it is text already).
    #[ts(optional)]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<ReadEncoding>,
    pub delimiter: Delimiter,
    pub delimiter_source: DelimiterSource,
    /// The columns read, in the file's order.
    pub columns: Vec<MatchedColumn>,
    /// Headers no field reads, as written: ignored.
    pub unknown: Vec<String>,
}

/// The text of an import file, refused when over the size limit or when it
/// is not valid in the chosen encoding (naming the first bad line).
pub fn decode_file(file: &ImportFile) -> Result<(String, ReadEncoding)> {
    super::check_size(file.bytes.len() as u64)?;
    let decoded = csv_file::decode(&file.bytes, file.encoding)?;
    let source = if file.encoding.is_some() {
        EncodingSource::Chosen
    } else if decoded.had_bom {
        EncodingSource::Mark
    } else if decoded.guessed {
        EncodingSource::Guessed
    } else {
        EncodingSource::Valid
    };
    let encoding = ReadEncoding {
        encoding: decoded.encoding,
        source,
    };
    Ok((decoded.text, encoding))
}

/// Reads decoded text as a table of `columns`, with the account of how.
pub(crate) fn read_text(
    text: &str,
    encoding: Option<ReadEncoding>,
    delimiter: Option<Delimiter>,
    columns: &[Column],
) -> Result<(Table, FileReading)> {
    let table = csv_file::read(text, delimiter, columns)?;
    let mut matched: Vec<(usize, MatchedColumn)> = columns
        .iter()
        .zip(&table.header_match.positions)
        .filter_map(|(column, at)| {
            let at = (*at)?;
            let header = table.headers.get(at)?.clone();
            let field = column.name.to_owned();
            Some((at, MatchedColumn { header, field }))
        })
        .collect();
    matched.sort_by_key(|(at, _)| *at);
    let reading = FileReading {
        encoding,
        delimiter: table.delimiter,
        delimiter_source: table.delimiter_source,
        columns: matched.into_iter().map(|(_, column)| column).collect(),
        unknown: table.header_match.unknown.clone(),
    };
    Ok((table, reading))
}

/// Reads an import file as a table of `columns`: its size checked, its bytes
/// decoded and its delimiter found (or as chosen), with the account of how.
/// Every CSV import reads its file through here.
pub fn read_file(file: &ImportFile, columns: &[Column]) -> Result<(Table, FileReading)> {
    let (text, encoding) = decode_file(file)?;
    read_text(&text, Some(encoding), file.delimiter, columns)
}
