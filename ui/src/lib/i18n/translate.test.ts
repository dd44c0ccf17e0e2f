import { describe, expect, it } from "vitest";
import { catalogs, resolveLocale, systemLocale, translate } from "./translate";

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe("message catalogs", () => {
  it("have the same keys in Polish and English", () => {
    expect(Object.keys(catalogs.pl).sort()).toEqual(Object.keys(catalogs.en).sort());
  });

  it("have no empty text and the same placeholders in both languages", () => {
    for (const [key, english] of Object.entries(catalogs.en)) {
      const polish = catalogs.pl[key as keyof typeof catalogs.en];
      expect(english.trim(), key).not.toBe("");
      expect(polish.trim(), key).not.toBe("");
      expect(placeholders(polish), key).toEqual(placeholders(english));
    }
  });

  it("translate the screens' names", () => {
    expect(translate("pl", "nav.settings")).toBe("Ustawienia");
    expect(translate("en", "nav.settings")).toBe("Settings");
  });
});

describe("translate", () => {
  it("fills placeholders and leaves unknown ones visible", () => {
    expect(translate("en", "settings.language.system", { language: "Polski" })).toBe(
      "System (Polski)",
    );
    expect(translate("pl", "settings.language.system")).toBe("Systemowy ({language})");
  });
});

describe("language resolution", () => {
  it("uses the saved choice over the system language", () => {
    expect(resolveLocale("pl", ["en-US"])).toBe("pl");
    expect(resolveLocale("en", ["pl-PL"])).toBe("en");
  });

  it("follows the first supported system language", () => {
    expect(resolveLocale("system", ["de-DE", "pl-PL", "en-GB"])).toBe("pl");
    expect(systemLocale(["EN-us"])).toBe("en");
  });

  it("falls back to English", () => {
    expect(resolveLocale("system", ["de-DE", "fr"])).toBe("en");
    expect(resolveLocale("system", [])).toBe("en");
  });
});
