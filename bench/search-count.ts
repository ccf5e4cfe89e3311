/**
 * The log search's count (`GET …/logs?q=…&total=only`, readLogPage in-process), A/B: this code
 * against a copy of the code before (`--before=<dir>`, e.g. `git archive <commit> | tar -x -C
 * <dir>` with node_modules linked in), each on a database of its own in one embedded PostgreSQL,
 * both holding the same lines (bench/log-viewer.ts's: 1M lines in one node run and 2M in
 * another; "failed" in every 100th line at ERROR, "needle" in every 50 000th, "connection reset
 * by peer for user=… (ERR-…)" in every 1000th at WARN) sealed by their own
 * code's sealer. Prints each sealer's time and CPU, the chunk index's bytes a line, then per
 * round (the two codes alternating, which goes first swapped each round) the count of each term
 * the first time (no count kept) and again, wall and CPU (PostgreSQL's cluster + this process),
 * with the load average. Without --before, this code alone.
 *
 *   npx tsx bench/search-count.ts [--before=<dir>] [--lines=1000000] [--rounds=3] [--only=a,b]
 *
 * (--only: the cases whose label holds one of these strings.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import type pg from 'pg';
import { selectRows, type Database, type openPostgres } from '../server/db/client';
import type { readLogPage } from '../server/db/workflow-runs';
import type { sealLogChunks } from '../server/services/log-chunks';
import { ensureDatabase, startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { type insertBenchLinesSql } from './bench-log-lines';
import { clusterCpuSeconds, ownCpuSeconds } from './cpu';

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const BEFORE = arg('before');
const LINES = Number(arg('lines') ?? 1_000_000);
const ROUNDS = Number(arg('rounds') ?? 3);
const NEEDLE_EVERY = Math.max(1000, Math.floor(LINES / 20));
/** Only the cases whose label holds one of these (comma-separated), when given. */
const ONLY = arg('only')?.split(',');

/**
 * [label, q, level filter, the first match alone (limit=1&total=false) instead of the count, or
 * the count of the whole run's log (one node run here) instead of the node run's]
 */
const ALL_CASES: [string, string, string[]?, ('page' | 'run')?][] = [
  ['"needle": the first match alone', 'needle', undefined, 'page'],
  ['"reset": the first match alone', 'reset', undefined, 'page'],
  ['"failed": the first match alone', 'failed', undefined, 'page'],
  ['"failed" (every 100th line)', 'failed'],
  ['"fail" (a prefix of it)', 'fail'],
  ['"FAILED" at ERROR', 'FAILED', ['ERROR']],
  ['"processed" (98 % of lines)', 'processed'],
  ['"needle" (rare)', 'needle'],
  ['"reset" (every 1000th line)', 'reset'],
  ['"reset" at WARN, whole run', 'reset', ['WARN'], 'run'],
  ['"4123" (digits, inside numbers)', '4123'],
  ['"4123" at ERROR (digits, inside numbers)', '4123', ['ERROR']],
  ['"14123" (an id, and inside others)', '14123'],
  ['"4123" whole run (digits, inside numbers)', '4123', undefined, 'run'],
  ['"502" (a counted word and numbers)', '502'],
  ['"connection reset" (two rare words)', 'connection reset'],
  ['"user=42" (punctuation)', 'user=42'],
  ['"ERR-12" (punctuation)', 'ERR-12'],
  ['"0ms" (inside 10 counted words)', '0ms'],
  ['"upstream returned" (two words)', 'upstream returned'],
  ['"failed: upstream" (two counted words, ": ")', 'failed: upstream'],
  ['"returned 502" at ERROR (two counted words)', 'returned 502', ['ERROR']],
  ['"upstream returned 502" (three words)', 'upstream returned 502'],
  ['"connection reset by peer" (four words)', 'connection reset by peer'],
  ['" returned 502" (a separator before)', ' returned 502'],
  ['"item 4123" (a word and digits)', 'item 4123'],
  // One word with a separator before or after it (s21edge): "failed" always says "request …
  // failed: upstream", "processed" starts its line.
  ['" failed" (a separator before a word)', ' failed'],
  ['"failed " (a space after it: no line)', 'failed '],
  ['"failed:" (a separator after a word)', 'failed:'],
  ['" processed" (98 % of lines say the word, none so)', ' processed'],
  ['"processed " (98 % of lines)', 'processed '],
  ['"zzzq" (none)', 'zzzq'],
];
const CASES = ALL_CASES.filter(([label]) => !ONLY || ONLY.some((part) => label.includes(part)));

