-- Team mode (decision 0050). Staff password hashes move out of `staff` into a
-- table of their own: the team server replicates it between its instances but
-- never sends it to a desktop, so no desktop holds another person's verifier.
CREATE TABLE staff_credentials (
    staff_id      TEXT PRIMARY KEY NOT NULL REFERENCES staff (id),
    password_hash TEXT NOT NULL
) STRICT;
INSERT INTO staff_credentials (staff_id, password_hash) SELECT id, password_hash FROM staff;
ALTER TABLE staff DROP COLUMN password_hash;

-- Where this copy stands in the team server's ordered change log: the last
-- change applied (0 for a standalone database). Written in the same
-- transaction as the change itself, so a copy never applies a change twice or
-- skips one after a crash. Local to each copy: never replicated, and left out
-- of the content checksum.
CREATE TABLE replica_position (
    id  INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    seq INTEGER NOT NULL CHECK (seq >= 0)
) STRICT;
INSERT INTO replica_position (id, seq) VALUES (1, 0);
