import { describe, expect, it } from "vitest";
import type { Permission } from "./bindings/Permission";
import { allows, explain, permissionFor } from "./permissions";

const rows: Permission[] = [
  { action: "view_customer_users", allowed: true, allowed_roles: ["none", "global_admin"] },
  {
    action: "reset_customer_admin_password",
    allowed: false,
    reason: "full_customer_access_required",
    message: "You need full access to customers to reset the passwords of customer users who hold an admin role.",
    allowed_roles: ["none"],
  },
  {
    action: "manage_customer_users",
    allowed: false,
    reason: "no_active_relationship",
    allowed_roles: ["none"],
  },
  { action: "edit_catalog", allowed: false, reason: "role_required", allowed_roles: ["global_admin", "billing_admin"] },
];

describe("permission rows", () => {
  it("allow only what the core allowed", () => {
    expect(allows(rows, "view_customer_users")).toBe(true);
    expect(allows(rows, "reset_customer_admin_password")).toBe(false);
    expect(allows(rows, "view_dashboard")).toBe(false);
    expect(permissionFor(rows, "edit_catalog")?.reason).toBe("role_required");
  });

  it("explain a refusal in the user's language, and nothing for an allowed action", () => {
    expect(explain("en", permissionFor(rows, "view_customer_users"))).toBe("");
    expect(explain("en", undefined)).toBe("");
    expect(explain("en", permissionFor(rows, "manage_customer_users"))).toBe(
      "The customer has no active delegated-administration relationship.",
    );
    expect(explain("pl", permissionFor(rows, "reset_customer_admin_password"))).toBe("Potrzebujesz pełnego dostępu do klientów.");
    expect(explain("en", permissionFor(rows, "edit_catalog"))).toBe(
      "Allowed only for: Global admin, Billing admin.",
    );
  });
});
