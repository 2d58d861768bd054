-- The suppression list: addresses, domains and LinkedIn profiles a workspace never contacts.
-- Values are normalised above the store (lower-case addresses and domains, canonical profile
-- URLs), so matching is plain equality.
CREATE TABLE suppressions (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    kind         TEXT NOT NULL CHECK (kind IN ('address', 'domain', 'profile')),
    value        TEXT NOT NULL,
    reason       TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, kind, value)
);

-- Each lead's unsubscribe token (random, unguessable), made the first time an email to the
-- lead needs one.
CREATE TABLE unsubscribe_tokens (
    token        TEXT PRIMARY KEY,
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    lead_id      BIGINT NOT NULL UNIQUE REFERENCES leads (id),
    created_at   BIGINT NOT NULL
);

-- Where each mailbox's reading of new mail stands (for IMAP: `UIDVALIDITY:UID`).
CREATE TABLE mailbox_cursors (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id),
    cursor     TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

-- Incoming mail is matched to leads by the Message-ID of what was sent to them, else by the
-- sender's address.
CREATE INDEX actions_email_message ON actions (external_id)
    WHERE kind = 'email' AND external_id IS NOT NULL;
CREATE INDEX leads_email ON leads (workspace_id, lower(trim(email))) WHERE email IS NOT NULL;
