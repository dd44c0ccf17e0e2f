// @vitest-environment happy-dom
import { cleanup, render, screen, waitFor, within } from "@testing-library/svelte";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { Customer } from "../../lib/bindings/Customer";
import type { CustomerUser } from "../../lib/bindings/CustomerUser";
import type { Permission } from "../../lib/bindings/Permission";

// The tab against a fake core: what it shows is what the core's permission
// rows and user list say.
const core = vi.hoisted(() => ({
  permissions: [] as Permission[],
  users: [] as CustomerUser[],
  listed: 0,
  exports: [] as unknown[][],
}));

vi.mock("@tauri-apps/api/event", () => ({ listen: () => Promise.resolve(() => {}) }));
vi.mock("../../lib/api", async (original) => {
  const real = await original<typeof import("../../lib/api")>();
  return {
    ...real,
    onChange: () => Promise.resolve(() => {}),
    api: {
      customerPermissions: () => Promise.resolve(core.permissions),
      listCustomerUsers: () => {
        core.listed += 1;
        return Promise.resolve({ rows: core.users, total: core.users.length });
      },
      exportCustomerUsers: (...args: unknown[]) => {
        core.exports.push(args);
        return Promise.resolve({ path: "/exports/partnerdesk-users-20261125.xlsx", rows: 2 });
      },
    },
  };
});

const { default: UsersTab } = await import("./UsersTab.svelte");

const customer: Customer = {
  id: "c1",
  company_name: "Żółć Sp. z o.o.",
  default_domain: "zolc.onmicrosoft.com",
  other_domains: ["zolc.pl"],
  street: "",
  city: "",
  postal_code: "",
  country: "PL",
  contact_name: "",
  contact_email: "",
  contact_phone: "",
  language: "pl",
  notes: "",
  tags: [],
  partner_relationship: "",
  relationship_state: "active",
  archived: false,
  created_at: "2026-11-25T09:00:00Z",
  updated_at: "2026-11-25T09:00:00Z",
};

function user(id: string, name: string, role: CustomerUser["admin_role"]): CustomerUser {
  return {
    id,
    customer_id: "c1",
    display_name: name,
    user_name: `${id}@zolc.pl`,
    first_name: "",
    last_name: "",
    job_title: "",
    admin_role: role,
    blocked: false,
    must_change_password: false,
    created_at: "2026-11-25T09:00:00Z",
    updated_at: "2026-11-25T09:00:00Z",
  };
}

const allowed = (action: Permission["action"]): Permission => ({ action, allowed: true, allowed_roles: [] });
const refused = (action: Permission["action"], reason: Permission["reason"]): Permission => ({
  action,
  allowed: false,
  reason,
  allowed_roles: [],
});

afterEach(() => {
  cleanup();
  core.listed = 0;
  core.exports = [];
  localStorage.clear();
});

describe("UsersTab", () => {
  it("with limited access, disables what the core refuses and says why", async () => {
    core.permissions = [
      allowed("view_customer_users"),
      refused("manage_customer_users", "full_customer_access_required"),
      allowed("reset_customer_user_password"),
      refused("reset_customer_admin_password", "full_customer_access_required"),
    ];
    core.users = [user("anna", "Anna", "none"), user("zenon", "Zenon", "global_admin")];
    render(UsersTab, { customer });
    const table = await screen.findByTestId("users-table");
    const rowOf = (name: string) => within(table).getByText(name).closest("tr") as HTMLElement;
    const reset = (name: string) => rowOf(name).querySelector('[data-action="reset_password"]') as HTMLButtonElement;
    expect(reset("Anna").disabled).toBe(false);
    expect(reset("Zenon").disabled).toBe(true);
    expect(reset("Zenon").title).toBe("You need full access to customers.");
    expect((rowOf("Anna").querySelector('[data-action="remove"]') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId("add-user") as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId("admin-reset-reason").textContent).toContain("admin role");
  });

  it("without an active relationship, shows the reason instead of asking for the list", async () => {
    core.permissions = [
      refused("view_customer_users", "no_active_relationship"),
      refused("manage_customer_users", "no_active_relationship"),
    ];
    core.users = [];
    render(UsersTab, { customer });
    await waitFor(() =>
      expect(screen.getByTestId("users-reason").textContent).toBe(
        "The customer has no active delegated-administration relationship.",
      ),
    );
    expect(core.listed).toBe(0);
    expect(screen.queryByTestId("users-table")).toBeNull();
  });

  it("says when there are no users yet", async () => {
    core.permissions = [allowed("view_customer_users"), allowed("manage_customer_users")];
    core.users = [];
    render(UsersTab, { customer });
    expect(await screen.findByText(/Żółć Sp\. z o\.o\. has no users here yet/)).toBeTruthy();
    expect((screen.getByTestId("add-user") as HTMLButtonElement).disabled).toBe(false);
  });

  it("exports the users the filters show in the chosen file type, and remembers it", async () => {
    core.permissions = [allowed("view_customer_users"), allowed("manage_customer_users")];
    core.users = [user("anna", "Anna", "none"), user("zenon", "Zenon", "global_admin")];
    render(UsersTab, { customer });
    await screen.findByTestId("users-table");
    const format = screen.getByTestId("export-users-format") as HTMLSelectElement;
    expect(format.value).toBe("comma");
    format.value = "xlsx";
    format.dispatchEvent(new Event("change", { bubbles: true }));
    (screen.getByRole("checkbox", { name: /admin/i }) as HTMLInputElement).click();
    screen.getByTestId("export-users").click();
    await waitFor(() => expect(core.exports).toHaveLength(1));
    expect(core.exports[0]).toEqual([
      "c1",
      { search: undefined, blocked_only: false, admins_only: true },
      { fileType: "xlsx", delimiter: "comma" },
    ]);
    expect((await screen.findByTestId("users-exported")).textContent).toBe(
      "Rows saved (2) to /exports/partnerdesk-users-20261125.xlsx",
    );
    expect(localStorage.getItem("partnerdesk.csvDelimiter")).toBe("xlsx");
  });
});
