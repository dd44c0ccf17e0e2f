-- The partner's own company profile: one row.
CREATE TABLE company_profile (
    id                              INTEGER PRIMARY KEY CHECK (id = 1),
    legal_name                      TEXT NOT NULL,
    street                          TEXT NOT NULL DEFAULT '',
    city                            TEXT NOT NULL DEFAULT '',
    postal_code                     TEXT NOT NULL DEFAULT '',
    country                         TEXT NOT NULL DEFAULT '',
    phone                           TEXT NOT NULL DEFAULT '',
    email                           TEXT NOT NULL DEFAULT '',
    website                         TEXT NOT NULL DEFAULT '',
    partner_id                      TEXT NOT NULL DEFAULT '',
    partner_tenant_id               TEXT NOT NULL DEFAULT '',
    authorized_delegated_admin      INTEGER NOT NULL DEFAULT 0 CHECK (authorized_delegated_admin IN (0, 1)),
    authorized_subscription_advisor INTEGER NOT NULL DEFAULT 0 CHECK (authorized_subscription_advisor IN (0, 1)),
    default_currency                TEXT NOT NULL DEFAULT 'PLN',
    default_language                TEXT NOT NULL DEFAULT 'pl' CHECK (default_language IN ('pl', 'en')),
    updated_at                      TEXT NOT NULL
) STRICT;

-- The partner's staff ("Active users"). Removed staff stay, so the audit log keeps their names.
CREATE TABLE staff (
    id                   TEXT PRIMARY KEY NOT NULL,
    display_name         TEXT NOT NULL,
    email                TEXT NOT NULL,
    email_key            TEXT NOT NULL,
    role                 TEXT NOT NULL CHECK (role IN ('none', 'global_admin', 'billing_admin', 'password_admin', 'service_admin', 'user_management_admin')),
    customer_access      TEXT NOT NULL CHECK (customer_access IN ('none', 'full', 'limited')),
    status               TEXT NOT NULL CHECK (status IN ('active', 'blocked', 'removed')),
    password_hash        TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0 CHECK (must_change_password IN (0, 1)),
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL
) STRICT;
-- Sign-in e-mails are unique, ignoring case, among staff who have not been removed.
CREATE UNIQUE INDEX staff_email_unique ON staff (email_key) WHERE status <> 'removed';
CREATE INDEX staff_by_name ON staff (display_name COLLATE NOCASE);

-- Consecutive failed sign-ins per e-mail (known or not), for the growing wait.
CREATE TABLE sign_in_failures (
    email_key       TEXT PRIMARY KEY NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at TEXT NOT NULL
) STRICT;

-- Every write and every refusal, chained by SHA-256: each row's hash covers its
-- content and the previous row's hash, so an edit behind the app's back shows.
CREATE TABLE audit_log (
    seq          INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor_id     TEXT,
    actor_name   TEXT NOT NULL,
    action       TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('done', 'refused', 'failed')),
    target_kind  TEXT NOT NULL,
    target_id    TEXT,
    target_label TEXT NOT NULL,
    detail       TEXT NOT NULL,
    before_json  TEXT,
    after_json   TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL
) STRICT;
-- Each filter the audit screen offers walks one of these backwards from the
-- keyset cursor (scripts/bench.sh measures them at 1,000,000 entries).
CREATE INDEX audit_by_actor        ON audit_log (actor_id, seq);
CREATE INDEX audit_by_actor_action ON audit_log (actor_id, action, seq);
CREATE INDEX audit_by_action       ON audit_log (action, seq);
CREATE INDEX audit_by_kind         ON audit_log (target_kind, seq);
CREATE INDEX audit_by_target       ON audit_log (target_kind, target_id, seq);
CREATE INDEX audit_by_time         ON audit_log (at, seq);
