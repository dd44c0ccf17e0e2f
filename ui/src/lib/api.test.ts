import { describe, expect, it } from "vitest";
import { CommandError, toCommandError } from "./api";

describe("toCommandError", () => {
  it("keeps the code, message and field of a typed error", () => {
    const error = toCommandError({ code: "validation", message: "bad", field: "language" });
    expect(error).toBeInstanceOf(CommandError);
    expect([error.code, error.message, error.field]).toEqual(["validation", "bad", "language"]);
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
