//! The file's own line numbers, whatever its line endings: a record's line is
//! the line its first byte is on, counted over `\n`, `\r\n` and a lone `\r`
//! (the csv crate's own count is per record, not per line).

/// Where each line of a text begins.
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut at = 0;
        while at < bytes.len() {
            match bytes[at] {
                b'\r' if bytes.get(at + 1) == Some(&b'\n') => {
                    at += 2;
                    starts.push(at);
                }
                b'\r' | b'\n' => {
                    at += 1;
                    starts.push(at);
                }
                _ => at += 1,
            }
        }
        LineIndex { starts }
    }

    /// The 1-based line the byte at `offset` is on.
    pub fn line_at(&self, offset: usize) -> u32 {
        let line = self.starts.partition_point(|&start| start <= offset);
        u32::try_from(line.max(1)).unwrap_or(u32::MAX)
    }
}
