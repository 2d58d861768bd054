-- Indexes for the API's lists, which page by id (`ORDER BY id`, `id > cursor`): each list
-- reads its page straight from an index in id order instead of sorting every row of the
-- workspace (1,000,000 leads took a third of a second a page).
-- The workspace's leads by id.
CREATE INDEX leads_by_workspace ON leads (workspace_id, id);
-- The workspace's invitations by id, one sender's by id, and one state's by id with the
-- sending time (the filter of old pending invitations reads it from the index).
CREATE INDEX invitations_by_workspace ON invitations (workspace_id, id);
CREATE INDEX invitations_by_account ON invitations (workspace_id, account_id, id);
CREATE INDEX invitations_by_state ON invitations (workspace_id, state, id, sent_at);
