import { api, onChange } from "./api";
import type { AppSettings } from "./bindings/AppSettings";
import type { SettingsUpdate } from "./bindings/SettingsUpdate";
import { i18n } from "./i18n/i18n.svelte";

/** The saved settings, applied to the document (language, theme) whenever they change. */
class SettingsState {
  current: AppSettings = $state({ language: "system", theme: "system" });

  async load(): Promise<void> {
    this.apply(await api.getSettings());
  }

  async save(update: SettingsUpdate): Promise<void> {
    this.apply(await api.updateSettings(update));
  }

  /** Keeps every window in step when another one changes a setting. */
  follow(): void {
    void onChange((change) => {
      if (change.entity === "settings") void this.load();
    });
  }

  private apply(settings: AppSettings): void {
    this.current = settings;
    i18n.apply(settings.language);
    const root = document.documentElement;
    if (settings.theme === "system") delete root.dataset.theme;
    else root.dataset.theme = settings.theme;
  }
}

export const settings = new SettingsState();
