-- v11: the triggers of v10 called `unhex`, which SQLite has only since 3.41 (2023):
-- any older SQLite (Debian 12's sqlite3 and Python's sqlite3 3.40, DB browsers,
-- Android's own SQLite) could not change a deal or a line at all ("no such function:
-- unhex"). The triggers now only list the deals changed from outside the library, by
-- their text id, which any SQLite can do; they no longer remove the deal's facts row.
-- A listed deal's facts are never read (the scan skips them and reads the deal from
-- `deals`), and opening the database replaces them, or removes them when the deal is
-- gone. A change of a deal's id lists both ids; a deleted deal stays listed until then.

DROP TRIGGER deals_facts_insert;
DROP TRIGGER deals_facts_update;
DROP TRIGGER deals_facts_delete;
DROP TRIGGER deal_lines_facts_insert;
DROP TRIGGER deal_lines_facts_update;
DROP TRIGGER deal_lines_facts_delete;

CREATE TRIGGER deals_facts_insert AFTER INSERT ON deals
BEGIN
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.id);
END;

CREATE TRIGGER deals_facts_update AFTER UPDATE ON deals
BEGIN
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (OLD.id);
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.id);
END;

CREATE TRIGGER deals_facts_delete AFTER DELETE ON deals
BEGIN
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (OLD.id);
END;

CREATE TRIGGER deal_lines_facts_insert AFTER INSERT ON deal_lines
BEGIN
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.deal_id);
END;

CREATE TRIGGER deal_lines_facts_update AFTER UPDATE ON deal_lines
BEGIN
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (OLD.deal_id);
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (NEW.deal_id);
END;

CREATE TRIGGER deal_lines_facts_delete AFTER DELETE ON deal_lines
BEGIN
    INSERT OR IGNORE INTO deal_facts_stale (deal_id) VALUES (OLD.deal_id);
END;
