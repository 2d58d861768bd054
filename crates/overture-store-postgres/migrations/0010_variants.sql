-- Text variants that learn (`Store::variant_stats`).

-- The campaign step an action carries out and the text variant it sends (NULL for an action
-- without one), so that sends are counted by variant without reading the engine's payloads.
ALTER TABLE actions ADD COLUMN step BIGINT;
ALTER TABLE actions ADD COLUMN variant BIGINT;

-- Actions queued before: the step is in their payload and the variant is the one their
-- enrollment kept for that step (every step had one, chosen at enrollment).
UPDATE actions
   SET step = (payload::jsonb ->> 'step')::BIGINT,
       variant = (SELECT (e.variants::jsonb ->> ((actions.payload::jsonb ->> 'step')::INT))::BIGINT
                    FROM enrollments e WHERE e.id = actions.enrollment_id)
 WHERE enrollment_id IS NOT NULL AND kind IN ('invite', 'message', 'email');

-- A campaign's sends by step and variant. The index grows by one entry when a send is done,
-- never on the other changes of an action's state.
CREATE INDEX actions_variants ON actions (campaign_id, step, variant)
    WHERE variant IS NOT NULL AND state = 'done';

-- A person's replies, to tell whether one came after a send.
CREATE INDEX events_replies ON events (lead_id, at) WHERE kind = 'reply_received';
