-- v9: offline sync. `sync_log` holds one row per record (its kind and id) with the
-- seq of the record's latest change: a trigger on every synced table deletes the row
-- and inserts it again, so a pull reads each changed record once, in commit order, from
-- its cursor (AUTOINCREMENT: a seq is never reused, also when the newest row is
-- replaced). A row whose record was deleted is kept with `gone` = 1 (a tombstone).
-- Child tables (participants, lines, members) log their parent. The existing records
-- are logged in reference order, so a first pull never meets a reference to a record
-- it has not received yet.
-- Tombstones older than a server's retention are pruned (`sync_floor` in `meta` is
-- the highest seq pruned): a device whose cursor is below it is reset and pulls anew.
-- Deleting a company or person also feeds the search index's change log now (a
-- record sync removes leaves the index).
-- `sync_outbox` is a device's queue of recorded calls (mutations) waiting for the
-- server; `sync_receipts` is the server's answer per (device, mutation), so that a
-- push sent twice applies once; `sync_rejections` lists what the server refused.

CREATE TABLE sync_log (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    entity     TEXT NOT NULL,
    record_id  TEXT NOT NULL,
    gone       INTEGER NOT NULL DEFAULT 0,
    changed_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (entity, record_id)
) STRICT;
CREATE INDEX sync_log_tombstones ON sync_log (changed_at) WHERE gone = 1;
INSERT INTO meta (key, value) VALUES ('sync_floor', '0');

CREATE TABLE sync_outbox (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id  TEXT NOT NULL UNIQUE,
    user_id      TEXT NOT NULL,
    body         TEXT NOT NULL,
    touched      TEXT NOT NULL
) STRICT;

CREATE TABLE sync_receipts (
    client_id    TEXT NOT NULL,
    mutation_id  TEXT NOT NULL,
    body         TEXT NOT NULL,
    at           TEXT NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
) STRICT;

CREATE TABLE sync_rejections (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    mutation_id  TEXT NOT NULL UNIQUE,
    body         TEXT NOT NULL
) STRICT;

INSERT INTO sync_log (entity, record_id) SELECT 'user', id FROM users ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'campaign', id FROM campaigns ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'stage', id FROM stages ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'confidence', id FROM confidences ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'product_category', id FROM product_categories ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'product', id FROM products ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'team', id FROM teams ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'company', id FROM companies ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'person', id FROM persons ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'interaction', id FROM interactions ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'task', id FROM tasks ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'notification', id FROM notifications ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'deal', id FROM deals ORDER BY id;

INSERT INTO sync_log (entity, record_id) SELECT 'card', id FROM business_cards ORDER BY id;


CREATE TRIGGER users_sync_insert AFTER INSERT ON users
BEGIN
    DELETE FROM sync_log WHERE entity = 'user' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('user', NEW.id, 0);
END;

CREATE TRIGGER users_sync_update AFTER UPDATE ON users
BEGIN
    DELETE FROM sync_log WHERE entity = 'user' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('user', NEW.id, 0);
END;

CREATE TRIGGER users_sync_delete AFTER DELETE ON users
BEGIN
    DELETE FROM sync_log WHERE entity = 'user' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('user', OLD.id, 1);
END;

CREATE TRIGGER campaigns_sync_insert AFTER INSERT ON campaigns
BEGIN
    DELETE FROM sync_log WHERE entity = 'campaign' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('campaign', NEW.id, 0);
END;

CREATE TRIGGER campaigns_sync_update AFTER UPDATE ON campaigns
BEGIN
    DELETE FROM sync_log WHERE entity = 'campaign' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('campaign', NEW.id, 0);
END;

CREATE TRIGGER campaigns_sync_delete AFTER DELETE ON campaigns
BEGIN
    DELETE FROM sync_log WHERE entity = 'campaign' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('campaign', OLD.id, 1);
END;

CREATE TRIGGER stages_sync_insert AFTER INSERT ON stages
BEGIN
    DELETE FROM sync_log WHERE entity = 'stage' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('stage', NEW.id, 0);
END;

CREATE TRIGGER stages_sync_update AFTER UPDATE ON stages
BEGIN
    DELETE FROM sync_log WHERE entity = 'stage' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('stage', NEW.id, 0);
END;

CREATE TRIGGER stages_sync_delete AFTER DELETE ON stages
BEGIN
    DELETE FROM sync_log WHERE entity = 'stage' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('stage', OLD.id, 1);
END;

CREATE TRIGGER confidences_sync_insert AFTER INSERT ON confidences
BEGIN
    DELETE FROM sync_log WHERE entity = 'confidence' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('confidence', NEW.id, 0);
