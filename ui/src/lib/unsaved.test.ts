import { afterEach, describe, expect, it } from "vitest";
import { unsaved } from "./unsaved.svelte";

const form = Symbol("form");

afterEach(() => {
  unsaved.release(form);
  unsaved.question?.(false);
});

describe("unsaved input", () => {
  it("leaving with nothing unsaved asks nothing", async () => {
    expect(await unsaved.confirmLeave()).toBe(true);
    expect(unsaved.question).toBeNull();
  });

  it("leaving with unsaved input waits for the answer; staying keeps the mark", async () => {
    unsaved.mark(form, true);
    const staying = unsaved.confirmLeave();
    expect(unsaved.question).not.toBeNull();
    unsaved.question?.(false);
    expect(await staying).toBe(false);
    expect(unsaved.any).toBe(true);
  });

  it("choosing to leave forgets the marks, so nothing asks twice", async () => {
    unsaved.mark(form, true);
    const leaving = unsaved.confirmLeave();
    unsaved.question?.(true);
    expect(await leaving).toBe(true);
    expect(unsaved.any).toBe(false);
  });

  it("a second question while one is open is answered 'stay'", async () => {
    unsaved.mark(form, true);
    const first = unsaved.confirmLeave();
    expect(await unsaved.confirmLeave()).toBe(false);
    unsaved.question?.(false);
    expect(await first).toBe(false);
  });
});
