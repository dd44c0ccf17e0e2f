import { listen } from "@tauri-apps/api/event";
import { api } from "./api";
import type { TeamStatus } from "./team";

/** The shell's event with the new status; see src-tauri/src/team/mod.rs. */
const TEAM_STATUS_EVENT = "team-status";

/** Whether this desktop is connected, and where its connection stands. */
class TeamState {
  status: TeamStatus | null = $state(null);
  private listeners = new Set<(status: TeamStatus) => void>();
  private following = false;

  get connected(): boolean {
    return this.status?.connected === true;
  }

  async load(): Promise<void> {
    this.status = await api.teamStatus();
  }

  /** Follows the shell's status events; `then` runs after each one. */
  follow(then?: (status: TeamStatus) => void): void {
    if (then) this.listeners.add(then);
    if (this.following) return;
    this.following = true;
    void listen<TeamStatus>(TEAM_STATUS_EVENT, (event) => {
      this.status = event.payload;
      for (const listener of this.listeners) listener(event.payload);
    });
  }
}

export const team = new TeamState();
