import type { MessageKey } from "./i18n/en";

/**
 * The screens that exist. A screen joins this list when it is built, not before:
 * the sidebar shows exactly these, in this order, with Alt+<n> shortcuts.
 */
export const screens = [
  { id: "dashboard", label: "nav.dashboard", icon: "M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z" },
  {
    id: "settings",
    label: "nav.settings",
    icon: "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm9 4-2.1-.7-.5-1.3 1-2-1.4-1.4-2 1-1.3-.5L14 3h-4l-.7 2.1-1.3.5-2-1L4.6 6l1 2-.5 1.3L3 10v4l2.1.7.5 1.3-1 2L6 19.4l2-1 1.3.5L10 21h4l.7-2.1 1.3-.5 2 1 1.4-1.4-1-2 .5-1.3L21 14z",
  },
] as const satisfies readonly { id: string; label: MessageKey; icon: string }[];

export type ScreenId = (typeof screens)[number]["id"];

function screenFromHash(hash: string): ScreenId {
  const id = hash.replace(/^#\/?/, "");
  return screens.find((screen) => screen.id === id)?.id ?? "dashboard";
}

/** Hash-based navigation, so the webview's back and forward keys work. */
class Router {
  current: ScreenId = $state(screenFromHash(location.hash));

  constructor() {
    window.addEventListener("hashchange", () => {
      this.current = screenFromHash(location.hash);
    });
  }

  go(id: ScreenId): void {
    if (location.hash !== `#/${id}`) location.hash = `#/${id}`;
    this.current = id;
  }
}

export const router = new Router();
