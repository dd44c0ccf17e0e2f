import { describe, expect, it } from "vitest";
import { formatSize } from "./size";

describe("backup sizes", () => {
  it("read in kilobytes below a megabyte and in tenths of megabytes above", () => {
    expect(formatSize("en", 458_752)).toBe("448 KB");
    expect(formatSize("en", 10)).toBe("1 KB");
    expect(formatSize("en", 104_857_600)).toBe("100 MB");
    expect(formatSize("pl", 1.5 * 1024 * 1024)).toBe("1,5 MB");
  });
});
