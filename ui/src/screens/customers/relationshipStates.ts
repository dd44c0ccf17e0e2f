import type { RelationshipState } from "../../lib/bindings/RelationshipState";

/** The customer list's delegated-admin filter: every state, and "none". */
export const RELATIONSHIP_FILTERS: readonly (RelationshipState | "none")[] = [
  "none",
  "created",
  "approval_pending",
  "approved",
  "activating",
  "active",
  "expiring",
  "expired",
  "termination_requested",
  "terminating",
  "terminated",
];
