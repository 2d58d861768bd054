-- Webhooks: endpoints with their signing secret (sealed above the store: the store keeps a
-- nonce and a ciphertext), the outbox of deliveries, each attempt, and how far the
-- dispatcher has read each workspace's events.
CREATE TABLE webhook_endpoints (
    id                    INTEGER PRIMARY KEY,
    workspace_id          INTEGER NOT NULL REFERENCES workspaces (id),
    url                   TEXT NOT NULL,
    events                TEXT NOT NULL, -- JSON array of subscription names
    enabled               INTEGER NOT NULL DEFAULT 1,
    disabled_reason       TEXT,
    allow_private_targets INTEGER NOT NULL DEFAULT 0,
    secret_nonce          BLOB NOT NULL,
    secret_ciphertext     BLOB NOT NULL,
    created_at            INTEGER NOT NULL,
    updated_at            INTEGER NOT NULL,
    UNIQUE (workspace_id, url)
);

CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    workspace_id    INTEGER NOT NULL REFERENCES workspaces (id),
    endpoint_id     INTEGER NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id        INTEGER REFERENCES events (id),
    event_type      TEXT NOT NULL,
    message_id      TEXT NOT NULL UNIQUE,
    payload         TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_status     INTEGER,
    last_error      TEXT,
    created_at      INTEGER NOT NULL,
    finished_at     INTEGER,
    -- One delivery per event and endpoint: queuing again adds nothing. Pings have no event
    -- (NULLs are distinct), so each is new.
    UNIQUE (endpoint_id, event_id)
);

-- The deliverer's question: pending deliveries due first.
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_workspace ON webhook_deliveries (workspace_id, id);

CREATE TABLE webhook_attempts (
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    status      INTEGER,
    error       TEXT,
    PRIMARY KEY (delivery_id, number)
) WITHOUT ROWID;

CREATE TABLE webhook_cursors (
    workspace_id INTEGER PRIMARY KEY REFERENCES workspaces (id),
    event_id     INTEGER NOT NULL
);
