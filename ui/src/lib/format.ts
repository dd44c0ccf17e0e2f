import type { Money } from "./bindings/Money";
import type { Locale } from "./i18n/translate";

// Dates, numbers and money are always formatted by Intl for the UI's locale.

export function formatDateTime(locale: Locale, rfc3339: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeStyle: "short" }).format(
    new Date(rfc3339),
  );
}

export function formatDate(locale: Locale, rfc3339: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium" }).format(new Date(rfc3339));
}

/** A calendar day (YYYY-MM-DD) as that same day in every time zone. */
export function formatDay(locale: Locale, day: string): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: "medium", timeZone: "UTC" }).format(new Date(`${day}T12:00:00Z`));
}

export function formatNumber(locale: Locale, value: number): string {
  return new Intl.NumberFormat(locale).format(value);
}

/** Minor units to a display amount, using the currency's own number of decimals. */
export function formatMoney(locale: Locale, money: Money): string {
  const format = new Intl.NumberFormat(locale, { style: "currency", currency: money.currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(money.amount_minor / 10 ** digits);
}
