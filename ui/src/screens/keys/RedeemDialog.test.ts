// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Permission } from "../../lib/bindings/Permission";
import type { ProductKey } from "../../lib/bindings/ProductKey";
import type { SessionInfo } from "../../lib/bindings/SessionInfo";

const api = vi.hoisted(() => ({
  listCustomers: vi.fn(),
  listSubscriptions: vi.fn(),
  customerPermissions: vi.fn(),
  redeemProductKey: vi.fn(),
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
import RedeemDialog from "./RedeemDialog.svelte";

const key: ProductKey = {
  id: "k1",
  key: "•••••-•••••-•••••-•••••-6789B",
  masked: true,
  service_id: "s1",
  service_title: "Microsoft 365 Business Basic",
  quantity: 10,
  term: "P1Y",
  status: "available",
  added_at: "2026-11-25T09:00:00Z",
  added_by: "Anna Admin",
};

const allowed = (action: Permission["action"]): Permission => ({ action, allowed: true, allowed_roles: [] });
const refused = (action: Permission["action"], reason: Permission["reason"]): Permission => ({
  action,
  allowed: false,
  reason,
  message: "x",
  allowed_roles: [],
});

beforeEach(() => {
  i18n.locale = "en";
  for (const fn of Object.values(api)) fn.mockReset();
  api.listSubscriptions.mockResolvedValue({ rows: [] });
  api.customerPermissions.mockResolvedValue([allowed("manage_subscriptions")]);
  session.info = { permissions: [allowed("manage_relationships")] } as unknown as SessionInfo;
});
afterEach(() => {
  cleanup();
  session.info = null;
});

describe("RedeemDialog", () => {
  it("redeems for the chosen customer in the chosen mode with a delegated-admin request", async () => {
    api.listCustomers.mockResolvedValue({ rows: [{ id: "c1", company_name: "Alfa" }] });
    api.redeemProductKey.mockResolvedValue({});
    const onredeemed = vi.fn();
    render(RedeemDialog, { key, onclose: () => {}, onredeemed });
    expect(screen.getByText(/6789B/)).toBeTruthy();
    await fireEvent.input(screen.getByTestId("redeem-customer-search"), { target: { value: "Alf" } });
    await fireEvent.click(await screen.findByTestId("redeem-customer-choice"));
    await fireEvent.click(screen.getByTestId("redeem-mode-add_licences"));
    await fireEvent.click(screen.getByTestId("redeem-delegated"));
    await fireEvent.click(screen.getByTestId("redeem-submit"));
    await waitFor(() => expect(onredeemed).toHaveBeenCalled());
    expect(api.redeemProductKey).toHaveBeenCalledWith(
      expect.objectContaining({
        key_id: "k1",
        customer_id: "c1",
        mode: "add_licences",
        relationship: expect.objectContaining({ customer_id: "c1", display_name: "Alfa GDAP" }),
      }),
    );
  });

  it("shows the core's refusal when the key was redeemed in another window", async () => {
    api.listCustomers.mockResolvedValue({ rows: [{ id: "c1", company_name: "Alfa" }] });
    api.redeemProductKey.mockRejectedValueOnce(
      new CommandError({ code: "conflict", message: "•••••-•••••-•••••-•••••-6789B was already redeemed; a key is redeemed once", field: "key_id" }),
    );
    const onredeemed = vi.fn();
    render(RedeemDialog, { key, onclose: () => {}, onredeemed });
    await fireEvent.input(screen.getByTestId("redeem-customer-search"), { target: { value: "Alf" } });
    await fireEvent.click(await screen.findByTestId("redeem-customer-choice"));
    await fireEvent.click(screen.getByTestId("redeem-submit"));
    expect(await screen.findByText(/already redeemed/)).toBeTruthy();
    expect(onredeemed).not.toHaveBeenCalled();
  });

  it("disables what the core would refuse, with its reasons: the request without the right, extending without the customer's gate", async () => {
    session.info = { permissions: [refused("manage_relationships", "full_customer_access_required")] } as unknown as SessionInfo;
    api.customerPermissions.mockResolvedValue([refused("manage_subscriptions", "no_active_relationship")]);
    api.listCustomers.mockResolvedValue({ rows: [{ id: "c1", company_name: "Alfa" }] });
    render(RedeemDialog, { key, onclose: () => {}, onredeemed: () => {} });
    expect(screen.getByTestId("redeem-delegated").hasAttribute("disabled")).toBe(true);
    expect(screen.getByTestId("redeem-delegated-reason").textContent).toContain("You need full access to customers.");
    await fireEvent.input(screen.getByTestId("redeem-customer-search"), { target: { value: "Alf" } });
    await fireEvent.click(await screen.findByTestId("redeem-customer-choice"));
    await fireEvent.click(screen.getByTestId("redeem-mode-extend_term"));
    expect((await screen.findByTestId("redeem-gate-reason")).textContent).toContain("no active delegated-administration relationship");
    expect(screen.getByTestId("redeem-submit").hasAttribute("disabled")).toBe(true);
    // A new subscription may set up a customer the partner never set up: the core decides that.
    await fireEvent.click(screen.getByTestId("redeem-mode-new_subscription"));
    expect(screen.queryByTestId("redeem-gate-reason")).toBeNull();
    expect(screen.getByTestId("redeem-submit").hasAttribute("disabled")).toBe(false);
    expect(api.redeemProductKey).not.toHaveBeenCalled();
  });
});
