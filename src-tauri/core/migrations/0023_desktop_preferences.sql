-- Language and theme are this desktop's, not the team's (decision 0050): on a
-- connected desktop they must save without going through the team server, and
-- one person's dark theme must not reach a colleague's screen. A local table:
-- never replicated, left out of the content checksum.
CREATE TABLE desktop_preferences (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
INSERT INTO desktop_preferences (key, value, updated_at)
SELECT key, value, updated_at FROM settings WHERE key IN ('language', 'theme');
DELETE FROM settings WHERE key IN ('language', 'theme');
