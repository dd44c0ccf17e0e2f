import type { LanguagePreference } from "../bindings/LanguagePreference";
import { en, type MessageKey } from "./en";
import { pl } from "./pl";

export type Locale = "pl" | "en";
export type Params = Record<string, string | number>;

export const catalogs: Record<Locale, Record<MessageKey, string>> = { en, pl };

/** The UI language: the saved choice, or the first supported OS language, or English. */
export function resolveLocale(
  preference: LanguagePreference,
  systemLanguages: readonly string[],
): Locale {
  if (preference === "pl" || preference === "en") return preference;
  return systemLocale(systemLanguages);
}

export function systemLocale(systemLanguages: readonly string[]): Locale {
  for (const tag of systemLanguages) {
    const base = tag.toLowerCase().split("-")[0];
    if (base === "pl" || base === "en") return base;
  }
  return "en";
}

export function translate(locale: Locale, key: MessageKey, params: Params = {}): string {
  const template = catalogs[locale][key];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}
