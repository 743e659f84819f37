-- v1 of the PostgreSQL store: the schema of the SQLite store (its v8), in native types:
-- uuid ids, timestamptz instants, date days, numeric money, boolean flags, bytea
-- images. Text that lists are ordered by is COLLATE "C" (byte order, as SQLite's), so
-- pagination and あいうえお order are the same on both stores. Every table lives in
-- the tenant's schema (the connection's search_path): the same SQL serves every
-- tenant. This file is frozen once released: change the schema in a new numbered file.

-- One row: every write transaction locks it first, so writes to a tenant are
-- serialised and the change log's seq (taken inside them) is commit order.
CREATE TABLE write_lock (
    id  integer PRIMARY KEY CHECK (id = 1)
);
INSERT INTO write_lock (id) VALUES (1);

CREATE TABLE meta (
    key    text PRIMARY KEY,
    value  text NOT NULL
);
INSERT INTO meta (key, value) VALUES ('database_id', replace(gen_random_uuid()::text, '-', ''));
INSERT INTO meta (key, value) VALUES ('change_log_floor', '0');

CREATE TABLE users (
    id          uuid PRIMARY KEY,
    name        text COLLATE "C" NOT NULL,
    email       text NOT NULL UNIQUE,
    role        text NOT NULL CHECK (role IN ('admin', 'member')),
    active      boolean NOT NULL,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL REFERENCES users (id),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid NOT NULL REFERENCES users (id),
    version     bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX users_created_by ON users (created_by);
CREATE INDEX users_updated_by ON users (updated_by);

CREATE TABLE companies (
    id            uuid PRIMARY KEY,
    name          text NOT NULL,
    name_reading  text,
    postal_code   text,
    address       text,
    phone         text,
    website       text,
    industry      text,
    notes         text,
    archived      boolean NOT NULL DEFAULT false,
    sort_key      text COLLATE "C" NOT NULL,
    created_at    timestamptz NOT NULL,
    created_by    uuid NOT NULL REFERENCES users (id),
    updated_at    timestamptz NOT NULL,
    updated_by    uuid NOT NULL REFERENCES users (id),
    version       bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX companies_sort ON companies (sort_key, id);
CREATE INDEX companies_name ON companies (name);
CREATE INDEX companies_created_by ON companies (created_by);
CREATE INDEX companies_updated_by ON companies (updated_by);

CREATE TABLE persons (
    id            uuid PRIMARY KEY,
    company_id    uuid NOT NULL REFERENCES companies (id),
    name          text NOT NULL,
    name_reading  text,
    department    text,
    title         text,
    email         text,
    office_phone  text,
    mobile_phone  text,
    notes         text,
    archived      boolean NOT NULL DEFAULT false,
    sort_key      text COLLATE "C" NOT NULL,
    created_at    timestamptz NOT NULL,
    created_by    uuid NOT NULL REFERENCES users (id),
    updated_at    timestamptz NOT NULL,
    updated_by    uuid NOT NULL REFERENCES users (id),
    version       bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX persons_company ON persons (company_id, sort_key, id);
CREATE INDEX persons_sort ON persons (sort_key, id);
CREATE INDEX persons_email ON persons (lower(email)) WHERE email IS NOT NULL;
CREATE INDEX persons_office_phone ON persons (office_phone) WHERE office_phone IS NOT NULL;
CREATE INDEX persons_mobile_phone ON persons (mobile_phone) WHERE mobile_phone IS NOT NULL;
CREATE INDEX persons_created_by ON persons (created_by);
CREATE INDEX persons_updated_by ON persons (updated_by);

-- The search indexes' feed: a change per company or person write, in commit order.
CREATE TABLE change_log (
    seq        bigserial PRIMARY KEY,
    entity     text NOT NULL,
    record_id  text NOT NULL
);

CREATE TABLE index_cursors (
    index_id  text PRIMARY KEY,
    seq       bigint NOT NULL,
    seen_at   timestamptz NOT NULL
);

CREATE FUNCTION log_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO change_log (entity, record_id) VALUES (TG_ARGV[0], NEW.id::text);
    RETURN NULL;
END;
$$;
CREATE TRIGGER companies_change AFTER INSERT OR UPDATE ON companies
    FOR EACH ROW EXECUTE FUNCTION log_change('company');
CREATE TRIGGER persons_change AFTER INSERT OR UPDATE ON persons
    FOR EACH ROW EXECUTE FUNCTION log_change('person');

CREATE TABLE interactions (
    id             uuid PRIMARY KEY,
    company_id     uuid NOT NULL REFERENCES companies (id),
    kind           text NOT NULL CHECK (kind IN ('visit', 'call', 'email', 'web_meeting', 'other')),
    purpose        text NOT NULL,
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL CHECK (ends_at >= starts_at),
    location       text,
    notes          text,
    status         text NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
    outcome        text,
    report_to      uuid REFERENCES users (id),
    reported_at    timestamptz,
    reported_by    uuid REFERENCES users (id),
    cancel_reason  text,
    created_at     timestamptz NOT NULL,
    created_by     uuid NOT NULL REFERENCES users (id),
    updated_at     timestamptz NOT NULL,
    updated_by     uuid NOT NULL REFERENCES users (id),
    version        bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX interactions_company ON interactions (company_id, starts_at, id);
CREATE INDEX interactions_start ON interactions (starts_at);
CREATE INDEX interactions_planned ON interactions (starts_at) WHERE status = 'planned';
CREATE INDEX interactions_report_to ON interactions (report_to);
CREATE INDEX interactions_reported_by ON interactions (reported_by);
CREATE INDEX interactions_created_by ON interactions (created_by);
CREATE INDEX interactions_updated_by ON interactions (updated_by);

CREATE TABLE interaction_participants (
    interaction_id  uuid NOT NULL REFERENCES interactions (id),
    user_id         uuid NOT NULL REFERENCES users (id),
    position        integer NOT NULL,
    PRIMARY KEY (interaction_id, user_id)
);
CREATE INDEX interaction_participants_user ON interaction_participants (user_id, interaction_id);

CREATE TABLE interaction_persons (
    interaction_id  uuid NOT NULL REFERENCES interactions (id),
    person_id       uuid NOT NULL REFERENCES persons (id),
    position        integer NOT NULL,
    PRIMARY KEY (interaction_id, person_id)
);
CREATE INDEX interaction_persons_person ON interaction_persons (person_id, interaction_id);

CREATE TABLE campaigns (
    id          uuid PRIMARY KEY,
    name        text COLLATE "C" NOT NULL UNIQUE,
    starts_on   date NOT NULL,
    ends_on     date NOT NULL CHECK (ends_on >= starts_on),
    cost        numeric NOT NULL,
    notes       text,
    retired     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL REFERENCES users (id),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid NOT NULL REFERENCES users (id),
    version     bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX campaigns_created_by ON campaigns (created_by);
CREATE INDEX campaigns_updated_by ON campaigns (updated_by);

CREATE TABLE stages (
    id                  uuid PRIMARY KEY,
    name                text COLLATE "C" NOT NULL UNIQUE,
    position            integer NOT NULL,
    default_percentage  integer CHECK (default_percentage BETWEEN 0 AND 100),
    retired             boolean NOT NULL DEFAULT false,
    created_at          timestamptz NOT NULL,
    created_by          uuid NOT NULL REFERENCES users (id),
    updated_at          timestamptz NOT NULL,
    updated_by          uuid NOT NULL REFERENCES users (id),
    version             bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX stages_created_by ON stages (created_by);
CREATE INDEX stages_updated_by ON stages (updated_by);

CREATE TABLE confidences (
    id          uuid PRIMARY KEY,
    label       text COLLATE "C" NOT NULL UNIQUE,
    percentage  integer NOT NULL CHECK (percentage BETWEEN 0 AND 100),
    retired     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL REFERENCES users (id),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid NOT NULL REFERENCES users (id),
    version     bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX confidences_created_by ON confidences (created_by);
CREATE INDEX confidences_updated_by ON confidences (updated_by);

CREATE TABLE product_categories (
    id          uuid PRIMARY KEY,
    name        text COLLATE "C" NOT NULL UNIQUE,
    retired     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL REFERENCES users (id),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid NOT NULL REFERENCES users (id),
    version     bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX product_categories_created_by ON product_categories (created_by);
CREATE INDEX product_categories_updated_by ON product_categories (updated_by);

CREATE TABLE products (
    id           uuid PRIMARY KEY,
    category_id  uuid NOT NULL REFERENCES product_categories (id),
    code         text COLLATE "C" NOT NULL UNIQUE,
    name         text NOT NULL,
    unit_price   numeric NOT NULL,
    retired      boolean NOT NULL DEFAULT false,
    created_at   timestamptz NOT NULL,
    created_by   uuid NOT NULL REFERENCES users (id),
    updated_at   timestamptz NOT NULL,
    updated_by   uuid NOT NULL REFERENCES users (id),
    version      bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX products_category ON products (category_id);
CREATE INDEX products_created_by ON products (created_by);
CREATE INDEX products_updated_by ON products (updated_by);

CREATE TABLE deals (
    id                 uuid PRIMARY KEY,
    company_id         uuid NOT NULL REFERENCES companies (id),
    name               text NOT NULL,
    owner_id           uuid NOT NULL REFERENCES users (id),
    amount             numeric,
    expected_close_on  date,
    stage_id           uuid REFERENCES stages (id),
    confidence_id      uuid REFERENCES confidences (id),
    campaign_id        uuid REFERENCES campaigns (id),
    notes              text,
    status             text NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    closed_on          date,
    lost_reason        text,
    sort_key           text COLLATE "C" NOT NULL,
    created_at         timestamptz NOT NULL,
    created_by         uuid NOT NULL REFERENCES users (id),
    updated_at         timestamptz NOT NULL,
    updated_by         uuid NOT NULL REFERENCES users (id),
    version            bigint NOT NULL CHECK (version >= 1),
    CHECK ((status = 'open') = (closed_on IS NULL))
);
CREATE INDEX deals_owner ON deals (owner_id, status, sort_key, id);
CREATE INDEX deals_company ON deals (company_id, sort_key, id);
CREATE INDEX deals_campaign ON deals (campaign_id, sort_key, id);
CREATE INDEX deals_stage ON deals (stage_id);
CREATE INDEX deals_confidence ON deals (confidence_id);
CREATE INDEX deals_created_by ON deals (created_by);
CREATE INDEX deals_updated_by ON deals (updated_by);
CREATE INDEX deals_open_figures ON deals
    (owner_id, amount, stage_id, confidence_id, campaign_id, expected_close_on, closed_on, id)
    WHERE status = 'open';

CREATE TABLE deal_lines (
    deal_id     uuid NOT NULL REFERENCES deals (id),
    position    integer NOT NULL,
    product_id  uuid NOT NULL REFERENCES products (id),
    quantity    numeric NOT NULL,
    unit_price  numeric NOT NULL,
    amount      numeric NOT NULL,
    PRIMARY KEY (deal_id, position)
);
CREATE INDEX deal_lines_product ON deal_lines (product_id, deal_id);

CREATE TABLE tasks (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL CHECK (kind IN ('todo', 'confirmation')),
    title           text NOT NULL,
    description     text,
    due_date        date,
    remind_at       timestamptz,
    assignee_id     uuid NOT NULL REFERENCES users (id),
    company_id      uuid REFERENCES companies (id),
    person_id       uuid REFERENCES persons (id),
    interaction_id  uuid REFERENCES interactions (id),
    deal_id         uuid REFERENCES deals (id),
    status          text NOT NULL CHECK (status IN ('open', 'completed')),
    completed_at    timestamptz,
    completed_by    uuid REFERENCES users (id),
    created_at      timestamptz NOT NULL,
    created_by      uuid NOT NULL REFERENCES users (id),
    updated_at      timestamptz NOT NULL,
    updated_by      uuid NOT NULL REFERENCES users (id),
    version         bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, due_date);
CREATE INDEX tasks_company ON tasks (company_id);
CREATE INDEX tasks_person ON tasks (person_id);
CREATE INDEX tasks_interaction ON tasks (interaction_id);
CREATE INDEX tasks_deal ON tasks (deal_id);
CREATE INDEX tasks_completed_by ON tasks (completed_by);
CREATE INDEX tasks_created_by ON tasks (created_by);
CREATE INDEX tasks_updated_by ON tasks (updated_by);

CREATE TABLE notifications (
    id              uuid PRIMARY KEY,
    user_id         uuid NOT NULL REFERENCES users (id),
    kind            text NOT NULL CHECK (kind IN ('reminder_due', 'task_assigned', 'confirmation_requested')),
    task_id         uuid NOT NULL REFERENCES tasks (id),
    interaction_id  uuid REFERENCES interactions (id),
    due_at          timestamptz NOT NULL,
    created_at      timestamptz NOT NULL,
    claimed_until   timestamptz,
    delivered_at    timestamptz
);
CREATE INDEX notifications_user ON notifications (user_id, delivered_at, due_at);
CREATE INDEX notifications_task ON notifications (task_id);
CREATE INDEX notifications_interaction ON notifications (interaction_id);

CREATE TABLE teams (
    id          uuid PRIMARY KEY,
    name        text COLLATE "C" NOT NULL UNIQUE,
    created_at  timestamptz NOT NULL,
    created_by  uuid NOT NULL REFERENCES users (id),
    updated_at  timestamptz NOT NULL,
    updated_by  uuid NOT NULL REFERENCES users (id),
    version     bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX teams_created_by ON teams (created_by);
CREATE INDEX teams_updated_by ON teams (updated_by);

CREATE TABLE team_members (
    team_id   uuid NOT NULL REFERENCES teams (id),
    user_id   uuid NOT NULL REFERENCES users (id),
    position  integer NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id, team_id);

CREATE TABLE business_cards (
    id              uuid PRIMARY KEY,
    media_type      text NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/heic')),
    size_bytes      bigint NOT NULL CHECK (size_bytes > 0),
    transcriber_id  uuid NOT NULL REFERENCES users (id),
    status          text NOT NULL CHECK (status IN ('pending', 'transcribed', 'discarded')),
    person_id       uuid REFERENCES persons (id),
    company_id      uuid REFERENCES companies (id),
    discard_reason  text,
    created_at      timestamptz NOT NULL,
    created_by      uuid NOT NULL REFERENCES users (id),
    updated_at      timestamptz NOT NULL,
    updated_by      uuid NOT NULL REFERENCES users (id),
    version         bigint NOT NULL CHECK (version >= 1)
);
CREATE INDEX business_cards_queue ON business_cards (transcriber_id, status, created_at, id);
CREATE INDEX business_cards_person ON business_cards (person_id);
CREATE INDEX business_cards_company ON business_cards (company_id);
CREATE INDEX business_cards_created_by ON business_cards (created_by);
CREATE INDEX business_cards_updated_by ON business_cards (updated_by);

CREATE TABLE card_images (
    card_id  uuid PRIMARY KEY REFERENCES business_cards (id),
    bytes    bytea NOT NULL
);
