import { describe, expect, it } from "vitest";
import { IMPORT_MAX_BYTES, importSizeError, readImportFile } from "./importFile";

describe("importing a file", () => {
  it("refuses a file over 50 MB by its size, in both languages, as the core does", () => {
    expect(importSizeError(IMPORT_MAX_BYTES)).toBeNull();
    const error = importSizeError(52_428_800);
    expect(error?.code).toBe("validation");
    expect(error?.field).toBe("file");
    expect(error?.text).toEqual({
      en: "the file has 52.5 MB; import at most 50 MB at once (split it into parts)",
      pl: "plik ma 52,5 MB; importuj najwyżej 50 MB naraz (podziel go na części)",
    });
    expect(importSizeError(IMPORT_MAX_BYTES + 1)?.text.en).toMatch(/^the file has 50\.1 MB;/);
  });

  it("never reads a file that is too large", async () => {
    let read = false;
    const huge = {
      size: IMPORT_MAX_BYTES + 1,
      text: () => {
        read = true;
        return Promise.resolve("");
      },
    } as unknown as File;
    await expect(readImportFile(huge)).rejects.toMatchObject({ field: "file" });
    expect(read).toBe(false);
    const small = new File(["key\n"], "keys.csv");
    await expect(readImportFile(small)).resolves.toBe("key\n");
  });
});
