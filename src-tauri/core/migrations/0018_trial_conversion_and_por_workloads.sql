-- Trials as Microsoft runs them and the partner of record per workload
-- (issue 12; decisions 0043 and 0044).

-- A trial's scheduled conversion at its end (Microsoft: "auto-renews into the
-- equivalent paid subscription after 30 days"). NULL quantity: no conversion,
-- the trial just ends. Trials already running keep ending as they did: turning
-- a conversion on for them here would buy licences nobody chose.
ALTER TABLE subscriptions ADD COLUMN conversion_quantity INTEGER
    CHECK (conversion_quantity IS NULL OR conversion_quantity > 0);
ALTER TABLE subscriptions ADD COLUMN conversion_term TEXT
    CHECK (conversion_term IS NULL OR conversion_term IN ('P1M', 'P1Y', 'P3Y'));
ALTER TABLE subscriptions ADD COLUMN conversion_billing_plan TEXT
    CHECK (conversion_billing_plan IS NULL OR conversion_billing_plan IN ('monthly', 'annual', 'triennial'));
ALTER TABLE subscriptions ADD COLUMN conversion_auto_renew INTEGER NOT NULL DEFAULT 1
    CHECK (conversion_auto_renew IN (0, 1));

-- Every Microsoft trial is 25 licences for 30 days: the catalog's two columns
-- now only say that a service is offered as a trial, with Microsoft's numbers.
UPDATE catalog_services SET trial_seats = 25, trial_days = 30
WHERE trial_seats IS NOT NULL OR trial_days IS NOT NULL;

-- The workload a catalog service belongs to for a partner-of-record claim,
-- derived from its title (the price list has no workload column). One rule,
-- here only; the first match wins, so a named workload beats the suite.
CREATE VIEW catalog_workloads AS
SELECT id AS service_id,
    CASE
        WHEN title LIKE '%Exchange%' THEN 'exchange'
        WHEN title LIKE '%SharePoint%' OR title LIKE '%OneDrive%' THEN 'sharepoint'
        WHEN title LIKE '%Teams%' THEN 'teams'
        WHEN title LIKE '%Intune%' THEN 'intune'
        WHEN title LIKE '%Entra%' OR title LIKE '%Azure Active Directory%' THEN 'entra_id'
        WHEN title LIKE '%Defender%' THEN 'defender'
        WHEN title LIKE '%365 Apps%' THEN 'microsoft_365_apps'
        WHEN title LIKE '%Microsoft 365%' OR title LIKE '%Office 365%' THEN 'microsoft_365'
    END AS workload
FROM catalog_services;

-- One claim per customer and workload (Microsoft: "each workload … can be
-- associated with only one partner"); the customer may decline it any time.
CREATE TABLE partner_of_record_claims (
    customer_id  TEXT NOT NULL REFERENCES customers (id),
    workload     TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('claimed', 'declined', 'removed')),
    -- When and by whom the partner claimed it (kept after a decline).
    claimed_at   TEXT NOT NULL,
    claimed_by   TEXT NOT NULL,
    -- The latest change of state, who recorded it and why.
    changed_at   TEXT NOT NULL,
    changed_by   TEXT NOT NULL,
    reason       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (customer_id, workload)
) WITHOUT ROWID;

-- The flag per subscription becomes a claim for its service's workload: the
-- earliest recording wins (SQLite takes the bare columns from the min() row).
-- The old columns stay, unread, so an older backup's data is still there.
INSERT INTO partner_of_record_claims
    (customer_id, workload, state, claimed_at, claimed_by, changed_at, changed_by)
SELECT s.customer_id, w.workload, 'claimed',
    min(coalesce(s.partner_of_record_at, s.updated_at)),
    coalesce(s.partner_of_record_by, 'Partnerdesk (migration)'),
    min(coalesce(s.partner_of_record_at, s.updated_at)),
    coalesce(s.partner_of_record_by, 'Partnerdesk (migration)')
FROM subscriptions s JOIN catalog_workloads w ON w.service_id = s.service_id
WHERE s.partner_of_record = 1 AND w.workload IS NOT NULL
GROUP BY s.customer_id, w.workload;
