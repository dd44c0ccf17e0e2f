-- States after the term and upgrades (issue 12, docs/decisions/0042).
--
-- 1. Two more subscription statuses, Microsoft's `disabled` and `deleted`
--    (0035 "Subscription states after the term"), and one more source,
--    `upgrade` (a partial upgrade's new subscription). SQLite cannot alter a
--    CHECK constraint, and rebuilding `subscriptions` inside the migration's
--    transaction is not possible while foreign keys are on (three tables
--    reference it). Both constraints only widen, so every stored row still
--    satisfies them: SQLite's documented way for such a change is to edit the
--    table's definition in `sqlite_schema` ("Making Other Kinds Of Table
--    Schema Changes", https://www.sqlite.org/lang_altertable.html). RESET
--    makes this connection read the edited definition; the ALTER TABLE below
--    bumps the schema cookie, so every other connection rereads it too.
PRAGMA writable_schema = ON;
UPDATE sqlite_schema
SET sql = replace(replace(sql,
        'CHECK (status IN (''pending'', ''active'', ''suspended'', ''expired'', ''cancelled''))',
        'CHECK (status IN (''pending'', ''active'', ''suspended'', ''expired'', ''cancelled'', ''disabled'', ''deleted''))'),
        'CHECK (source IN (''manual'', ''trial_invitation'', ''purchase_offer'', ''product_key''))',
        'CHECK (source IN (''manual'', ''trial_invitation'', ''purchase_offer'', ''product_key'', ''upgrade''))')
WHERE type = 'table' AND name = 'subscriptions';
PRAGMA writable_schema = RESET;

-- Were the text above ever not found, the migration stops here rather than
-- leave statuses the app writes refused by the database.
CREATE TEMP TABLE migration_0017_guard (widened INTEGER NOT NULL CHECK (widened = 1));
INSERT INTO migration_0017_guard
SELECT instr(sql, '''deleted''') > 0 AND instr(sql, '''upgrade''') > 0
FROM sqlite_schema WHERE type = 'table' AND name = 'subscriptions';
DROP TABLE migration_0017_guard;

-- 2. A partial upgrade's new subscription names the one it came from.
ALTER TABLE subscriptions ADD COLUMN upgraded_from TEXT REFERENCES subscriptions (id);
