import { CommandError } from "./api";
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

/** The text of a chosen file, or the refusal of one too large to read. */
export async function readImportFile(file: File): Promise<string> {
  const refused = importSizeError(file.size);
  if (refused) throw refused;
  return file.text();
}
