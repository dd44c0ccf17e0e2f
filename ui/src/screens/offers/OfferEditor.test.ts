// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { OfferDraftInput } from "../../lib/bindings/OfferDraftInput";
import type { PurchaseOfferDetail } from "../../lib/bindings/PurchaseOfferDetail";

// The editor against a fake core: every change is saved, once, after typing stops.
const core = vi.hoisted(() => ({ saves: [] as OfferDraftInput[] }));

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
        core.saves.push(input);
        return Promise.resolve(draft(input.note));
      },
    },
  };
});

const { default: OfferEditor } = await import("./OfferEditor.svelte");

afterEach(() => {
  cleanup();
  core.saves = [];
});

describe("OfferEditor", () => {
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
});
