// The Microsoft Entra built-in roles a relationship can grant, as the core's
// table has them (one fetch, kept for the session), and their names in the
// UI's language.
import { api } from "./api";
import type { EntraRole } from "./bindings/EntraRole";
import { i18n } from "./i18n/i18n.svelte";

class EntraRoles {
  list: EntraRole[] = $state([]);
  private loading: Promise<void> | null = null;

  /** Starts the one fetch; the list fills in when it answers. */
  load(): void {
    if (this.loading) return;
    try {
      this.loading = api.listEntraRoles().then(
        (roles) => {
          this.list = roles;
        },
        () => {
          this.loading = null;
        },
      );
    } catch {
      this.loading = null;
    }
  }

  /** The role's name in the UI's language; the id itself for a role the table lacks. */
  name = (id: string): string => {
    this.load();
    const role = this.list.find((r) => r.id === id);
    if (!role) return id;
    return i18n.locale === "pl" ? role.name_pl : role.name_en;
  };

  names = (ids: readonly string[]): string => ids.map(this.name).join(", ");
}

export const entraRoles = new EntraRoles();
