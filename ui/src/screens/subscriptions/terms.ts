// The terms Microsoft sells and the billing plans each can be paid by. The
// core enforces the same pairs (subscriptions/term.rs); this only fills the form.
export const TERMS = ["P1M", "P1Y", "P3Y"] as const;
export type Term = (typeof TERMS)[number];
export const PLANS_BY_TERM: Record<Term, string[]> = {
  P1M: ["monthly"],
  P1Y: ["monthly", "annual"],
  P3Y: ["monthly", "annual", "triennial"],
};
