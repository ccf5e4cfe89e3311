/**
 * Trends at scale: a workflow with 50 000 runs spread over 30 days (trigger + 5 nodes each, so
 * 300 000 node runs, ~5 % failed), `GET /v1/workflows/{id}/trends` over the whole 30 days, as
 * an admin (no visibility predicate) and as a member (predicate applied), beside the plain runs
 * list page 1 as the peer, over real HTTP, median of 7. Target: trends <= 100 ms.
 *
 *   npx tsx bench/trends.ts [runs=50000]
 */
import { sql, type SQL } from 'drizzle-orm';
import { nodeTrends, runAggregates, runPoints, type TrendScope } from '../server/db/trends';
import { BENCH_CREDENTIALS, median, openBenchDatabase, serveBenchApp } from './support';

const RUNS = Number(process.argv[2] ?? 50_000);
const NODES = 5;
const REPEATS = 7;
const DAY_S = 86_400;

async function main() {
  const { db, close: closeDatabase } = await openBenchDatabase();
  const started = performance.now();
  const nodes = [
    { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' }, onFailure: 'terminate' },
    ...Array.from({ length: NODES }, (_, i) => ({
      identifier: `step_${i + 1}`,
      config: { type: 'WEBHOOK' },
      onFailure: 'terminate',
    })),
  ];
  const connections = nodes
    .slice(1)
    .map((n, i) => ({ sourceIdentifier: nodes[i]!.identifier, targetIdentifier: n.identifier }));
  await db.execute(sql`
    INSERT INTO workflows (identifier, title, nodes, connections, version, created_by, updated_by, created_at, updated_at)
    VALUES ('bench', 'Bench', ${JSON.stringify(nodes)}::jsonb, ${JSON.stringify(connections)}::jsonb,
            1, 'user_admin', 'user_admin', now(), now())`);
  // Runs spread evenly over the last 30 days; every 20th fails at its last step; a third private.
  await db.execute(sql`
    INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, title, status, result, outputs, inputs,
                               allow_anyone_to_view, created_by, created_at, updated_at, completed_at)
    SELECT 'wfr_' || lpad(g::text, 16, '0'), 'bench', 1, 'Bench', 'COMPLETED',
           CASE WHEN g % 20 = 0 THEN 'FAILED' ELSE 'SUCCESS' END, '{}', '{}', g % 3 <> 0,
           CASE WHEN g % 2 = 0 THEN 'user_admin' ELSE 'user_member' END,
           now() - ((g * ${(30 * DAY_S) / RUNS}::float8) || ' seconds')::interval, now(),
           now() - ((g * ${(30 * DAY_S) / RUNS}::float8) || ' seconds')::interval + ((60 + g % 240) || ' seconds')::interval
    FROM generate_series(1, ${RUNS}) g`);
  await db.execute(sql`
    INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type, status, result,
                           output, created_at, updated_at, completed_at)
    SELECT 'wfnr_' || n || lpad(g::text, 15, '0'), 'wfr_' || lpad(g::text, 16, '0'),
           CASE n WHEN 0 THEN 'trigger' ELSE 'step_' || n END,
           CASE n WHEN 0 THEN 'SELF_SERVE_TRIGGER' ELSE 'WEBHOOK' END, 'COMPLETED',
           CASE WHEN n = ${NODES} AND g % 20 = 0 THEN 'FAILED' ELSE 'SUCCESS' END, '{}',
           now() - ((g * ${(30 * DAY_S) / RUNS}::float8) || ' seconds')::interval + ((n * 10) || ' seconds')::interval,
           now(),
           now() - ((g * ${(30 * DAY_S) / RUNS}::float8) || ' seconds')::interval + ((n * 10 + 5 + (g * n) % 17) || ' seconds')::interval
    FROM generate_series(1, ${RUNS}) g, generate_series(0, ${NODES}) n`);
  // A steady-state table has been vacuumed (autovacuum does it after bulk inserts); the
  // visibility map is what lets the trends' covering indexes answer without the heap.
  await db.execute(sql`VACUUM ANALYZE`);
  console.log(
    `seeded ${RUNS} runs (${(NODES + 1) * RUNS} node runs) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const { base, token, close: closeServer } = await serveBenchApp(db);
  const tokens = {
    admin: await token(BENCH_CREDENTIALS.adminClientId),
    member: await token(BENCH_CREDENTIALS.memberClientId),
  };
  const from = new Date(Date.now() - 30 * DAY_S * 1000 - 3_600_000).toISOString();

  const measure = async (as: keyof typeof tokens, url: string) => {
    const get = async () => {
      const t0 = performance.now();
      const res = await fetch(`${base}${url}`, {
        headers: { authorization: `Bearer ${tokens[as]}` },
      });
      const body = (await res.json()) as { ok: boolean; trends?: { summary: { runs: number } } };
      if (!body.ok) throw new Error(`${url}: ${JSON.stringify(body)}`);
      return { ms: performance.now() - t0, runs: body.trends?.summary.runs };
    };
    const first = await get(); // warm-up: plan cache and JIT, not measured
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) times.push((await get()).ms);
    return { ms: median(times), runs: first.runs };
  };
  const trendsUrl = `/workflows/bench/trends?from=${from}`;
  const rows = [
    ['trends, admin (30 days)', await measure('admin', trendsUrl)],
    ['trends, member (visibility)', await measure('member', trendsUrl)],
    [
      'peer: runs list page 1 (limit 50)',
      await measure('admin', '/workflows/runs?workflowIdentifiers=bench&limit=50'),
    ],
  ] as const;
  console.log(`\n${RUNS} runs of one workflow, median of ${REPEATS} over HTTP (ms):`);
  for (const [name, r] of rows) {
    console.log(
      name.padEnd(36),
      r.ms.toFixed(1).padStart(8),
      r.runs === undefined ? '' : `  (${r.runs} runs aggregated)`,
    );
  }
  console.log('target: trends <= 100 ms');

  // Where the time goes: each query of the endpoint alone, in process (admin scope).
  const scope: TrendScope = {
    workflowIdentifier: 'bench',
    from: new Date(from),
    to: new Date(),
    bucket: 'day',
    visible: () => sql`true`,
    pointsLimit: 2000,
  };
  const parts = { runAggregates, runPoints, nodeTrends };
  for (const [name, query] of Object.entries(parts)) {
    await query(db, scope);
    const times: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t0 = performance.now();
      await query(db, scope);
      times.push(performance.now() - t0);
    }
    console.log(`  ${name}`.padEnd(36), median(times).toFixed(1).padStart(8));
  }
  if (process.argv.includes('--explain')) {
    // The plans of the endpoint's own queries: a stand-in db that EXPLAINs what it is given.
    await db.transaction(async (tx) => {
      await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
      const explaining = {
        execute: async (query: SQL) => {
          const plan = await tx.execute(sql`EXPLAIN (ANALYZE, BUFFERS) ${query}`);
          const lines = (plan as unknown as { rows: Record<string, string>[] }).rows;
          console.log(lines.map((r) => Object.values(r)[0]).join('\n'), '\n');
          return { rows: [] };
        },
      } as unknown as typeof tx;
      for (const query of Object.values(parts)) {
        await query(explaining, scope).catch(() => undefined); // it reads no rows here
      }
    });
  }

  await closeServer();
  await closeDatabase();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
