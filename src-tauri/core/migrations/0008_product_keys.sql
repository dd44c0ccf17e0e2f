-- Product keys (issue 7): the partner's inventory of purchased keys, each
-- redeemed once, ever, for one customer's subscription; and who recorded the
-- partner of record on a subscription, and when.

CREATE TABLE product_keys (
    id               TEXT PRIMARY KEY NOT NULL,
    -- Normalised: XXXXX-XXXXX-XXXXX-XXXXX-XXXXX from the key alphabet.
    product_key      TEXT NOT NULL UNIQUE,
    -- The last group, which everybody may see.
    last_group       TEXT NOT NULL,
    service_id       TEXT NOT NULL REFERENCES catalog_services (id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    term             TEXT NOT NULL CHECK (term IN ('P1M', 'P1Y', 'P3Y')),
    status           TEXT NOT NULL CHECK (status IN ('available', 'redeemed')),
    added_at         TEXT NOT NULL,
    added_by         TEXT NOT NULL,
    customer_id      TEXT REFERENCES customers (id),
    subscription_id  TEXT REFERENCES subscriptions (id),
    redeem_mode      TEXT CHECK (redeem_mode IN ('new_subscription', 'extend_term', 'add_licences')),
    redeemed_at      TEXT,
    redeemed_by      TEXT,
    -- A redeemed key names its customer and subscription; an available one neither.
    CHECK ((status = 'available') = (customer_id IS NULL AND subscription_id IS NULL AND redeemed_at IS NULL))
);
CREATE INDEX product_keys_by_status ON product_keys (status, added_at, id);
CREATE INDEX product_keys_by_added ON product_keys (added_at, id);

ALTER TABLE subscriptions ADD COLUMN partner_of_record_at TEXT;
ALTER TABLE subscriptions ADD COLUMN partner_of_record_by TEXT;
