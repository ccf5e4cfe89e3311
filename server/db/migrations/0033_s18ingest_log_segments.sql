-- A whole run's lines by run_seq are found through log_segments and node_run_lines' primary key
-- (db/log-segments.ts) instead of a unique index of every line by (run_key, run_seq), which cost
-- the ingest ~1.3 µs of PostgreSQL's CPU a line and ~25 bytes a stored line (issue 17).
CREATE TABLE "log_segments" (
	"run_key" integer NOT NULL,
	"run_seq" integer NOT NULL,
	"node_key" integer NOT NULL,
	"seq" integer NOT NULL,
	"lines" integer NOT NULL,
	CONSTRAINT "log_segments_run_key_run_seq_pk" PRIMARY KEY("run_key","run_seq")
);
--> statement-breakpoint
-- The segments of the runs with these log keys, rebuilt from their lines: within a node run,
-- consecutive lines with the same run_seq - seq were numbered in one stretch of the run (the
-- difference grows whenever another node run's lines come between, and never shrinks), so each
-- (node run, difference) is one segment. For writers that do not write segments themselves (the
-- demo seed's generated logs, tests and benches that insert lines directly); the ingest writes its
-- own with its lines.
CREATE FUNCTION runboard_rebuild_log_segments(keys integer[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM log_segments WHERE run_key = ANY(keys);
  INSERT INTO log_segments (run_key, run_seq, node_key, seq, lines)
  SELECT l.run_key, min(l.run_seq), l.node_key, min(l.seq), count(*)
  FROM node_run_lines l
  WHERE l.run_key = ANY(keys)
    AND l.node_key IN (SELECT n.log_key FROM node_runs n JOIN workflow_runs r
                         ON r.identifier = n.workflow_run_identifier
                       WHERE r.log_key = ANY(keys))
  GROUP BY l.run_key, l.node_key, l.run_seq - l.seq;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;
--> statement-breakpoint
INSERT INTO "log_segments" ("run_key", "run_seq", "node_key", "seq", "lines")
SELECT "run_key", min("run_seq"), "node_key", min("seq"), count(*)
FROM "node_run_lines"
GROUP BY "run_key", "node_key", "run_seq" - "seq";
--> statement-breakpoint
DROP INDEX "node_run_lines_run_seq_idx";
