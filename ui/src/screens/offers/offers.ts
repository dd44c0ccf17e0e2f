import type { OfferDraftInput } from "../../lib/bindings/OfferDraftInput";
import type { OfferStatus } from "../../lib/bindings/OfferStatus";

export const STATUSES: OfferStatus[] = ["draft", "sent", "accepted", "declined", "expired", "withdrawn", "superseded"];


/** Today plus `days`, as YYYY-MM-DD (local date). */
export function inDays(days: number, from: Date = new Date()): string {
  const d = new Date(from.getFullYear(), from.getMonth(), from.getDate() + days);
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** A new, empty draft valid for 30 days: for a customer, or for a prospect typed in later. */
export function emptyDraft(customerId?: string): OfferDraftInput {
  return {
    ...(customerId ? { customer_id: customerId } : {}),
    prospect_name: "",
    prospect_email: "",
    language: "",
    valid_until: inDays(30),
    note: "",
    lines: [],
  };
}

/** A percentage typed by staff to basis points (2.5 → 250), clamped to 0–10000. */
export function percentToBp(percent: number): number {
  if (!Number.isFinite(percent)) return 0;
  return Math.min(10000, Math.max(0, Math.round(percent * 100)));
}

/** Splits addresses typed with commas, semicolons, spaces or new lines. */
export function splitRecipients(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

/** Calls `save` once the changes stop for `ms`; `flush` saves at once. */
/** The wait before retrying a failed autosave: 2 s, doubling to at most 30 s. */
export function retryDelay(failures: number): number {
  return Math.min(2_000 * 2 ** Math.max(0, failures - 1), 30_000);
}

/** Failures a later attempt may not repeat: the store was busy or broke, the session locked. */
export function worthRetrying(code: string): boolean {
  return code === "storage" || code === "internal" || code === "locked" || code === "conflict";
}

export function debounce(save: () => void, ms: number): { schedule: () => void; flush: () => void; cancel: () => void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    schedule() {
      if (timer !== undefined) clearTimeout(timer);
      timer = setTimeout(() => {
        timer = undefined;
        save();
      }, ms);
    },
    flush() {
      if (timer === undefined) return;
      clearTimeout(timer);
      timer = undefined;
      save();
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
