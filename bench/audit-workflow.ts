/**
 * The audit log's workflow: what migration 0032's backfill costs on a large log, and what the
 * [ext] `GET /v1/audit-log?workflow=` filter costs over real HTTP with its partial index
 * (audit_log_workflow_idx) and, as the peer, without it.
 *
 *   npx tsx bench/audit-workflow.ts [runs=100000]
 *
 * Seeds `runs` workflow runs over 50 workflows (and the oldest 100 of a 'rare' one), 3 entries each (start, an entity change it made,
 * its end) and as many entries of no workflow run, then empties the workflow columns and runs
 * the backfill's statement (the file itself) as the upgrade would.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { migrationsFolder } from '../server/db/client';
import { median, openBenchDatabase, serveBenchApp } from './support';

const RUNS = Number(process.argv[2] ?? 100_000);
const REPEATS = 21;

async function main() {
  const { db, close: closeDatabase } = await openBenchDatabase('s17server-bench-');
  let t0 = performance.now();
  await db.execute(sql`
    INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, title, status,
      created_by, created_at, updated_at)
    SELECT 'wfr_' || lpad(g::text, 16, '0'), w, 1, 'Workflow ' || w,
      'IN_PROGRESS', 'user_admin', now() - (g || ' seconds')::interval, now()
    FROM generate_series(1, ${RUNS}) g,
      -- The oldest 100 runs are the only ones of 'rare' (a workflow not run for a while).
      LATERAL (SELECT CASE WHEN g > ${RUNS} - 100 THEN 'rare' ELSE 'wf' || (g % 50) END AS w) x`);
  await db.execute(sql`
    INSERT INTO audit_log (identifier, action, resource_type, status, user_id, origin, at, run_id,
      blueprint_identifier, entity_identifier, diff)
    SELECT 'aud_' || k || lpad(g::text, 15, '0'),
      CASE k WHEN 1 THEN 'CREATE' ELSE 'UPDATE' END, CASE k WHEN 2 THEN 'entity' ELSE 'run' END,
      'SUCCESS', 'user_admin', 'API', now() - (g || ' seconds')::interval + (k || ' ms')::interval,
      'wfr_' || lpad(g::text, 16, '0'), CASE k WHEN 2 THEN 'service' END,
      CASE k WHEN 2 THEN 'svc-' || (g % 1000) END, '{"before": null, "after": {}}'
    FROM generate_series(1, ${RUNS}) g, generate_series(1, 3) k`);
  // As many entries of no workflow run (action runs', sign-ins, people's).
  await db.execute(sql`
    INSERT INTO audit_log (identifier, action, resource_type, status, user_id, origin, at, run_id, diff)
    SELECT 'aud_9' || lpad(g::text, 15, '0'), 'UPDATE', 'run', 'SUCCESS', 'user_admin', 'API',
      now() - (g || ' seconds')::interval, 'r_' || lpad(g::text, 16, '0'), '{"before": null, "after": {}}'
    FROM generate_series(1, ${RUNS * 3}) g`);
  await db.execute(sql`ANALYZE`);
  console.log(
    `seeded ${RUNS} runs and ${RUNS * 6} audit entries in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const backfill = readFileSync(
    `${migrationsFolder}/0032_s17server_audit_workflow_backfill.sql`,
    'utf8',
  );
  await db.execute(sql`UPDATE audit_log SET workflow_identifier = NULL, workflow_title = NULL`);
  await db.execute(sql`VACUUM ANALYZE audit_log`);
  t0 = performance.now();
  await db.execute(sql.raw(backfill));
  const filled = (await db.execute(
    sql`SELECT count(*)::int AS n FROM audit_log WHERE workflow_identifier IS NOT NULL`,
  )) as unknown as { rows: { n: number }[] };
  console.log(
    `backfill (0032): ${((performance.now() - t0) / 1000).toFixed(2)} s for ${filled.rows[0]!.n} entries of ${RUNS * 6}`,
  );
  await db.execute(sql`VACUUM ANALYZE audit_log`);

  const { base, token, close: closeServer } = await serveBenchApp(db);
  const authorization = `Bearer ${await token()}`;
  const get = async (query: string) => {
    const start = performance.now();
    const res = await fetch(`${base}/audit-log?${query}`, { headers: { authorization } });
    const body = (await res.json()) as { audits: unknown[]; nextCursor: string | null };
    if (res.status !== 200) throw new Error(JSON.stringify(body));
    return { ms: performance.now() - start, body };
  };
  const measure = async (query: string) => {
    await get(query);
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) times.push((await get(query)).ms);
    return median(times);
  };
  // The first page and a page deep in the workflow's entries (its cursor).
  let cursor: string | null = null;
  for (let i = 0; i < 20; i++) {
    cursor = (await get(`workflow=wf7&limit=50${cursor ? `&cursor=${cursor}` : ''}`)).body
      .nextCursor;
  }
  const queries = [
    ['workflow=wf7, page 1', 'workflow=wf7&limit=50'],
    ['workflow=wf7, page 21', `workflow=wf7&limit=50&cursor=${cursor}`],
    ['workflow=wf7&resources=entity', 'workflow=wf7&resources=entity&limit=50'],
    ['workflow=rare (its runs the oldest)', 'workflow=rare&limit=50'],
  ] as const;
  const plan = async () =>
    (
      (await db.execute(sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
        SELECT * FROM audit_log WHERE workflow_identifier = 'wf7'
        ORDER BY at DESC NULLS LAST, seq DESC NULLS LAST LIMIT 51`)) as unknown as {
        rows: { 'QUERY PLAN': string }[];
      }
    ).rows
      .map((r) => `  ${r['QUERY PLAN']}`)
      .join('\n');
  if (process.env.PLANS) console.log(`wf7 page 1 with the index:\n${await plan()}`);
  const withIndex: number[] = [];
  for (const [, q] of queries) withIndex.push(await measure(q));
  await db.execute(sql`DROP INDEX audit_log_workflow_idx`);
  if (process.env.PLANS) console.log(`wf7 page 1 without it:\n${await plan()}`);
  const without: number[] = [];
  for (const [, q] of queries) without.push(await measure(q));
  console.log(`\nGET /v1/audit-log, limit 50, median of ${REPEATS} (ms):`);
  console.log('query'.padEnd(34), 'index'.padStart(8), 'no index'.padStart(9));
  queries.forEach(([label], i) =>
    console.log(
      label.padEnd(34),
      withIndex[i]!.toFixed(2).padStart(8),
      without[i]!.toFixed(2).padStart(9),
    ),
  );
  await closeServer();
  await closeDatabase();
}

await main();
