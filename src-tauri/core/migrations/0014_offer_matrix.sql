-- Microsoft's new-commerce offer matrix, one row per product and SKU
-- (docs/decisions/0034 §1 lists its columns, 0040 what is kept and why).
-- `sku_id` is stored as the price list writes it: four characters, numeric
-- ids padded back to four digits when Excel dropped the zeros ("1" → "0001").
CREATE TABLE offer_matrix (
    product_id                 TEXT NOT NULL,
    sku_id                     TEXT NOT NULL,
    product_title              TEXT NOT NULL DEFAULT '',
    sku_title                  TEXT NOT NULL DEFAULT '',
    provisioning_id            TEXT NOT NULL DEFAULT '',
    provisioning_string        TEXT NOT NULL DEFAULT '',
    -- Per purchase / per customer tenant, pooled across its subscriptions
    -- of the SKU; NULL when the matrix leaves the cell empty.
    min_licenses               INTEGER CHECK (min_licenses IS NULL OR min_licenses >= 0),
    max_licenses               INTEGER CHECK (max_licenses IS NULL OR max_licenses > 0),
    asset_ownership_limit      INTEGER CHECK (asset_ownership_limit IS NULL OR asset_ownership_limit >= 0),
    asset_ownership_limit_type TEXT NOT NULL DEFAULT '',
    -- ISO 3166 alpha-2 codes, `;`-separated, as the matrix writes them.
    allowed_countries          TEXT NOT NULL DEFAULT '',
    description                TEXT NOT NULL DEFAULT '',
    -- Shipped with Partnerdesk for the sample catalog, not imported.
    sample                     INTEGER NOT NULL DEFAULT 0 CHECK (sample IN (0, 1)),
    updated_at                 TEXT NOT NULL,
    PRIMARY KEY (product_id, sku_id)
) STRICT, WITHOUT ROWID;

-- The SKUs a row points at: upgrade targets (ProductSkuConversion) and the
-- SKUs an add-on needs one of (ProductSkuPreRequisites).
CREATE TABLE offer_matrix_links (
    product_id      TEXT NOT NULL,
    sku_id          TEXT NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('conversion', 'prerequisite')),
    position        INTEGER NOT NULL,
    to_product_id   TEXT NOT NULL,
    to_sku_id       TEXT NOT NULL,
    PRIMARY KEY (product_id, sku_id, kind, position),
    FOREIGN KEY (product_id, sku_id) REFERENCES offer_matrix (product_id, sku_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- The shipped sample catalog carried CFQ7TTC0LCHC for two products (Business
-- Standard as 0002, Business Premium as 0001) and an Entra ID product id for
-- Microsoft 365 E5. Real ids (0040): Business Standard CFQ7TTC0LDPB/0001,
-- Business Premium CFQ7TTC0LCHC/0002, Microsoft 365 E5 CFQ7TTC0LFLZ/0002.
-- Standard moves first, so Premium's new key is free when it moves.
UPDATE catalog_services SET product_id = 'CFQ7TTC0LDPB', sku_id = '0001'
 WHERE sample = 1 AND product_id = 'CFQ7TTC0LCHC' AND sku_id = '0002'
   AND title = 'Microsoft 365 Business Standard (sample price)';
UPDATE catalog_services SET sku_id = '0002'
 WHERE sample = 1 AND product_id = 'CFQ7TTC0LCHC' AND sku_id = '0001'
   AND title = 'Microsoft 365 Business Premium (sample price)';
UPDATE catalog_services SET product_id = 'CFQ7TTC0LFLZ'
 WHERE sample = 1 AND product_id = 'CFQ7TTC0LFK5' AND sku_id = '0002'
   AND title = 'Microsoft 365 E5 (sample price)';

-- The offer matrix's rows for the sample catalog's Business plans, so the
-- ceilings hold out of the box (an imported matrix replaces them). Sources
-- (0040): Business Basic CFQ7TTC0LH18/0001 min 1, max 300, provisioning id and
-- upgrade targets from the Partner API's "Get an offer matrix" example row; Business Premium CFQ7TTC0LCHC/0002 Max Seat Count 300 from "Offer
-- limits in new commerce" (0034 §1); Business Standard CFQ7TTC0LDPB/0001 by
-- the same 300 of the Business plans.
INSERT INTO offer_matrix (product_id, sku_id, product_title, sku_title, provisioning_id,
    provisioning_string, min_licenses, max_licenses, asset_ownership_limit,
    asset_ownership_limit_type, sample, updated_at)
VALUES
    ('CFQ7TTC0LH18', '0001', 'Microsoft 365 Business Basic', 'Microsoft 365 Business Basic',
     '3b555118-da6a-4418-894f-7df1e2096870', 'O365_BUSINESS_ESSENTIALS', 1, 300, 2,
     'ConcurrentCount', 1, '2026-12-03T00:00:00.000Z'),
    ('CFQ7TTC0LDPB', '0001', 'Microsoft 365 Business Standard', 'Microsoft 365 Business Standard',
     '', '', 1, 300, NULL, '', 1, '2026-12-03T00:00:00.000Z'),
    ('CFQ7TTC0LCHC', '0002', 'Microsoft 365 Business Premium', 'Microsoft 365 Business Premium',
     '', '', 1, 300, NULL, '', 1, '2026-12-03T00:00:00.000Z');
INSERT INTO offer_matrix_links (product_id, sku_id, kind, position, to_product_id, to_sku_id)
VALUES
    ('CFQ7TTC0LH18', '0001', 'conversion', 0, 'CFQ7TTC0LDPB', '0001'),
    ('CFQ7TTC0LH18', '0001', 'conversion', 1, 'CFQ7TTC0LF8Q', '0001');
