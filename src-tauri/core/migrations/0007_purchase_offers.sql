-- Purchase offers (issue 6): revisions chained by root and previous id, their
-- lines (prices in minor units, discounts in basis points) and the addresses
-- each revision was sent to.

CREATE TABLE purchase_offers (
    id                TEXT PRIMARY KEY NOT NULL,
    -- The first revision's id (its own for the first); revisions count from 1.
    root_id           TEXT NOT NULL,
    revision          INTEGER NOT NULL CHECK (revision >= 1),
    previous_id       TEXT REFERENCES purchase_offers (id),
    status            TEXT NOT NULL
        CHECK (status IN ('draft', 'sent', 'accepted', 'declined', 'expired', 'withdrawn', 'superseded')),
    -- An existing customer, or a prospect by company name and e-mail.
    customer_id       TEXT REFERENCES customers (id),
    prospect_name     TEXT NOT NULL DEFAULT '',
    prospect_email    TEXT NOT NULL DEFAULT '',
    language          TEXT NOT NULL CHECK (language IN ('pl', 'en')),
    -- The last day the offer can be accepted (YYYY-MM-DD) and the instant it
    -- lapses (the next midnight UTC, RFC 3339), which the clock compares.
    valid_until       TEXT NOT NULL,
    expires_at        TEXT NOT NULL,
    note              TEXT NOT NULL DEFAULT '',
    -- A delegated-administration request; NULL display name = none.
    da_display_name   TEXT,
    da_roles          TEXT,
    da_duration_days  INTEGER,
    da_auto_extend    INTEGER CHECK (da_auto_extend IS NULL OR da_auto_extend IN (0, 1)),
    accepted_customer_id TEXT REFERENCES customers (id),
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    updated_at        TEXT NOT NULL,
    sent_at           TEXT,
    closed_at         TEXT,
    closed_by         TEXT,
    UNIQUE (root_id, revision)
) STRICT;
CREATE INDEX purchase_offers_by_created ON purchase_offers (created_at, id);
CREATE INDEX purchase_offers_due ON purchase_offers (status, expires_at);
CREATE INDEX purchase_offers_previous ON purchase_offers (previous_id);
CREATE INDEX purchase_offers_of_customer ON purchase_offers (customer_id);

CREATE TABLE purchase_offer_lines (
    id                  TEXT PRIMARY KEY NOT NULL,
    offer_id            TEXT NOT NULL REFERENCES purchase_offers (id) ON DELETE CASCADE,
    position            INTEGER NOT NULL CHECK (position >= 0),
    service_id          TEXT NOT NULL REFERENCES catalog_services (id),
    quantity            INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_minor    INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    -- The catalog's price when the line was saved: an override shows against it.
    catalog_price_minor INTEGER NOT NULL CHECK (catalog_price_minor >= 0),
    currency            TEXT NOT NULL,
    discount_bp         INTEGER NOT NULL DEFAULT 0 CHECK (discount_bp BETWEEN 0 AND 10000),
    -- The count the customer bought (0 = not bought); NULL until accepted.
    accepted_quantity   INTEGER CHECK (accepted_quantity IS NULL OR accepted_quantity >= 0),
    UNIQUE (offer_id, position)
) STRICT;

CREATE TABLE purchase_offer_recipients (
    id          INTEGER PRIMARY KEY,
    offer_id    TEXT NOT NULL REFERENCES purchase_offers (id),
    email       TEXT NOT NULL,
    sent_at     TEXT NOT NULL,
    sent_by     TEXT NOT NULL
) STRICT;
CREATE INDEX purchase_offer_recipients_of ON purchase_offer_recipients (offer_id, id);
