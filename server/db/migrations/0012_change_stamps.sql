-- Every insert and update of a run or node run takes the next number of one sequence, so a
-- poll's ETag (the sum of a run's and its node runs' stamps) changes whenever anything it shows
-- changes, whatever code path wrote it, and in whatever order concurrent transactions commit.
CREATE SEQUENCE IF NOT EXISTS "run_change_seq";--> statement-breakpoint
CREATE OR REPLACE FUNCTION "stamp_run_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.version := nextval('run_change_seq');
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "workflow_runs_stamp" BEFORE INSERT OR UPDATE ON "workflow_runs"
  FOR EACH ROW EXECUTE FUNCTION "stamp_run_change"();--> statement-breakpoint
-- The dispatcher's mark that it took a node run (dispatched_at alone, updated_at untouched) is
-- not shown in a run, so it does not make the run's pollers read it again.
CREATE OR REPLACE FUNCTION "stamp_node_run_change"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND NEW.dispatched_at IS DISTINCT FROM OLD.dispatched_at
     AND NEW.updated_at IS NOT DISTINCT FROM OLD.updated_at THEN
    RETURN NEW;
  END IF;
  NEW.version := nextval('run_change_seq');
  RETURN NEW;
END
$$;--> statement-breakpoint
CREATE TRIGGER "node_runs_stamp" BEFORE INSERT OR UPDATE ON "node_runs"
  FOR EACH ROW EXECUTE FUNCTION "stamp_node_run_change"();
-- No backfill: existing rows keep the stamp 0 until they change (any change takes a number above
-- every earlier one, so a poll's tag still moves), and an upgrade does not rewrite both tables.
