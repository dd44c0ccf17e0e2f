-- The bell lists notifications newest first, ties in the order they were made
-- (rowid). An index on created_at alone carries the rowid after it, so it
-- serves that whole order; the old (created_at, id) index served only its
-- first key, and thousands of notifications made in one clock run (the first
-- start after the steps after the term, decision 0042) were sorted on every
-- open of the bell.
DROP INDEX notifications_by_created;
CREATE INDEX notifications_by_created ON notifications (created_at);
