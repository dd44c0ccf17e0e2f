// The signed-in staff member's notifications: the header's unread count and
// panel, kept fresh by the change event, and the optional desktop notification.
import { api, onChange } from "./api";
import type { Notification } from "./bindings/Notification";
import { t } from "./i18n/i18n.svelte";
import { eventText, kindKey } from "./notifications";

const DESKTOP_KEY = "partnerdesk.desktopNotifications";

export type DesktopState = "unsupported" | "denied" | "off" | "on";

class Notifications {
  items: Notification[] = $state([]);
  unread = $state(0);
  unreadOnly = $state(false);
  kind = $state("");
  desktop: DesktopState = $state(initialDesktop());
  /** Ids already seen, so only new ones reach the desktop; null before the first load. */
  private seen: Set<string> | null = null;
  private stop: (() => void) | null = null;
  private staffId: string | null = null;

  async refresh(): Promise<void> {
    try {
      const list = await api.listNotifications({
        unread_only: this.unreadOnly,
        ...(this.kind ? { kind: this.kind } : {}),
        limit: 200,
      });
      this.items = list.items;
      this.unread = list.unread;
      this.announce(list.items);
    } catch {
      // Signed out or locked: the count waits for the next sign-in.
    }
  }

  private announce(items: Notification[]): void {
    const first = this.seen === null;
    const seen = this.seen ?? new Set<string>();
    for (const n of items) {
      if (seen.has(n.id)) continue;
      seen.add(n.id);
      if (!first && !n.read && this.desktop === "on") {
        const key = kindKey(n.kind);
        const [event, params] = eventText(n);
        new window.Notification(key ? t(key) : n.kind, { body: `${n.subject}\n${t(event, params)}`, tag: n.id });
      }
    }
    this.seen = seen;
  }

  /** Starts listening once; a different staff member signing in starts from a clean slate. */
  start(staffId: string): void {
    if (this.staffId !== staffId) {
      this.staffId = staffId;
      this.seen = null;
      this.items = [];
      this.unread = 0;
      this.kind = "";
    }
    void this.refresh();
    if (this.stop) return;
    const unlisten = onChange(() => void this.refresh());
    this.stop = () => void unlisten.then((off) => off());
  }

  async markRead(id: string): Promise<void> {
    await api.markNotificationRead(id);
    await this.refresh();
  }

  async markAllRead(): Promise<void> {
    await api.markAllNotificationsRead();
    await this.refresh();
  }

  /** Turns desktop notifications on (asking the system once) or off. */
  async setDesktop(on: boolean): Promise<void> {
    if (this.desktop === "unsupported") return;
    if (!on) {
      this.desktop = "off";
      localStorage.setItem(DESKTOP_KEY, "off");
      return;
    }
    const answer =
      window.Notification.permission === "default" ? await window.Notification.requestPermission() : window.Notification.permission;
    this.desktop = answer === "granted" ? "on" : "denied";
    localStorage.setItem(DESKTOP_KEY, this.desktop === "on" ? "on" : "off");
  }
}

function initialDesktop(): DesktopState {
  if (typeof window === "undefined" || !("Notification" in window)) return "unsupported";
  if (window.Notification.permission === "denied") return "denied";
  return localStorage.getItem(DESKTOP_KEY) === "on" && window.Notification.permission === "granted" ? "on" : "off";
}

export const notifications = new Notifications();
