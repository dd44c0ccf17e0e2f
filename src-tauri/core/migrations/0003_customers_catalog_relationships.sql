-- The partner's customers. `search_text` holds name, domains, contact e-mail and
-- tenant ID folded to lower case without diacritics ("Żółć" -> "zolc"); the
-- trigram index below finds any substring of it.
CREATE TABLE customers (
    id                 TEXT PRIMARY KEY NOT NULL,
    company_name       TEXT NOT NULL,
    name_key           TEXT NOT NULL,
    default_domain     TEXT NOT NULL,
    other_domains      TEXT NOT NULL DEFAULT '',
    tenant_id          TEXT,
    street             TEXT NOT NULL DEFAULT '',
    city               TEXT NOT NULL DEFAULT '',
    postal_code        TEXT NOT NULL DEFAULT '',
    country            TEXT NOT NULL DEFAULT '',
    contact_name       TEXT NOT NULL DEFAULT '',
    contact_email      TEXT NOT NULL DEFAULT '',
    contact_phone      TEXT NOT NULL DEFAULT '',
    language           TEXT NOT NULL DEFAULT 'pl' CHECK (language IN ('pl', 'en')),
    notes              TEXT NOT NULL DEFAULT '',
    relationship_state TEXT NOT NULL DEFAULT 'none',
    archived           INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    search_text        TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX customers_default_domain ON customers (default_domain);
CREATE UNIQUE INDEX customers_tenant_id ON customers (tenant_id) WHERE tenant_id IS NOT NULL;
-- Keyset paging: by name or by date added, within archived / not archived.
CREATE INDEX customers_by_name ON customers (archived, name_key, id);
CREATE INDEX customers_by_added ON customers (archived, created_at, id);
CREATE INDEX customers_by_relationship ON customers (archived, relationship_state, name_key, id);

CREATE TABLE customer_tags (
    customer_id TEXT NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    tag         TEXT NOT NULL,
    -- A copy of the customer's flag, kept by the triggers below, so a tag's
    -- current customers are counted from one index range.
    archived    INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tag, customer_id)
) WITHOUT ROWID;
-- A customer's tags, read with every list row.
CREATE INDEX customer_tags_by_customer ON customer_tags (customer_id, tag);
CREATE INDEX customer_tags_current ON customer_tags (tag, archived);
CREATE TRIGGER customer_tags_take_archived AFTER INSERT ON customer_tags BEGIN
    UPDATE customer_tags SET archived = (SELECT archived FROM customers WHERE id = new.customer_id)
    WHERE tag = new.tag AND customer_id = new.customer_id;
END;
CREATE TRIGGER customers_archived_to_tags AFTER UPDATE OF archived ON customers BEGIN
    UPDATE customer_tags SET archived = new.archived WHERE customer_id = new.id;
END;

CREATE VIRTUAL TABLE customer_search USING fts5 (
    search_text,
    content = 'customers',
    content_rowid = 'rowid',
    tokenize = 'trigram'
);
CREATE TRIGGER customers_search_insert AFTER INSERT ON customers BEGIN
    INSERT INTO customer_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers BEGIN
    INSERT INTO customer_search (customer_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
END;
CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text ON customers BEGIN
    INSERT INTO customer_search (customer_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
    INSERT INTO customer_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;

-- The service catalog (DESIGN §3). Prices per licence per month in minor units.
CREATE TABLE catalog_services (
    id                   TEXT PRIMARY KEY NOT NULL,
    product_id           TEXT NOT NULL,
    sku_id               TEXT NOT NULL,
    title                TEXT NOT NULL,
    term                 TEXT NOT NULL CHECK (term IN ('P1M', 'P1Y', 'P3Y')),
    billing_plan         TEXT NOT NULL CHECK (billing_plan IN ('monthly', 'annual', 'triennial', 'none')),
    unit_price_minor     INTEGER NOT NULL CHECK (unit_price_minor >= 0),
    currency             TEXT NOT NULL,
    market               TEXT NOT NULL,
    trial_seats          INTEGER CHECK (trial_seats IS NULL OR trial_seats > 0),
    trial_days           INTEGER CHECK (trial_days IS NULL OR trial_days > 0),
    decrease_window_days INTEGER NOT NULL DEFAULT 7 CHECK (decrease_window_days >= 0),
    sample               INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
    updated_at           TEXT NOT NULL
) STRICT;
-- One price per product, SKU, term, billing plan, market and currency: the
-- price list's natural key, so an import updates in place.
CREATE UNIQUE INDEX catalog_natural_key
    ON catalog_services (product_id, sku_id, term, billing_plan, market, currency);

-- Delegated-administration relationships (GDAP-shaped).
CREATE TABLE relationships (
    id                  TEXT PRIMARY KEY NOT NULL,
    customer_id         TEXT NOT NULL REFERENCES customers (id),
    display_name        TEXT NOT NULL,
    display_name_key    TEXT NOT NULL UNIQUE,
    roles               TEXT NOT NULL,
    duration_days       INTEGER NOT NULL CHECK (duration_days BETWEEN 1 AND 730),
    auto_extend         INTEGER NOT NULL CHECK (auto_extend IN (0, 1)),
    state               TEXT NOT NULL CHECK (state IN ('created', 'approval_pending', 'active', 'expiring', 'expired', 'terminated')),
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    requested_at        TEXT,
    accepted_at         TEXT,
    accepted_recorded_by TEXT,
    ends_at             TEXT,
    terminated_at       TEXT,
    updated_at          TEXT NOT NULL
) STRICT;
CREATE INDEX relationships_by_customer ON relationships (customer_id, created_at);
CREATE INDEX relationships_by_state ON relationships (state, ends_at);