END;

CREATE TRIGGER confidences_sync_update AFTER UPDATE ON confidences
BEGIN
    DELETE FROM sync_log WHERE entity = 'confidence' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('confidence', NEW.id, 0);
END;

CREATE TRIGGER confidences_sync_delete AFTER DELETE ON confidences
BEGIN
    DELETE FROM sync_log WHERE entity = 'confidence' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('confidence', OLD.id, 1);
END;

CREATE TRIGGER product_categories_sync_insert AFTER INSERT ON product_categories
BEGIN
    DELETE FROM sync_log WHERE entity = 'product_category' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('product_category', NEW.id, 0);
END;

CREATE TRIGGER product_categories_sync_update AFTER UPDATE ON product_categories
BEGIN
    DELETE FROM sync_log WHERE entity = 'product_category' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('product_category', NEW.id, 0);
END;

CREATE TRIGGER product_categories_sync_delete AFTER DELETE ON product_categories
BEGIN
    DELETE FROM sync_log WHERE entity = 'product_category' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('product_category', OLD.id, 1);
END;

CREATE TRIGGER products_sync_insert AFTER INSERT ON products
BEGIN
    DELETE FROM sync_log WHERE entity = 'product' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('product', NEW.id, 0);
END;

CREATE TRIGGER products_sync_update AFTER UPDATE ON products
BEGIN
    DELETE FROM sync_log WHERE entity = 'product' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('product', NEW.id, 0);
END;

CREATE TRIGGER products_sync_delete AFTER DELETE ON products
BEGIN
    DELETE FROM sync_log WHERE entity = 'product' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('product', OLD.id, 1);
END;

CREATE TRIGGER teams_sync_insert AFTER INSERT ON teams
BEGIN
    DELETE FROM sync_log WHERE entity = 'team' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('team', NEW.id, 0);
END;

CREATE TRIGGER teams_sync_update AFTER UPDATE ON teams
BEGIN
    DELETE FROM sync_log WHERE entity = 'team' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('team', NEW.id, 0);
END;

CREATE TRIGGER teams_sync_delete AFTER DELETE ON teams
BEGIN
    DELETE FROM sync_log WHERE entity = 'team' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('team', OLD.id, 1);
END;

CREATE TRIGGER team_members_sync_insert AFTER INSERT ON team_members
BEGIN
    DELETE FROM sync_log WHERE entity = 'team' AND record_id = NEW.team_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('team', NEW.team_id, 0);
END;

CREATE TRIGGER team_members_sync_update AFTER UPDATE ON team_members
BEGIN
    DELETE FROM sync_log WHERE entity = 'team' AND record_id = NEW.team_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('team', NEW.team_id, 0);
END;

CREATE TRIGGER team_members_sync_delete AFTER DELETE ON team_members
BEGIN
    DELETE FROM sync_log WHERE entity = 'team' AND record_id = OLD.team_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('team', OLD.team_id, 0);
END;

CREATE TRIGGER companies_sync_insert AFTER INSERT ON companies
BEGIN
    DELETE FROM sync_log WHERE entity = 'company' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('company', NEW.id, 0);
END;

CREATE TRIGGER companies_sync_update AFTER UPDATE ON companies
BEGIN
    DELETE FROM sync_log WHERE entity = 'company' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('company', NEW.id, 0);
END;

CREATE TRIGGER companies_sync_delete AFTER DELETE ON companies
BEGIN
    DELETE FROM sync_log WHERE entity = 'company' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('company', OLD.id, 1);
END;

CREATE TRIGGER persons_sync_insert AFTER INSERT ON persons
BEGIN
    DELETE FROM sync_log WHERE entity = 'person' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('person', NEW.id, 0);
END;

CREATE TRIGGER persons_sync_update AFTER UPDATE ON persons
BEGIN
    DELETE FROM sync_log WHERE entity = 'person' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('person', NEW.id, 0);
END;

CREATE TRIGGER persons_sync_delete AFTER DELETE ON persons
BEGIN
    DELETE FROM sync_log WHERE entity = 'person' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('person', OLD.id, 1);
END;

CREATE TRIGGER interactions_sync_insert AFTER INSERT ON interactions
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', NEW.id, 0);
END;

CREATE TRIGGER interactions_sync_update AFTER UPDATE ON interactions
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', NEW.id, 0);
END;

CREATE TRIGGER interactions_sync_delete AFTER DELETE ON interactions
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', OLD.id, 1);
END;

CREATE TRIGGER interaction_participants_sync_insert AFTER INSERT ON interaction_participants
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = NEW.interaction_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', NEW.interaction_id, 0);
END;

