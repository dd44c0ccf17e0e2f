import { CommandError } from "./api";
import type { Delimiter } from "./bindings/Delimiter";
import type { DelimiterSource } from "./bindings/DelimiterSource";
import type { FileEncoding } from "./bindings/FileEncoding";
import type { FileReading } from "./bindings/FileReading";
import type { ReadEncoding } from "./bindings/ReadEncoding";
import type { ImportFile } from "./bindings/ImportFile";
import { translate, type Params } from "./i18n/translate";

/**
 * The core's `limits::IMPORT_BYTES` (docs/decisions/0032): a chosen file
 * larger than this is refused by its size, before a byte of it is read.
 * The core refuses the same text again, whichever way it arrives.
 */
export const IMPORT_MAX_BYTES = 50_000_000;

/** "52.5 MB" / "52,5 MB": decimal megabytes, rounded up so a file over the limit never shows as the limit. */
function megabytes(bytes: number, separator: string): string {
  const tenths = Math.ceil(bytes / 100_000);
  const [whole, tenth] = [Math.floor(tenths / 10), tenths % 10];
  return tenth === 0 ? `${whole} MB` : `${whole}${separator}${tenth} MB`;
}

/** The refusal for a file over the limit, worded as the core words it; `null` when it fits. */
export function importSizeError(bytes: number): CommandError | null {
  if (bytes <= IMPORT_MAX_BYTES) return null;
  const params = (separator: string): Params => ({
    found: megabytes(bytes, separator),
    max: megabytes(IMPORT_MAX_BYTES, separator),
  });
  const text = {
    en: translate("en", "import.tooLarge", params(".")),
    pl: translate("pl", "import.tooLarge", params(",")),
  };
  return new CommandError({ code: "validation", message: text.en, text, field: "file" });
}

/**
 * A chosen file as the core reads it: its bytes, undecoded (the core finds
 * the encoding, decision 0037), or the refusal of one too large to read.
 */
export async function readImportBytes(file: File): Promise<ImportFile> {
  const refused = importSizeError(file.size);
  if (refused) throw refused;
  // The webview's own encoder (a data: URL) is native code; elsewhere (tests), ours.
  if (typeof FileReader === "undefined") return { bytes: bytesToBase64(new Uint8Array(await file.arrayBuffer())) };
  const url = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => reject(reader.error ?? new Error("the file could not be read"));
    reader.readAsDataURL(file);
  });
  return { bytes: url.slice(url.indexOf(",") + 1) };
}

/**
 * Bytes as base64, the way an import file crosses to the core (decision 0037):
 * in chunks whose length is a multiple of 3, so each encodes on its own and a
 * 50 MB file never becomes one 50 MB binary string.
 */
export function bytesToBase64(bytes: Uint8Array): string {
  const CHUNK = 3 * 0x4000;
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const chunk = bytes.subarray(at, at + CHUNK);
    let binary = "";
    for (let i = 0; i < chunk.length; i += 0x1000) {
      binary += String.fromCharCode(...chunk.subarray(i, i + 0x1000));
    }
    parts.push(btoa(binary));
  }
  return parts.join("");
}

/** What an import reads: a chosen file's bytes (with the preview's choices), or pasted text. */
export type ImportSource = { file: ImportFile } | { text: string };

/** The file of an import source: pasted text becomes a UTF-8 file. */
export function fileOf(source: ImportSource): ImportFile {
  return "file" in source ? source.file : { bytes: bytesToBase64(new TextEncoder().encode(source.text)) };
}

/** Every encoding the core reads, in the order the preview offers them. */
export const ENCODINGS: FileEncoding[] = ["utf8", "utf16_le", "utf16_be", "windows1250", "iso8859_2", "windows1252"];
export const DELIMITERS: Delimiter[] = ["comma", "semicolon", "tab"];

/** The names staff recognise, as the core's `FileEncoding::label` writes them. */
export function encodingLabel(encoding: FileEncoding): string {
  const labels: Record<FileEncoding, string> = {
    utf8: "UTF-8",
    utf16_le: "UTF-16 LE",
    utf16_be: "UTF-16 BE",
    windows1250: "Windows-1250",
    windows1252: "Windows-1252",
    iso8859_2: "ISO-8859-2",
  };
  return labels[encoding];
}

/**
 * What the file itself said about its encoding and delimiter, as the preview
 * marks the options ("Windows-1250 (guessed)"). A preview that read with a
 * choice does not say what the file states, so the earlier finding is kept.
 */
export type Found = {
  encoding?: ReadEncoding;
  delimiter?: { delimiter: Delimiter; source: DelimiterSource };
};

export function noteFound(previous: Found, reading: FileReading): Found {
  const found = { ...previous };
  if (reading.encoding && reading.encoding.source !== "chosen") found.encoding = reading.encoding;
  if (reading.delimiter_source !== "chosen") found.delimiter = { delimiter: reading.delimiter, source: reading.delimiter_source };
  return found;
}
