-- Application settings that outlive a session (language, theme, later link templates).
-- One row per key; values are validated by the core before they are written.
CREATE TABLE settings (
    key        TEXT PRIMARY KEY NOT NULL,
    value      TEXT NOT NULL,
    updated_at TEXT NOT NULL
) STRICT;
