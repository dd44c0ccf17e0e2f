//! One description per exported list — each column's header, width and how a
//! row gives its typed value — written by both writers, so a list's CSV and
//! its Excel workbook always have the same columns in the same order.

use std::borrow::Cow;
use std::io::Write;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::{csv_writer, neutralise_cell, xlsx::Sheet};
use crate::csv_file::Delimiter;
use crate::error::{Error, Result};

/// The kind of file an export writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FileType {
    /// UTF-8 with a byte-order mark, CRLF, comma or semicolon.
    #[default]
    Csv,
    /// An Excel workbook: typed cells, frozen header, filters on.
    Xlsx,
}

/// What an export writes: CSV with its delimiter, or an Excel workbook.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv(Delimiter),
    Xlsx,
}

impl ExportFormat {
    /// The format a command asked for; CSV with commas when it said nothing.
    pub fn new(file_type: Option<FileType>, delimiter: Option<Delimiter>) -> ExportFormat {
        match file_type.unwrap_or_default() {
            FileType::Csv => ExportFormat::Csv(delimiter.unwrap_or(Delimiter::Comma)),
            FileType::Xlsx => ExportFormat::Xlsx,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Csv(_) => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

impl From<Delimiter> for ExportFormat {
    fn from(delimiter: Delimiter) -> ExportFormat {
        ExportFormat::Csv(delimiter)
    }
}

/// One cell's value, with its type.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// Written as text in both files; in CSV a leading `=`, `+`, `-`, `@`…
    /// gets a quote (`neutralise_cell`), in a workbook a string cell is
    /// never a formula.
    Text(Cow<'a, str>),
    /// A whole number: a count, a sequence number.
    Count(i64),
    /// An RFC 3339 instant as stored (UTC): the CSV keeps the text, the
    /// workbook writes an Excel date and time.
    Time(&'a str),
    /// Minor units of an ISO 4217 currency.
    Money { minor: i64, currency: &'a str },
    /// yes / no in CSV, TRUE / FALSE in a workbook.
    Flag(bool),
    /// Nothing (an absent time, a column Partnerdesk does not keep).
    Empty,
}

impl<'a> Value<'a> {
    pub fn text(text: &'a str) -> Value<'a> {
        Value::Text(Cow::Borrowed(text))
    }

    /// An optional time: [`Value::Empty`] when absent.
    pub fn time(at: Option<&'a str>) -> Value<'a> {
        at.map_or(Value::Empty, Value::Time)
    }
}

/// One column of an exported list.
pub struct Column<R> {
    /// The header, as the import reads it back.
    pub header: &'static str,
    /// Width in a workbook, in characters.
    pub width: f64,
    pub value: for<'a> fn(&'a R) -> Value<'a>,
}

impl<R> Column<R> {
    pub const fn new(
        header: &'static str,
        width: f64,
        value: for<'a> fn(&'a R) -> Value<'a>,
    ) -> Column<R> {
        Column {
            header,
            width,
            value,
        }
    }
}

/// The headers of a list's columns, in order.
pub fn headers<R>(columns: &[Column<R>]) -> Vec<&'static str> {
    columns.iter().map(|c| c.header).collect()
}

enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>, Delimiter),
    Xlsx(Box<Sheet>, W),
}

/// Writes rows of one list in the chosen format: the header first, then one
/// row per [`TableWriter::push`], complete at [`TableWriter::finish`].
pub struct TableWriter<'c, R, W: Write> {
    columns: &'c [Column<R>],
    sink: Sink<W>,
    rows: u64,
}

impl<'c, R, W: Write> TableWriter<'c, R, W> {
    /// `sheet` names the workbook's one worksheet (CSV has no name inside).
    pub fn start(
        out: W,
        format: ExportFormat,
        sheet: &str,
        columns: &'c [Column<R>],
    ) -> Result<Self> {
        let sink = match format {
            ExportFormat::Csv(delimiter) => {
                let mut writer = csv_writer(out, delimiter);
                writer.write_record(headers(columns)).map_err(csv_error)?;
                Sink::Csv(Box::new(writer), delimiter)
            }
            ExportFormat::Xlsx => {
                let widths: Vec<_> = columns.iter().map(|c| (c.header, c.width)).collect();
                Sink::Xlsx(Box::new(Sheet::start(sheet, &widths)?), out)
            }
        };
        Ok(TableWriter {
            columns,
            sink,
            rows: 0,
        })
    }

