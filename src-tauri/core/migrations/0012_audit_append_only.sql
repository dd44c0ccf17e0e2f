-- The audit log is append-only (docs/decisions/0029-audit-head.md): the app
-- only ever inserts, so an UPDATE or DELETE of an entry is a bug or a hand at
-- the sqlite3 prompt, and is refused. Triggers stop accidents; someone who
-- drops them can still edit the file, and that is what the hash chain and the
-- head file beside the database catch.

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries are never changed');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only: entries are never deleted');
END;
