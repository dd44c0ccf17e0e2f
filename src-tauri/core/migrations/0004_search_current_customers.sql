-- The search index holds current customers only. A common fragment ("sp.")
-- matches about half of all customers; with archived rows out of the index,
-- the index's own count is the list's total, and archived customers (few)
-- are searched by scanning their folded text.
DROP TRIGGER customers_search_insert;
DROP TRIGGER customers_search_delete;
DROP TRIGGER customers_search_update;

INSERT INTO customer_search (customer_search) VALUES ('delete-all');
INSERT INTO customer_search (rowid, search_text)
    SELECT rowid, search_text FROM customers WHERE archived = 0;

CREATE TRIGGER customers_search_insert AFTER INSERT ON customers WHEN new.archived = 0 BEGIN
    INSERT INTO customer_search (rowid, search_text) VALUES (new.rowid, new.search_text);
END;
CREATE TRIGGER customers_search_delete AFTER DELETE ON customers WHEN old.archived = 0 BEGIN
    INSERT INTO customer_search (customer_search, rowid, search_text)
    VALUES ('delete', old.rowid, old.search_text);
END;
-- Archiving takes a customer out of the index, restoring puts it back.
CREATE TRIGGER customers_search_update AFTER UPDATE OF search_text, archived ON customers BEGIN
    INSERT INTO customer_search (customer_search, rowid, search_text)
        SELECT 'delete', old.rowid, old.search_text WHERE old.archived = 0;
    INSERT INTO customer_search (rowid, search_text)
        SELECT new.rowid, new.search_text WHERE new.archived = 0;
END;
