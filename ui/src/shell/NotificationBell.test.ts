// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Notification } from "../lib/bindings/Notification";

// The bell against a fake core: the count and list are what the core says;
// opening marks read and goes to the object.
const core = vi.hoisted(() => ({
  items: [] as Notification[],
  read: [] as string[],
}));

vi.mock("@tauri-apps/api/event", () => ({ listen: () => Promise.resolve(() => {}) }));
vi.mock("../lib/session.svelte", () => ({
  session: { info: { staff: { id: "s1" } } },
}));
vi.mock("../lib/api", async (original) => {
  const real = await original<typeof import("../lib/api")>();
  return {
    ...real,
    onChange: () => Promise.resolve(() => {}),
    api: {
      listNotifications: () =>
        Promise.resolve({
          items: core.items.map((n) => ({ ...n, read: core.read.includes(n.id) })),
          unread: core.items.filter((n) => !core.read.includes(n.id)).length,
        }),
      markNotificationRead: (id: string) => {
        core.read.push(id);
        return Promise.resolve(null);
      },
      markAllNotificationsRead: () => {
        core.read.push(...core.items.map((n) => n.id));
        return Promise.resolve(null);
      },
      getNotificationKinds: () => Promise.resolve([{ kind: "partner_of_record", enabled: true }]),
    },
  };
});

const { default: NotificationBell } = await import("./NotificationBell.svelte");
const { router } = await import("../lib/router.svelte");

const por: Notification = {
  id: "n1", kind: "partner_of_record", event: "quantity", object_kind: "subscription", object_id: "sub1",
  customer_id: "cust1", subject: "Alfa — Basic", from_value: "10", to_value: "12",
  created_at: "2026-11-25T09:00:00Z", read: false,
};

afterEach(cleanup);

describe("NotificationBell", () => {
  it("shows the unread count, lists the change and opens the subscription it is about", async () => {
    core.items = [por, { ...por, id: "n2", kind: "company_profile", event: "incomplete", object_kind: "company", object_id: "", customer_id: undefined, to_value: "street" }];
    core.read = [];
    render(NotificationBell);
    await waitFor(() => expect(screen.getByTestId("notification-count").textContent).toBe("2"));
    await fireEvent.click(screen.getByTestId("notification-bell"));
    await waitFor(() => expect(screen.getAllByTestId("notification")).toHaveLength(2));
    expect(screen.getByText("Licences changed from 10 to 12")).toBeTruthy();
    const go = vi.spyOn(router, "go");
    await fireEvent.click(screen.getAllByText("Open")[0]!);
    await waitFor(() => expect(go).toHaveBeenCalledWith("subscriptions", "sub1"));
    expect(core.read).toEqual(["n1"]);
    await waitFor(() => expect(screen.getByTestId("notification-count").textContent).toBe("1"));
  });
});
