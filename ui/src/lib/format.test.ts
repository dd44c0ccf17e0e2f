import { describe, expect, it } from "vitest";
import { formatDate, formatDay, formatMoney, formatNumber } from "./format";

// Intl uses narrow no-break spaces in some locales; compare with plain spaces.
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

describe("locale formatting", () => {
  it("formats money from minor units with the currency's decimals", () => {
    expect(plain(formatMoney("pl", { amount_minor: 123456, currency: "PLN" }))).toBe(
      "1234,56 zł",
    );
    expect(plain(formatMoney("en", { amount_minor: 123456, currency: "USD" }))).toBe("$1,234.56");
    // The yen has no minor unit: 1500 minor units are ¥1,500.
    expect(plain(formatMoney("en", { amount_minor: 1500, currency: "JPY" }))).toBe("¥1,500");
  });

  it("groups numbers per locale", () => {
    expect(plain(formatNumber("pl", 100000))).toBe("100 000");
    expect(formatNumber("en", 100000)).toBe("100,000");
  });

  it("formats dates per locale", () => {
    expect(formatDate("en", "2026-11-25T09:30:00Z")).toBe("Nov 25, 2026");
    expect(formatDate("pl", "2026-11-25T09:30:00Z")).toBe("25 lis 2026");
    // A calendar day stays that day whatever the machine's time zone.
    expect(formatDay("pl", "2026-12-20")).toBe("20 gru 2026");
    expect(formatDay("en", "2026-01-01")).toBe("Jan 1, 2026");
  });
});
