-- v10: what a forecast reads of each deal, packed in one blob, so reading a million
-- deals parses no text and SQLite decodes two columns per deal, not ten (issue 19):
-- `deal_facts` holds one row per deal whose stored row the library wrote and checked,
-- keyed by the deal's 16-byte UUID. `facts` packs the status, the owner, stage,
-- confidence level and campaign as 16-byte UUIDs, money as integer units of 1/10,000,
-- dates as days since 1970-01-01, and the line items (layout: `unpack` in
-- sfa-core/src/store/sqlite/deal_scan.rs).
--
-- The library writes a deal's facts in the same transaction as the deal. Any other
-- change to `deals` or `deal_lines` (SQL from outside the library, a sync of parts
-- only) drops the deal's facts and lists it in `deal_facts_stale` (the triggers
-- below), and the forecast reads a listed deal from `deals` itself, as before: the
-- facts are never trusted past a change they did not see. Opening the database
-- writes the facts of listed deals that are valid; a deal the rules refuse stays
-- listed and is reported as a problem, as before. Existing deals start listed.

CREATE TABLE deal_facts (
    deal_id  BLOB PRIMARY KEY NOT NULL,
    facts    BLOB NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE deal_facts_stale (
    deal_id  TEXT PRIMARY KEY NOT NULL
) STRICT, WITHOUT ROWID;

INSERT INTO deal_facts_stale (deal_id) SELECT id FROM deals;

CREATE TRIGGER deals_facts_insert AFTER INSERT ON deals
BEGIN
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(NEW.id, '-', ''));
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.id);
END;

CREATE TRIGGER deals_facts_update AFTER UPDATE ON deals
BEGIN
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(OLD.id, '-', ''));
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(NEW.id, '-', ''));
    DELETE FROM deal_facts_stale WHERE deal_id = OLD.id;
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.id);
END;

CREATE TRIGGER deals_facts_delete AFTER DELETE ON deals
BEGIN
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(OLD.id, '-', ''));
    DELETE FROM deal_facts_stale WHERE deal_id = OLD.id;
END;

CREATE TRIGGER deal_lines_facts_insert AFTER INSERT ON deal_lines
BEGIN
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(NEW.deal_id, '-', ''));
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.deal_id);
END;

CREATE TRIGGER deal_lines_facts_update AFTER UPDATE ON deal_lines
BEGIN
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(OLD.deal_id, '-', ''));
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(NEW.deal_id, '-', ''));
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (OLD.deal_id);
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.deal_id);
END;

CREATE TRIGGER deal_lines_facts_delete AFTER DELETE ON deal_lines
BEGIN
    DELETE FROM deal_facts WHERE deal_id = unhex(replace(OLD.deal_id, '-', ''));
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (OLD.deal_id);
END;

-- Every deal in list order (sort key, id): the exports walk all deals page by page, and
-- without this index each page sorted the whole table.
CREATE INDEX deals_sort ON deals (sort_key, id);
