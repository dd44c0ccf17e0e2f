// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const api = vi.hoisted(() => ({ seatRoom: vi.fn() }));
vi.mock("@tauri-apps/api/event", () => ({ listen: () => Promise.resolve(() => {}) }));
vi.mock("../../lib/api", async (original) => ({
  ...(await original<typeof import("../../lib/api")>()),
  api,
}));

import { i18n } from "../../lib/i18n/i18n.svelte";
import SeatRoomHint from "./SeatRoomHint.svelte";

beforeEach(() => {
  i18n.locale = "en";
  api.seatRoom.mockReset();
});
afterEach(cleanup);

describe("SeatRoomHint", () => {
  it("shows the core's remaining seats and its sentence, and asks with the other lines", async () => {
    api.seatRoom.mockResolvedValue({
      rule: "business_family",
      ceiling: 300,
      held: 250,
      remaining: 50,
      minimum: 1,
      text: { en: "the Business family; Alfa already holds 250", pl: "rodzina Business; klient Alfa ma już 250" },
    });
    const others = [{ service_id: "s2", quantity: 30 }];
    render(SeatRoomHint, { customerId: "c1", serviceId: "s1", others, testid: "room" });
    await waitFor(() => expect(screen.getByTestId("room").textContent).toContain("Up to 50 more licences."));
    expect(screen.getByTestId("room").textContent).toContain("Alfa already holds 250");
    expect(api.seatRoom).toHaveBeenCalledWith("c1", "s1", others);
  });

  it("shows nothing when no ceiling applies or the core refuses to say", async () => {
    api.seatRoom.mockResolvedValue({ held: 0 });
    render(SeatRoomHint, { customerId: "c1", serviceId: "s1", testid: "none" });
    await waitFor(() => expect(api.seatRoom).toHaveBeenCalled());
    expect(screen.queryByTestId("none")).toBeNull();
    cleanup();
    api.seatRoom.mockRejectedValue(new Error("forbidden"));
    render(SeatRoomHint, { serviceId: "s1", testid: "refused" });
    await waitFor(() => expect(api.seatRoom).toHaveBeenCalledTimes(2));
    expect(screen.queryByTestId("refused")).toBeNull();
  });
});
