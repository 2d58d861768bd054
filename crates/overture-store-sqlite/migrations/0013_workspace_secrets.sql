-- Secrets of a workspace rather than of one account (the DKIM signing key of a sending
-- domain), encrypted above the store like `secrets`.
CREATE TABLE workspace_secrets (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    nonce        BLOB NOT NULL,
    ciphertext   BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, name)
) WITHOUT ROWID;
