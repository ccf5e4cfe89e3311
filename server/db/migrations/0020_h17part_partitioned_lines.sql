-- node_run_lines becomes a table partitioned by RANGE (run_key), so retention drops a partition
-- whose runs have all expired instead of deleting its lines one by one (README, "Retention").
-- Existing lines are copied in, one partition per week in which their runs were created.
--
-- The parent cannot have the primary key (node_key, seq) (it lacks the partition key): every
-- partition has it as its own primary key, unique overall because a node run's lines all carry
-- its one run's key. (run_key, run_seq) stays a unique index of the parent.
ALTER TABLE "node_run_lines" RENAME TO "node_run_lines_unpartitioned";
--> statement-breakpoint
ALTER TABLE "node_run_lines_unpartitioned" DROP CONSTRAINT "node_run_lines_node_key_seq_pk";
--> statement-breakpoint
DROP INDEX "node_run_lines_run_seq_idx";
--> statement-breakpoint
DROP INDEX "node_run_lines_level_idx";
--> statement-breakpoint
DROP INDEX "node_run_lines_run_level_idx";
--> statement-breakpoint
ALTER SEQUENCE "node_run_lines_id_seq" OWNED BY NONE;
--> statement-breakpoint
CREATE TABLE "node_run_lines" (
	"node_key" integer NOT NULL,
	"seq" integer NOT NULL,
	"run_key" integer NOT NULL,
	"run_seq" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"id" bigint DEFAULT nextval('node_run_lines_id_seq') NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"tags" jsonb
) PARTITION BY RANGE ("run_key");
--> statement-breakpoint
ALTER SEQUENCE "node_run_lines_id_seq" OWNED BY "node_run_lines"."id";
--> statement-breakpoint
-- Opens the partition that holds run key `want` if none does yet: [the highest bound opened,
-- greatest(want + 1, that bound + span)), one partition however far `want` lies (partitions are
-- contiguous from the first). Serialized by an advisory lock, so servers racing to open the
-- same one open it once; the lock and the ATTACH (SHARE UPDATE EXCLUSIVE on node_run_lines:
-- reads and inserts go on) are held to the end of the caller's transaction. Answers whether it
-- opened one.
CREATE FUNCTION runboard_open_log_partition(want integer, span integer) RETURNS boolean
LANGUAGE plpgsql SET lock_timeout = '10s' AS $$
DECLARE
  top integer;
  upper integer;
  part text;
BEGIN
  PERFORM pg_advisory_xact_lock(1280266068); -- 'LOGT'
  SELECT max(hi) INTO top FROM log_partitions;
  IF top IS NOT NULL AND want < top THEN
    RETURN false;
  END IF;
  top := coalesce(top, least(want, 1));
  upper := least(greatest(want::bigint + 1, top::bigint + greatest(span, 1)), 2147483647)::integer;
  part := 'node_run_lines_' || CASE WHEN top < 0 THEN 'm' || (-top::bigint)::text ELSE top::text END;
  EXECUTE format('CREATE TABLE %I (LIKE node_run_lines)', part);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (node_key, seq)', part);
  EXECUTE format('ALTER TABLE node_run_lines ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
                 part, top, upper);
  INSERT INTO log_partitions (name, lo, hi, opened_at) VALUES (part, top, upper, now());
  RETURN true;
END $$;
--> statement-breakpoint
-- The guarantee behind the maintainer (services/log-partitions.ts), which opens partitions ahead:
-- a statement that creates runs whose keys no partition holds yet opens one first (at least 1 000
-- keys), so a run's lines always have a partition, whatever inserted it (API, seed, bulk SQL).
-- Costs one lookup of the highest partition per statement.
CREATE FUNCTION runboard_log_partition_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  want integer;
  top integer;
  span integer;
BEGIN
  SELECT max(log_key) INTO want FROM added;
  SELECT hi, hi - lo INTO top, span FROM log_partitions ORDER BY lo DESC LIMIT 1;
  IF want IS NOT NULL AND (top IS NULL OR want >= top) THEN
    PERFORM runboard_open_log_partition(want, greatest(coalesce(span, 0), 1000));
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "workflow_runs_log_partition" AFTER INSERT ON "workflow_runs"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT
  EXECUTE FUNCTION runboard_log_partition_guard();
--> statement-breakpoint
-- Partitions for what is there: one per week of run creation (bounded below by the week's first
-- key, kept rising), then the current one, which holds the next key and at least 1 000 more
-- (twice the last week's runs if that is more). Their time spans come from the runs' times.
DO $$
DECLARE
  bound integer;
  next_key integer;
  span integer;
BEGIN
  SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END INTO next_key
    FROM workflow_runs_log_key_seq;
  next_key := greatest(next_key, (SELECT max(run_key) + 1 FROM node_run_lines_unpartitioned));
  SELECT greatest(1000, 2 * count(*)) INTO span FROM workflow_runs
    WHERE created_at > now() - interval '7 days';
  FOR bound IN
    SELECT DISTINCT k FROM (
      SELECT max(k) OVER (ORDER BY w) AS k
      FROM (SELECT date_trunc('week', created_at) AS w, min(log_key) AS k
            FROM workflow_runs GROUP BY 1) weeks) rising
    WHERE k > 1 ORDER BY k
  LOOP
    PERFORM runboard_open_log_partition(bound - 1, 1);
  END LOOP;
  PERFORM runboard_open_log_partition(next_key + span - 1, span);
  UPDATE log_partitions p SET
    started_at = (SELECT min(created_at) FROM workflow_runs WHERE log_key >= p.lo AND log_key < p.hi),
    closed_at = CASE WHEN p.hi <= next_key
                THEN (SELECT min(created_at) FROM workflow_runs WHERE log_key >= p.hi) END;
END $$;
--> statement-breakpoint
INSERT INTO "node_run_lines" (node_key, seq, run_key, run_seq, created_at, id, level, message, tags)
SELECT node_key, seq, run_key, run_seq, created_at, id, level, message, tags
FROM "node_run_lines_unpartitioned";
--> statement-breakpoint
DROP TABLE "node_run_lines_unpartitioned";
--> statement-breakpoint
CREATE UNIQUE INDEX "node_run_lines_run_seq_idx" ON "node_run_lines" USING btree ("run_key","run_seq");
--> statement-breakpoint
CREATE INDEX "node_run_lines_level_idx" ON "node_run_lines" USING btree ("node_key","level","seq") WHERE level IN ('WARN', 'ERROR');
--> statement-breakpoint
CREATE INDEX "node_run_lines_run_level_idx" ON "node_run_lines" USING btree ("run_key","level","run_seq") WHERE level IN ('WARN', 'ERROR');
