// @vitest-environment happy-dom
import { cleanup, render, screen } from "@testing-library/svelte";
import { afterEach, describe, expect, it } from "vitest";
import type { ActivityEntry } from "../../lib/bindings/ActivityEntry";
import ActivityTab from "./ActivityTab.svelte";

afterEach(cleanup);

const shown: ActivityEntry = {
  seq: 2,
  at: "2026-11-25T09:00:00Z",
  actor_name: "Anna Admin",
  action: "subscription.add",
  outcome: "done",
  target_kind: "subscription",
  target_id: "s1",
  target_label: "Alfa — Microsoft 365 E3",
  detail: "",
};

const hidden: ActivityEntry = {
  seq: 1,
  at: "2026-11-25T08:00:00Z",
  actor_name: "Anna Admin",
  action: "service_request.add_note",
  outcome: "done",
  target_kind: "service_request",
  target_label: "",
  detail: "",
  hidden: {
    action: "view_service_requests",
    reason: "no_active_relationship",
    text: { en: "The customer has no active relationship.", pl: "Klient nie ma aktywnej relacji." },
  },
};

describe("the customer's activity", () => {
  it("says what a hidden entry was about and why, next to entries shown in full", () => {
    render(ActivityTab, { entries: [shown, hidden] });
    expect(screen.getByText("Alfa — Microsoft 365 E3", { exact: false })).toBeTruthy();
    const reason = document.querySelector('[data-hidden="no_active_relationship"]');
    expect(reason?.textContent).toContain("a service request");
    expect(reason?.textContent).toContain("The customer has no active relationship.");
    expect(screen.getByText("service_request.add_note")).toBeTruthy();
  });
});
