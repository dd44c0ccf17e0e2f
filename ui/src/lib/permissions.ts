import type { Action } from "./bindings/Action";
import type { Permission } from "./bindings/Permission";
import type { MessageKey } from "./i18n/en";
import { translate, type Locale } from "./i18n/translate";

// Permission rows as the core decided them (the session's, or one customer's
// with its delegated-administration gate). The UI asks them; it never works a
// rule out for itself.

export function permissionFor(rows: readonly Permission[], action: Action): Permission | undefined {
  return rows.find((p) => p.action === action);
}

export function allows(rows: readonly Permission[], action: Action): boolean {
  return permissionFor(rows, action)?.allowed === true;
}

/** Why a permission is refused, in `locale`; empty when it is allowed or unknown. */
export function explain(locale: Locale, permission: Permission | undefined): string {
  if (!permission || permission.allowed) return "";
  if (permission.reason === "role_required") {
    return translate(locale, "reason.role_required", {
      roles: permission.allowed_roles.map((role) => translate(locale, `role.${role}`)).join(", "),
    });
  }
  return permission.reason ? translate(locale, `reason.${permission.reason}` as MessageKey) : "";
}

/**
 * Why delegated administration may not be offered — alone, or inside an offer,
 * an invitation or a key redemption: the core decides all of them with one row
 * (manage_relationships). Empty when it may.
 */
export function whyNotOfferDelegatedAdmin(locale: Locale, rows: readonly Permission[]): string {
  const permission = permissionFor(rows, "manage_relationships");
  if (permission?.allowed) return "";
  return translate(locale, "delegatedAdmin.refused", { reason: explain(locale, permission) });
}
