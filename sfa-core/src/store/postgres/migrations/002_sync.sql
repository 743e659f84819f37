-- Offline sync (see the SQLite store's 009_sync.sql): one `sync_log` row per record
-- with the seq of its latest change, taken inside the tenant's write lock, so seq
-- order is commit order; tombstones pruned behind `sync_floor`; a device's outbox,
-- the server's receipts, the rejections. Deleting a company or person feeds the
-- search index's change log too.

CREATE SEQUENCE sync_seq;

CREATE TABLE sync_log (
    seq        bigint PRIMARY KEY DEFAULT nextval('sync_seq'),
    entity     text NOT NULL,
    record_id  text NOT NULL,
    gone       boolean NOT NULL DEFAULT false,
    changed_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (entity, record_id)
);
CREATE INDEX sync_log_tombstones ON sync_log (changed_at) WHERE gone;
INSERT INTO meta (key, value) VALUES ('sync_floor', '0');

CREATE TABLE sync_outbox (
    seq          bigserial PRIMARY KEY,
    mutation_id  text NOT NULL UNIQUE,
    user_id      text NOT NULL,
    body         text NOT NULL,
    touched      text NOT NULL
);

CREATE TABLE sync_receipts (
    client_id    text NOT NULL,
    mutation_id  text NOT NULL,
    body         text NOT NULL,
    at           timestamptz NOT NULL,
    PRIMARY KEY (client_id, mutation_id)
);

CREATE TABLE sync_rejections (
    seq          bigserial PRIMARY KEY,
    mutation_id  text NOT NULL UNIQUE,
    body         text NOT NULL
);

-- TG_ARGV: the record kind, the column holding the record's id, and whether the
-- table holds the record itself (a deleted row is then a tombstone) or a child of it.
CREATE FUNCTION log_sync() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    rid text;
    is_gone boolean := false;
BEGIN
    IF TG_OP = 'DELETE' THEN
        rid := to_jsonb(OLD) ->> TG_ARGV[1];
        is_gone := TG_ARGV[2] = 'record';
    ELSE
        rid := to_jsonb(NEW) ->> TG_ARGV[1];
    END IF;
    INSERT INTO sync_log (entity, record_id, gone) VALUES (TG_ARGV[0], rid, is_gone)
    ON CONFLICT (entity, record_id)
    DO UPDATE SET seq = nextval('sync_seq'), gone = EXCLUDED.gone, changed_at = now();
    RETURN NULL;
END;
$$;

INSERT INTO sync_log (entity, record_id) SELECT 'user', id::text FROM users ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'campaign', id::text FROM campaigns ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'stage', id::text FROM stages ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'confidence', id::text FROM confidences ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'product_category', id::text FROM product_categories ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'product', id::text FROM products ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'team', id::text FROM teams ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'company', id::text FROM companies ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'person', id::text FROM persons ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'interaction', id::text FROM interactions ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'task', id::text FROM tasks ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'notification', id::text FROM notifications ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'deal', id::text FROM deals ORDER BY id;
INSERT INTO sync_log (entity, record_id) SELECT 'card', id::text FROM business_cards ORDER BY id;

CREATE TRIGGER users_sync AFTER INSERT OR UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION log_sync('user', 'id', 'record');
CREATE TRIGGER campaigns_sync AFTER INSERT OR UPDATE OR DELETE ON campaigns
    FOR EACH ROW EXECUTE FUNCTION log_sync('campaign', 'id', 'record');
CREATE TRIGGER stages_sync AFTER INSERT OR UPDATE OR DELETE ON stages
    FOR EACH ROW EXECUTE FUNCTION log_sync('stage', 'id', 'record');
CREATE TRIGGER confidences_sync AFTER INSERT OR UPDATE OR DELETE ON confidences
    FOR EACH ROW EXECUTE FUNCTION log_sync('confidence', 'id', 'record');
CREATE TRIGGER product_categories_sync AFTER INSERT OR UPDATE OR DELETE ON product_categories
    FOR EACH ROW EXECUTE FUNCTION log_sync('product_category', 'id', 'record');
CREATE TRIGGER products_sync AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION log_sync('product', 'id', 'record');
CREATE TRIGGER teams_sync AFTER INSERT OR UPDATE OR DELETE ON teams
    FOR EACH ROW EXECUTE FUNCTION log_sync('team', 'id', 'record');
CREATE TRIGGER team_members_sync AFTER INSERT OR UPDATE OR DELETE ON team_members
    FOR EACH ROW EXECUTE FUNCTION log_sync('team', 'team_id', 'child');
CREATE TRIGGER companies_sync AFTER INSERT OR UPDATE OR DELETE ON companies
    FOR EACH ROW EXECUTE FUNCTION log_sync('company', 'id', 'record');
CREATE TRIGGER persons_sync AFTER INSERT OR UPDATE OR DELETE ON persons
    FOR EACH ROW EXECUTE FUNCTION log_sync('person', 'id', 'record');
CREATE TRIGGER interactions_sync AFTER INSERT OR UPDATE OR DELETE ON interactions
    FOR EACH ROW EXECUTE FUNCTION log_sync('interaction', 'id', 'record');
CREATE TRIGGER interaction_participants_sync AFTER INSERT OR UPDATE OR DELETE ON interaction_participants
    FOR EACH ROW EXECUTE FUNCTION log_sync('interaction', 'interaction_id', 'child');
CREATE TRIGGER interaction_persons_sync AFTER INSERT OR UPDATE OR DELETE ON interaction_persons
    FOR EACH ROW EXECUTE FUNCTION log_sync('interaction', 'interaction_id', 'child');
CREATE TRIGGER tasks_sync AFTER INSERT OR UPDATE OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION log_sync('task', 'id', 'record');
CREATE TRIGGER notifications_sync AFTER INSERT OR UPDATE OR DELETE ON notifications
    FOR EACH ROW EXECUTE FUNCTION log_sync('notification', 'id', 'record');
CREATE TRIGGER deals_sync AFTER INSERT OR UPDATE OR DELETE ON deals
    FOR EACH ROW EXECUTE FUNCTION log_sync('deal', 'id', 'record');
CREATE TRIGGER deal_lines_sync AFTER INSERT OR UPDATE OR DELETE ON deal_lines
    FOR EACH ROW EXECUTE FUNCTION log_sync('deal', 'deal_id', 'child');
CREATE TRIGGER business_cards_sync AFTER INSERT OR UPDATE OR DELETE ON business_cards
    FOR EACH ROW EXECUTE FUNCTION log_sync('card', 'id', 'record');

CREATE OR REPLACE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO change_log (entity, record_id) VALUES (TG_ARGV[0], OLD.id::text);
    ELSE
        INSERT INTO change_log (entity, record_id) VALUES (TG_ARGV[0], NEW.id::text);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER companies_change_delete AFTER DELETE ON companies
    FOR EACH ROW EXECUTE FUNCTION log_change('company');
CREATE TRIGGER persons_change_delete AFTER DELETE ON persons
    FOR EACH ROW EXECUTE FUNCTION log_change('person');
