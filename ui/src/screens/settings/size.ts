import { formatNumber } from "../../lib/format";
import type { Locale } from "../../lib/i18n/translate";

/** A file size in kilobytes or megabytes, the number in the locale's style. */
export function formatSize(locale: Locale, bytes: number): string {
  if (bytes < 1024 * 1024) return `${formatNumber(locale, Math.max(1, Math.round(bytes / 1024)))} KB`;
  return `${formatNumber(locale, Math.round((bytes / (1024 * 1024)) * 10) / 10)} MB`;
}
