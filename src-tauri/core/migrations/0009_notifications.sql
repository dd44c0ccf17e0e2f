-- Notifications (issue 8): one row per cause (the unique cause key keeps the
-- clock and events from repeating themselves across restarts), who read what,
-- and the kinds each staff member chose not to see.

CREATE TABLE notifications (
    id          TEXT PRIMARY KEY NOT NULL,
    -- kind:object:date (or kind:object:event:change for events); unique.
    cause_key   TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL,
    -- What happened: quantity, suspended, renewed, expiring, ending, incomplete...
    event       TEXT NOT NULL,
    -- What it is about, for opening it: subscription, relationship, offer, company.
    object_kind TEXT NOT NULL,
    object_id   TEXT NOT NULL DEFAULT '',
    -- The customer it concerns, where subscriptions and relationships are opened.
    customer_id TEXT,
    -- The object's name as staff know it (customer — service, offer number).
    subject     TEXT NOT NULL,
    from_value  TEXT,
    to_value    TEXT,
    -- The date the cause falls due (YYYY-MM-DD), when it has one.
    due         TEXT,
    created_at  TEXT NOT NULL
) STRICT;
CREATE INDEX notifications_by_created ON notifications (created_at, id);

CREATE TABLE notification_reads (
    notification_id TEXT NOT NULL REFERENCES notifications (id) ON DELETE CASCADE,
    staff_id        TEXT NOT NULL,
    read_at         TEXT NOT NULL,
    PRIMARY KEY (notification_id, staff_id)
) STRICT;

CREATE TABLE notification_muted_kinds (
    staff_id TEXT NOT NULL,
    kind     TEXT NOT NULL,
    PRIMARY KEY (staff_id, kind)
) STRICT;
