-- New-commerce windows (issue #12, docs/decisions/0041): each licence
-- increase is a lot with its own seven-day window in which it may be removed
-- again (Microsoft's "refundable quantity"), priced prorata to the term end.
-- A lot is opened by a purchase, a renewal (the whole count) or a trial's
-- conversion, and added by every increase: a quantity change, a product key's
-- licences. Removals take from `remaining`; the sum of `remaining` over the
-- lots of the current term (added_at >= term_started_at) is the quantity.
CREATE TABLE subscription_licence_lots (
    id               INTEGER PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES subscriptions (id),
    how              TEXT NOT NULL
        CHECK (how IN ('purchase', 'renewal', 'conversion', 'increase', 'product_key', 'upgrade', 'migrated')),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    remaining        INTEGER NOT NULL CHECK (remaining BETWEEN 0 AND quantity),
    -- RFC 3339 UTC, stored form. The window is kept as written: a later edit
    -- of the catalog's window never moves one already open.
    added_at         TEXT NOT NULL,
    removable_until  TEXT NOT NULL,
    -- Days the lot is charged for (its first day to the term end, started days
    -- count) and the days of its whole term: the charge is prorated by them.
    days             INTEGER NOT NULL CHECK (days >= 0),
    term_days        INTEGER NOT NULL CHECK (term_days > 0),
    -- Months of the term: a monthly price times these is the term's price.
    term_months      INTEGER NOT NULL CHECK (term_months > 0),
    -- Per licence per month, locked for the term; NULL = no price is known
    -- (bought with a product key, or before lots were kept).
    unit_price_minor INTEGER CHECK (unit_price_minor IS NULL OR unit_price_minor >= 0),
    currency         TEXT CHECK ((currency IS NULL) = (unit_price_minor IS NULL))
) STRICT;
CREATE INDEX subscription_licence_lots_of ON subscription_licence_lots (subscription_id, added_at);

-- The money a change moved, where one is known: an addition's prorated
-- charge, a removal's or a cancellation's prorated refund.
ALTER TABLE subscription_changes ADD COLUMN amount_minor INTEGER;
ALTER TABLE subscription_changes ADD COLUMN currency TEXT;

-- Live paid subscriptions from before: their whole count as one lot at the
-- term's start, with the catalog's window and no known price (what was added
-- since, and when, was not kept apart).
INSERT INTO subscription_licence_lots (subscription_id, how, quantity, remaining, added_at,
        removable_until, days, term_days, term_months)
SELECT s.id, 'migrated', s.quantity, s.quantity, s.term_started_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.term_started_at, '+' || cs.decrease_window_days || ' days'),
       max(1, CAST(julianday(s.ends_at) - julianday(s.term_started_at) AS INTEGER)),
       max(1, CAST(julianday(s.ends_at) - julianday(s.term_started_at) AS INTEGER)),
       CASE s.term WHEN 'P1M' THEN 1 WHEN 'P1Y' THEN 12 ELSE 36 END
FROM subscriptions s JOIN catalog_services cs ON cs.id = s.service_id
WHERE s.trial = 0 AND s.status IN ('pending', 'active', 'suspended');
