-- The pending-invitation governor's policy per account, as JSON; '{}' is every default
-- (400 pending at most, withdraw after 21 days or below a 2% chance, never before 3 days,
-- 40 withdrawals a day, invitations sent by hand included).
ALTER TABLE accounts ADD COLUMN governor TEXT NOT NULL DEFAULT '{}';
