import { describe, expect, it } from "vitest";
import { defaultDelimiter } from "./csvDelimiter";

describe("defaultDelimiter", () => {
  it("follows the UI language until staff choose", () => {
    expect(defaultDelimiter("pl", null)).toBe("semicolon");
    expect(defaultDelimiter("en", null)).toBe("comma");
  });
  it("keeps the last choice whatever the language", () => {
    expect(defaultDelimiter("pl", "comma")).toBe("comma");
    expect(defaultDelimiter("en", "semicolon")).toBe("semicolon");
  });
  it("ignores a stored value it does not know", () => {
    expect(defaultDelimiter("pl", "tab")).toBe("semicolon");
  });
});
