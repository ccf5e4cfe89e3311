/**
 * The two writes the ingest benches compare, in one place so their figures compare the same
 * thing: the ingest's own write path without HTTP (db/log-batches.ts LogConnection, `per` batches
 * of 100 lines a write over the given node runs, as bench/ingest-writers.ts's writers send them)
 * and the raw peer of issue 17 (the same columns, only the (node run, seq) and (node run, level,
 * seq) indexes, rows generated server-side in one statement).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../server/db/client';
import type { LogBatchRow, LogConnection } from '../server/db/log-batches';
import { logMessage } from './ingest-writers';

/** Write `k`: `per` batches of 100 lines (every 10th WARN) on `nodes`, round robin. */
export function ingestWrites(connection: LogConnection, nodes: string[], per: number) {
  let counter = 0;
  return async (k: number) => {
    const batches: LogBatchRow[] = Array.from({ length: per }, (_, b) => ({
      nodeRun: nodes[(k * per + b) % nodes.length]!,
      at: new Date(),
      lines: Array.from({ length: 100 }, (_, i) => ({
        level: i % 10 ? ('INFO' as const) : ('WARN' as const),
        message: logMessage(counter++),
      })),
    }));
    await connection.lock([...new Set(batches.map((b) => b.nodeRun))], []);
    await connection.commit(batches);
  };
}

/**
 * Creates `raw_lines`: a row per line with the columns node_run_lines had (before s19blocks stored
 * lines as blocks), with only the indexes to read by position and level.
 */
export async function createRawLines(db: Db) {
  await db.execute(sql`CREATE TABLE raw_lines (
    node_key integer NOT NULL, seq integer NOT NULL, run_key integer NOT NULL,
    run_seq integer NOT NULL, created_at timestamptz NOT NULL, id bigserial NOT NULL,
    level text NOT NULL, message text NOT NULL, tags jsonb)`);
  await db.execute(sql`CREATE INDEX ON raw_lines (node_key, seq)`);
  await db.execute(sql`CREATE INDEX ON raw_lines (node_key, level, seq)`);
}

/**
 * Inserts `rows` generated lines (~110-byte messages, every 10th WARN) into raw_lines at once.
 * `nodeRuns` 1 (the issue's own measurement): every row on one node run, so each index entry
 * lands on btree's rightmost leaf. `nodeRuns` n: the rows the ingest bench stores — n node runs
 * of n runs, `batch`-line batches taking turns (batch k on node run k mod n), each node run's
 * lines numbered from 1 — so each index entry descends to its node run's place, as the
 * ingest's do.
 */
export async function insertRawLines(db: Db, rows: number, nodeRuns = 1, batch = 100) {
  // Row g (from 1) is line i = g - 1 of the ingest's order: batch i / batch, on node run
  // (i / batch) mod nodeRuns, its seq counting that node run's lines (g itself for one node run).
  await db.execute(sql`
    INSERT INTO raw_lines (run_key, node_key, seq, run_seq, level, message, created_at)
    SELECT n, n, s, s, CASE WHEN g % 10 = 0 THEN 'WARN' ELSE 'INFO' END,
      'step ' || g || ': processed batch of records from upstream source, checksum ' || (g * 2654435761 % 4294967296) || ' ok',
      now()
    FROM generate_series(1, ${rows}) g,
      LATERAL (SELECT ((g - 1) / ${batch}) % ${nodeRuns} + 1 AS n,
        ((g - 1) / ${batch * nodeRuns}) * ${batch} + (g - 1) % ${batch} + 1 AS s) line`);
}
