//! Columns matched by name the way people write headers: case, spaces,
//! underscores, hyphens and dots do not matter, and each column has aliases
//! (the project's own names, readable English and Polish, Microsoft's files).

use unicode_normalization::UnicodeNormalization;

/// A column an import reads: its name in the project's own files, and every
/// other header that means it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
    pub required: bool,
}

impl Column {
    pub const fn optional(name: &'static str, aliases: &'static [&'static str]) -> Column {
        Column {
            name,
            aliases,
            required: false,
        }
    }

    pub const fn required(name: &'static str, aliases: &'static [&'static str]) -> Column {
        Column {
            name,
            aliases,
            required: true,
        }
    }

    fn matches(&self, normalised: &str) -> bool {
        std::iter::once(self.name)
            .chain(self.aliases.iter().copied())
            .any(|alias| normalise_header(alias) == normalised)
    }
}

/// A header as compared: NFC, lower case, without spaces, `_`, `-` and `.`,
/// and without a byte-order mark or quotes a tool left around it.
pub fn normalise_header(header: &str) -> String {
    header
        .trim_start_matches('\u{feff}')
        .trim()
        .trim_matches('"')
        .nfc()
        .flat_map(char::to_lowercase)
        .filter(|c| !c.is_whitespace() && !matches!(c, '_' | '-' | '.'))
        .collect()
}

/// How a header row maps onto the columns an import reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderMatch {
    /// For each column (in the import's order), its position in the file.
    pub positions: Vec<Option<usize>>,
    /// Headers no column reads, as written: shown in the preview, ignored.
    pub unknown: Vec<String>,
    /// Required columns the file lacks, by name.
    pub missing: Vec<&'static str>,
    /// Headers that name a column an earlier header already named, as written.
    pub repeated: Vec<String>,
}

impl HeaderMatch {
    pub fn new(headers: &[String], columns: &[Column]) -> HeaderMatch {
        let mut positions = vec![None; columns.len()];
        let mut unknown = Vec::new();
        let mut repeated = Vec::new();
        for (at, header) in headers.iter().enumerate() {
            let normalised = normalise_header(header);
            if normalised.is_empty() {
                continue;
            }
            match columns.iter().position(|c| c.matches(&normalised)) {
                Some(column) if positions[column].is_none() => positions[column] = Some(at),
                Some(_) => repeated.push(header.trim().to_owned()),
                None => unknown.push(header.trim().to_owned()),
            }
        }
        let missing = columns
            .iter()
            .zip(&positions)
            .filter(|(column, at)| column.required && at.is_none())
            .map(|(column, _)| column.name)
            .collect();
        HeaderMatch {
            positions,
            unknown,
            missing,
            repeated,
        }
    }
}
