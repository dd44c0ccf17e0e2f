import type { CommandError } from "./api";
import type { Locale } from "./i18n/translate";
import { catalogs } from "./i18n/translate";
import type { MessageKey } from "./i18n/en";

/**
 * The text to show for a failed command: the core's own (specific, English)
 * message in English; in Polish, the localised text for a known refusal reason.
 */
export function describeError(locale: Locale, error: CommandError): string {
  if (locale !== "en" && error.reason) {
    const key = `reason.${error.reason}` as MessageKey;
    const text = catalogs[locale][key];
    if (text && !text.includes("{")) return text;
  }
  return error.message;
}

/** An error that belongs next to one input rather than in a banner. */
export function isFieldError(error: CommandError | null): boolean {
  return (
    error !== null && error.field !== undefined && (error.code === "validation" || error.code === "conflict")
  );
}
