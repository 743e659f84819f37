-- v1: users and the customer ledger (companies, persons).
-- Ids are hyphenated UUIDv7 text; timestamps are ISO-8601 UTC text with milliseconds
-- (2026-11-26T06:30:00.000Z); booleans are 0/1. Every foreign key has an index.
-- This file is frozen once released: change the schema in a new numbered file.

CREATE TABLE users (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    email       TEXT NOT NULL UNIQUE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    active      INTEGER NOT NULL CHECK (active IN (0, 1)),
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    version     INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX users_created_by ON users (created_by);
CREATE INDEX users_updated_by ON users (updated_by);

CREATE TABLE companies (
    id            TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    name_reading  TEXT,
    postal_code   TEXT,
    address       TEXT,
    phone         TEXT,
    website       TEXT,
    industry      TEXT,
    notes         TEXT,
    archived      INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    sort_key      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL REFERENCES users (id),
    version       INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX companies_sort ON companies (sort_key, id);
CREATE INDEX companies_name ON companies (name);
CREATE INDEX companies_created_by ON companies (created_by);
CREATE INDEX companies_updated_by ON companies (updated_by);

CREATE TABLE persons (
    id            TEXT PRIMARY KEY NOT NULL,
    company_id    TEXT NOT NULL REFERENCES companies (id),
    name          TEXT NOT NULL,
    name_reading  TEXT,
    department    TEXT,
    title         TEXT,
    email         TEXT,
    office_phone  TEXT,
    mobile_phone  TEXT,
    notes         TEXT,
    archived      INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    sort_key      TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    created_by    TEXT NOT NULL REFERENCES users (id),
    updated_at    TEXT NOT NULL,
    updated_by    TEXT NOT NULL REFERENCES users (id),
    version       INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX persons_company ON persons (company_id, sort_key, id);
CREATE INDEX persons_sort ON persons (sort_key, id);
CREATE INDEX persons_created_by ON persons (created_by);
CREATE INDEX persons_updated_by ON persons (updated_by);
