import { beforeEach, describe, expect, it, vi } from "vitest";

// What the webview tells the core about who started a call (commands/activity.rs).
const sent = vi.hoisted(() => ({ calls: [] as { cmd: string; options: unknown }[], listener: null as ((e: { payload: unknown }) => void) | null }));
vi.mock("@tauri-apps/api/core", () => ({
  invoke: (cmd: string, _args?: unknown, options?: unknown) => {
    sent.calls.push({ cmd, options });
    return Promise.resolve(null);
  },
}));
vi.mock("@tauri-apps/api/event", () => ({
  listen: (_name: string, handler: (e: { payload: unknown }) => void) => {
    sent.listener = handler;
    return Promise.resolve(() => {});
  },
}));

const { ACTIVITY_HEADER, api, asAppsOwn, onChange } = await import("./api");
const background = { headers: { [ACTIVITY_HEADER]: "background" } };

beforeEach(() => {
  sent.calls = [];
});

describe("who started a call", () => {
  it("a call of the person's carries no mark", async () => {
    await api.dashboardOverview();
    expect(sent.calls).toEqual([{ cmd: "dashboard_overview", options: undefined }]);
  });

  it("calls made as the app's own are marked, and only those", async () => {
    await asAppsOwn(() => api.dashboardOverview());
    await api.listCatalog();
    expect(sent.calls).toEqual([
      { cmd: "dashboard_overview", options: background },
      { cmd: "list_catalog", options: undefined },
    ]);
  });

  it("what a change event makes a screen load is the app's own refresh", async () => {
    await onChange(() => void api.dashboardOverview());
    sent.listener?.({ payload: { entity: "subscription", ids: [] } });
    expect(sent.calls).toEqual([{ cmd: "dashboard_overview", options: background }]);
  });
});
