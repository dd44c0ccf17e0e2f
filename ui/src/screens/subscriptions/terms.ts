import { t } from "../../lib/i18n/i18n.svelte";

// The terms Microsoft sells and the billing plans each can be paid by. The
// core enforces the same pairs (subscriptions/term.rs); this only fills the form.
export const TERMS = ["P1M", "P1Y", "P3Y"] as const;
export type Term = (typeof TERMS)[number];
export const PLANS_BY_TERM: Record<Term, string[]> = {
  P1M: ["monthly"],
  P1Y: ["monthly", "annual"],
  P3Y: ["monthly", "annual", "triennial"],
};

/** Every Microsoft trial: 25 licences for 30 days (decision 0043; the core holds the rule). */
export const MICROSOFT_TRIAL = { seats: 25, days: 30 } as const;

/** What a trial converts into unless staff choose otherwise: Microsoft's default. */
export const DEFAULT_CONVERSION = { quantity: 25, term: "P1Y" as Term, billing_plan: "monthly", auto_renew: true };

/** A trial runs for its catalog's days, not for the term it would be bought on. */
export function trialDays(subscription: { term_started_at: string; ends_at: string }): number {
  return Math.round((Date.parse(subscription.ends_at) - Date.parse(subscription.term_started_at)) / 86_400_000);
}

/** "1 year" for P1Y; a term this build does not know shows as its code. */
export function termLabel(term: string): string {
  return (TERMS as readonly string[]).includes(term) ? t(`subscription.term.${term as Term}`) : term;
}
