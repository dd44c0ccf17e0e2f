import { describe, expect, it } from "vitest";
import { amountsText } from "./windows";

describe("amountsText", () => {
  it("writes each currency's total in the locale's own way", () => {
    const amounts = { totals: [{ amount_minor: 123456, currency: "PLN" }], unpriced_quantity: 0 };
    expect(amountsText("en", amounts)).toBe(new Intl.NumberFormat("en", { style: "currency", currency: "PLN" }).format(1234.56));
    expect(amountsText("pl", amounts)).toBe(new Intl.NumberFormat("pl", { style: "currency", currency: "PLN" }).format(1234.56));
  });

  it("says which licences have no price instead of inventing one", () => {
    expect(amountsText("en", { totals: [], unpriced_quantity: 4 })).toBe("no price is known for 4 licences");
    const both = amountsText("pl", { totals: [{ amount_minor: 100, currency: "PLN" }], unpriced_quantity: 2 });
    expect(both.endsWith("; cena 2 licencji nie jest znana")).toBe(true);
  });
});