interface Code {
  name: string;
  database: Database;
  readLogPage: typeof readLogPage;
  sealLogChunks: typeof sealLogChunks;
  insertBenchLinesSql: typeof insertBenchLinesSql;
}

async function loadCode(name: string, root: string, url: string): Promise<Code> {
  // The same modules, from the given tree (the code before keeps its own migrations).
  const client = (await import(path.join(root, 'server/db/client.ts'))) as {
    openPostgres: typeof openPostgres;
  };
  const runs = (await import(path.join(root, 'server/db/workflow-runs.ts'))) as {
    readLogPage: typeof readLogPage;
  };
  const chunks = (await import(path.join(root, 'server/services/log-chunks.ts'))) as {
    sealLogChunks: typeof sealLogChunks;
  };
  // Each code stores its lines its own way (a row a line before s19blocks, blocks since).
  const lines = (await import(path.join(root, 'bench/bench-log-lines.ts'))) as {
    insertBenchLinesSql: typeof insertBenchLinesSql;
  };
  return {
    name,
    database: await client.openPostgres(url),
    readLogPage: runs.readLogPage,
    sealLogChunks: chunks.sealLogChunks,
    insertBenchLinesSql: lines.insertBenchLinesSql,
  };
}

const load = () =>
  loadavg()
    .slice(0, 1)
    .map((l) => l.toFixed(1))
    .join();

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-search-count-'));
  const cluster = await startEmbeddedPostgres({ dataDir: dir, log: () => {} });
  try {
    const codes: Code[] = [];
    if (BEFORE) {
      await ensureDatabase(cluster.url('postgres'), 'before');
      codes.push(await loadCode('before', path.resolve(BEFORE), cluster.url('before')));
    }
    await ensureDatabase(cluster.url('postgres'), 'after');
    codes.push(
      await loadCode('after', path.resolve(import.meta.dirname, '..'), cluster.url('after')),
    );
    console.log(`${LINES} and ${2 * LINES} lines; load average ${load()}`);
    const nodes: Record<string, string[]> = {};
    for (const code of codes) nodes[code.name] = await fill(code);
    // Sealed by each code's own sealer, the two alternating chunk batches would share the CPU:
    // one after the other instead, each timed with the cluster's CPU.
    for (const code of codes) {
      const cpu = clusterCpuSeconds(dir);
      const started = performance.now();
      const sealed = await code.sealLogChunks(code.database.db);
      const s = (performance.now() - started) / 1000;
      const pg = clusterCpuSeconds(dir) - cpu;
      await code.database.db.execute(sql`VACUUM ANALYZE log_chunks`);
      const [size] = await rows<{ b: string }>(
        code,
        sql`SELECT pg_total_relation_size('log_chunks') AS b`,
      );
      // The kept pairs' share (s12search; a code without them has no such column).
      const pairs = await rows<{ b: string }>(
        code,
        sql`SELECT sum(pg_column_size(pairs) + pg_column_size(pair_counts)) AS b FROM log_chunks`,
      ).catch(() => null);
      const pairBytes = pairs?.[0]?.b
        ? `, its pairs ${(Number(pairs[0].b) / (3 * LINES)).toFixed(2)}`
        : '';
      // The lines of counted words sharing a trigram (s18search; likewise).
      const overlaps = await rows<{ b: string }>(
        code,
        sql`SELECT sum(pg_column_size(word_overlaps)) AS b FROM log_chunks`,
      ).catch(() => null);
      const overlapBytes = overlaps?.[0]?.b
        ? `, its overlaps ${(Number(overlaps[0].b) / (3 * LINES)).toFixed(3)}`
        : '';
      // The chunks' listed pairs, a table of their own (s22pairs; likewise).
      const listed = await rows<{ b: string }>(
        code,
        sql`SELECT pg_total_relation_size('log_chunk_pairs') AS b`,
      ).catch(() => null);
      const listedBytes = listed?.[0]?.b
        ? `; log_chunk_pairs ${(Number(listed[0].b) / (3 * LINES)).toFixed(2)}`
        : '';
      console.log(
        `${code.name}: sealed ${sealed.chunks} chunks (${3 * LINES} lines) in ${s.toFixed(1)} s, ` +
          `PostgreSQL CPU ${pg.toFixed(1)} s (${((pg / (3 * LINES)) * 1e6).toFixed(1)} µs a line); ` +
          `log_chunks ${(Number(size!.b) / (3 * LINES)).toFixed(1)} B a line${pairBytes}${overlapBytes}${listedBytes} (load ${load()})`,
      );
    }
    const results = new Map<string, string[]>();
    // Every count of a case, by either code, first or again, must be the same.
    const totals = new Map<string, number | undefined>();
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...codes].reverse() : codes;
      for (const [label, q, level, page] of CASES) {
        for (const [i, size] of [LINES, 2 * LINES].entries()) {
          for (const code of order) {
            const node = nodes[code.name]![i]!;
            // fill()'s run of this node run
            const run = page === 'run' ? `wfr_SearchCount000${i}` : undefined;
            await code.database.db.execute(sql`DELETE FROM log_search_counts`);
            const first = await timed(dir, code, node, q, level, page, run);
            const again = await timed(dir, code, node, q, level, page, run);
            const key = `${label}|${size}|${code.name}`;
            results.set(key, [
              ...(results.get(key) ?? []),
              `${first.text} / ${again.text} [${first.total}] @${load()}`,
            ]);
            for (const total of [first.total, again.total]) {
              const want = totals.get(`${label}|${size}`) ?? total;
              if (total !== want) throw new Error(`${key}: ${total} where ${want} was counted`);
              totals.set(`${label}|${size}`, want);
            }
          }
        }
      }
      console.log(`round ${round + 1} done (load ${load()})`);
    }
    console.log(
      '\nfirst count (or first match) / again: wall ms (CPU ms: PostgreSQL + this process) [total, or the match’s seq] @load',
    );
    for (const [label] of CASES) {
      for (const size of [LINES, 2 * LINES]) {
        for (const code of codes) {
          console.log(`${label} ${size / 1e6}M ${code.name}:`);
          for (const r of results.get(`${label}|${size}|${code.name}`) ?? []) console.log(`  ${r}`);
        }
      }
    }
    for (const code of codes) await code.database.close();
  } finally {
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rows<T>(code: Code, query: SQL) {
  return selectRows<T>(code.database.db, query);
}

async function timed(
  dir: string,
  code: Code,
  nodeRun: string,
  q: string,
  level?: string[],
  page?: 'page' | 'run',
  run?: string,
) {
  const pg = clusterCpuSeconds(dir);
  const own = ownCpuSeconds();
  const started = performance.now();
  const answer = await code.readLogPage(
    code.database.db,
    { of: run ? { run } : { nodeRun }, finished: true, counts: null },
    {
      q,
      ...(page === 'page' ? { limit: 1, total: 'false' } : { limit: 200, total: 'only' }),
      ...(level ? { level: level as never } : {}),
    },
  );
  const ms = performance.now() - started;
  const cpu = (clusterCpuSeconds(dir) - pg + ownCpuSeconds() - own) * 1000;
  return {
    text: `${ms.toFixed(0)} (${cpu.toFixed(0)})`,
    total: page === 'page' ? answer.rows[0]?.seq : answer.total,
  };
}

/** bench/log-viewer.ts's lines in two node runs of their own runs: LINES and 2 × LINES. */
async function fill({ database, insertBenchLinesSql }: Code): Promise<string[]> {
  const { db } = database;
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  const now = new Date().toISOString();
  const nodes: string[] = [];
  for (const [i, n] of [LINES, 2 * LINES].entries()) {
    const run = `wfr_SearchCount000${i}`;
    const node = `wfnr_SearchCount00${i}`;
    await db.execute(sql`INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status, created_by, created_at, updated_at)
      VALUES (${run}, 'bench', 1, 'COMPLETED', 'bench', ${now}, ${now})`);
    await db.execute(sql`INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type, status, created_at, updated_at)
      VALUES (${node}, ${run}, 'work', 'WEBHOOK', 'COMPLETED', ${now}, ${now})`);
    for (let from = 1; from <= n; from += 250_000) {
      const to = Math.min(n, from + 249_999);
      await pool.query(insertBenchLinesSql(NEEDLE_EVERY), [run, node, 0, from, to]);
    }
    await db.execute(
      sql`UPDATE node_runs SET log_seq = ${n}, status = 'COMPLETED' WHERE identifier = ${node}`,
    );
    await db.execute(sql`UPDATE workflow_runs SET log_seq = ${n} WHERE identifier = ${run}`);
    // Where the run's lines are (db/log-segments.ts), as the ingest writes them.
    await db.execute(
      sql`SELECT runboard_rebuild_log_segments(ARRAY(SELECT log_key FROM workflow_runs
                                                    WHERE identifier = ${run}))`,
    );
    nodes.push(node);
  }
  await db.execute(sql`VACUUM ANALYZE`);
  return nodes;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
