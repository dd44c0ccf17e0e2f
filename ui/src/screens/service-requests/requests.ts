import type { ServiceRequestCategory } from "../../lib/bindings/ServiceRequestCategory";
import type { ServiceRequestCount } from "../../lib/bindings/ServiceRequestCount";
import type { ServiceRequestEvent } from "../../lib/bindings/ServiceRequestEvent";
import type { ServiceRequestSeverity } from "../../lib/bindings/ServiceRequestSeverity";
import type { ServiceRequestStatus } from "../../lib/bindings/ServiceRequestStatus";

// The choices, in display order. Records, so a value added in Rust and
// missing here fails the type check.
const STATUS_ORDER: Record<ServiceRequestStatus, number> = { draft: 0, open: 1, attention_needed: 2, closed: 3 };
const SEVERITY_ORDER: Record<ServiceRequestSeverity, number> = { critical: 0, moderate: 1, minimal: 2 };
const CATEGORY_ORDER: Record<ServiceRequestCategory, number> = {
  billing: 0,
  subscriptions: 1,
  users_and_passwords: 2,
  email_and_calendar: 3,
  teams: 4,
  sharepoint_and_onedrive: 5,
  security: 6,
  other: 7,
};
const ordered = <T extends string>(order: Record<T, number>): readonly T[] =>
  (Object.keys(order) as T[]).sort((a, b) => order[a] - order[b]);

export const STATUSES = ordered(STATUS_ORDER);
export const SEVERITIES = ordered(SEVERITY_ORDER);
export const CATEGORIES = ordered(CATEGORY_ORDER);

/** The status changes, as buttons in this order; the core says which apply. */
export const LIFECYCLE: readonly ServiceRequestEvent[] = [
  "submit",
  "flag_attention",
  "clear_attention",
  "reopen",
  "close",
];

/** The filters the chips set; absent means "all". */
export interface ChipFilter {
  status?: ServiceRequestStatus | undefined;
  severity?: ServiceRequestSeverity | undefined;
}

/**
 * How many requests a chip would show: the core counts every severity × status
 * pair, so a status chip adds up the severities the severity filter keeps, and
 * the other way round.
 */
export function chipCount(
  counts: readonly ServiceRequestCount[],
  filter: ChipFilter,
): number {
  return counts
    .filter((c) => filter.status === undefined || c.status === filter.status)
    .filter((c) => filter.severity === undefined || c.severity === filter.severity)
    .reduce((sum, c) => sum + c.count, 0);
}
