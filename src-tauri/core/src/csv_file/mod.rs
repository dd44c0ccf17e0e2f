//! The one CSV reader every import uses: the file's bytes decoded in the
//! encoding it was saved in, its delimiter found from the header, each record
//! numbered by the file's own lines, and columns matched by name or alias
//! (docs/decisions/0036-one-csv-reader.md).

mod decode;
mod headers;
mod lines;
mod read;
#[cfg(test)]
mod tests;

pub use decode::{decode, Decoded, FileEncoding};
pub use headers::{normalise_header, Column, HeaderMatch};
pub use lines::LineIndex;
pub use read::{detect_delimiter, read, Delimiter, DelimiterSource, Record, Table};