    pub fn push(&mut self, row: &R) -> Result<()> {
        let values = self.columns.iter().map(|c| (c.value)(row));
        match &mut self.sink {
            Sink::Csv(writer, delimiter) => {
                let record: Vec<String> = values.map(|v| csv_cell(&v, *delimiter)).collect();
                writer.write_record(&record).map_err(csv_error)?;
            }
            Sink::Xlsx(sheet, _) => {
                for (col, value) in values.enumerate() {
                    sheet.write(col, &value, self.columns[col].header)?;
                }
                sheet.next_row();
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// Completes the file; returns how many rows were pushed.
    pub fn finish(self) -> Result<u64> {
        match self.sink {
            Sink::Csv(mut writer, _) => writer.flush()?,
            Sink::Xlsx(sheet, mut out) => {
                out.write_all(&sheet.finish(self.columns.len())?)?;
                out.flush()?;
            }
        }
        Ok(self.rows)
    }
}

fn csv_error(e: csv::Error) -> Error {
    Error::Internal(format!("cannot write CSV: {e}"))
}

/// A value as CSV text. Amounts use the decimal separator that goes with the
/// delimiter: where Excel's list separator is a semicolon (Poland) its
/// decimal separator is a comma.
fn csv_cell(value: &Value<'_>, delimiter: Delimiter) -> String {
    match value {
        Value::Text(text) => neutralise_cell(text).into_owned(),
        Value::Count(n) => n.to_string(),
        Value::Time(at) => (*at).to_owned(),
        Value::Money { minor, currency } => {
            let point = match delimiter {
                Delimiter::Semicolon => ',',
                _ => '.',
            };
            decimal(*minor, minor_digits(currency), point)
        }
        Value::Flag(b) => if *b { "yes" } else { "no" }.to_owned(),
        Value::Empty => String::new(),
    }
}

/// How many digits a currency's minor unit has (ISO 4217: PLN 2, JPY 0).
pub(super) fn minor_digits(currency: &str) -> u32 {
    iso_currency::Currency::from_code(currency)
        .and_then(|c| c.exponent())
        .map_or(2, u32::from)
}

/// `minor` units as a decimal with `digits` places, exactly.
fn decimal(minor: i64, digits: u32, point: char) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let abs = minor.unsigned_abs();
    if digits == 0 {
        return format!("{sign}{abs}");
    }
    let scale = 10_u64.pow(digits);
    let width = digits as usize;
    format!("{sign}{}{point}{:0width$}", abs / scale, abs % scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_are_written_exactly_with_the_delimiters_decimal_separator() {
        let money = |minor, currency| Value::Money { minor, currency };
        assert_eq!(
            csv_cell(&money(123_456, "PLN"), Delimiter::Comma),
            "1234.56"
        );
        assert_eq!(
            csv_cell(&money(123_456, "PLN"), Delimiter::Semicolon),
            "1234,56"
        );
        assert_eq!(csv_cell(&money(5, "EUR"), Delimiter::Comma), "0.05");
        assert_eq!(csv_cell(&money(1500, "JPY"), Delimiter::Comma), "1500");
        assert_eq!(csv_cell(&money(1, "KWD"), Delimiter::Comma), "0.001");
        assert_eq!(csv_cell(&money(-250, "USD"), Delimiter::Comma), "-2.50");
    }

    #[test]
    fn only_text_is_neutralised_and_flags_read_yes_or_no() {
        let comma = Delimiter::Comma;
        assert_eq!(csv_cell(&Value::text("=1+1"), comma), "'=1+1");
        assert_eq!(csv_cell(&Value::Count(7), comma), "7");
        assert_eq!(
            csv_cell(&Value::Time("2026-11-25T09:30:00.000Z"), comma),
            "2026-11-25T09:30:00.000Z"
        );
        assert_eq!(csv_cell(&Value::Flag(true), comma), "yes");
        assert_eq!(csv_cell(&Value::Flag(false), comma), "no");
        assert_eq!(csv_cell(&Value::time(None), comma), "");
    }

    #[test]
    fn a_command_that_names_no_format_gets_comma_csv() {
        assert_eq!(
            ExportFormat::new(None, None),
            ExportFormat::Csv(Delimiter::Comma)
        );
        assert_eq!(
            ExportFormat::new(Some(FileType::Xlsx), Some(Delimiter::Semicolon)),
            ExportFormat::Xlsx
        );
        assert_eq!(
            ExportFormat::new(Some(FileType::Csv), Some(Delimiter::Semicolon)).extension(),
            "csv"
        );
    }
}
