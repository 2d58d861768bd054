-- Secrets of a workspace rather than of one account (the DKIM signing key of a sending
-- domain), encrypted above the store like `secrets`.
CREATE TABLE workspace_secrets (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    name         TEXT NOT NULL,
    nonce        BYTEA NOT NULL,
    ciphertext   BYTEA NOT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, name)
);
