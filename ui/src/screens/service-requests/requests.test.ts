import { describe, expect, it } from "vitest";
import type { ServiceRequestCount } from "../../lib/bindings/ServiceRequestCount";
import { CATEGORIES, chipCount, SEVERITIES, STATUSES } from "./requests";

const counts: ServiceRequestCount[] = [
  { severity: "critical", status: "open", count: 2 },
  { severity: "critical", status: "closed", count: 1 },
  { severity: "minimal", status: "open", count: 4 },
  { severity: "moderate", status: "draft", count: 0 },
];

describe("chip counts", () => {
  it("add up the whole grid without filters", () => {
    expect(chipCount(counts, {})).toBe(7);
  });

  it("count a status chip within the chosen severity, and the other way round", () => {
    expect(chipCount(counts, { status: "open" })).toBe(6);
    expect(chipCount(counts, { status: "open", severity: "critical" })).toBe(2);
    expect(chipCount(counts, { severity: "critical" })).toBe(3);
    expect(chipCount(counts, { status: "draft" })).toBe(0);
  });
});

describe("choices", () => {
  it("list every status, severity and category once, most severe first", () => {
    expect(STATUSES).toEqual(["draft", "open", "attention_needed", "closed"]);
    expect(SEVERITIES).toEqual(["critical", "moderate", "minimal"]);
    expect(new Set(CATEGORIES).size).toBe(8);
    expect(CATEGORIES.at(-1)).toBe("other");
  });
});
