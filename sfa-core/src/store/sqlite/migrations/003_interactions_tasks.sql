-- v3: interactions (visits, calls...), tasks and the notifications outbox.
-- Instants are ISO-8601 UTC text like the rest of the schema; a task's due date is a
-- local calendar date, 'YYYY-MM-DD'.

CREATE TABLE interactions (
    id             TEXT PRIMARY KEY NOT NULL,
    company_id     TEXT NOT NULL REFERENCES companies (id),
    kind           TEXT NOT NULL CHECK (kind IN ('visit', 'call', 'email', 'web_meeting', 'other')),
    purpose        TEXT NOT NULL,
    starts_at      TEXT NOT NULL,
    ends_at        TEXT NOT NULL CHECK (ends_at >= starts_at),
    location       TEXT,
    notes          TEXT,
    status         TEXT NOT NULL CHECK (status IN ('planned', 'done', 'cancelled')),
    outcome        TEXT,
    report_to      TEXT REFERENCES users (id),
    reported_at    TEXT,
    reported_by    TEXT REFERENCES users (id),
    cancel_reason  TEXT,
    created_at     TEXT NOT NULL,
    created_by     TEXT NOT NULL REFERENCES users (id),
    updated_at     TEXT NOT NULL,
    updated_by     TEXT NOT NULL REFERENCES users (id),
    version        INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX interactions_company ON interactions (company_id, starts_at, id);
CREATE INDEX interactions_report_to ON interactions (report_to);
CREATE INDEX interactions_reported_by ON interactions (reported_by);
CREATE INDEX interactions_created_by ON interactions (created_by);
CREATE INDEX interactions_updated_by ON interactions (updated_by);

-- Our side: the users taking part, in the order given.
CREATE TABLE interaction_participants (
    interaction_id  TEXT NOT NULL REFERENCES interactions (id),
    user_id         TEXT NOT NULL REFERENCES users (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, user_id)
) STRICT;
CREATE INDEX interaction_participants_user ON interaction_participants (user_id, interaction_id);

-- Their side: the persons met, in the order given.
CREATE TABLE interaction_persons (
    interaction_id  TEXT NOT NULL REFERENCES interactions (id),
    person_id       TEXT NOT NULL REFERENCES persons (id),
    position        INTEGER NOT NULL,
    PRIMARY KEY (interaction_id, person_id)
) STRICT;
CREATE INDEX interaction_persons_person ON interaction_persons (person_id, interaction_id);

CREATE TABLE tasks (
    id              TEXT PRIMARY KEY NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('todo', 'confirmation')),
    title           TEXT NOT NULL,
    description     TEXT,
    due_date        TEXT,
    remind_at       TEXT,
    assignee_id     TEXT NOT NULL REFERENCES users (id),
    company_id      TEXT REFERENCES companies (id),
    person_id       TEXT REFERENCES persons (id),
    interaction_id  TEXT REFERENCES interactions (id),
    status          TEXT NOT NULL CHECK (status IN ('open', 'completed')),
    completed_at    TEXT,
    completed_by    TEXT REFERENCES users (id),
    created_at      TEXT NOT NULL,
    created_by      TEXT NOT NULL REFERENCES users (id),
    updated_at      TEXT NOT NULL,
    updated_by      TEXT NOT NULL REFERENCES users (id),
    version         INTEGER NOT NULL CHECK (version >= 1)
) STRICT;
CREATE INDEX tasks_assignee ON tasks (assignee_id, status, due_date);
CREATE INDEX tasks_company ON tasks (company_id);
CREATE INDEX tasks_person ON tasks (person_id);
CREATE INDEX tasks_interaction ON tasks (interaction_id);
CREATE INDEX tasks_completed_by ON tasks (completed_by);
CREATE INDEX tasks_created_by ON tasks (created_by);
CREATE INDEX tasks_updated_by ON tasks (updated_by);

-- The outbox host apps poll. A poll claims what is due until `claimed_until`, so
-- concurrent pollers never receive the same row; a claim that is never marked
-- delivered (the app crashed) expires and the row is handed out again.
CREATE TABLE notifications (
    id              TEXT PRIMARY KEY NOT NULL,
    user_id         TEXT NOT NULL REFERENCES users (id),
    kind            TEXT NOT NULL CHECK (kind IN ('reminder_due', 'task_assigned', 'confirmation_requested')),
    task_id         TEXT NOT NULL REFERENCES tasks (id),
    interaction_id  TEXT REFERENCES interactions (id),
    due_at          TEXT NOT NULL,
    created_at      TEXT NOT NULL,
    claimed_until   TEXT,
    delivered_at    TEXT
) STRICT;
CREATE INDEX notifications_user ON notifications (user_id, delivered_at, due_at);
CREATE INDEX notifications_task ON notifications (task_id);
CREATE INDEX notifications_interaction ON notifications (interaction_id);
