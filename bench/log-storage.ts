/**
 * Bytes per stored log line and what they are made of, and the log search at that size:
 * inserts N lines (~100-byte messages like bench/load.ts's) into one node run of a fresh embedded
 * PostgreSQL with generate_series, VACUUM ANALYZEs, prints the size of the table, its TOAST and
 * each index per line, then times the logs endpoint's queries (readLogPage: first page and the
 * total) for a rare and a common search term, median of 5.
 *
 *   npx tsx bench/log-storage.ts [lines=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openEmbedded, selectRows } from '../server/db/client';
import { readLogPage } from '../server/db/workflow-runs';

const LINES = Number(process.argv[2] ?? 1_000_000);
const RUN = 'wfr_BenchStorage0001';
const NODE = 'wfnr_BenchStorage001';

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
    const started = Date.now();
    const chunk = 100_000;
    for (let from = 1; from <= LINES; from += chunk) {
      const to = Math.min(LINES, from + chunk - 1);
      await insertLines(db, from, to);
    }
    const insertS = (Date.now() - started) / 1000;
    await db.execute(sql`VACUUM ANALYZE node_run_lines`);
    const parts = await selectRows<{ name: string; bytes: string }>(
      db,
      sql`SELECT c.relname AS name, pg_relation_size(c.oid)::bigint AS bytes FROM pg_class c
          WHERE c.oid = 'node_run_lines'::regclass
             OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = 'node_run_lines'::regclass)
             OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'node_run_lines'::regclass)
          ORDER BY 2 DESC`,
    );
    const [total] = await selectRows<{ b: string }>(
      db,
      sql`SELECT pg_total_relation_size('node_run_lines')::bigint AS b`,
    );
    const [avg] = await selectRows<{ m: number }>(
      db,
      sql`SELECT avg(octet_length(message))::float AS m FROM node_run_lines`,
    );
    console.log(
      `${LINES} lines (messages ${avg!.m.toFixed(0)} B on average) inserted in ${insertS.toFixed(1)} s (${Math.round(LINES / insertS)} lines/s, one statement per 100 000)`,
    );
    for (const p of parts) {
      console.log(
        `  ${p.name.padEnd(40)} ${(Number(p.bytes) / LINES).toFixed(1).padStart(7)} B/line`,
      );
    }
    console.log(
      `  ${'total (pg_total_relation_size)'.padEnd(40)} ${(Number(total!.b) / LINES).toFixed(1).padStart(7)} B/line`,
    );

    const scope = { of: { nodeRun: NODE }, finished: false, counts: null };
    for (const [label, q] of [
      ['rare term (10 lines)', 'needle'],
      ['common term (every 10th line)', 'checksum 4'],
      ['no match', 'zzzq'],
      ['digits only (LIKE, ~1 100 lines)', '4294'],
    ] as const) {
      const times: number[] = [];
      let page = { n: 0, total: 0 };
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        const r = await readLogPage(db, scope, { q, limit: 200 });
        times.push(performance.now() - t0);
        page = { n: r.rows.length, total: r.total };
      }
      times.sort((a, b) => a - b);
      console.log(
        `  search ${label.padEnd(32)} median ${times[2]!.toFixed(0)} ms (min ${times[0]!.toFixed(0)}, max ${times[4]!.toFixed(0)}): ${page.n} on the page, total ${page.total}`,
      );
    }
    console.log(
      `load average: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lines `from`..`to`: load.ts's message shape, a needle every 100 000 lines. */
async function insertLines(db: Parameters<typeof selectRows>[0], from: number, to: number) {
  await db.execute(sql`
    INSERT INTO node_run_lines (run_key, node_key, seq, run_seq, level, message, tags, created_at)
    SELECT (SELECT log_key FROM workflow_runs WHERE identifier = ${RUN}),
      (SELECT log_key FROM node_runs WHERE identifier = ${NODE}), g, g,
      CASE WHEN g % 100 = 0 THEN 'ERROR' WHEN g % 20 = 0 THEN 'WARN' WHEN g % 4 = 0 THEN 'DEBUG' ELSE 'INFO' END,
      CASE WHEN g % 100000 = 0 THEN 'found the needle in request ' || g
           ELSE 'step ' || g || ': processed batch of records from upstream source eu-west-1, checksum ' || ((g * 2654435761) % 4294967296) || ' ok (' || (g % 997) || ' ms)' END,
      NULL, now() - interval '1 hour' + g * interval '1 millisecond'
    FROM generate_series(${from}::int, ${to}::int) g`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
