import type { LanguagePreference } from "../bindings/LanguagePreference";
import type { MessageKey } from "./en";
import { resolveLocale, translate, type Locale, type Params } from "./translate";

/** The UI's current language; components read `t` and re-render when it changes. */
class I18n {
  locale: Locale = $state(resolveLocale("system", navigator.languages));

  apply(preference: LanguagePreference): void {
    this.locale = resolveLocale(preference, navigator.languages);
    document.documentElement.lang = this.locale;
  }

  t = (key: MessageKey, params?: Params): string => translate(this.locale, key, params);
}

export const i18n = new I18n();
export const t = i18n.t;
