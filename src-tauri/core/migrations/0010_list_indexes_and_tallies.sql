-- Speed at 100,000 customers (decision 0025; scripts/bench.sh subscriptions).

-- The subscription list pages by (ends_at, id) or (created_at, id). These
-- indexes walk it in that order and carry the columns its filters test, so a
-- page reads about as many index entries as the filter needs to find 201 rows
-- and touches the table only for the rows it shows. The partial one serves
-- "ending within N days" (live subscriptions only), which the first would
-- reach only after every subscription that already ended.
CREATE INDEX subscriptions_list_by_end
    ON subscriptions (ends_at, id, status, service_id, trial, auto_renew);
CREATE INDEX subscriptions_list_by_added
    ON subscriptions (created_at, id, status, service_id, trial, auto_renew);
CREATE INDEX subscriptions_list_live_by_end
    ON subscriptions (ends_at, id, status, service_id, trial, auto_renew)
    WHERE status IN ('pending', 'active', 'suspended');

-- The clock's partner-of-record rule reads the subscriptions the partner is
-- partner of record on that end within 30 days, and tests the rest here.
CREATE INDEX subscriptions_of_record_by_end
    ON subscriptions (ends_at, status, trial, auto_renew) WHERE partner_of_record = 1;

-- Subscriptions and their licences per service, status, trial and auto-renew,
-- kept by triggers: the list's total for those filters and the dashboard's
-- counts add up a few dozen rows instead of counting every subscription.
CREATE TABLE subscription_tally (
    service_id    TEXT NOT NULL,
    status        TEXT NOT NULL,
    trial         INTEGER NOT NULL,
    auto_renew    INTEGER NOT NULL,
    subscriptions INTEGER NOT NULL,
    licences      INTEGER NOT NULL,
    PRIMARY KEY (service_id, status, trial, auto_renew)
) WITHOUT ROWID;
INSERT INTO subscription_tally (service_id, status, trial, auto_renew, subscriptions, licences)
SELECT service_id, status, trial, auto_renew, count(*), sum(quantity)
FROM subscriptions GROUP BY service_id, status, trial, auto_renew;
CREATE TRIGGER subscription_tally_insert AFTER INSERT ON subscriptions BEGIN
    INSERT INTO subscription_tally (service_id, status, trial, auto_renew, subscriptions, licences)
    VALUES (new.service_id, new.status, new.trial, new.auto_renew, 1, new.quantity)
    ON CONFLICT (service_id, status, trial, auto_renew)
    DO UPDATE SET subscriptions = subscriptions + 1, licences = licences + excluded.licences;
END;
CREATE TRIGGER subscription_tally_update
AFTER UPDATE OF service_id, status, trial, auto_renew, quantity ON subscriptions BEGIN
    UPDATE subscription_tally
    SET subscriptions = subscriptions - 1, licences = licences - old.quantity
    WHERE service_id = old.service_id AND status = old.status
      AND trial = old.trial AND auto_renew = old.auto_renew;
    INSERT INTO subscription_tally (service_id, status, trial, auto_renew, subscriptions, licences)
    VALUES (new.service_id, new.status, new.trial, new.auto_renew, 1, new.quantity)
    ON CONFLICT (service_id, status, trial, auto_renew)
    DO UPDATE SET subscriptions = subscriptions + 1, licences = licences + excluded.licences;
END;
CREATE TRIGGER subscription_tally_delete AFTER DELETE ON subscriptions BEGIN
    UPDATE subscription_tally
    SET subscriptions = subscriptions - 1, licences = licences - old.quantity
    WHERE service_id = old.service_id AND status = old.status
      AND trial = old.trial AND auto_renew = old.auto_renew;
END;

-- Notifications per kind and object kind, and each staff member's read marks
-- per the same: the bell's unread count is the difference of a few rows, not
-- a pass over every notification looking for its read mark.
CREATE TABLE notification_tally (
    kind          TEXT NOT NULL,
    object_kind   TEXT NOT NULL,
    notifications INTEGER NOT NULL,
    PRIMARY KEY (kind, object_kind)
) STRICT, WITHOUT ROWID;
CREATE TABLE notification_read_tally (
    staff_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,
    object_kind TEXT NOT NULL,
    reads       INTEGER NOT NULL,
    PRIMARY KEY (staff_id, kind, object_kind)
) STRICT, WITHOUT ROWID;
INSERT INTO notification_tally (kind, object_kind, notifications)
SELECT kind, object_kind, count(*) FROM notifications GROUP BY kind, object_kind;
INSERT INTO notification_read_tally (staff_id, kind, object_kind, reads)
SELECT r.staff_id, n.kind, n.object_kind, count(*)
FROM notification_reads r JOIN notifications n ON n.id = r.notification_id
GROUP BY r.staff_id, n.kind, n.object_kind;
CREATE TRIGGER notification_tally_insert AFTER INSERT ON notifications BEGIN
    INSERT INTO notification_tally (kind, object_kind, notifications)
    VALUES (new.kind, new.object_kind, 1)
    ON CONFLICT (kind, object_kind) DO UPDATE SET notifications = notifications + 1;
END;
-- Before the row goes, while its read marks (deleted with it by the foreign
-- key, when the notification is already gone) still name their readers.
CREATE TRIGGER notification_tally_delete BEFORE DELETE ON notifications BEGIN
    UPDATE notification_tally SET notifications = notifications - 1
    WHERE kind = old.kind AND object_kind = old.object_kind;
    UPDATE notification_read_tally SET reads = reads - 1
    WHERE kind = old.kind AND object_kind = old.object_kind
      AND staff_id IN (SELECT staff_id FROM notification_reads WHERE notification_id = old.id);
END;
CREATE TRIGGER notification_read_tally_insert AFTER INSERT ON notification_reads BEGIN
    INSERT INTO notification_read_tally (staff_id, kind, object_kind, reads)
    SELECT new.staff_id, kind, object_kind, 1 FROM notifications WHERE id = new.notification_id
    ON CONFLICT (staff_id, kind, object_kind) DO UPDATE SET reads = reads + 1;
END;
-- A read mark removed on its own (its notification still there); one removed
-- with its notification was counted off above.
CREATE TRIGGER notification_read_tally_delete AFTER DELETE ON notification_reads BEGIN
    UPDATE notification_read_tally SET reads = reads - 1
    WHERE staff_id = old.staff_id
      AND (kind, object_kind) = (SELECT kind, object_kind FROM notifications WHERE id = old.notification_id);
END;

-- A customer's Activity tab finds the offers they accepted as a prospect and
-- the keys redeemed for them without reading every offer and key.
CREATE INDEX purchase_offers_accepted_by ON purchase_offers (accepted_customer_id)
    WHERE accepted_customer_id IS NOT NULL;
CREATE INDEX product_keys_of_customer ON product_keys (customer_id)
    WHERE customer_id IS NOT NULL;
