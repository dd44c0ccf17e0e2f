import { describe, expect, it } from "vitest";
import { defaultChoice, exportFormat } from "./exportFormat";

describe("defaultChoice", () => {
  it("follows the UI language until staff choose", () => {
    expect(defaultChoice("pl", null)).toBe("semicolon");
    expect(defaultChoice("en", null)).toBe("comma");
  });
  it("keeps the last choice whatever the language, a workbook included", () => {
    expect(defaultChoice("pl", "comma")).toBe("comma");
    expect(defaultChoice("en", "semicolon")).toBe("semicolon");
    expect(defaultChoice("pl", "xlsx")).toBe("xlsx");
  });
  it("ignores a stored value it does not know", () => {
    expect(defaultChoice("pl", "tab")).toBe("semicolon");
  });
});

describe("exportFormat", () => {
  it("sends the file type and, for CSV, the delimiter", () => {
    expect(exportFormat("semicolon")).toEqual({ fileType: "csv", delimiter: "semicolon" });
    expect(exportFormat("comma")).toEqual({ fileType: "csv", delimiter: "comma" });
    expect(exportFormat("xlsx")).toEqual({ fileType: "xlsx", delimiter: "comma" });
  });
});
