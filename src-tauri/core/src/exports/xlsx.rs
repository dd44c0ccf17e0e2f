//! The Excel side of [`super::table`]: one worksheet written row by row with
//! `rust_xlsxwriter` in its low-memory mode (one row in memory, strings in the
//! shared table), so 100,000 customers do not need a workbook in memory.

use std::collections::HashMap;

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use super::table::{minor_digits, Value};
use crate::error::{Error, Result};

/// Rows an Excel worksheet holds, the header included.
const MAX_ROWS: u32 = 1_048_576;
/// Characters an Excel cell holds.
const MAX_CELL: usize = 32_767;
/// Stored times are UTC; the format says so, as the CSV's `Z` does.
const TIME_FORMAT: &str = "yyyy-mm-dd hh:mm:ss \"UTC\"";

pub(super) struct Sheet {
    workbook: Workbook,
    /// The next row to write (0 is the header).
    row: u32,
    time: Format,
    /// Per currency: `#,##0.00 "PLN"`.
    money: HashMap<String, Format>,
}

impl Sheet {
    /// A workbook with one worksheet named `name`: bold header row, frozen,
    /// columns `widths` characters wide.
    pub(super) fn start(name: &str, columns: &[(&str, f64)]) -> Result<Sheet> {
        let mut workbook = Workbook::new();
        let header = Format::new().set_bold();
        let sheet = workbook.add_worksheet_with_low_memory();
        sheet.set_name(name).map_err(internal)?;
        for (col, (title, width)) in (0_u16..).zip(columns) {
            sheet.set_column_width(col, *width).map_err(internal)?;
            sheet
                .write_string_with_format(0, col, *title, &header)
                .map_err(internal)?;
        }
        sheet.set_freeze_panes(1, 0).map_err(internal)?;
        Ok(Sheet {
            workbook,
            row: 1,
            time: Format::new().set_num_format(TIME_FORMAT),
            money: HashMap::new(),
        })
    }

    /// Writes one cell of the current row; `header` names the column in a refusal.
    pub(super) fn write(&mut self, col: usize, value: &Value<'_>, header: &str) -> Result<()> {
        let (row, line) = (self.row, self.row + 1);
        if row >= MAX_ROWS {
            let max = MAX_ROWS - 1;
            return Err(Error::invalid_state(text!(
                "an Excel sheet holds at most {max} rows; export CSV, or narrow the filters",
                "arkusz Excela mieści najwyżej {max} wierszy; wyeksportuj CSV albo zawęź filtry"
            )));
        }
        let col = u16::try_from(col).map_err(|_| Error::Internal("too many columns".into()))?;
        let money_format = match value {
            Value::Money { currency, .. } => Some(self.money_format(currency)),
            _ => None,
        };
        let sheet = self.workbook.worksheet_from_index(0).map_err(internal)?;
        let written = match value {
            Value::Text(text) => {
                let length = text.chars().count();
                if length > MAX_CELL {
                    return Err(Error::invalid_state(text!(
                        "line {line}, {header}: {length} characters, and an Excel cell holds at most {MAX_CELL}; export CSV instead",
                        "wiersz {line}, {header}: {length} znaków, a komórka Excela mieści najwyżej {MAX_CELL}; wyeksportuj CSV"
                    )));
                }
                // A string cell: never a formula, whatever it starts with.
                sheet.write_string(row, col, text.as_ref())
            }
            Value::Count(n) => sheet.write_number(row, col, *n as f64),
            Value::Time(at) => match excel_time(at) {
                Some(serial) => sheet.write_number_with_format(row, col, serial, &self.time),
                None => sheet.write_string(row, col, *at),
            },
            Value::Money { minor, .. } => {
                let format = money_format.expect("a money value has its format");
                let amount = *minor as f64 / 10_f64.powi(format.1 as i32);
                sheet.write_number_with_format(row, col, amount, &format.0)
            }
            Value::Flag(b) => sheet.write_boolean(row, col, *b),
            Value::Empty => return Ok(()),
        };
        written.map(|_| ()).map_err(internal)
    }

    pub(super) fn next_row(&mut self) {
        self.row += 1;
    }

    /// Turns the filters on over the header and every row, and returns the file.
    pub(super) fn finish(mut self, columns: usize) -> Result<Vec<u8>> {
        let last_col = u16::try_from(columns.saturating_sub(1))
            .map_err(|_| Error::Internal("too many columns".into()))?;
        let sheet = self.workbook.worksheet_from_index(0).map_err(internal)?;
        sheet
            .autofilter(0, 0, self.row - 1, last_col)
            .map_err(internal)?;
        self.workbook.save_to_buffer().map_err(internal)
    }

    /// The number format of `currency`'s amounts, with its minor-unit digits.
    fn money_format(&mut self, currency: &str) -> (Format, u32) {
        let digits = minor_digits(currency);
        let format = self
            .money
            .entry(currency.to_owned())
            .or_insert_with(|| {
                let fraction = if digits == 0 {
                    String::new()
                } else {
                    format!(".{}", "0".repeat(digits as usize))
                };
                let code: String = currency.chars().filter(char::is_ascii_alphabetic).collect();
                Format::new().set_num_format(format!("#,##0{fraction} \"{code}\""))
            })
            .clone();
        (format, digits)
    }
}

/// An RFC 3339 instant as Excel's serial date in UTC: days since 1899-12-30,
/// the fraction the time of day (milliseconds kept).
fn excel_time(at: &str) -> Option<f64> {
    let at = OffsetDateTime::parse(at, &Rfc3339).ok()?;
    let nanos = at.unix_timestamp_nanos() as f64;
    Some(25_569.0 + nanos / 86_400e9)
}

fn internal(e: XlsxError) -> Error {
    Error::Internal(format!("cannot write the Excel file: {e}"))
}
