/**
 * Bytes per stored log line and what they are made of, and the log search at that size:
 * inserts N lines (~100-byte messages like bench/load.ts's) into one node run of a fresh embedded
 * PostgreSQL with generate_series, times the log sealer catching up (services/log-chunks.ts),
 * VACUUM ANALYZEs, prints the size of the lines' table and the chunk index (table, TOAST, each
 * index) per line, then times the logs endpoint's search (readLogPage: first page alone, total
 * alone, both) for rare, common, absent and short terms, median of 5, beside the full scan it
 * replaced; then the same again after N more lines in the same node run (2N).
 *
 *   npx tsx bench/log-storage.ts [lines=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openEmbedded, selectRows } from '../server/db/client';
import { CHUNK_LINES } from '../server/db/log-chunks';
import { messageMatches } from '../server/db/log-filter';
import { readLogPage } from '../server/db/workflow-runs';
import { sealLogChunks } from '../server/services/log-chunks';
import { INGEST_BLOCKS } from './bench-log-lines';

const LINES = Number(process.argv[2] ?? 1_000_000);
const RUN = 'wfr_BenchStorage0001';
const NODE = 'wfnr_BenchStorage001';

type Db = Parameters<typeof selectRows>[0];

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-storage-'));
  const database = await openEmbedded({ dataDir: dir });
  const { db } = database;
  try {
    const now = new Date().toISOString();
    await db.execute(sql`INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status, created_by, created_at, updated_at)
      VALUES (${RUN}, 'bench', 1, 'IN_PROGRESS', 'bench', ${now}, ${now})`);
    await db.execute(sql`INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type, status, created_at, updated_at)
      VALUES (${NODE}, ${RUN}, 'work', 'WEBHOOK', 'IN_PROGRESS', ${now}, ${now})`);
    console.log(`chunks of ${CHUNK_LINES} lines; load average ${load()}`);
    for (const size of [LINES, 2 * LINES]) {
      const started = Date.now();
      const stored = await countLines(db);
      for (let from = stored + 1; from <= size; from += 100_000) {
        await insertLines(db, from, Math.min(size, from + 100_000 - 1));
      }
      // Where the run's lines are (db/log-segments.ts), as the ingest would have written them.
      await db.execute(
        sql`SELECT runboard_rebuild_log_segments(ARRAY(SELECT log_key FROM workflow_runs))`,
      );
      const insertS = (Date.now() - started) / 1000;
      await db.execute(sql`VACUUM ANALYZE log_blocks`);
      await db.execute(sql`VACUUM ANALYZE log_segments`);
      const sealStarted = Date.now();
      const sealed = await sealLogChunks(database.db);
      const sealS = (Date.now() - sealStarted) / 1000;
      await db.execute(sql`VACUUM ANALYZE log_chunks`);
      const [avg] = await selectRows<{ m: number }>(
        db,
        sql`SELECT avg(octet_length(message))::float AS m FROM log_lines`,
      );
      console.log(
        `\n${size} lines (messages ${avg!.m.toFixed(0)} B on average): ${size - stored} inserted in ${insertS.toFixed(1)} s (${Math.round((size - stored) / insertS)} lines/s, one statement per 100 000); the sealer caught up in ${sealS.toFixed(1)} s (${sealed.chunks} chunks, ${Math.round((size - stored) / sealS)} lines/s)`,
      );
      const lines = await printSizes(db, 'log_blocks', size);
      const chunks = await printSizes(db, 'log_chunks', size);
      // The chunks' listed pairs (s22pairs), a table of their own.
      await db.execute(sql`VACUUM ANALYZE log_chunk_pairs`);
      const pairs = await printSizes(db, 'log_chunk_pairs', size);
      const segments = await printSizes(db, 'log_segments', size);
      console.log(
        `  ${'total per stored line'.padEnd(44)} ${((lines + chunks + pairs + segments) / size).toFixed(1).padStart(7)} B/line`,
      );
      await measureSearch(db, size);
      console.log(`load average ${load()}`);
    }
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function countLines(db: Db) {
  const [row] = await selectRows<{ n: number }>(
    db,
    sql`SELECT log_seq AS n FROM node_runs WHERE identifier = ${NODE}`,
  );
  return row?.n ?? 0;
}

/** The table, its TOAST and each index per line; answers the table's total bytes. */
async function printSizes(db: Db, table: string, lines: number) {
  // A partitioned table's bytes are its partitions' (pg_partition_tree has no row for a plain table).
  const tree = sql`(SELECT relid FROM pg_partition_tree(${table}::regclass)
                    UNION SELECT ${table}::regclass)`;
  const parts = await selectRows<{ name: string; bytes: string }>(
    db,
    sql`SELECT c.relname AS name, pg_relation_size(c.oid)::bigint AS bytes FROM pg_class c
        WHERE c.oid IN ${tree}
           OR c.oid IN (SELECT reltoastrelid FROM pg_class WHERE oid IN ${tree})
           OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid IN ${tree})
        ORDER BY 2 DESC`,
  );
  const [total] = await selectRows<{ b: string }>(
    db,
    sql`SELECT sum(pg_total_relation_size(relid))::bigint AS b FROM ${tree} t(relid)`,
  );
  for (const p of parts) {
    console.log(
      `  ${p.name.padEnd(44)} ${(Number(p.bytes) / lines).toFixed(1).padStart(7)} B/line`,
    );
  }
  console.log(
    `  ${`${table} total (pg_total_relation_size)`.padEnd(44)} ${(Number(total!.b) / lines).toFixed(1).padStart(7)} B/line`,
  );
  return Number(total!.b);
}

