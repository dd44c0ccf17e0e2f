// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import Harness from "./ScreenFailedHarness.test.svelte";

afterEach(cleanup);

describe("ScreenFailed", () => {
  it("replaces only the failed part with the error and lets the person try again", async () => {
    const broken = { now: true };
    render(Harness, { broken });
    expect(screen.getByRole("alert").textContent).toContain("calendar row has no date");
    expect(screen.getByText("the header stays")).toBeTruthy();

    broken.now = false;
    await fireEvent.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByText("the screen works")).toBeTruthy();
    expect(screen.queryByRole("alert")).toBeNull();
  });
});
