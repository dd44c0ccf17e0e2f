// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import { CommandError } from "../lib/api";
import FieldHarness from "./FieldHarness.test.svelte";

afterEach(cleanup);

describe("Field", () => {
  it("marks its control invalid and shows the message when the error names its field", () => {
    const error = new CommandError({ code: "validation", message: "pick pl or en", field: "language" });
    render(FieldHarness, { name: "language", error });
    const input = screen.getByLabelText("Language");
    expect(input.getAttribute("aria-invalid")).toBe("true");
    const describedBy = input.getAttribute("aria-describedby") ?? "";
    expect(document.getElementById(describedBy.split(" ").pop() ?? "")?.textContent).toBe("pick pl or en");
  });

  it("stays valid when the error is about another field or is not a validation error", () => {
    const other = new CommandError({ code: "validation", message: "bad theme", field: "theme" });
    render(FieldHarness, { name: "language", error: other });
    expect(screen.getByLabelText("Language").getAttribute("aria-invalid")).toBe("false");
    expect(screen.queryByText("bad theme")).toBeNull();
  });
});
