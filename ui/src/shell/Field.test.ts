// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { CommandError } from "../lib/api";
import { i18n } from "../lib/i18n/i18n.svelte";
import FieldHarness from "./FieldHarness.test.svelte";

afterEach(() => {
  cleanup();
  i18n.locale = "en";
});

describe("Field", () => {
  it("marks its control invalid and shows the message when the error names its field", () => {
    const error = new CommandError({ code: "validation", message: "pick pl or en", field: "language" });
    render(FieldHarness, { name: "language", error });
    const input = screen.getByLabelText("Language");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const describedBy = input.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy.split(" ").pop() ?? "")?.textContent).toBe("pick pl or en");
  });

  it("shows the core's message in Polish when the UI speaks Polish", () => {
    i18n.locale = "pl";
    const error = new CommandError({
      code: "validation",
      message: "'de' is not a valid language; choose one of: system, pl, en",
      text: {
        en: "'de' is not a valid language; choose one of: system, pl, en",
        pl: "„de” nie jest prawidłową wartością pola language; wybierz jedną z: system, pl, en",
      },
      field: "language",
    });
    render(FieldHarness, { name: "language", error });
    expect(screen.getByText(/nie jest prawidłową wartością/).textContent).toBe(
      "„de” nie jest prawidłową wartością pola language; wybierz jedną z: system, pl, en",
    );
    expect(screen.queryByText(/is not a valid language/)).toBeNull();
  });

  it("stays valid when the error is about another field or is not a validation error", () => {
    const other = new CommandError({ code: "validation", message: "bad theme", field: "theme" });
    render(FieldHarness, { name: "language", error: other });
    expect(screen.getByLabelText("Language").getAttribute("aria-invalid")).toBe("false");
    expect(screen.queryByText("bad theme")).toBeNull();
  });
});
