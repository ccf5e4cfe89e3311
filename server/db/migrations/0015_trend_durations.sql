-- [ext] Trends: node_run_durations mirrors the node runs the per-node aggregate counts
-- (completed, not re-used, not the trigger), kept by a trigger so every writer of node_runs
-- (run engine, run controls, re-runs, demo seed, bulk SQL) keeps it exact without knowing it.
CREATE FUNCTION node_run_durations_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status = 'COMPLETED' AND NEW.reused_from IS NULL
     AND NEW.node_config_type NOT LIKE '%TRIGGER' THEN
    INSERT INTO node_run_durations AS d (node_run_identifier, workflow_identifier, run_created_at,
        node_identifier, node_title, duration_ms, failed, allow_anyone_to_view, created_by)
    SELECT NEW.identifier, wr.workflow_identifier, wr.created_at, NEW.node_identifier,
        NEW.node_title, (extract(epoch FROM NEW.completed_at - NEW.created_at) * 1000)::float8,
        NEW.result IS NOT DISTINCT FROM 'FAILED', wr.allow_anyone_to_view, wr.created_by
    FROM workflow_runs wr WHERE wr.identifier = NEW.workflow_run_identifier
    ON CONFLICT (node_run_identifier) DO UPDATE SET
      workflow_identifier = EXCLUDED.workflow_identifier, run_created_at = EXCLUDED.run_created_at,
      node_identifier = EXCLUDED.node_identifier, node_title = EXCLUDED.node_title,
      duration_ms = EXCLUDED.duration_ms, failed = EXCLUDED.failed,
      allow_anyone_to_view = EXCLUDED.allow_anyone_to_view, created_by = EXCLUDED.created_by;
  ELSE
    DELETE FROM node_run_durations WHERE node_run_identifier = NEW.identifier;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER node_runs_durations_sync
  AFTER UPDATE OF status, result, created_at, completed_at, reused_from,
    node_identifier, node_title, node_config_type
  ON node_runs FOR EACH ROW EXECUTE FUNCTION node_run_durations_sync();
--> statement-breakpoint
-- Inserts (already completed node runs: triggers, re-used ones, the demo seed, bulk SQL) once per
-- statement, so a bulk insert costs one join rather than one lookup per row.
CREATE FUNCTION node_run_durations_insert() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO node_run_durations (node_run_identifier, workflow_identifier, run_created_at,
      node_identifier, node_title, duration_ms, failed, allow_anyone_to_view, created_by)
  SELECT n.identifier, wr.workflow_identifier, wr.created_at, n.node_identifier, n.node_title,
      (extract(epoch FROM n.completed_at - n.created_at) * 1000)::float8,
      n.result IS NOT DISTINCT FROM 'FAILED', wr.allow_anyone_to_view, wr.created_by
  FROM new_node_runs n JOIN workflow_runs wr ON wr.identifier = n.workflow_run_identifier
  WHERE n.status = 'COMPLETED' AND n.reused_from IS NULL
    AND n.node_config_type NOT LIKE '%TRIGGER';
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER node_runs_durations_insert
  AFTER INSERT ON node_runs REFERENCING NEW TABLE AS new_node_runs
  FOR EACH STATEMENT EXECUTE FUNCTION node_run_durations_insert();
--> statement-breakpoint
-- What the copy takes from the run follows the run (its creation time, workflow, visibility).
CREATE FUNCTION node_run_durations_follow_run() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE node_run_durations SET workflow_identifier = NEW.workflow_identifier,
    run_created_at = NEW.created_at, allow_anyone_to_view = NEW.allow_anyone_to_view,
    created_by = NEW.created_by
  WHERE node_run_identifier IN
    (SELECT identifier FROM node_runs WHERE workflow_run_identifier = NEW.identifier);
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER workflow_runs_durations_follow
  AFTER UPDATE OF workflow_identifier, created_at, allow_anyone_to_view, created_by
  ON workflow_runs FOR EACH ROW
  WHEN (OLD.workflow_identifier IS DISTINCT FROM NEW.workflow_identifier
    OR OLD.created_at IS DISTINCT FROM NEW.created_at
    OR OLD.allow_anyone_to_view IS DISTINCT FROM NEW.allow_anyone_to_view
    OR OLD.created_by IS DISTINCT FROM NEW.created_by)
  EXECUTE FUNCTION node_run_durations_follow_run();
--> statement-breakpoint
-- Backfill the node runs that already exist.
INSERT INTO node_run_durations (node_run_identifier, workflow_identifier, run_created_at,
    node_identifier, node_title, duration_ms, failed, allow_anyone_to_view, created_by)
SELECT n.identifier, wr.workflow_identifier, wr.created_at, n.node_identifier, n.node_title,
    (extract(epoch FROM n.completed_at - n.created_at) * 1000)::float8,
    n.result IS NOT DISTINCT FROM 'FAILED', wr.allow_anyone_to_view, wr.created_by
FROM node_runs n JOIN workflow_runs wr ON wr.identifier = n.workflow_run_identifier
WHERE n.status = 'COMPLETED' AND n.reused_from IS NULL AND n.node_config_type NOT LIKE '%TRIGGER';
