import { api, onChange, toCommandError, type CommandError } from "./api";
import type { Action } from "./bindings/Action";
import type { CompanyRole } from "./bindings/CompanyRole";
import type { Permission } from "./bindings/Permission";
import type { SessionInfo } from "./bindings/SessionInfo";
import type { SessionStatus } from "./bindings/SessionStatus";
import { i18n, t } from "./i18n/i18n.svelte";
import { explain, permissionFor } from "./permissions";
import { unsaved } from "./unsaved.svelte";

const ACTIVITY_EVENTS = ["keydown", "pointerdown", "wheel", "input"] as const;
/** At most one heartbeat a minute; input in between is reported at the minute's end. */
const HEARTBEAT_MS = 60_000;

export function roleName(role: CompanyRole): string {
  return t(`role.${role}`);
}

/**
 * Who is signed in, and what they may do — as the core decided it. The UI only
 * reads `permissions`; it never works a rule out for itself.
 */
class SessionState {
  private current: SessionStatus | null = $state(null);
  /** The last signed-in session, kept while locked so the screen underneath stays. */
  info: SessionInfo | null = $state(null);
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private lastHeartbeat = 0;
  private heartbeatTimer: ReturnType<typeof setTimeout> | undefined;
  private forgetters = new Set<() => void>();

  get status(): SessionStatus | null {
    return this.current;
  }

  /** Every change of state passes here: leaving "signed in" forgets the secrets on screen. */
  set status(next: SessionStatus | null) {
    const was = this.current?.state;
    this.current = next;
    if (was === "signed_in" && next?.state !== "signed_in") {
      for (const forget of [...this.forgetters]) forget();
    }
  }

  get locked(): boolean {
    return this.status?.state === "locked";
  }

  /**
   * `forget` runs when the session locks or ends: a shown temporary password
   * closes, typed passwords are cleared. Returns the unregistering function
   * (an `onMount` can return it).
   */
  forgetOnLock(forget: () => void): () => void {
    this.forgetters.add(forget);
    return () => this.forgetters.delete(forget);
  }

  async refresh(): Promise<void> {
    const status = await api.sessionStatus();
    this.status = status;
    if (status.state === "signed_in") this.info = status.session;
    if (status.state === "signed_out" || status.state === "setup_required") this.info = null;
    this.armIdleTimer();
  }

  /** Called with every successful sign-in, unlock or password change. */
  apply(info: SessionInfo): void {
    this.info = info;
    this.status = { state: "signed_in", session: info };
    this.armIdleTimer();
  }

  permission(action: Action): Permission | undefined {
    return permissionFor(this.info?.permissions ?? [], action);
  }

  can(action: Action): boolean {
    return this.permission(action)?.allowed === true;
  }

  /** Why `action` is refused, in the user's language; empty when allowed. */
  why(action: Action): string {
    return explain(i18n.locale, this.permission(action));
  }

  /** A screen that any one of several actions opens (e.g. its own customers' or everyone's). */
  canAny(actions: Action | readonly Action[]): boolean {
    return (typeof actions === "string" ? [actions] : actions).some((a) => this.can(a));
  }

  /** Why none of `actions` is allowed: each different reason once; empty when one is allowed. */
  whyNone(actions: Action | readonly Action[]): string {
    const list = typeof actions === "string" ? [actions] : actions;
    if (this.canAny(list)) return "";
    return [...new Set(list.map((a) => this.why(a)).filter(Boolean))].join(" ");
  }

  /** Signs out, after asking when a form has unsaved input. */
  async signOut(): Promise<void> {
    if (!(await unsaved.confirmLeave())) return;
    await api.signOut();
    this.info = null;
    await this.refresh();
  }

  /** Locks now: the screen's secrets go at once, before the core answers. */
  async lock(): Promise<void> {
    const staff = this.info?.staff;
    if (this.status?.state === "signed_in" && staff) this.status = { state: "locked", staff };
    try {
      await api.lockSession();
    } finally {
      await this.refresh();
    }
  }

  async unlock(password: string): Promise<void> {
    this.apply(await api.unlockSession(password));
  }

  /** A command failed because the session ended or locked: show sign-in or the lock. */
  handle(error: CommandError): boolean {
    if (error.code === "locked" || error.code === "unauthenticated") {
      void this.refresh();
      return true;
    }
    return false;
  }

  /** Follows sign-ins elsewhere and keeps activity flowing to the core. */
  start(): void {
    void onChange((change) => {
      if (change.entity === "session" || change.entity === "staff" || change.entity === "company") {
        void this.refresh().catch(() => undefined);
      }
    });
    for (const name of ACTIVITY_EVENTS) {
      window.addEventListener(name, () => this.activity(), { passive: true, capture: true });
    }
  }

  /**
   * The person typed, clicked or scrolled. The core's idle clock counts only
   * what the person did (the app's own refreshes do not keep a session open),
   * so the UI tells it: at once, then at most once a minute, and input within
   * the minute is reported when it ends.
   */
  private activity(): void {
    if (this.status?.state !== "signed_in") return;
    this.armIdleTimer();
    if (this.heartbeatTimer !== undefined) return;
    const wait = this.lastHeartbeat + HEARTBEAT_MS - Date.now();
    if (wait <= 0) {
      this.heartbeat();
      return;
    }
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = undefined;
      if (this.status?.state === "signed_in") this.heartbeat();
    }, wait);
  }

  private heartbeat(): void {
    this.lastHeartbeat = Date.now();
    api.touchSession().catch((raw) => this.handle(toCommandError(raw)));
  }

  private armIdleTimer(): void {
    clearTimeout(this.idleTimer);
    if (this.status?.state !== "signed_in" || !this.info) return;
    const minutes = this.info.idle_lock_minutes;
    this.idleTimer = setTimeout(() => void this.lock(), minutes * 60_000);
  }
}

export const session = new SessionState();
