import { describe, expect, it } from "vitest";
import type { FileReading } from "./bindings/FileReading";
import {
  bytesToBase64,
  ENCODINGS,
  encodingLabel,
  fileOf,
  IMPORT_MAX_BYTES,
  noteFound,
  importSizeError,
  readImportBytes,
} from "./importFile";

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
      arrayBuffer: () => {
        read = true;
        return Promise.resolve(new ArrayBuffer(0));
      },
    } as unknown as File;
    await expect(readImportBytes(huge)).rejects.toMatchObject({ field: "file" });
    expect(read).toBe(false);
    const small = new File(["key\n"], "keys.csv");
    await expect(readImportBytes(small)).resolves.toEqual({ bytes: "a2V5Cg==" });
  });

  it("sends the bytes as they are, not as text: Windows-1250 stays Windows-1250", async () => {
    // "Żółć" in Windows-1250: no UTF-8 decoding on the way.
    const cp1250 = new Uint8Array([0xaf, 0xf3, 0xb3, 0xe6, 0x3b, 0x0d, 0x0a]);
    const file = await readImportBytes(new File([cp1250], "klienci.csv"));
    expect(Buffer.from(file.bytes, "base64")).toEqual(Buffer.from(cp1250));
  });

  it("encodes base64 in chunks exactly as one piece would, across every boundary", () => {
    for (const length of [0, 1, 2, 3, 4095, 4096, 4097, 49_151, 49_152, 49_153, 150_001]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 7919) % 256);
      expect(bytesToBase64(bytes), `${length} bytes`).toBe(Buffer.from(bytes).toString("base64"));
    }
  });

  it("turns pasted text into a UTF-8 file and keeps a chosen file with its choices", () => {
    expect(Buffer.from(fileOf({ text: "Zażółć" }).bytes, "base64").toString("utf8")).toBe("Zażółć");
    const chosen = { bytes: "QQ==", encoding: "windows1250" as const, delimiter: "semicolon" as const };
    expect(fileOf({ file: chosen })).toBe(chosen);
  });

  it("offers every encoding the core reads, by the names staff know", () => {
    expect(ENCODINGS.map(encodingLabel)).toEqual([
      "UTF-8",
      "UTF-16 LE",
      "UTF-16 BE",
      "Windows-1250",
      "ISO-8859-2",
      "Windows-1252",
    ]);
  });

  it("keeps what the file itself said while staff choose otherwise", () => {
    const read = (over: Partial<FileReading>): FileReading => ({
      encoding: { encoding: "windows1250", source: "guessed" },
      delimiter: "semicolon",
      delimiter_source: "detected",
      columns: [],
      unknown: [],
      ...over,
    });
    const first = noteFound({}, read({}));
    expect(first).toEqual({
      encoding: { encoding: "windows1250", source: "guessed" },
      delimiter: { delimiter: "semicolon", source: "detected" },
    });
    // A comma chosen: the delimiter found stays semicolon; the encoding is still the file's.
    const comma = noteFound(first, read({ delimiter: "comma", delimiter_source: "chosen" }));
    expect(comma).toEqual(first);
    const chosen = noteFound(comma, read({ encoding: { encoding: "iso8859_2", source: "chosen" } }));
    expect(chosen.encoding).toEqual({ encoding: "windows1250", source: "guessed" });
    // Pasted text has no encoding to tell; a sep= line states the delimiter.
    expect(noteFound({}, read({ encoding: undefined, delimiter: "comma", delimiter_source: "stated" }))).toEqual({
      delimiter: { delimiter: "comma", source: "stated" },
    });
  });
});
