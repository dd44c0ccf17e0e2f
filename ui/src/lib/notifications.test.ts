import { describe, expect, it } from "vitest";
import type { Notification } from "./bindings/Notification";
import { calendarTarget, daysUntil, eventText, kindKey, target } from "./notifications";

const base: Notification = {
  id: "n1", kind: "partner_of_record", event: "quantity", object_kind: "subscription", object_id: "s1",
  customer_id: "c1", subject: "Alfa — Basic", from_value: "10", to_value: "12", created_at: "2026-11-25T09:00:00Z", read: false,
};

describe("notifications", () => {
  it("open the subscription itself, the customer for relationships, the offer, or the company", () => {
    expect(target(base)).toEqual(["subscriptions", "s1"]);
    expect(target({ ...base, object_kind: "relationship", object_id: "r1" })).toEqual(["customers", "c1"]);
    expect(target({ ...base, object_kind: "offer", object_id: "o1" })).toEqual(["offers", "o1"]);
    expect(target({ ...base, object_kind: "company", object_id: "" })).toEqual(["company", null]);
    expect(target({ object_kind: "backup", object_id: "" })).toEqual(["settings", null]);
    expect(calendarTarget({ kind: "approval_request", event: "lapses", object_id: "r1", customer_id: "c2", subject: "x", date: "2027-01-01" }))
      .toEqual(["customers", "c2"]);
    expect(calendarTarget({ kind: "trial", event: "ends", object_id: "s9", customer_id: "c2", subject: "x", date: "2027-01-01" }))
      .toEqual(["subscriptions", "s9"]);
  });

  it("name a failed backup in its own words", () => {
    expect(kindKey("backup_failed")).toBe("notifications.kind.backup_failed");
    expect(eventText({ ...base, kind: "backup_failed", event: "failed", object_kind: "backup" })[0]).toBe(
      "notifications.event.failed",
    );
  });

  it("say a relationship's events in their own words, not a subscription's", () => {
    const relationship = { ...base, kind: "delegated_admin", object_kind: "relationship", object_id: "r1" };
    expect(kindKey("delegated_admin")).toBe("notifications.kind.delegated_admin");
    expect(eventText({ ...relationship, event: "expired" })[0]).toBe("notifications.event.delegated_admin.expired");
    expect(eventText({ ...relationship, event: "assignment_created", to_value: "Helpdesk" })).toEqual([
      "notifications.event.delegated_admin.assignment_created",
      { from: "10", to: "Helpdesk", due: "" },
    ]);
    expect(eventText({ ...base, event: "expired" })[0]).toBe("notifications.event.expired");
  });

  it("describe the change with its values, and unknown events and kinds safely", () => {
    expect(eventText(base)).toEqual(["notifications.event.quantity", { from: "10", to: "12", due: "" }]);
    expect(eventText({ ...base, event: "whatever" })[0]).toBe("notifications.event.other");
    expect(eventText({ ...base, event: "auto_renew", from_value: "on", to_value: "off" })[0]).toBe(
      "notifications.event.auto_renew_off",
    );
    expect(eventText({ ...base, event: "partner_of_record", from_value: "off", to_value: "on" })[0]).toBe(
      "notifications.event.partner_of_record_on",
    );
    expect(kindKey("trial_ending")).toBe("notifications.kind.trial_ending");
    expect(kindKey("made_up")).toBeNull();
  });

  it("tell a coming step after the term from one that happened", () => {
    const coming = { ...base, kind: "after_term", event: "deleting", from_value: "disabled", to_value: "deleted", due: "2028-03-24" };
    expect(eventText(coming)).toEqual(["notifications.event.deleting", { from: "disabled", to: "deleted", due: "2028-03-24" }]);
    expect(eventText({ ...coming, event: "deleted" })[0]).toBe("notifications.event.deleted");
    expect(kindKey("after_term")).toBe("notifications.kind.after_term");
  });

  it("tell how a trial ended, the refusal's words included", () => {
    const ended = { ...base, kind: "trial_ending", from_value: "trial" };
    expect(eventText({ ...ended, event: "converted", to_value: "active" })[0]).toBe("notifications.event.converted");
    expect(eventText({ ...ended, event: "conversion_refused", to_value: "the Business family holds 300" })).toEqual([
      "notifications.event.conversion_refused",
      { from: "trial", to: "the Business family holds 300", due: "" },
    ]);
    expect(eventText({ ...ended, event: "expired", to_value: "expired" })[0]).toBe("notifications.event.expired");
  });

  it("count days to a date in UTC", () => {
    expect(daysUntil("2026-12-25", new Date("2026-11-25T23:00:00Z"))).toBe(30);
  });
});
