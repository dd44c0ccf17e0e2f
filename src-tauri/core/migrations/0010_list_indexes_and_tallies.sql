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
