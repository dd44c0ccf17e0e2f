-- GDAP (issue 12, docs/decisions/0045): relationship roles are Microsoft
-- Entra built-in roles by role-definition id; Microsoft's transitional states;
-- role templates; the partner's security groups and access assignments.

-- 1. The relationship states Microsoft's Graph has between acceptance and
-- active (approved, activating) and between terminate and terminated
-- (termination_requested, terminating). The state CHECK is part of the table,
-- so the table is rebuilt. Trial sign-ups reference it: their links are set
-- aside while the old table goes (a drop with foreign keys on would refuse
-- them) and put back on the new one.
CREATE TEMP TABLE signup_relationships AS
    SELECT id, relationship_id FROM trial_invitation_signups WHERE relationship_id IS NOT NULL;
UPDATE trial_invitation_signups SET relationship_id = NULL WHERE relationship_id IS NOT NULL;

CREATE TABLE relationships_rebuilt (
    id                  TEXT PRIMARY KEY NOT NULL,
    customer_id         TEXT NOT NULL REFERENCES customers (id),
    display_name        TEXT NOT NULL,
    display_name_key    TEXT NOT NULL UNIQUE,
    -- Comma-separated Microsoft Entra role-definition ids.
    roles               TEXT NOT NULL,
    duration_days       INTEGER NOT NULL CHECK (duration_days BETWEEN 1 AND 730),
    auto_extend         INTEGER NOT NULL CHECK (auto_extend IN (0, 1)),
    state               TEXT NOT NULL CHECK (state IN ('created', 'approval_pending', 'approved',
                            'activating', 'active', 'expiring', 'expired', 'termination_requested',
                            'terminating', 'terminated')),
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL,
    requested_at        TEXT,
    accepted_at         TEXT,
    accepted_recorded_by TEXT,
    ends_at             TEXT,
    -- When staff asked for the termination; the clock ends it from then.
    terminated_at       TEXT,
    updated_at          TEXT NOT NULL
) STRICT;

-- 2. The seed's role keys become role-definition ids (relationships/roles.rs
-- LEGACY_KEYS has the same pairs). Lists are stored de-duplicated, so one
-- replace per key finds every occurrence.
INSERT INTO relationships_rebuilt (id, customer_id, display_name, display_name_key, roles,
    duration_days, auto_extend, state, created_at, created_by, requested_at, accepted_at,
    accepted_recorded_by, ends_at, terminated_at, updated_at)
SELECT id, customer_id, display_name, display_name_key,
    trim(replace(replace(replace(replace(replace(replace(',' || roles || ',',
        ',global_admin,', ',62e90394-69f5-4237-9190-012177145e10,'),
        ',password_admin,', ',966707d0-3269-4727-9be2-8c3a10f19b9d,'),
        ',user_admin,', ',fe930be7-5e62-47db-91af-98c3a49a38b1,'),
        ',billing_admin,', ',b0f54661-2d74-4c50-afa3-1ec803f12efe,'),
        ',helpdesk_admin,', ',729827e3-9c14-49f7-bb1b-9608f156bbb8,'),
        ',service_support_admin,', ',f023fd81-a637-4b56-95fd-791ac0226033,'), ','),
    duration_days, auto_extend, state, created_at, created_by, requested_at, accepted_at,
    accepted_recorded_by, ends_at, terminated_at, updated_at
FROM relationships;
DROP TABLE relationships;
ALTER TABLE relationships_rebuilt RENAME TO relationships;
CREATE INDEX relationships_by_customer ON relationships (customer_id, created_at);
CREATE INDEX relationships_by_state ON relationships (state, ends_at);

UPDATE trial_invitation_signups SET relationship_id =
    (SELECT s.relationship_id FROM signup_relationships s WHERE s.id = trial_invitation_signups.id)
WHERE id IN (SELECT id FROM signup_relationships);
DROP TABLE signup_relationships;

UPDATE trial_invitations SET roles = trim(replace(replace(replace(replace(replace(replace(',' || roles || ',',
        ',global_admin,', ',62e90394-69f5-4237-9190-012177145e10,'),
        ',password_admin,', ',966707d0-3269-4727-9be2-8c3a10f19b9d,'),
        ',user_admin,', ',fe930be7-5e62-47db-91af-98c3a49a38b1,'),
        ',billing_admin,', ',b0f54661-2d74-4c50-afa3-1ec803f12efe,'),
        ',helpdesk_admin,', ',729827e3-9c14-49f7-bb1b-9608f156bbb8,'),
        ',service_support_admin,', ',f023fd81-a637-4b56-95fd-791ac0226033,'), ',')
WHERE roles <> '';

