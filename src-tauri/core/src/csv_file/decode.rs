//! From a file's bytes to text: a byte-order mark decides; otherwise valid
//! UTF-8 is UTF-8, and anything else is guessed among the legacy encodings a
//! browser would consider for a Polish user (chardetng, with Polish as the hint).

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1250, WINDOWS_1252};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::error::{Error, Result};

/// The encodings an import reads: what Excel, Partner Center and text editors
/// write. The preview shows the one found and lets staff choose another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum FileEncoding {
    Utf8,
    /// Excel's "Unicode text": UTF-16, little-endian, with a byte-order mark.
    Utf16Le,
    Utf16Be,
    /// Polish Excel's "CSV" (the Windows ANSI code page for Central Europe).
    Windows1250,
    /// Western European Excel's "CSV".
    Windows1252,
    /// ISO 8859-2 (Latin-2), which some older Polish systems write.
    Iso8859_2,
}

impl FileEncoding {
    fn encoding(self) -> &'static Encoding {
        match self {
            FileEncoding::Utf8 => UTF_8,
            FileEncoding::Utf16Le => UTF_16LE,
            FileEncoding::Utf16Be => UTF_16BE,
            FileEncoding::Windows1250 => WINDOWS_1250,
            FileEncoding::Windows1252 => WINDOWS_1252,
            FileEncoding::Iso8859_2 => encoding_rs::ISO_8859_2,
        }
    }

    fn of(encoding: &'static Encoding) -> Option<FileEncoding> {
        [
            FileEncoding::Utf8,
            FileEncoding::Utf16Le,
            FileEncoding::Utf16Be,
            FileEncoding::Windows1250,
            FileEncoding::Windows1252,
            FileEncoding::Iso8859_2,
        ]
        .into_iter()
        .find(|e| e.encoding() == encoding)
    }

    /// The name staff recognise, as the preview shows it.
    pub fn label(self) -> &'static str {
        match self {
            FileEncoding::Utf8 => "UTF-8",
            FileEncoding::Utf16Le => "UTF-16 LE",
            FileEncoding::Utf16Be => "UTF-16 BE",
            FileEncoding::Windows1250 => "Windows-1250",
            FileEncoding::Windows1252 => "Windows-1252",
            FileEncoding::Iso8859_2 => "ISO-8859-2",
        }
    }
}

/// A decoded file: its text (without any byte-order mark) and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    pub encoding: FileEncoding,
    /// The file began with a byte-order mark (so the encoding is certain).
    pub had_bom: bool,
    /// The encoding was guessed from the bytes, not stated by a mark or chosen.
    pub guessed: bool,
}

/// Decodes `bytes` as `chosen`, or as the encoding the file shows or most
/// likely has. A chosen encoding the bytes are not valid in is refused with
/// the first offending byte's line, so nothing is read wrongly in silence.
pub fn decode(bytes: &[u8], chosen: Option<FileEncoding>) -> Result<Decoded> {
    let bom = Encoding::for_bom(bytes);
    let had_bom = bom.is_some();
    let body = &bytes[bom.map_or(0, |(_, length)| length)..];
    let (encoding, guessed) = match (chosen, bom) {
        (Some(chosen), _) => (chosen, false),
        (None, Some((found, _))) => (FileEncoding::of(found).unwrap_or(FileEncoding::Utf8), false),
        (None, None) if std::str::from_utf8(body).is_ok() => (FileEncoding::Utf8, false),
        (None, None) => (guess(body), true),
    };
    // A chosen encoding whose mark the file does not carry: decode it all.
    let body = match (chosen, bom) {
        (Some(chosen), Some((found, _))) if chosen.encoding() != found => bytes,
        _ => body,
    };
    let (text, malformed) = encoding
        .encoding()
        .decode_without_bom_handling_and_without_replacement(body)
        .map(|text| (text.into_owned(), false))
        .unwrap_or_else(|| (String::new(), true));
    if malformed {
        let line = first_malformed_line(body, encoding);
        let label = encoding.label();
        return Err(Error::validation(
            "encoding",
            text!(
                "line {line} is not valid {label}: choose the encoding the file was saved in",
                "wiersz {line} nie jest poprawnym tekstem {label}: wybierz kodowanie, w którym zapisano plik"
            ),
        ));
    }
    Ok(Decoded {
        text,
        encoding,
        had_bom,
        guessed,
    })
}

/// The legacy encoding the bytes most likely are. chardetng is the detector
/// Firefox uses; the `.pl` hint makes it prefer Central European encodings
/// where the bytes allow both, which is what Polish Excel writes.
fn guess(body: &[u8]) -> FileEncoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(body, true);
    let found = detector.guess(Some(b"pl"), false);
    FileEncoding::of(found).unwrap_or(FileEncoding::Windows1250)
}

/// The 1-based line of the first byte that is not valid in `encoding`: the
/// decoder stops there, so the lines of what it wrote before are counted.
fn first_malformed_line(body: &[u8], encoding: FileEncoding) -> u32 {
    let mut decoder = encoding.encoding().new_decoder_without_bom_handling();
    let capacity = decoder
        .max_utf8_buffer_length_without_replacement(body.len())
        .unwrap_or(body.len().saturating_mul(3));
    let mut before = String::with_capacity(capacity);
    let _ = decoder.decode_to_string_without_replacement(body, &mut before, true);
    super::LineIndex::new(&before).line_at(before.len())
}
