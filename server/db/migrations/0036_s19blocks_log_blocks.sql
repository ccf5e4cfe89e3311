-- A node run's log lines stored as blocks (issue 17, s19blocks): one row per batch written, its
-- lines as arrays, instead of a row per line (schema.ts logBlocks). node_run_lines' lines are
-- converted into blocks by their segments (a node run's lines numbered in one stretch of its run,
-- cut at every 4 096th line), in one transaction (a short pause on a large database, as 0020 was),
-- and the table is dropped. Lines keep their seq, run_seq, level, message, tags and time; their
-- `id`s are renumbered (a line's id is now its block's id × 4 096 + its place in the block).
--
-- Partitioned by RANGE (run_key) as node_run_lines was: each of its partitions gets a partition of
-- log_blocks with the same bounds (log_blocks_<lo>), and runboard_open_log_partition opens
-- log_blocks' partitions from now on (same name scheme, same log_partitions rows).
CREATE TABLE "log_blocks" (
	"node_key" integer NOT NULL,
	"first_seq" integer NOT NULL,
	"last_seq" integer NOT NULL,
	"run_key" integer NOT NULL,
	"run_seq" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"id" bigserial NOT NULL,
	"levels" text NOT NULL,
	"messages" text[] NOT NULL,
	"tags" jsonb[],
	"times" timestamp with time zone[]
) PARTITION BY RANGE ("run_key");
--> statement-breakpoint
CREATE OR REPLACE FUNCTION runboard_open_log_partition(want integer, span integer) RETURNS boolean
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
  part := 'log_blocks_' || CASE WHEN top < 0 THEN 'm' || (-top::bigint)::text ELSE top::text END;
  EXECUTE format('CREATE TABLE %I (LIKE log_blocks INCLUDING COMPRESSION)', part);
  EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (node_key, first_seq)', part);
  EXECUTE format('ALTER TABLE log_blocks ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
                 part, top, upper);
  INSERT INTO log_partitions (name, lo, hi, opened_at) VALUES (part, top, upper, now());
  RETURN true;
END $$;
--> statement-breakpoint
-- A partition of log_blocks for each partition of node_run_lines, with its bounds; log_partitions
-- names the new one. (A partition retention detached but did not drop yet keeps its row and name:
-- retention drops it as before.)
DO $$
DECLARE
  p record;
  part text;
BEGIN
  FOR p IN
    SELECT lp.name, lp.lo, lp.hi FROM log_partitions lp
    JOIN pg_inherits i ON i.inhrelid = to_regclass(lp.name)
    WHERE i.inhparent = 'node_run_lines'::regclass
    ORDER BY lp.lo
  LOOP
    part := 'log_blocks_' || CASE WHEN p.lo < 0 THEN 'm' || (-p.lo::bigint)::text ELSE p.lo::text END;
    EXECUTE format('CREATE TABLE %I (LIKE log_blocks INCLUDING COMPRESSION)', part);
    EXECUTE format('ALTER TABLE %I ADD PRIMARY KEY (node_key, first_seq)', part);
    EXECUTE format('ALTER TABLE log_blocks ATTACH PARTITION %I FOR VALUES FROM (%s) TO (%s)',
                   part, p.lo, p.hi);
    UPDATE log_partitions SET name = part WHERE name = p.name;
  END LOOP;
END $$;
--> statement-breakpoint
-- The lines as blocks: within a node run, consecutive lines with the same run_seq - seq were
-- numbered in one stretch of the run (migration 0033's segments), cut at every 4 096th line (a
-- search chunk is then whole blocks). The blocks' ids in the lines' order.
INSERT INTO "log_blocks" ("node_key", "first_seq", "last_seq", "run_key", "run_seq", "created_at",
  "levels", "messages", "tags", "times")
SELECT "node_key", min("seq"), max("seq"), "run_key", min("run_seq"), min("created_at"),
  string_agg(left("level", 1), '' ORDER BY "seq"), array_agg("message" ORDER BY "seq"),
  CASE WHEN bool_or("tags" IS NOT NULL) THEN array_agg("tags" ORDER BY "seq") END,
  CASE WHEN min("created_at") <> max("created_at") THEN array_agg("created_at" ORDER BY "seq") END
