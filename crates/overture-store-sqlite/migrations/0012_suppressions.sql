-- The suppression list: addresses, domains and LinkedIn profiles a workspace never contacts.
-- Values are normalised above the store (lower-case addresses and domains, canonical profile
-- URLs), so matching is plain equality.
CREATE TABLE suppressions (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    kind         TEXT NOT NULL CHECK (kind IN ('address', 'domain', 'profile')),
    value        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, kind, value)
) WITHOUT ROWID;

-- Each lead's unsubscribe token (random, unguessable), made the first time an email to the
-- lead needs one.
CREATE TABLE unsubscribe_tokens (
    token        TEXT PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    lead_id      INTEGER NOT NULL UNIQUE REFERENCES leads (id),
    created_at   INTEGER NOT NULL
) WITHOUT ROWID;