UPDATE purchase_offers SET da_roles = trim(replace(replace(replace(replace(replace(replace(',' || da_roles || ',',
        ',global_admin,', ',62e90394-69f5-4237-9190-012177145e10,'),
        ',password_admin,', ',966707d0-3269-4727-9be2-8c3a10f19b9d,'),
        ',user_admin,', ',fe930be7-5e62-47db-91af-98c3a49a38b1,'),
        ',billing_admin,', ',b0f54661-2d74-4c50-afa3-1ec803f12efe,'),
        ',helpdesk_admin,', ',729827e3-9c14-49f7-bb1b-9608f156bbb8,'),
        ',service_support_admin,', ',f023fd81-a637-4b56-95fd-791ac0226033,'), ',')
WHERE da_roles IS NOT NULL AND da_roles <> '';

-- 3. Role templates staff pick from when they offer a relationship; global
-- admins edit them. Shipped: CIPP's fifteen recommended roles (a partner
-- convention, not Microsoft's list) and two smaller ones.
CREATE TABLE role_templates (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    name_key    TEXT NOT NULL UNIQUE,
    roles       TEXT NOT NULL CHECK (roles <> ''),
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
) STRICT;
INSERT INTO role_templates (id, name, name_key, roles, created_at, updated_at) VALUES
    ('6f1c7a52-3d8e-4b0a-9c11-0a45e2d10001', 'Least privilege (CIPP recommended roles)',
     'least privilege (cipp recommended roles)',
     '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3,0526716b-113d-4c15-b2c8-68e3c22b9f80,b0f54661-2d74-4c50-afa3-1ec803f12efe,892c5842-a9a6-463a-8041-72aa08ca3cf6,7698a772-787b-4ac8-901f-60d6b08affd2,8329153b-31d0-4727-b945-745eb3bc5f31,29232cdf-9323-42fd-ade2-1d097af3e4de,f2ef992c-3afb-46b9-b7cf-a126ee74c451,3a2c62db-5318-420d-8d74-23affee5d9d5,7be44c8a-adaf-4e2a-84d6-ab2649e08a13,e8611ab8-c189-46e8-94e1-60213ab1f814,194ae4cb-b126-40b2-bd5b-6091b380977d,69091246-20e8-4a56-aa4d-066075b2a7a8,f28a1f50-f6e7-4571-818b-6a12f2af6b6c,fe930be7-5e62-47db-91af-98c3a49a38b1',
     '2026-12-04T00:00:00.000Z', '2026-12-04T00:00:00.000Z'),
    ('6f1c7a52-3d8e-4b0a-9c11-0a45e2d10002', 'Support desk', 'support desk',
     '729827e3-9c14-49f7-bb1b-9608f156bbb8,f023fd81-a637-4b56-95fd-791ac0226033,4d6ac14f-3453-41d0-bef9-a3e0c569773a,88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
     '2026-12-04T00:00:00.000Z', '2026-12-04T00:00:00.000Z'),
    ('6f1c7a52-3d8e-4b0a-9c11-0a45e2d10003', 'Read only', 'read only',
     'f2ef992c-3afb-46b9-b7cf-a126ee74c451,5d6b6bb7-de71-4623-b4af-96380a352509',
     '2026-12-04T00:00:00.000Z', '2026-12-04T00:00:00.000Z');

-- 4. Security groups of the partner's tenant (Graph: the access container of
-- an access assignment) and which of our staff are members.
CREATE TABLE security_groups (
    id            TEXT PRIMARY KEY NOT NULL,
    display_name  TEXT NOT NULL,
    name_key      TEXT NOT NULL UNIQUE,
    -- The group's object id in the partner's Entra tenant, lower-case GUID.
    object_id     TEXT NOT NULL UNIQUE,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    updated_at    TEXT NOT NULL
) STRICT;
CREATE TABLE security_group_members (
    group_id  TEXT NOT NULL REFERENCES security_groups (id) ON DELETE CASCADE,
    staff_id  TEXT NOT NULL REFERENCES staff (id),
    PRIMARY KEY (group_id, staff_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX security_group_members_by_staff ON security_group_members (staff_id);

-- 5. Access assignments: which group holds which of an active relationship's
-- roles. Status as Graph has it; Partnerdesk records active and deleted
-- (decision 0045), the others are accepted for data from Graph.
CREATE TABLE access_assignments (
    id               TEXT PRIMARY KEY NOT NULL,
    relationship_id  TEXT NOT NULL REFERENCES relationships (id),
    group_id         TEXT NOT NULL REFERENCES security_groups (id),
    roles            TEXT NOT NULL CHECK (roles <> ''),
    status           TEXT NOT NULL CHECK (status IN ('pending', 'active', 'deleting', 'deleted', 'error')),
    created_at       TEXT NOT NULL,
    created_by       TEXT NOT NULL,
    updated_at       TEXT NOT NULL,
    deleted_at       TEXT
) STRICT;
-- Graph allows one assignment per relationship and access container.
CREATE UNIQUE INDEX access_assignments_one_per_group ON access_assignments (relationship_id, group_id)
    WHERE status <> 'deleted';
CREATE INDEX access_assignments_by_group ON access_assignments (group_id, status);
