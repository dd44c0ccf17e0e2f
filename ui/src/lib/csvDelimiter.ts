import type { Delimiter } from "./bindings/Delimiter";
import type { Locale } from "./i18n/translate";

export const DELIMITER_KEY = "partnerdesk.csvDelimiter";

/**
 * The delimiter a CSV export uses: the one staff chose last, else semicolon
 * when the UI speaks Polish (Excel in Poland splits on the list separator,
 * which is ";" because "," is the decimal separator there), else comma.
 */
export function defaultDelimiter(locale: Locale, stored: string | null): Delimiter {
  if (stored === "comma" || stored === "semicolon") return stored;
  return locale === "pl" ? "semicolon" : "comma";
}
