-- The campaign engine: enrollments, the effect ledger, back-offs and poll cursors (SQLite).
-- Timestamps are integer Unix milliseconds.

-- One lead's progress through one campaign. `step` may equal the number of steps: the
-- implicit withdrawal of a `not_accepted: withdraw` branch, after which the sequence ends.
CREATE TABLE enrollments (
    id           INTEGER PRIMARY KEY,
    workspace_id INTEGER NOT NULL REFERENCES workspaces (id),
    campaign_id  INTEGER NOT NULL REFERENCES campaigns (id),
    lead_id      INTEGER NOT NULL REFERENCES leads (id),
    account_id   INTEGER REFERENCES accounts (id),
    step         INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL,
    next_due_at  INTEGER,
    -- The chosen text variant per step, a JSON array of indices.
    variants     TEXT NOT NULL DEFAULT '[]',
    -- How many times the current step's action was planned anew (part of its key).
    attempt      INTEGER NOT NULL DEFAULT 0,
    reason       TEXT,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    UNIQUE (campaign_id, lead_id)
);

-- One open enrollment per person and workspace, across campaigns: two seats of a workspace
-- never work the same person at once.
CREATE UNIQUE INDEX enrollments_one_open
    ON enrollments (workspace_id, lead_id) WHERE state IN ('active', 'waiting');
CREATE INDEX enrollments_due
    ON enrollments (next_due_at, id)
    WHERE state IN ('active', 'waiting') AND next_due_at IS NOT NULL;
CREATE INDEX enrollments_account ON enrollments (account_id, state);

-- The effect ledger, one entry per action (keyed by its idempotency key): the intent is
-- committed before the channel is called, the result after it.
ALTER TABLE actions ADD COLUMN intent_at INTEGER;
ALTER TABLE actions ADD COLUMN with_note INTEGER NOT NULL DEFAULT 0;
-- NULL while no result is known; then 'done', 'failed' or 'in_doubt'.
ALTER TABLE actions ADD COLUMN effect TEXT;
ALTER TABLE actions ADD COLUMN effect_at INTEGER;
-- The channel's id for what the effect created (an invitation id).
ALTER TABLE actions ADD COLUMN external_id TEXT;
ALTER TABLE actions ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;

CREATE INDEX actions_effects ON actions (account_id, kind, intent_at)
    WHERE intent_at IS NOT NULL;
CREATE INDEX actions_planned ON actions (account_id, kind, due_at)
    WHERE state IN ('queued', 'claimed');
CREATE INDEX actions_in_flight ON actions (id)
    WHERE state = 'claimed' AND intent_at IS NOT NULL AND effect IS NULL;
CREATE INDEX actions_enrollment ON actions (enrollment_id, state)
    WHERE enrollment_id IS NOT NULL;
CREATE INDEX actions_lead ON actions (lead_id, campaign_id) WHERE lead_id IS NOT NULL;

CREATE INDEX invitations_lead ON invitations (lead_id, account_id);

-- Per account and axis (an action kind, or `invite_note`): nothing on that axis before `until`.
CREATE TABLE backoffs (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    axis       TEXT NOT NULL,
    until      INTEGER NOT NULL,
    reason     TEXT NOT NULL,
    PRIMARY KEY (account_id, axis)
) WITHOUT ROWID;

-- When each account was last polled for new connections and replies.
CREATE TABLE poll_cursors (
    account_id INTEGER NOT NULL REFERENCES accounts (id),
    kind       TEXT NOT NULL,
    polled_at  INTEGER NOT NULL,
    PRIMARY KEY (account_id, kind)
) WITHOUT ROWID;
