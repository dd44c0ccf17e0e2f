// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OfferDraftInput } from "../../lib/bindings/OfferDraftInput";
import type { PurchaseOfferDetail } from "../../lib/bindings/PurchaseOfferDetail";
import type { SessionInfo } from "../../lib/bindings/SessionInfo";

// The editor against a fake core: every change is saved, once, after typing stops.
const core = vi.hoisted(() => ({ saves: [] as OfferDraftInput[], delegated: false, failNext: 0 }));

function draft(note = ""): PurchaseOfferDetail {
  return {
    offer: {
      id: "o1",
      root_id: "o1",
      revision: 1,
      status: "draft",
      company_name: "Gamma",
      contact_email: "it@gamma.pl",
      prospect_name: "Gamma",
      prospect_email: "it@gamma.pl",
      language: "pl",
      valid_until: "2026-12-24",
      expires_at: "2026-12-25T00:00:00Z",
      note,
      delegated_admin: core.delegated
        ? { display_name: "Gamma GDAP", roles: ["user_admin"], duration_days: 730, auto_extend: false }
        : undefined,
      created_by: "Anna",
      created_at: "2026-11-25T09:00:00Z",
      updated_at: "2026-11-25T09:00:00Z",
    },
    lines: [],
    totals: [],
    revisions: [],
    recipients: [],
    can_revise: false,
  };
}

vi.mock("@tauri-apps/api/event", () => ({ listen: () => Promise.resolve(() => {}) }));
vi.mock("../../lib/api", async (original) => {
  const real = await original<typeof import("../../lib/api")>();
  return {
    ...real,
    onChange: () => Promise.resolve(() => {}),
    api: {
      getOffer: () => Promise.resolve(draft()),
      listCatalog: () => Promise.resolve([]),
      listCustomers: () => Promise.resolve({ rows: [], total: 0 }),
      updateOfferDraft: (_id: string, input: OfferDraftInput) => {
        if (core.failNext > 0) {
          core.failNext -= 1;
          return Promise.reject(new real.CommandError({ code: "storage", message: "database is locked" }));
        }
        core.saves.push(input);
        return Promise.resolve(draft(input.note));
      },
    },
  };
});

const { default: OfferEditor } = await import("./OfferEditor.svelte");
const { session } = await import("../../lib/session.svelte");

afterEach(() => {
  cleanup();
  core.saves = [];
  core.delegated = false;
  core.failNext = 0;
  session.info = null;
});

describe("OfferEditor", () => {
  it("retries a failed autosave, says so, keeps the draft and asks before leaving", async () => {
    const { unsaved } = await import("../../lib/unsaved.svelte");
    core.failNext = 1;
    render(OfferEditor, { id: "o1" });
    const note = (await screen.findByLabelText("Note to the customer")) as HTMLTextAreaElement;
    await fireEvent.input(note, { target: { value: "Ceny netto" } });
    await waitFor(() => expect(screen.getByTestId("offer-saved").textContent).toBe("Not saved — retrying…"), {
      timeout: 2000,
    });
    expect(note.value).toBe("Ceny netto");
    expect(unsaved.any).toBe(true);
    await waitFor(() => expect(core.saves).toHaveLength(1), { timeout: 4000 });
    expect(core.saves[0]?.note).toBe("Ceny netto");
    await waitFor(() => expect(screen.getByTestId("offer-saved").textContent).toBe("Saved"));
    expect(unsaved.any).toBe(false);
  });

  it("saves the draft once after typing stops and says so", async () => {
    render(OfferEditor, { id: "o1" });
    const note = await screen.findByLabelText("Note to the customer");
    await fireEvent.input(note, { target: { value: "Ceny" } });
    await fireEvent.input(note, { target: { value: "Ceny netto" } });
    await waitFor(() => expect(core.saves).toHaveLength(1), { timeout: 2000 });
    expect(core.saves[0]?.note).toBe("Ceny netto");
    expect(core.saves[0]?.prospect_name).toBe("Gamma");
    await waitFor(() => expect(screen.getByTestId("offer-saved").textContent).toBe("Saved"));
  });

  it("without the right to offer delegated administration, keeps a request someone added but will not send it", async () => {
    core.delegated = true;
    session.info = {
      permissions: [
        { action: "manage_purchase_offers", allowed: true, allowed_roles: [] },
        { action: "manage_relationships", allowed: false, reason: "full_customer_access_required", message: "x", allowed_roles: [] },
      ],
    } as unknown as SessionInfo;
    render(OfferEditor, { id: "o1" });
    const include = (await screen.findByTestId("offer-include-delegated")) as HTMLInputElement;
    expect(include.checked).toBe(true);
    expect(include.disabled).toBe(false);
    expect((screen.getByLabelText("Relationship name (at most 50 characters)") as HTMLInputElement).disabled).toBe(true);
    expect(screen.getByTestId("offer-delegated-reason").textContent).toContain("You need full access to customers.");
    const send = screen.getByTestId("offer-send");
    expect(send.hasAttribute("disabled")).toBe(true);
    expect(send.getAttribute("title")).toContain("offer delegated administration");
    // Removing the request needs no right; then the draft can be sent.
    await fireEvent.click(include);
    expect(include.disabled).toBe(true);
    expect(send.hasAttribute("disabled")).toBe(false);
  });
});