FROM "node_run_lines"
GROUP BY "run_key", "node_key", "run_seq" - "seq", ("seq" - 1) / 4096
ORDER BY "run_key", min("run_seq");
--> statement-breakpoint
DROP TABLE "node_run_lines" CASCADE;
--> statement-breakpoint
CREATE INDEX "log_blocks_marked_idx" ON "log_blocks" USING btree ("node_key","first_seq") WHERE levels ~ '[WE]';
--> statement-breakpoint
CREATE INDEX "log_blocks_chunk_end_idx" ON "log_blocks" USING btree ("node_key","last_seq") WHERE last_seq / 4096 > (first_seq - 1) / 4096;
--> statement-breakpoint
-- A block's lines, one row each, with the block's bounds for a read to name the blocks it needs
-- (schema.ts logLines). Flattened into the query that reads it: a condition on block_first,
-- block_last, block_run_seq, block_marked, node_key or run_key is one on log_blocks' columns, and
-- a whole scan runs in parallel with every filter in the workers. Each array is unnested into a
-- tuplestore first: counting 2M lines in 100-line blocks in one process takes 878 ms when every
-- line has its own time and every tenth a tag, 472 ms with the ingest's blocks (NULL times: one
-- time a batch). Tried and not kept: unnesting in the select list (a ProjectSet: 507 ms on the
-- former, but a filter on a line's column is then applied above the Gather, in the leader — a
-- parallel count of " returned 502" took 2.0 s instead of 1.5), a LATERAL subquery of it (never
-- parallel), tags and times by subscript (each line decompresses its block's times: 7 s).
CREATE VIEW "log_lines" AS
SELECT b.node_key, b.first_seq + u.o::int - 1 AS seq, b.run_key, b.run_seq + u.o::int - 1 AS run_seq,
  coalesce(u.at, b.created_at) AS created_at, b.id * 4096 + u.o - 1 AS id,
  CASE u.l WHEN 'D' THEN 'DEBUG' WHEN 'I' THEN 'INFO' WHEN 'W' THEN 'WARN' ELSE 'ERROR' END AS level,
  u.message, u.tags,
  b.first_seq AS block_first, b.last_seq AS block_last, b.run_seq AS block_run_seq,
  b.levels ~ '[WE]' AS block_marked, array_to_string(b.messages, E'\n') AS block_text
FROM log_blocks b,
  unnest(b.messages, string_to_array(b.levels, NULL), b.tags, b.times)
    WITH ORDINALITY AS u(message, l, tags, at, o);
--> statement-breakpoint
-- The segments of the runs with these log keys, rebuilt from their blocks (as 0033's from the
-- lines): a node run's consecutive blocks with the same run_seq - first_seq are one segment.
CREATE OR REPLACE FUNCTION runboard_rebuild_log_segments(keys integer[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
  written integer;
BEGIN
  DELETE FROM log_segments WHERE run_key = ANY(keys);
  INSERT INTO log_segments (run_key, run_seq, node_key, seq, lines)
  SELECT b.run_key, min(b.run_seq), b.node_key, min(b.first_seq),
    sum(b.last_seq - b.first_seq + 1)
  FROM log_blocks b
  WHERE b.run_key = ANY(keys)
    AND b.node_key IN (SELECT n.log_key FROM node_runs n JOIN workflow_runs r
                         ON r.identifier = n.workflow_run_identifier
                       WHERE r.log_key = ANY(keys))
  GROUP BY b.run_key, b.node_key, b.run_seq - b.first_seq;
  GET DIAGNOSTICS written = ROW_COUNT;
  RETURN written;
END $$;
--> statement-breakpoint
-- Lines written one row each, as blocks: for writers other than the ingest (the demo seed's
-- generated logs, tests and benches that insert lines directly). A statement's rows inserted
-- here become blocks at its end (a node run's consecutive lines numbered in one stretch of its
-- run, cut at every 4 096th line, or every runboard.log_block_lines-th) and leave this table. The segments are not written: call
-- runboard_rebuild_log_segments after.
CREATE TABLE "log_lines_in" (
	"node_key" integer NOT NULL,
	"seq" integer NOT NULL,
	"run_key" integer NOT NULL,
	"run_seq" integer NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"level" text NOT NULL,
	"message" text NOT NULL,
	"tags" jsonb
);
--> statement-breakpoint
CREATE FUNCTION runboard_log_lines_in() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  -- Lines a block at most: 4 096, or fewer for a bench that stores blocks as the ingest writes
  -- them (SET runboard.log_block_lines = 100: a block a 100-line batch).
  size integer := least(greatest(coalesce(nullif(current_setting('runboard.log_block_lines', true), '')::integer, 4096), 1), 4096);
BEGIN
  INSERT INTO log_blocks (node_key, first_seq, last_seq, run_key, run_seq, created_at, levels,
    messages, tags, times)
  SELECT node_key, min(seq), max(seq), run_key, min(run_seq), min(created_at),
    string_agg(left(level, 1), '' ORDER BY seq), array_agg(message ORDER BY seq),
    CASE WHEN bool_or(tags IS NOT NULL) THEN array_agg(tags ORDER BY seq) END,
    CASE WHEN min(created_at) <> max(created_at) THEN array_agg(created_at ORDER BY seq) END
  FROM (SELECT a.*, a.seq - row_number() OVER (PARTITION BY a.node_key, a.run_key,
          a.run_seq - a.seq, (a.seq - 1) / size ORDER BY a.seq) AS island
        FROM added a) l
  GROUP BY run_key, node_key, run_seq - seq, (seq - 1) / size, island
  ORDER BY run_key, min(run_seq);
  DELETE FROM log_lines_in;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER "log_lines_in_blocks" AFTER INSERT ON "log_lines_in"
  REFERENCING NEW TABLE AS added FOR EACH STATEMENT
  EXECUTE FUNCTION runboard_log_lines_in();
