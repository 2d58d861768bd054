-- Account leases: which worker acts for which account, until when, and the fencing token
-- that grows each time the account changes hands (many engines on one database).
CREATE TABLE account_leases (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id) ON DELETE CASCADE,
    worker     TEXT NOT NULL,
    fence      INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE INDEX account_leases_by_worker ON account_leases (worker, expires_at);
