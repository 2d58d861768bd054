-- Each account's first-degree connections, as its LinkedIn data export lists them: one row per
-- account and person, with when they connected (Unix milliseconds).
CREATE TABLE connections (
    workspace_id BIGINT NOT NULL REFERENCES workspaces (id),
    account_id   BIGINT NOT NULL REFERENCES accounts (id),
    lead_id      BIGINT NOT NULL REFERENCES leads (id),
    connected_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, lead_id)
);

CREATE INDEX connections_lead ON connections (lead_id);
