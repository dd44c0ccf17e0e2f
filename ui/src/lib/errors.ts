import type { CommandError } from "./api";
import type { Locale } from "./i18n/translate";
import { catalogs } from "./i18n/translate";
import type { MessageKey } from "./i18n/en";

/**
 * The text to show for a failed command: the core's own sentence in `locale`
 * (the core writes each in English and Polish). For a failure the core did not
 * describe: its message in English; in Polish, the localised text for a known
 * refusal reason, else the message.
 */
export function describeError(locale: Locale, error: CommandError): string {
  if (error.translated) return error.text[locale];
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
