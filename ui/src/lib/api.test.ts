import { describe, expect, it } from "vitest";
import { CommandError, toCommandError } from "./api";

describe("toCommandError", () => {
  it("keeps the code, message and field of a typed error", () => {
    const error = toCommandError({ code: "validation", message: "bad", field: "language" });
    expect(error).toBeInstanceOf(CommandError);
    expect([error.code, error.message, error.field]).toEqual(["validation", "bad", "language"]);
  });

  it("keeps the core's text in both languages", () => {
    const text = { en: "use at most 10 characters", pl: "użyj najwyżej 10 znaków" };
    const error = toCommandError({ code: "validation", message: text.en, text, field: "name" });
    expect(error.text).toEqual(text);
    expect(error.translated).toBe(true);
  });

  it("makes a text of the message when the core sent none", () => {
    const error = toCommandError({ code: "internal", message: "boom" });
    expect(error.text).toEqual({ en: "boom", pl: "boom" });
    expect(error.translated).toBe(false);
    expect(toCommandError({ code: "internal", message: "x", text: "not a text" }).translated).toBe(false);
  });

  it("treats anything untyped as internal, keeping its text", () => {
    const fromString = toCommandError("invalid args `update` for command `update_settings`");
    expect(fromString.code).toBe("internal");
    expect(fromString.message).toContain("invalid args");
    expect(fromString.field).toBeUndefined();
    expect(toCommandError({ code: "made_up", message: "x" }).code).toBe("internal");
    expect(toCommandError(new Error("boom")).message).toBe("boom");
  });
});
