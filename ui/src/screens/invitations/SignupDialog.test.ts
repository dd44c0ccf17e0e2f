// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Permission } from "../../lib/bindings/Permission";
import type { SessionInfo } from "../../lib/bindings/SessionInfo";
import type { TrialInvitation } from "../../lib/bindings/TrialInvitation";

const api = vi.hoisted(() => ({
  listCustomers: vi.fn(),
  recordTrialInvitationSignup: vi.fn(),
}));
vi.mock("@tauri-apps/api/event", () => ({ listen: () => Promise.resolve(() => {}) }));
vi.mock("../../lib/api", async (original) => ({
  ...(await original<typeof import("../../lib/api")>()),
  api,
  onChange: () => Promise.resolve(() => undefined),
}));

import { CommandError } from "../../lib/api";
import { i18n } from "../../lib/i18n/i18n.svelte";
import { session } from "../../lib/session.svelte";
import SignupDialog from "./SignupDialog.svelte";

const invitation: TrialInvitation = {
  id: "i1",
  name: "Autumn campaign",
  service_id: "s1",
  service_title: "Microsoft 365 Business Standard",
  trial_seats: 25,
  trial_days: 30,
  language: "pl",
  state: "active",
  created_at: "2026-11-25T09:00:00Z",
  created_by: "Anna Admin",
  updated_at: "2026-11-25T09:00:00Z",
  recipient_count: 0,
  signup_count: 0,
};

beforeEach(() => {
  i18n.locale = "en";
  for (const fn of Object.values(api)) fn.mockReset();
  const view: Permission = { action: "view_customers", allowed: true, allowed_roles: [] };
  session.info = { permissions: [view] } as unknown as SessionInfo;
});
afterEach(() => {
  cleanup();
  session.info = null;
});

describe("SignupDialog", () => {
  it("records a new customer and shows a refused value on its field", async () => {
    api.recordTrialInvitationSignup.mockRejectedValueOnce(
      new CommandError({ code: "conflict", message: "Żółć already has the domain zolc.onmicrosoft.com", field: "default_domain" }),
    );
    render(SignupDialog, { open: true, invitation, trial: "25 licenses for 30 days", onclose: () => {}, onrecorded: () => {} });
    await fireEvent.click(screen.getByTestId("signup-new"));
    await fireEvent.input(await screen.findByTestId("signup-company_name"), { target: { value: "Nowa Firma" } });
    await fireEvent.input(screen.getByTestId("signup-default_domain"), { target: { value: "zolc" } });
    await fireEvent.submit(screen.getByTestId("signup-form"));
    expect(api.recordTrialInvitationSignup).toHaveBeenCalledWith(
      "i1",
      expect.objectContaining({ customer: expect.objectContaining({ company_name: "Nowa Firma", default_domain: "zolc" }) }),
    );
    expect(await screen.findByText("Żółć already has the domain zolc.onmicrosoft.com")).toBeTruthy();
    expect(screen.getByTestId("signup-default_domain").getAttribute("aria-invalid")).toBe("true");
  });

  it("links an existing customer found by search, and shows the one-trial refusal", async () => {
    api.listCustomers.mockResolvedValue({
      rows: [{ id: "c1", company_name: "Żółć Sp. z o.o.", default_domain: "zolc.onmicrosoft.com", contact_email: "", relationship_state: "none", tags: [], archived: false, created_at: "" }],
      total: 1,
    });
    api.recordTrialInvitationSignup.mockRejectedValueOnce(
      new CommandError({ code: "conflict", message: "the customer already had a trial", field: "trial" }),
    );
    render(SignupDialog, { open: true, invitation, trial: "25 licenses for 30 days", onclose: () => {}, onrecorded: () => {} });
    const confirm = screen.getByTestId("confirm-signup");
    expect(confirm.hasAttribute("disabled")).toBe(true);
    await fireEvent.input(screen.getByTestId("signup-customer-search"), { target: { value: "zolc" } });
    await fireEvent.click(await screen.findByTestId("signup-customer-choice", {}, { timeout: 2000 }));
    await waitFor(() => expect(confirm.hasAttribute("disabled")).toBe(false));
    await fireEvent.submit(screen.getByTestId("signup-form"));
    expect(api.recordTrialInvitationSignup).toHaveBeenCalledWith("i1", { customer_id: "c1" });
    expect(await screen.findByText("the customer already had a trial")).toBeTruthy();
  });
});
