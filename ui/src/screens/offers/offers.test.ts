import { describe, expect, it, vi } from "vitest";
import { debounce, inDays, percentToBp, retryDelay, splitRecipients, worthRetrying } from "./offers";

describe("offer helpers", () => {
  it("retries a failed autosave after 2 s, doubling to at most 30 s, and only when it may help", () => {
    expect([1, 2, 3, 4, 5, 6, 50].map(retryDelay)).toEqual([2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(["storage", "internal", "locked", "conflict"].every(worthRetrying)).toBe(true);
    expect(["validation", "forbidden", "invalid_state", "not_found"].some(worthRetrying)).toBe(false);
  });

  it("turns percentages into basis points without floats leaking", () => {
    expect(percentToBp(2.5)).toBe(250);
    expect(percentToBp(0.01)).toBe(1);
    expect(percentToBp(33.335)).toBe(3334);
    expect(percentToBp(150)).toBe(10000);
    expect(percentToBp(-1)).toBe(0);
    expect(percentToBp(Number.NaN)).toBe(0);
  });

  it("gives a date some days ahead", () => {
    expect(inDays(30, new Date(2026, 10, 25))).toBe("2026-12-25");
    expect(inDays(7, new Date(2026, 11, 28))).toBe("2027-01-04");
  });

  it("splits recipients typed any way", () => {
    expect(splitRecipients(" a@b.pl, c@d.pl;\ne@f.pl  ")).toEqual(["a@b.pl", "c@d.pl", "e@f.pl"]);
    expect(splitRecipients("  ")).toEqual([]);
  });

  it("saves once after the changes stop, or at once when flushed", () => {
    vi.useFakeTimers();
    const save = vi.fn();
    const d = debounce(save, 500);
    d.schedule();
    d.schedule();
    vi.advanceTimersByTime(499);
    expect(save).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(save).toHaveBeenCalledTimes(1);
    d.schedule();
    d.flush();
    expect(save).toHaveBeenCalledTimes(2);
    d.flush();
    expect(save).toHaveBeenCalledTimes(2);
    vi.useRealTimers();
  });
});
