-- The bell lists ties of created_at in the order the notifications were made.
-- Migration 0020 read that order from the rowid, which a team replica assigns
-- itself (changesets name rows by primary key, decision 0047): two desktops
-- could list one clock run's notifications differently. The order is now a
-- column, replicated like any other, numbered as they are made.
ALTER TABLE notifications ADD COLUMN made_order INTEGER NOT NULL DEFAULT 0;
UPDATE notifications SET made_order = rowid;
CREATE UNIQUE INDEX notifications_by_made_order ON notifications (made_order);
DROP INDEX notifications_by_created;
CREATE INDEX notifications_by_created ON notifications (created_at, made_order);
