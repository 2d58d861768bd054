-- Secrets of an account (LinkedIn session cookies, later SMTP passwords and API tokens),
-- encrypted above the store: the store keeps the nonce and the ciphertext as opaque bytes and
-- never sees a key or a clear value (`Store::put_secret`).
CREATE TABLE secrets (
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    account_id   INTEGER NOT NULL REFERENCES accounts (id),
    name         TEXT NOT NULL,
    nonce        BLOB NOT NULL,
    ciphertext   BLOB NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, account_id, name)
) WITHOUT ROWID;
