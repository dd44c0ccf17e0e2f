-- Trial invitations (issue 6): one trial subscription per invitation, an
-- optional delegated-administration request, the recipients it was sent to
-- and the customers who signed up through it.

CREATE TABLE trial_invitations (
    id                   TEXT PRIMARY KEY NOT NULL,
    -- Staff's own label; never shown to customers.
    name                 TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    service_id           TEXT NOT NULL REFERENCES catalog_services (id),
    -- The language of the e-mail and the HTML snippet.
    language             TEXT NOT NULL CHECK (language IN ('pl', 'en')),
    -- The delegated-administration request, when included.
    include_relationship INTEGER NOT NULL CHECK (include_relationship IN (0, 1)),
    -- Comma-separated role keys; empty without a request.
    roles                TEXT NOT NULL DEFAULT '',
    duration_days        INTEGER,
    auto_extend          INTEGER NOT NULL DEFAULT 0 CHECK (auto_extend IN (0, 1)),
    state                TEXT NOT NULL CHECK (state IN ('draft', 'active', 'retired')),
    created_at           TEXT NOT NULL,
    created_by           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    activated_at         TEXT,
    activated_by         TEXT,
    retired_at           TEXT,
    retired_by           TEXT,
    CHECK (include_relationship = 0 OR (roles <> '' AND duration_days BETWEEN 1 AND 730))
);
CREATE INDEX trial_invitations_by_update ON trial_invitations (updated_at, id);
CREATE INDEX trial_invitations_by_state ON trial_invitations (state, updated_at, id);

CREATE TABLE trial_invitation_recipients (
    id             INTEGER PRIMARY KEY,
    invitation_id  TEXT NOT NULL REFERENCES trial_invitations (id),
    email          TEXT NOT NULL,
    sent_at        TEXT NOT NULL,
    sent_by_id     TEXT,
    sent_by        TEXT NOT NULL
);
CREATE INDEX trial_invitation_recipients_of ON trial_invitation_recipients (invitation_id, id);

CREATE TABLE trial_invitation_signups (
    id               TEXT PRIMARY KEY NOT NULL,
    invitation_id    TEXT NOT NULL REFERENCES trial_invitations (id),
    customer_id      TEXT NOT NULL REFERENCES customers (id),
    subscription_id  TEXT NOT NULL REFERENCES subscriptions (id),
    relationship_id  TEXT REFERENCES relationships (id),
    -- 1 when the sign-up created the customer, 0 when it linked an existing one.
    new_customer     INTEGER NOT NULL CHECK (new_customer IN (0, 1)),
    recorded_at      TEXT NOT NULL,
    recorded_by_id   TEXT,
    recorded_by      TEXT NOT NULL
);
CREATE INDEX trial_invitation_signups_of ON trial_invitation_signups (invitation_id, recorded_at);
CREATE INDEX trial_invitation_signups_by_customer ON trial_invitation_signups (customer_id);
