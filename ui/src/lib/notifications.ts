// Pure helpers for notifications: their text and where "open" goes.
import type { CalendarEntry } from "./bindings/CalendarEntry";
import type { Notification } from "./bindings/Notification";
import type { MessageKey } from "./i18n/en";
import type { Params } from "./i18n/translate";
import type { ScreenId } from "./router.svelte";

const EVENTS = new Set([
  "partner_of_record", "quantity", "suspend", "reactivate", "cancel", "auto_renew", "convert_trial",
  "started", "renewed", "expired", "expiring", "ending", "incomplete", "unredeemed", "failed",
  "disabled", "deleted", "upgraded", "disabling", "deleting",
  "converted", "conversion_refused", "conversion_scheduled", "conversion_cleared",
]);

const SWITCHES = new Set(["partner_of_record", "auto_renew"]);

/** The kind's label key; a kind this build has no text for shows its key. */
export function kindKey(kind: string): MessageKey | null {
  const key = `notifications.kind.${kind}`;
  return KNOWN_KINDS.has(kind) ? (key as MessageKey) : null;
}

const KNOWN_KINDS = new Set([
  "partner_of_record", "trial_ending", "relationship_expiring", "offer_expiring", "company_profile", "product_key_unredeemed", "backup_failed",
  "delegated_admin", "after_term",
]);

/** The delegated-admin kind's events (Partner Center's granular-admin webhook names). */
const DELEGATED_ADMIN_EVENTS = new Set([
  "approved", "activated", "expired", "terminated", "auto_extended", "assignment_created", "assignment_deleted",
]);

/** What happened, as a message key and its parameters. */
export function eventText(n: Notification): [MessageKey, Params] {
  const params = { from: n.from_value ?? "", to: n.to_value ?? "", due: n.due ?? "" };
  if (n.kind === "delegated_admin" && DELEGATED_ADMIN_EVENTS.has(n.event)) {
    return [`notifications.event.delegated_admin.${n.event}` as MessageKey, params];
  }
  const event = EVENTS.has(n.event) ? n.event : "other";
  // A switch reads as a sentence ("auto-renew turned off"), not as "on → off".
  if (SWITCHES.has(event) && (n.to_value === "on" || n.to_value === "off")) {
    return [`notifications.event.${event}_${n.to_value}` as MessageKey, params];
  }
  return [`notifications.event.${event}` as MessageKey, params];
}

/** Where opening the object goes: the screen and its parameter. */
export function target(n: Pick<Notification, "object_kind" | "object_id" | "customer_id">): [ScreenId, string | null] {
  switch (n.object_kind) {
    case "company":
      return ["company", null];
    case "offer":
      return ["offers", n.object_id];
    case "product_key":
      return ["keys", null];
    case "backup":
      return ["settings", null];
    case "subscription":
      return ["subscriptions", n.object_id];
    default:
      return n.customer_id ? ["customers", n.customer_id] : ["dashboard", null];
  }
}

/** Where a calendar entry opens. */
export function calendarTarget(e: CalendarEntry): [ScreenId, string | null] {
  const kind = e.kind === "trial" ? "subscription" : e.kind;
  return target({ object_kind: kind, object_id: e.object_id, customer_id: e.customer_id });
}

/** Whole days from `now` to a YYYY-MM-DD date (UTC). */
export function daysUntil(date: string, now: Date): number {
  const day = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.round((Date.parse(`${date}T00:00:00Z`) - day) / 86_400_000);
}
