// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ServiceRequestView } from "../../lib/bindings/ServiceRequestView";

const api = vi.hoisted(() => ({
  getServiceRequest: vi.fn(),
  changeServiceRequestStatus: vi.fn(),
  addServiceRequestNote: vi.fn(),
  discardServiceRequest: vi.fn(),
}));
vi.mock("../../lib/api", async (original) => ({
  ...(await original<typeof import("../../lib/api")>()),
  api,
  onChange: () => Promise.resolve(() => undefined),
}));

import { i18n } from "../../lib/i18n/i18n.svelte";
import RequestDetail from "./RequestDetail.svelte";

function view(over: Partial<ServiceRequestView["request"]>, allowed: boolean, events: ServiceRequestView["events"]): ServiceRequestView {
  return {
    request: {
      id: "r1",
      number: 42,
      reference: "SR-000042",
      customer_id: "c1",
      customer_name: "Contoso",
      title: "Outlook stopped",
      description: "No mail since 9:00.",
      category: "email_and_calendar",
      severity: "critical",
      status: "open",
      contact_name: "Jan",
      contact_email: "jan@contoso.pl",
      contact_phone: "",
      created_by: "Anna Admin",
      created_at: "2026-11-25T09:00:00Z",
      updated_at: "2026-11-25T09:05:00Z",
      ...over,
    },
    notes: [{ id: 1, at: "2026-11-25T09:05:00Z", author_name: "Anna Admin", author_id: "s1", body: "Called Jan." }],
    events,
    manage: allowed
      ? { action: "manage_service_requests", allowed: true, allowed_roles: [] }
      : {
          action: "manage_service_requests",
          allowed: false,
          reason: "no_active_relationship",
          message: "x",
          allowed_roles: [],
        },
  };
}

beforeEach(() => {
  i18n.locale = "en";
  for (const fn of Object.values(api)) fn.mockReset();
});
afterEach(cleanup);

describe("RequestDetail", () => {
  it("shows the allowed transitions disabled, with the core's reason, when the customer gate refuses", async () => {
    api.getServiceRequest.mockResolvedValue(view({}, false, ["flag_attention", "close", "add_note"]));
    render(RequestDetail, { id: "r1" });
    const close = await screen.findByRole("button", { name: "Close" });
    expect(close.hasAttribute("disabled")).toBe(true);
    expect(close.getAttribute("title")).toContain("no active delegated-administration relationship");
    expect(screen.getByRole("button", { name: "Flag: needs attention" }).hasAttribute("disabled")).toBe(true);
    expect(screen.queryByRole("button", { name: "Submit" })).toBeNull();
    expect(screen.getByText("Called Jan.")).toBeTruthy();
    expect(screen.getByTestId("request-readonly").textContent).toContain("Read-only");
  });

  it("asks before closing and sends the optional note with the event", async () => {
    api.getServiceRequest.mockResolvedValue(view({}, true, ["flag_attention", "close", "add_note"]));
    api.changeServiceRequestStatus.mockResolvedValue(view({ status: "closed" }, true, ["reopen"]));
    render(RequestDetail, { id: "r1" });
    await fireEvent.click(await screen.findByRole("button", { name: "Close" }));
    expect(api.changeServiceRequestStatus).not.toHaveBeenCalled();
    await fireEvent.input(screen.getByLabelText("Note (optional)"), { target: { value: " Fixed. " } });
    await fireEvent.click(screen.getByTestId("confirm-status"));
    expect(api.changeServiceRequestStatus).toHaveBeenCalledWith("r1", "close", "Fixed.");
    expect(await screen.findByRole("button", { name: "Reopen" })).toBeTruthy();
    expect(screen.getByText("The request is closed; reopen it to add a note.")).toBeTruthy();
  });
});
