-- Every change of an action's state rewrote an entry in these two indexes, on every claim,
-- intent and result. `actions_workspace` served only listings (which walk the primary key
-- just as well, newest work being at its end), and the enrollment index needs no state:
-- an enrollment has a handful of actions, read from the table.
DROP INDEX actions_workspace;
DROP INDEX actions_enrollment;
CREATE INDEX actions_enrollment ON actions (enrollment_id) WHERE enrollment_id IS NOT NULL;

-- The planned part of an account's history, answered from the index alone: with the state
-- in it, no table row is read to check it.
DROP INDEX actions_planned;
CREATE INDEX actions_planned ON actions (account_id, kind, due_at, intent_at, state)
    WHERE state IN ('queued', 'claimed');

-- In-flight intents are looked for once, at start-up, among the claimed actions (which have
-- their own index); keeping a third index up to date on every intent and result cost more.
DROP INDEX actions_in_flight;
