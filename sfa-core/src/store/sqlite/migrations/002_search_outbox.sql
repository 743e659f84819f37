-- v2: the search index's change feed. Every insert or update of a company or person
-- queues its id in the same transaction as the change, so the search index (a separate
-- store that commits on its own) can always catch up, even after a crash between the
-- database commit and the index commit. The index removes entries once it has
-- committed them. The sequence only has to grow while entries are pending, so a plain
-- rowid serves (AUTOINCREMENT's bookkeeping made every insert markedly slower).
-- Existing companies are queued so the first open indexes them (a company's entry is
-- written together with its persons').

CREATE TABLE search_outbox (
    seq        INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL CHECK (entity IN ('company', 'person')),
    record_id  TEXT NOT NULL
) STRICT;

CREATE TRIGGER companies_search_insert AFTER INSERT ON companies
BEGIN
    INSERT INTO search_outbox (entity, record_id) VALUES ('company', NEW.id);
END;

CREATE TRIGGER companies_search_update AFTER UPDATE ON companies
BEGIN
    INSERT INTO search_outbox (entity, record_id) VALUES ('company', NEW.id);
END;

CREATE TRIGGER persons_search_insert AFTER INSERT ON persons
BEGIN
    INSERT INTO search_outbox (entity, record_id) VALUES ('person', NEW.id);
END;

CREATE TRIGGER persons_search_update AFTER UPDATE ON persons
BEGIN
    INSERT INTO search_outbox (entity, record_id) VALUES ('person', NEW.id);
END;

INSERT INTO search_outbox (entity, record_id) SELECT 'company', id FROM companies;
