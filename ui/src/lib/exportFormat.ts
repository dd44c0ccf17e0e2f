import type { Delimiter } from "./bindings/Delimiter";
import type { FileType } from "./bindings/FileType";
import type { Locale } from "./i18n/translate";

/** Where the last choice is kept; it held only the CSV delimiter before workbooks. */
export const EXPORT_FORMAT_KEY = "partnerdesk.csvDelimiter";

/** What the export control offers: CSV with either delimiter, or an Excel workbook. */
export type ExportChoice = "semicolon" | "comma" | "xlsx";

/** What an export command takes. */
export type ExportFormat = { fileType: FileType; delimiter: Delimiter };

/**
 * The format an export uses: the one staff chose last, else CSV with
 * semicolons when the UI speaks Polish (Excel in Poland splits on the list
 * separator, which is ";" because "," is the decimal separator there), else
 * CSV with commas.
 */
export function defaultChoice(locale: Locale, stored: string | null): ExportChoice {
  if (stored === "comma" || stored === "semicolon" || stored === "xlsx") return stored;
  return locale === "pl" ? "semicolon" : "comma";
}

/** The command's arguments for a choice (a workbook has no delimiter; comma is sent). */
export function exportFormat(choice: ExportChoice): ExportFormat {
  return choice === "xlsx" ? { fileType: "xlsx", delimiter: "comma" } : { fileType: "csv", delimiter: choice };
}
