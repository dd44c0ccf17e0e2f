import type { Action } from "./bindings/Action";
import type { MessageKey } from "./i18n/en";
import { unsaved } from "./unsaved.svelte";

/**
 * The screens that exist. A screen joins this list when it is built, not before:
 * the sidebar shows exactly these, in this order, with Alt+<n> shortcuts.
 * `needs` names the action (or actions, any of which) that opens it; the core's answer decides.
 */
export const screens = [
  { id: "dashboard", label: "nav.dashboard", needs: "view_dashboard", icon: "M3 13h8V3H3zm0 8h8v-6H3zm10 0h8V11h-8zm0-18v6h8V3z" },
  { id: "customers", label: "nav.customers", needs: "view_customers", icon: "M12 12a4 4 0 1 0 0-8 4 4 0 0 0 0 8zm0 2c-2.7 0-8 1.3-8 4v2h16v-2c0-2.7-5.3-4-8-4z" },
  { id: "company", label: "nav.company", needs: "view_company_profile", icon: "M12 7V3H2v18h20V7zM6 19H4v-2h2zm0-4H4v-2h2zm0-4H4V9h2zm0-4H4V5h2zm4 12H8v-2h2zm0-4H8v-2h2zm0-4H8V9h2zm0-4H8V5h2zm10 12h-8v-2h2v-2h-2v-2h2v-2h-2V9h8z" },
  { id: "staff", label: "nav.staff", needs: "view_staff", icon: "M16 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm-8 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm0 2c-2.3 0-7 1.2-7 3.5V19h14v-2.5C15 14.2 10.3 13 8 13zm8 0c-.3 0-.6 0-1 .1 1.2.8 2 2 2 3.4V19h6v-2.5c0-2.3-4.7-3.5-7-3.5z" },
  { id: "catalog", label: "nav.catalog", needs: "view_catalog", icon: "M4 6h16v2H4zm0 5h16v2H4zm0 5h10v2H4z" },
  { id: "audit", label: "nav.audit", needs: "view_audit_log", icon: "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9zM8 13h8v2H8zm0 4h8v2H8z" },
  {
    id: "settings",
    label: "nav.settings",
    needs: "view_dashboard",
    icon: "M12 8a4 4 0 1 0 0 8 4 4 0 0 0 0-8zm9 4-2.1-.7-.5-1.3 1-2-1.4-1.4-2 1-1.3-.5L14 3h-4l-.7 2.1-1.3.5-2-1L4.6 6l1 2-.5 1.3L3 10v4l2.1.7.5 1.3-1 2L6 19.4l2-1 1.3.5L10 21h4l.7-2.1 1.3-.5 2 1 1.4-1.4-1-2 .5-1.3L21 14z",
  },
  { id: "subscriptions", label: "nav.subscriptions", needs: "view_subscriptions", icon: "M4 4h16v4H4zm0 6h16v10H4zm3 3v2h6v-2z" },
  // Service admins see every customer's requests; staff with customer access, their active customers'.
  {
    id: "requests",
    label: "requests.nav",
    needs: ["view_all_service_requests", "view_service_requests"],
    icon: "M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zm-7 12h-2v-2h2zm0-4h-2V6h2z",
  },
  {
    id: "invitations",
    label: "invitations.nav",
    needs: "manage_trial_invitations",
    icon: "M20 4H4a2 2 0 0 0-2 2v12a2 2 0 0 0 2 2h16a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2zm0 4-8 5-8-5V6l8 5 8-5z",
  },
  { id: "offers", label: "offers.nav", needs: "manage_purchase_offers", icon: "M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8zm-1 7V3.5L18.5 9zM8 12h8v2H8zm0 4h5v2H8z" },
  { id: "keys", label: "keys.nav", needs: "view_product_keys", icon: "M7 14a2 2 0 1 1 0-4 2 2 0 0 1 0 4zm5.6-4A6 6 0 1 0 12.6 14H17v4h4v-4h2v-4z" },
] as const satisfies readonly {
  id: string;
  label: MessageKey;
  /** One action, or several of which any one opens the screen. */
  needs: Action | readonly Action[];
  icon: string;
}[];

export type ScreenId = (typeof screens)[number]["id"];

function parse(hash: string): { screen: ScreenId; param: string | null } {
  const [id, param] = hash.replace(/^#\/?/, "").split("/");
  const screen = screens.find((s) => s.id === id)?.id ?? "dashboard";
  return { screen, param: param ? decodeURIComponent(param) : null };
}

function hashOf(id: ScreenId, param: string | null): string {
  return param ? `#/${id}/${encodeURIComponent(param)}` : `#/${id}`;
}

/**
 * Hash-based navigation, so the webview's back and forward keys work.
 * Leaving a screen with unsaved input asks first (lib/unsaved.svelte.ts),
 * whether by a link, a shortcut, the back key or code.
 */
class Router {
  current: ScreenId = $state(parse(location.hash).screen);
  /** The object a screen shows, e.g. the customer in `#/customers/<id>`. */
  param: string | null = $state(parse(location.hash).param);

  constructor() {
    window.addEventListener("hashchange", () => {
      const { screen, param } = parse(location.hash);
      if (screen === this.current && param === this.param) return;
      if (!unsaved.any) {
        this.show(screen, param);
        return;
      }
      // Stay until the person decides; the address shows where they still are.
      history.replaceState(history.state, "", hashOf(this.current, this.param));
      void unsaved.confirmLeave().then((leave) => {
        if (leave) this.go(screen, param);
      });
    });
  }

  go(id: ScreenId, param: string | null = null): void {
    const staying = id === this.current && param === this.param;
    if (staying || !unsaved.any) {
      this.navigate(id, param);
      return;
    }
    void unsaved.confirmLeave().then((leave) => {
      if (leave) this.navigate(id, param);
    });
  }

  private navigate(id: ScreenId, param: string | null): void {
    const hash = hashOf(id, param);
    if (location.hash !== hash) location.hash = hash;
    this.show(id, param);
  }

  private show(id: ScreenId, param: string | null): void {
    this.current = id;
    this.param = param;
  }
}

export const router = new Router();
