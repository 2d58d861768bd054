-- Work notifications: a NOTIFY on channel `overture_work` when a transaction queues work that
-- an idle worker should pick up at once rather than at its next scheduled instant: new
-- actions, new enrollments, a new account, or a campaign or account whose status changed.
-- The workers LISTEN (PostgresStore::work_queued). Claims, results and releases of actions
-- (updates of `actions`) notify nothing: they would wake every worker for every action.
-- PostgreSQL delivers a notification at commit, and only one of identical ones per transaction,
-- so a transaction that inserts many rows wakes each listener once.

CREATE FUNCTION overture_notify_work() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('overture_work', '');
    RETURN NULL;
END;
$$;

-- Inserts: once per statement, and only when it inserted rows (an `ON CONFLICT DO NOTHING`
-- that skipped every row queues nothing).
CREATE FUNCTION overture_notify_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM inserted) THEN
        PERFORM pg_notify('overture_work', '');
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER actions_notify_work AFTER INSERT ON actions
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION overture_notify_inserted();

CREATE TRIGGER enrollments_notify_work AFTER INSERT ON enrollments
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION overture_notify_inserted();

CREATE TRIGGER accounts_notify_work AFTER INSERT ON accounts
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION overture_notify_inserted();

-- Status changes: per row, and only when the status changed (PostgreSQL allows no transition
-- table on a trigger limited to some columns; status changes are rare, and the notifications
-- of one transaction collapse into one).
CREATE TRIGGER campaigns_notify_work AFTER UPDATE OF status ON campaigns
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION overture_notify_work();

CREATE TRIGGER accounts_status_notify_work AFTER UPDATE OF status ON accounts
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status)
    EXECUTE FUNCTION overture_notify_work();