CREATE TRIGGER interaction_participants_sync_update AFTER UPDATE ON interaction_participants
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = NEW.interaction_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', NEW.interaction_id, 0);
END;

CREATE TRIGGER interaction_participants_sync_delete AFTER DELETE ON interaction_participants
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = OLD.interaction_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', OLD.interaction_id, 0);
END;

CREATE TRIGGER interaction_persons_sync_insert AFTER INSERT ON interaction_persons
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = NEW.interaction_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', NEW.interaction_id, 0);
END;

CREATE TRIGGER interaction_persons_sync_update AFTER UPDATE ON interaction_persons
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = NEW.interaction_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', NEW.interaction_id, 0);
END;

CREATE TRIGGER interaction_persons_sync_delete AFTER DELETE ON interaction_persons
BEGIN
    DELETE FROM sync_log WHERE entity = 'interaction' AND record_id = OLD.interaction_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('interaction', OLD.interaction_id, 0);
END;

CREATE TRIGGER tasks_sync_insert AFTER INSERT ON tasks
BEGIN
    DELETE FROM sync_log WHERE entity = 'task' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('task', NEW.id, 0);
END;

CREATE TRIGGER tasks_sync_update AFTER UPDATE ON tasks
BEGIN
    DELETE FROM sync_log WHERE entity = 'task' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('task', NEW.id, 0);
END;

CREATE TRIGGER tasks_sync_delete AFTER DELETE ON tasks
BEGIN
    DELETE FROM sync_log WHERE entity = 'task' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('task', OLD.id, 1);
END;

CREATE TRIGGER notifications_sync_insert AFTER INSERT ON notifications
BEGIN
    DELETE FROM sync_log WHERE entity = 'notification' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('notification', NEW.id, 0);
END;

CREATE TRIGGER notifications_sync_update AFTER UPDATE ON notifications
BEGIN
    DELETE FROM sync_log WHERE entity = 'notification' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('notification', NEW.id, 0);
END;

CREATE TRIGGER notifications_sync_delete AFTER DELETE ON notifications
BEGIN
    DELETE FROM sync_log WHERE entity = 'notification' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('notification', OLD.id, 1);
END;

CREATE TRIGGER deals_sync_insert AFTER INSERT ON deals
BEGIN
    DELETE FROM sync_log WHERE entity = 'deal' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('deal', NEW.id, 0);
END;

CREATE TRIGGER deals_sync_update AFTER UPDATE ON deals
BEGIN
    DELETE FROM sync_log WHERE entity = 'deal' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('deal', NEW.id, 0);
END;

CREATE TRIGGER deals_sync_delete AFTER DELETE ON deals
BEGIN
    DELETE FROM sync_log WHERE entity = 'deal' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('deal', OLD.id, 1);
END;

CREATE TRIGGER deal_lines_sync_insert AFTER INSERT ON deal_lines
BEGIN
    DELETE FROM sync_log WHERE entity = 'deal' AND record_id = NEW.deal_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('deal', NEW.deal_id, 0);
END;

CREATE TRIGGER deal_lines_sync_update AFTER UPDATE ON deal_lines
BEGIN
    DELETE FROM sync_log WHERE entity = 'deal' AND record_id = NEW.deal_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('deal', NEW.deal_id, 0);
END;

CREATE TRIGGER deal_lines_sync_delete AFTER DELETE ON deal_lines
BEGIN
    DELETE FROM sync_log WHERE entity = 'deal' AND record_id = OLD.deal_id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('deal', OLD.deal_id, 0);
END;

CREATE TRIGGER business_cards_sync_insert AFTER INSERT ON business_cards
BEGIN
    DELETE FROM sync_log WHERE entity = 'card' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('card', NEW.id, 0);
END;

CREATE TRIGGER business_cards_sync_update AFTER UPDATE ON business_cards
BEGIN
    DELETE FROM sync_log WHERE entity = 'card' AND record_id = NEW.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('card', NEW.id, 0);
END;

CREATE TRIGGER business_cards_sync_delete AFTER DELETE ON business_cards
BEGIN
    DELETE FROM sync_log WHERE entity = 'card' AND record_id = OLD.id;
    INSERT INTO sync_log (entity, record_id, gone) VALUES ('card', OLD.id, 1);
END;

CREATE TRIGGER companies_change_delete AFTER DELETE ON companies
BEGIN
    INSERT INTO change_log (entity, record_id) VALUES ('company', OLD.id);
END;

CREATE TRIGGER persons_change_delete AFTER DELETE ON persons
BEGIN
    INSERT INTO change_log (entity, record_id) VALUES ('person', OLD.id);
END;
