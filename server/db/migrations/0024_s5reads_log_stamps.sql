-- A log append (the statement that moves log_seq with the level counters and updated_at, and
-- nothing else: db/log-batches.ts, the demo seed) no longer takes a new change stamp. A run
-- poll's ETag adds the run's log_seq instead (db/workflow-runs.ts runStamp), so Port's shape
-- still changes with every line; the dashboard's summary poll ([ext] ignoreLogCounts=true)
-- leaves log_seq out and answers 304 while only lines were added (it takes the counts from the
-- log it shows). Every other update and every insert is stamped as before, and so is an update
-- that moves log_seq together with the status or result (none does today; the guard keeps a
-- future one from finishing a run without moving its ETag).
CREATE OR REPLACE FUNCTION "stamp_run_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.log_seq IS DISTINCT FROM OLD.log_seq
     AND NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.result IS NOT DISTINCT FROM OLD.result THEN
    RETURN NEW;
  END IF;
  NEW.version := nextval('run_change_seq');
  RETURN NEW;
END
$$;--> statement-breakpoint
-- The dispatcher's mark that it took a node run (dispatched_at alone, updated_at untouched) is
-- not shown in a run either (migration 0012).
CREATE OR REPLACE FUNCTION "stamp_node_run_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND ((NEW.log_seq IS DISTINCT FROM OLD.log_seq
         AND NEW.status IS NOT DISTINCT FROM OLD.status
         AND NEW.result IS NOT DISTINCT FROM OLD.result)
     OR (NEW.dispatched_at IS DISTINCT FROM OLD.dispatched_at
         AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at)) THEN
    RETURN NEW;
  END IF;
  NEW.version := nextval('run_change_seq');
  RETURN NEW;
END
$$;
