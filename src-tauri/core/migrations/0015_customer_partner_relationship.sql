-- The partner's relationship to a customer as Partner Center's customer export
-- states it ("Cloud Reseller"), kept as written (decision 0037). Not a
-- delegated-admin relationship: it grants nothing and opens no customer gate.
ALTER TABLE customers ADD COLUMN partner_relationship TEXT NOT NULL DEFAULT '';
