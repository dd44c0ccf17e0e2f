-- Administering customers (issue 5): subscriptions with their change history,
-- the customers' own users, and service requests with their notes.

CREATE TABLE subscriptions (
    id                    TEXT PRIMARY KEY NOT NULL,
    customer_id           TEXT NOT NULL REFERENCES customers (id),
    service_id            TEXT NOT NULL REFERENCES catalog_services (id),
    status                TEXT NOT NULL
        CHECK (status IN ('pending', 'active', 'suspended', 'expired', 'cancelled')),
    trial                 INTEGER NOT NULL CHECK (trial IN (0, 1)),
    -- Stays 1 after a trial is converted to paid: one trial per service, ever.
    began_as_trial        INTEGER NOT NULL CHECK (began_as_trial IN (0, 1)),
    quantity              INTEGER NOT NULL CHECK (quantity > 0),
    term                  TEXT NOT NULL CHECK (term IN ('P1M', 'P1Y', 'P3Y')),
    billing_plan          TEXT NOT NULL CHECK (billing_plan IN ('monthly', 'annual', 'triennial', 'none')),
    auto_renew            INTEGER NOT NULL CHECK (auto_renew IN (0, 1)),
    -- RFC 3339 UTC. term_started_at: the purchase or the latest renewal, from
    -- which the quantity-decrease window runs.
    starts_at             TEXT NOT NULL,
    term_started_at       TEXT NOT NULL,
    ends_at               TEXT NOT NULL,
    source                TEXT NOT NULL
        CHECK (source IN ('manual', 'trial_invitation', 'purchase_offer', 'product_key')),
    partner_of_record     INTEGER NOT NULL DEFAULT 0 CHECK (partner_of_record IN (0, 1)),
    cancelled_at          TEXT,
    refundable            INTEGER NOT NULL DEFAULT 0 CHECK (refundable IN (0, 1)),
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX subscriptions_of_customer ON subscriptions (customer_id, created_at);
CREATE INDEX subscriptions_by_end ON subscriptions (status, ends_at);
CREATE INDEX subscriptions_by_service ON subscriptions (service_id, status);
-- One trial per service per customer, ever.
CREATE UNIQUE INDEX subscriptions_one_trial ON subscriptions (customer_id, service_id) WHERE began_as_trial = 1;
CREATE INDEX subscriptions_of_record ON subscriptions (customer_id) WHERE partner_of_record = 1;

CREATE TABLE subscription_changes (
    id               INTEGER PRIMARY KEY,
    subscription_id  TEXT NOT NULL REFERENCES subscriptions (id),
    at               TEXT NOT NULL,
    actor_id         TEXT,
    actor_name       TEXT NOT NULL,
    kind             TEXT NOT NULL,
    from_value       TEXT,
    to_value         TEXT,
    reason           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX subscription_changes_of ON subscription_changes (subscription_id, id);

CREATE TABLE customer_users (
    id                    TEXT PRIMARY KEY NOT NULL,
    customer_id           TEXT NOT NULL REFERENCES customers (id),
    display_name          TEXT NOT NULL,
    user_name             TEXT NOT NULL,
    user_name_key         TEXT NOT NULL UNIQUE,
    first_name            TEXT NOT NULL DEFAULT '',
    last_name             TEXT NOT NULL DEFAULT '',
    job_title             TEXT NOT NULL DEFAULT '',
    admin_role            TEXT NOT NULL DEFAULT 'none'
        CHECK (admin_role IN ('none', 'global_admin', 'billing_admin', 'password_admin',
                              'service_admin', 'user_management_admin')),
    blocked               INTEGER NOT NULL DEFAULT 0 CHECK (blocked IN (0, 1)),
    must_change_password  INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    password_reset_at     TEXT,
    created_at            TEXT NOT NULL,
    updated_at            TEXT NOT NULL
);
CREATE INDEX customer_users_of_customer ON customer_users (customer_id, display_name, id);

CREATE TABLE service_requests (
    id                TEXT PRIMARY KEY NOT NULL,
    number            INTEGER NOT NULL UNIQUE,
    customer_id       TEXT NOT NULL REFERENCES customers (id),
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    category          TEXT NOT NULL,
    severity          TEXT NOT NULL CHECK (severity IN ('minimal', 'moderate', 'critical')),
    status            TEXT NOT NULL CHECK (status IN ('draft', 'open', 'attention_needed', 'closed')),
    contact_name      TEXT NOT NULL,
    contact_email     TEXT NOT NULL,
    contact_phone     TEXT NOT NULL DEFAULT '',
    created_by        TEXT NOT NULL,
    created_at        TEXT NOT NULL,
    submitted_at      TEXT,
    closed_at         TEXT,
    updated_at        TEXT NOT NULL
);
CREATE INDEX service_requests_of_customer ON service_requests (customer_id, updated_at);
CREATE INDEX service_requests_queue ON service_requests (status, severity, updated_at);

CREATE TABLE service_request_notes (
    id           INTEGER PRIMARY KEY,
    request_id   TEXT NOT NULL REFERENCES service_requests (id),
    at           TEXT NOT NULL,
    author_id    TEXT,
    author_name  TEXT NOT NULL,
    body         TEXT NOT NULL
);
CREATE INDEX service_request_notes_of ON service_request_notes (request_id, id);
