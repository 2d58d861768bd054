-- Account leases: which worker acts for which account, until when, and the fencing token
-- that grows each time the account changes hands (many engines on one database).
CREATE TABLE account_leases (
    account_id BIGINT PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    worker     TEXT NOT NULL,
    fence      BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);

CREATE INDEX account_leases_by_worker ON account_leases (worker, expires_at);
