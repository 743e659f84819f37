-- v6: teams, business cards, and the indexes the team board and duplicate hints read.

CREATE TABLE teams (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    created_at  TEXT NOT NULL,
    created_by  TEXT NOT NULL REFERENCES users (id),
    updated_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL REFERENCES users (id),
    version     INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX teams_created_by ON teams (created_by);
CREATE INDEX teams_updated_by ON teams (updated_by);

CREATE TABLE team_members (
    team_id   TEXT NOT NULL REFERENCES teams (id),
    user_id   TEXT NOT NULL REFERENCES users (id),
    position  INTEGER NOT NULL,
    PRIMARY KEY (team_id, user_id)
) STRICT;
CREATE INDEX team_members_user ON team_members (user_id, team_id);

-- The board reads every interaction of a window of days, whatever its status.
CREATE INDEX interactions_start ON interactions (starts_at);

-- Duplicate hints look persons up by e-mail and phone.
CREATE INDEX persons_email ON persons (email COLLATE NOCASE) WHERE email IS NOT NULL;
CREATE INDEX persons_office_phone ON persons (office_phone) WHERE office_phone IS NOT NULL;
CREATE INDEX persons_mobile_phone ON persons (mobile_phone) WHERE mobile_phone IS NOT NULL;

CREATE TABLE business_cards (
    id              TEXT PRIMARY KEY NOT NULL,
    media_type      TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'image/heic')),
    size_bytes      INTEGER NOT NULL CHECK (size_bytes > 0),
    transcriber_id  TEXT NOT NULL REFERENCES users (id),
    status          TEXT NOT NULL CHECK (status IN ('pending', 'transcribed', 'discarded')),
    person_id       TEXT REFERENCES persons (id),
    company_id      TEXT REFERENCES companies (id),
    discard_reason  TEXT,
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES users (id),
    version         INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX business_cards_queue ON business_cards (transcriber_id, status, created_at, id);
CREATE INDEX business_cards_person ON business_cards (person_id);
CREATE INDEX business_cards_company ON business_cards (company_id);
CREATE INDEX business_cards_created_by ON business_cards (created_by);
CREATE INDEX business_cards_updated_by ON business_cards (updated_by);

-- The image, written in the card's transaction; never updated or deleted.
CREATE TABLE card_images (
    card_id  TEXT PRIMARY KEY NOT NULL REFERENCES business_cards (id),
    bytes    BLOB NOT NULL
) STRICT;