const TERMS = [
  ['rare term', 'needle'],
  ['common term (every 10th line)', 'checksum 4'],
  ['no match', 'zzzq'],
  ['digits only (LIKE)', '4294'],
  ['short term (2 chars, every line)', 'ok'],
  ['short term (2 chars, no match)', 'zq'],
] as const;

/**
 * Each term through readLogPage, median of 5: the first page alone (`total=false`), the total
 * alone (`total=only`), both in one request (Port clients' default), and the peer: the full scan
 * this replaced (every line of the node run read once, page and total from it).
 */
async function measureSearch(db: Db, size: number) {
  const scope = { of: { nodeRun: NODE }, finished: false, counts: null };
  console.log(
    `  ${'search'.padEnd(34)} ${'first page'.padStart(10)} ${'count'.padStart(8)} ${'both'.padStart(8)} ${'full scan'.padStart(10)}   matches`,
  );
  for (const [label, q] of TERMS) {
    const page = await median(() => readLogPage(db, scope, { q, limit: 200, total: 'false' }));
    const count = await median(() => readLogPage(db, scope, { q, limit: 200, total: 'only' }));
    const both = await median(() => readLogPage(db, scope, { q, limit: 200 }));
    const scan = await median(() => fullScanSearch(db, q, 200));
    if (both.value.total !== scan.value.total || both.value.rows.length !== scan.value.n) {
      throw new Error(`"${q}": ${both.value.total} / ${scan.value.total} (full scan) differ`);
    }
    console.log(
      `  ${`"${q}" ${label}`.padEnd(34)} ${ms(page.ms).padStart(10)} ${ms(count.ms).padStart(8)} ${ms(both.ms).padStart(8)} ${ms(scan.ms).padStart(10)}   ${both.value.total} (${size} lines)`,
    );
  }
}

const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;

async function median<T>(run: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const times: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    value = await run();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return { ms: times[2]!, value: value! };
}

/** The search before the chunk index: one read of every line of the node run, page and total. */
async function fullScanSearch(db: Db, q: string, limit: number) {
  const [found] = await selectRows<{ total: number; page: number[] | null }>(
    db,
    sql`WITH m AS MATERIALIZED (
          SELECT seq AS s FROM log_lines
          WHERE node_key = (SELECT log_key FROM node_runs WHERE identifier = ${NODE})
            AND ${messageMatches(sql.raw('message'), q)})
        SELECT (SELECT count(*) FROM m)::int AS total,
          (SELECT array_agg(s) FROM (SELECT s FROM m ORDER BY s LIMIT ${limit}) p) AS page`,
  );
  const page = found?.page ?? [];
  if (page.length) {
    await selectRows(
      db,
      sql`SELECT * FROM log_lines WHERE node_key = (SELECT log_key FROM node_runs WHERE identifier = ${NODE})
          AND seq = ANY(${sql.param(page)}::int[])`,
    );
  }
  return { total: found?.total ?? 0, n: page.length };
}

/** Lines `from`..`to`: load.ts's message shape, a needle every 100 000 lines. */
async function insertLines(db: Db, from: number, to: number) {
  await db.execute(sql`
    INSERT INTO log_lines_in (run_key, node_key, seq, run_seq, level, message, tags, created_at)
    SELECT (SELECT log_key FROM workflow_runs WHERE identifier = ${RUN}),
      (SELECT log_key FROM node_runs WHERE identifier = ${NODE}), g, g,
      CASE WHEN g % 100 = 0 THEN 'ERROR' WHEN g % 20 = 0 THEN 'WARN' WHEN g % 4 = 0 THEN 'DEBUG' ELSE 'INFO' END,
      CASE WHEN g % 100000 = 0 THEN 'found the needle in request ' || g
           ELSE 'step ' || g || ': processed batch of records from upstream source eu-west-1, checksum ' || ((g * 2654435761) % 4294967296) || ' ok (' || (g % 997) || ' ms)' END,
      NULL, now() - interval '1 hour' + g * interval '1 millisecond'
    FROM generate_series(${from}::int, ${to}::int) g ${sql.raw(INGEST_BLOCKS)}`);
  await db.execute(sql`UPDATE node_runs SET log_seq = ${to} WHERE identifier = ${NODE}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
