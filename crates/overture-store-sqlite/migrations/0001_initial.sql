-- Overture's initial schema (SQLite). The PostgreSQL store uses the same file names.
-- Timestamps are integer Unix milliseconds. Opaque domain values (limits, working hours,
-- campaign specs, custom fields, tags, account status) are JSON text.

CREATE TABLE workspaces (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

INSERT INTO workspaces (id, name) VALUES (1, 'default');

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    workspace_id  INTEGER NOT NULL REFERENCES workspaces (id),
    name          TEXT NOT NULL,
    kind          TEXT NOT NULL,
    tier          TEXT NOT NULL,
    time_zone     TEXT NOT NULL,
    working_hours TEXT NOT NULL,
    limits        TEXT NOT NULL,
    status        TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE leads (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    profile_url  TEXT NOT NULL,
    first_name   TEXT,
    last_name    TEXT,
    headline     TEXT,
    company      TEXT,
    position     TEXT,
    location     TEXT,
    email        TEXT,
    custom       TEXT NOT NULL,
    tags         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, profile_url)
);

CREATE TABLE lead_lists (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE lead_list_members (
    list_id INTEGER NOT NULL REFERENCES lead_lists (id),
    lead_id INTEGER NOT NULL REFERENCES leads (id),
    PRIMARY KEY (list_id, lead_id)
) WITHOUT ROWID;

CREATE INDEX lead_list_members_lead ON lead_list_members (lead_id);

CREATE TABLE campaigns (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    name            TEXT NOT NULL,
    status          TEXT NOT NULL,
    current_version INTEGER NOT NULL,
    UNIQUE (workspace_id, name)
);

CREATE TABLE campaign_versions (
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    version     INTEGER NOT NULL,
    source      TEXT NOT NULL,
    spec        TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (campaign_id, version)
);

-- AUTOINCREMENT: event ids never go back, even if the newest events were ever deleted.
CREATE TABLE events (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT NOT NULL,
    at           INTEGER NOT NULL,
    account_id   INTEGER REFERENCES accounts (id),
    lead_id      INTEGER REFERENCES leads (id),
    campaign_id  INTEGER REFERENCES campaigns (id),
    data         TEXT NOT NULL
);

CREATE INDEX events_workspace ON events (workspace_id, id);

CREATE TABLE invitations (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    lead_id      INTEGER NOT NULL REFERENCES leads (id),
    campaign_id  INTEGER REFERENCES campaigns (id),
    external_id  TEXT,
    note         TEXT,
    sent_at      INTEGER NOT NULL,
    state        TEXT NOT NULL,
    resolved_at  INTEGER
);

-- At most one pending invitation per sender and person.
CREATE UNIQUE INDEX invitations_one_pending
    ON invitations (workspace_id, account_id, lead_id) WHERE state = 'pending';
CREATE INDEX invitations_workspace ON invitations (workspace_id, account_id, state);

CREATE TABLE cooldowns (
    workspace_id        INTEGER NOT NULL REFERENCES workspaces (id),
    account_id          INTEGER NOT NULL REFERENCES accounts (id),
    lead_id             INTEGER NOT NULL REFERENCES leads (id),
    reinvite_not_before INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, account_id, lead_id)
) WITHOUT ROWID;

CREATE TABLE actions (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    account_id      INTEGER NOT NULL REFERENCES accounts (id),
    lead_id         INTEGER REFERENCES leads (id),
    campaign_id     INTEGER REFERENCES campaigns (id),
    enrollment_id   INTEGER,
    kind            TEXT NOT NULL,
    payload         TEXT NOT NULL,
    due_at          INTEGER NOT NULL,
    idempotency_key TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT,
    lease_until     INTEGER,
    fence           INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (workspace_id, idempotency_key)
);

-- The claim query scans queued actions by due time and claimed ones by lease expiry.
CREATE INDEX actions_queued ON actions (due_at, id) WHERE state = 'queued';
CREATE INDEX actions_claimed ON actions (lease_until, id) WHERE state = 'claimed';
CREATE INDEX actions_workspace ON actions (workspace_id, state, account_id);
