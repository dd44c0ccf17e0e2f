import { describe, expect, it } from "vitest";
import { CommandError } from "./api";
import { describeError, isFieldError } from "./errors";

describe("describeError", () => {
  const refusal = new CommandError({
    code: "forbidden",
    message: "X is the last active global admin; make someone else a global admin first.",
    reason: "last_global_admin",
  });

  it("keeps the core's specific message in English", () => {
    expect(describeError("en", refusal)).toBe(refusal.message);
  });

  it("explains a known refusal in Polish", () => {
    expect(describeError("pl", refusal)).toBe(
      "To ostatni aktywny administrator globalny; najpierw nadaj tę rolę komuś innemu.",
    );
  });

  it("falls back to the message for a reason the catalog does not know", () => {
    const unknown = new CommandError({ code: "forbidden", message: "nope", reason: "brand_new" });
    expect(describeError("pl", unknown)).toBe("nope");
  });
});

describe("describeError with the core's text", () => {
  const refusal = new CommandError({
    code: "forbidden",
    message: "Anna is the last active global admin; make someone else a global admin first.",
    text: {
      en: "Anna is the last active global admin; make someone else a global admin first.",
      pl: "Anna to ostatni aktywny administrator globalny; najpierw nadaj tę rolę komuś innemu.",
    },
    reason: "last_global_admin",
  });

  it("says the core's own sentence in the user's language", () => {
    expect(describeError("en", refusal)).toBe(refusal.text.en);
    expect(describeError("pl", refusal)).toBe(
      "Anna to ostatni aktywny administrator globalny; najpierw nadaj tę rolę komuś innemu.",
    );
  });
});

describe("isFieldError", () => {
  it("is true for validation and conflict errors that name a field", () => {
    expect(isFieldError(new CommandError({ code: "validation", message: "m", field: "email" }))).toBe(true);
    expect(isFieldError(new CommandError({ code: "conflict", message: "m", field: "email" }))).toBe(true);
    expect(isFieldError(new CommandError({ code: "conflict", message: "m" }))).toBe(false);
    expect(isFieldError(new CommandError({ code: "forbidden", message: "m", field: "x" }))).toBe(false);
    expect(isFieldError(null)).toBe(false);
  });
});
