-- Microsoft's license-based price list read the way Microsoft means it
-- (docs/decisions/0038): rows that differ by segment, price tier or effective
-- dates are kept apart; the suggested retail price (ERP Price), description,
-- publisher and unit of measure are stored; a purchase offer line says which
-- price it started from.

-- No CHECK on an added column: SQLite then re-checks every CHECK of the whole
-- table against every existing row. The core writes only the values named
-- here (catalog/price_list.rs); the new table below has its checks.

-- Segment: commercial, education, government or charity ("missing = commercial").
ALTER TABLE catalog_services ADD COLUMN segment TEXT NOT NULL DEFAULT 'commercial';
-- PricingTierRangeMin/Max: the seat range a tiered price applies to; NULL = no tier.
ALTER TABLE catalog_services ADD COLUMN tier_min INTEGER;
ALTER TABLE catalog_services ADD COLUMN tier_max INTEGER;
-- The suggested retail price per licence per month when no dated price is in force.
ALTER TABLE catalog_services ADD COLUMN erp_price_minor INTEGER;
-- Plain text: the price list's HTML-looking SkuDescription with its tags taken out.
ALTER TABLE catalog_services ADD COLUMN description TEXT NOT NULL DEFAULT '';
ALTER TABLE catalog_services ADD COLUMN publisher TEXT NOT NULL DEFAULT '';
ALTER TABLE catalog_services ADD COLUMN unit_of_measure TEXT NOT NULL DEFAULT '';

DROP INDEX catalog_natural_key;
CREATE UNIQUE INDEX catalog_natural_key ON catalog_services
    (product_id, sku_id, term, billing_plan, market, currency, segment,
     coalesce(tier_min, -1), coalesce(tier_max, -1));

-- A service's dated prices, one per EffectiveStartDate. The price in force at
-- time t is the row with starts_at <= t < ends_at (ends_at NULL = open-ended,
-- Microsoft's year 9999); where two overlap, the one that ends first
-- (Microsoft's own example). Later rows are scheduled prices: the reading code
-- picks by the clock, so they take effect on their date with no job.
CREATE TABLE catalog_prices (
    id               INTEGER PRIMARY KEY,
    service_id       TEXT NOT NULL REFERENCES catalog_services (id) ON DELETE CASCADE,
    starts_at        TEXT NOT NULL,
    ends_at          TEXT CHECK (ends_at IS NULL OR ends_at > starts_at),
    -- Per licence per month: the term's price over its months, rounded half up.
    unit_price_minor INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    erp_price_minor  INTEGER CHECK (erp_price_minor IS NULL OR erp_price_minor >= 0),
    -- UnitPrice as written: the whole term's price (3393.90 for a year).
    term_price_minor INTEGER NOT NULL CHECK (term_price_minor >= 0),
    updated_at       TEXT NOT NULL,
    UNIQUE (service_id, starts_at)
) STRICT;

-- Which of the catalog's prices an offer line started from: partner or retail.
ALTER TABLE purchase_offer_lines ADD COLUMN price_source TEXT NOT NULL DEFAULT 'partner';
