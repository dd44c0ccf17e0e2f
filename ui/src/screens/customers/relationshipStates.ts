import type { RelationshipState } from "../../lib/bindings/RelationshipState";

/** The customer list's delegated-admin filter: every state, and "none". */
export const RELATIONSHIP_FILTERS: readonly (RelationshipState | "none")[] = [
  "none",
  "created",
  "approval_pending",
  "active",
  "expiring",
  "expired",
  "terminated",
];

/** Roles a relationship can grant; the first two are the seed's full and limited levels. */
export const RELATIONSHIP_ROLES = [
  "global_admin",
  "password_admin",
  "user_admin",
  "billing_admin",
  "helpdesk_admin",
  "service_support_admin",
] as const;
