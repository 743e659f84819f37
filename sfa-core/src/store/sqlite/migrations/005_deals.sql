-- v5: master data (campaigns, stages, confidence levels, product categories, products),
-- deals with their line items, and tasks' link to a deal. Money, prices and quantities
-- are exact decimal text ('1234.5'); dates are 'YYYY-MM-DD'; percentages are whole
-- numbers 0-100. Masters are retired (retired = 1), never deleted while referenced.

CREATE TABLE campaigns (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    starts_on   TEXT NOT NULL,
    ends_on     TEXT NOT NULL CHECK (ends_on >= starts_on),
    cost        TEXT NOT NULL,
    notes       TEXT,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    version     INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX campaigns_created_by ON campaigns (created_by);
CREATE INDEX campaigns_updated_by ON campaigns (updated_by);

CREATE TABLE stages (
    id                  TEXT PRIMARY KEY NOT NULL,
    name                TEXT NOT NULL UNIQUE,
    position            INTEGER NOT NULL,
    default_percentage  INTEGER CHECK (default_percentage BETWEEN 0 AND 100),
    retired             INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at          TEXT NOT NULL,
    created_by          TEXT NOT NULL REFERENCES users (id),
    updated_at          TEXT NOT NULL,
    updated_by          TEXT NOT NULL REFERENCES users (id),
    version             INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX stages_created_by ON stages (created_by);
CREATE INDEX stages_updated_by ON stages (updated_by);

CREATE TABLE confidences (
    id          TEXT PRIMARY KEY NOT NULL,
    label       TEXT NOT NULL UNIQUE,
    percentage  INTEGER NOT NULL CHECK (percentage BETWEEN 0 AND 100),
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    version     INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX confidences_created_by ON confidences (created_by);
CREATE INDEX confidences_updated_by ON confidences (updated_by);

CREATE TABLE product_categories (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    retired     INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    version     INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX product_categories_created_by ON product_categories (created_by);
CREATE INDEX product_categories_updated_by ON product_categories (updated_by);

CREATE TABLE products (
    id           TEXT PRIMARY KEY NOT NULL,
    category_id  TEXT NOT NULL REFERENCES product_categories (id),
    code         TEXT NOT NULL UNIQUE,
    name         TEXT NOT NULL,
    unit_price   TEXT NOT NULL,
    retired      INTEGER NOT NULL DEFAULT 0 CHECK (retired IN (0, 1)),
    created_at   TEXT NOT NULL,
    created_by   TEXT NOT NULL REFERENCES users (id),
    updated_at   TEXT NOT NULL,
    updated_by   TEXT NOT NULL REFERENCES users (id),
    version      INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX products_category ON products (category_id);
CREATE INDEX products_created_by ON products (created_by);
CREATE INDEX products_updated_by ON products (updated_by);

-- sort_key: the close date of a closed deal, else the expected close date, else
-- '9999-12-31'; every deal list is ordered by (sort_key, id).
CREATE TABLE deals (
    id                 TEXT PRIMARY KEY NOT NULL,
    company_id         TEXT NOT NULL REFERENCES companies (id),
    name               TEXT NOT NULL,
    owner_id           TEXT NOT NULL REFERENCES users (id),
    amount             TEXT,
    expected_close_on  TEXT,
    stage_id           TEXT REFERENCES stages (id),
    confidence_id      TEXT REFERENCES confidences (id),
    campaign_id        TEXT REFERENCES campaigns (id),
    notes              TEXT,
    status             TEXT NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    closed_on          TEXT,
    lost_reason        TEXT,
    sort_key           TEXT NOT NULL,
    created_at         TEXT NOT NULL,
    created_by         TEXT NOT NULL REFERENCES users (id),
    updated_at         TEXT NOT NULL,
    updated_by         TEXT NOT NULL REFERENCES users (id),
    version            INTEGER NOT NULL CHECK (version >= 1),
    CHECK ((status = 'open') = (closed_on IS NULL))
) STRICT;
CREATE INDEX deals_owner ON deals (owner_id, status, sort_key, id);
CREATE INDEX deals_company ON deals (company_id, sort_key, id);
CREATE INDEX deals_campaign ON deals (campaign_id, sort_key, id);
CREATE INDEX deals_stage ON deals (stage_id);
CREATE INDEX deals_confidence ON deals (confidence_id);
CREATE INDEX deals_created_by ON deals (created_by);
CREATE INDEX deals_updated_by ON deals (updated_by);

CREATE TABLE deal_lines (
    deal_id     TEXT NOT NULL REFERENCES deals (id),
    position    INTEGER NOT NULL,
    product_id  TEXT NOT NULL REFERENCES products (id),
    quantity    TEXT NOT NULL,
    unit_price  TEXT NOT NULL,
    amount      TEXT NOT NULL,
    PRIMARY KEY (deal_id, position)
) STRICT;
CREATE INDEX deal_lines_product ON deal_lines (product_id, deal_id);

ALTER TABLE tasks ADD COLUMN deal_id TEXT REFERENCES deals (id);
CREATE INDEX tasks_deal ON tasks (deal_id);
