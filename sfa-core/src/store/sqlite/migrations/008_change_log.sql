-- v8: the search index is fed by a commit-ordered change log that every index reads
-- with its own cursor (kept in the index, with its documents), instead of a queue that
-- one consumer empties: two handles or processes on one file, and the in-memory
-- indexes of an encrypted database, each see every committed change, and a failed
-- index commit loses nothing. SQLite serialises writers, so rowid order is commit
-- order; the newest row is never pruned, so a seq is never reused. Rows are pruned
-- once every index that reported its cursor lately has passed them
-- (`index_cursors`); an index left behind the pruned part is rebuilt.
-- `meta` holds the database's identity, which its index records, so an index beside
-- a replaced or truncated file is noticed and rebuilt, and the pruned floor.
-- Existing indexes are rebuilt on open (the analyser changed too).

CREATE TABLE meta (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT NOT NULL
) STRICT;
INSERT INTO meta (key, value) VALUES ('database_id', lower(hex(randomblob(16))));
INSERT INTO meta (key, value) VALUES ('change_log_floor', '0');

CREATE TABLE change_log (
    seq        INTEGER PRIMARY KEY,
    entity     TEXT NOT NULL,
    record_id  TEXT NOT NULL
) STRICT;

CREATE TABLE index_cursors (
    index_id  TEXT PRIMARY KEY NOT NULL,
    seq       INTEGER NOT NULL,
    seen_at   TEXT NOT NULL
) STRICT;

DROP TRIGGER companies_search_insert;
DROP TRIGGER companies_search_update;
DROP TRIGGER persons_search_insert;
DROP TRIGGER persons_search_update;
DROP TABLE search_outbox;

CREATE TRIGGER companies_change_insert AFTER INSERT ON companies
BEGIN
    INSERT INTO change_log (entity, record_id) VALUES ('company', NEW.id);
END;

CREATE TRIGGER companies_change_update AFTER UPDATE ON companies
BEGIN
    INSERT INTO change_log (entity, record_id) VALUES ('company', NEW.id);
END;

CREATE TRIGGER persons_change_insert AFTER INSERT ON persons
BEGIN
    INSERT INTO change_log (entity, record_id) VALUES ('person', NEW.id);
END;

CREATE TRIGGER persons_change_update AFTER UPDATE ON persons
BEGIN
    INSERT INTO change_log (entity, record_id) VALUES ('person', NEW.id);
END;
