// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Permission } from "../../lib/bindings/Permission";
import type { SessionInfo } from "../../lib/bindings/SessionInfo";
import type { TrialInvitationDetail } from "../../lib/bindings/TrialInvitationDetail";

const api = vi.hoisted(() => ({
  getTrialInvitation: vi.fn(),
  trialInvitationMessage: vi.fn(),
  sendTrialInvitationEmail: vi.fn(),
  activateTrialInvitation: vi.fn(),
  retireTrialInvitation: vi.fn(),
  listTrialServices: vi.fn(),
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
import InvitationDetail from "./InvitationDetail.svelte";

const LINK = "https://portal.office.com/partner/partnersignup.aspx?type=Trial&id=i1&msppid=1234567";

function detail(state: "draft" | "active" | "retired"): TrialInvitationDetail {
  const events: TrialInvitationDetail["events"] =
    state === "draft" ? ["edit", "activate"] : state === "active" ? ["retire", "send", "record_signup"] : [];
  return {
    invitation: {
      id: "i1",
      name: "Autumn campaign",
      service_id: "s1",
      service_title: "Microsoft 365 Business Standard",
      trial_seats: 25,
      trial_days: 30,
      language: "pl",
      relationship: { roles: ["user_admin"], duration_days: 90, auto_extend: false },
      state,
      created_at: "2026-11-25T09:00:00Z",
      created_by: "Anna Admin",
      updated_at: "2026-11-25T09:00:00Z",
      recipient_count: 1,
      signup_count: 1,
    },
    events,
    link: state === "draft" ? undefined : LINK,
    recipients: [{ email: "jan@zolc.pl", sent_at: "2026-11-25T09:10:00Z", sent_by: "Piotr Sales" }],
    signups: [
      {
        id: "u1",
        customer_id: "c1",
        customer_name: "Żółć Sp. z o.o.",
        subscription_id: "sub1",
        relationship_id: "r1",
        new_customer: true,
        recorded_at: "2026-11-25T09:20:00Z",
        recorded_by: "Anna Admin",
      },
    ],
  };
}

function signIn(allowed: boolean, offersDelegatedAdmin = allowed): void {
  const permission: Permission = allowed
    ? { action: "manage_trial_invitations", allowed: true, allowed_roles: [] }
    : { action: "manage_trial_invitations", allowed: false, reason: "customer_access_required", message: "x", allowed_roles: [] };
  const admin: Permission = offersDelegatedAdmin
    ? { action: "manage_relationships", allowed: true, allowed_roles: [] }
    : { action: "manage_relationships", allowed: false, reason: "full_customer_access_required", message: "x", allowed_roles: [] };
  session.info = { permissions: [permission, admin] } as unknown as SessionInfo;
}

beforeEach(() => {
  i18n.locale = "en";
  for (const fn of Object.values(api)) fn.mockReset();
  api.trialInvitationMessage.mockResolvedValue({ link: LINK, subject: "s", body: "b", mailto: "mailto:", html_snippet: "<a>" });
  api.listTrialServices.mockResolvedValue([]);
});
afterEach(() => {
  cleanup();
  session.info = null;
});

describe("InvitationDetail", () => {
  it("shows the link, the recipients and the sign-ups of an active invitation, and sends to the typed addresses", async () => {
    signIn(true);
    api.getTrialInvitation.mockResolvedValue(detail("active"));
    api.sendTrialInvitationEmail.mockResolvedValue(null);
    render(InvitationDetail, { id: "i1" });
    expect(((await screen.findByTestId("invitation-link")) as HTMLInputElement).value).toBe(LINK);
    expect(screen.getByText("jan@zolc.pl")).toBeTruthy();
    expect(screen.getByText("Żółć Sp. z o.o.")).toBeTruthy();
    const send = screen.getByTestId("send-invitation");
    expect(send.hasAttribute("disabled")).toBe(true);
    await fireEvent.input(screen.getByTestId("invitation-recipients"), { target: { value: "a@b.pl, c@d.pl" } });
    expect(send.hasAttribute("disabled")).toBe(false);
    await fireEvent.submit(screen.getByTestId("send-invitation-form"));
    expect(api.sendTrialInvitationEmail).toHaveBeenCalledWith("i1", ["a@b.pl", "c@d.pl"]);
  });

  it("puts a refused address on the recipients field", async () => {
    signIn(true);
    api.getTrialInvitation.mockResolvedValue(detail("active"));
    api.sendTrialInvitationEmail.mockRejectedValue(
      new CommandError({ code: "validation", message: "'x' is not an e-mail address", field: "recipients" }),
    );
    render(InvitationDetail, { id: "i1" });
    await fireEvent.input(await screen.findByTestId("invitation-recipients"), { target: { value: "x" } });
    await fireEvent.submit(screen.getByTestId("send-invitation-form"));
    expect(await screen.findByText("'x' is not an e-mail address")).toBeTruthy();
    expect(screen.getByTestId("invitation-recipients").getAttribute("aria-invalid")).toBe("true");
  });

  it("shows a draft without a link, and disables what the core refuses with its reason", async () => {
    signIn(false);
    api.getTrialInvitation.mockResolvedValue(detail("draft"));
    render(InvitationDetail, { id: "i1" });
    const activate = await screen.findByTestId("activate-invitation");
    expect(activate.hasAttribute("disabled")).toBe(true);
    expect(activate.getAttribute("title")).toContain("full or limited access to customers");
    expect(screen.queryByTestId("invitation-link")).toBeNull();
    expect(api.trialInvitationMessage).not.toHaveBeenCalled();
  });

  it("asks before activating", async () => {
    signIn(true);
    api.getTrialInvitation.mockResolvedValue(detail("draft"));
    api.activateTrialInvitation.mockResolvedValue(detail("active"));
    render(InvitationDetail, { id: "i1" });
    await fireEvent.click(await screen.findByTestId("activate-invitation"));
    expect(api.activateTrialInvitation).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId("confirm"));
    expect(api.activateTrialInvitation).toHaveBeenCalledWith("i1");
  });

  it("with limited access, what would offer the included delegated administration is disabled with the reason", async () => {
    signIn(true, false);
    api.getTrialInvitation.mockResolvedValue(detail("active"));
    render(InvitationDetail, { id: "i1" });
    const signup = await screen.findByTestId("record-signup");
    expect(signup.hasAttribute("disabled")).toBe(true);
    expect(signup.getAttribute("title")).toContain("You need full access to customers.");
    await fireEvent.input(screen.getByTestId("invitation-recipients"), { target: { value: "a@b.pl" } });
    expect(screen.getByTestId("send-invitation").hasAttribute("disabled")).toBe(true);
    expect(screen.getByTestId("retire-invitation").hasAttribute("disabled")).toBe(false);
    expect(screen.getByTestId("invitation-admin-reason").textContent).toContain("offer delegated administration");
  });
});
