-- Secrets of an account (LinkedIn session cookies, later SMTP passwords and API tokens),
-- encrypted above the store: the store keeps the nonce and the ciphertext as opaque bytes and
-- never sees a key or a clear value (`Store::put_secret`).
CREATE TABLE secrets (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    name         TEXT NOT NULL,
    nonce        BYTEA NOT NULL,
    ciphertext   BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, account_id, name)
);
