-- Covering indexes for an account's action history (`Store::action_history`), read before
-- every action and every plan: with the effect, the note flag and the intent in the index,
-- the history is answered from the index alone instead of one table lookup per row.
DROP INDEX actions_effects;
CREATE INDEX actions_effects ON actions (account_id, kind, intent_at, effect, with_note)
    WHERE intent_at IS NOT NULL;
DROP INDEX actions_planned;
CREATE INDEX actions_planned ON actions (account_id, kind, due_at, intent_at)
    WHERE state IN ('queued', 'claimed');
