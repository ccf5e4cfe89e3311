/**
 * Run-list paging at scale: a workflow with 50 000 runs, page 1 against page 1 000 (limit 50),
 * with Runboard's keyset cursor and, as the peer, Port's `offset` paging, in the same run over
 * real HTTP. Target (shared/perf-targets.md): page 1 000 costs at most 1.5x page 1.
 *
 *   npx tsx bench/run-list.ts [runs=50000]
 */
import { sql } from 'drizzle-orm';
import { median, openBenchDatabase, serveBenchApp } from './support';

const RUNS = Number(process.argv[2] ?? 50_000);
const LIMIT = 50;
const PAGE = 1000;
const REPEATS = 7;

async function main() {
  const { db, close: closeDatabase } = await openBenchDatabase();
  const started = performance.now();
  await db.execute(sql`
    INSERT INTO workflows (identifier, title, nodes, connections, version, created_by, updated_by, created_at, updated_at)
    VALUES ('bench', 'Bench', '[{"identifier":"trigger","config":{"type":"SELF_SERVE_TRIGGER"},"onFailure":"terminate"},{"identifier":"work","config":{"type":"WEBHOOK"},"onFailure":"terminate"}]',
            '[{"sourceIdentifier":"trigger","targetIdentifier":"work"}]', 1, 'user_admin', 'user_admin', now(), now())`);
  await db.execute(sql`
    INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, title, status, result, outputs, inputs, created_by, created_at, updated_at, completed_at)
    SELECT 'wfr_' || lpad(g::text, 16, '0'), 'bench', 1, 'Bench', 'COMPLETED', 'SUCCESS', '{}', '{}', 'user_admin',
           now() - (g || ' seconds')::interval, now(), now() - (g || ' seconds')::interval + interval '3 seconds'
    FROM generate_series(1, ${RUNS}) g`);
  await db.execute(sql`
    INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type, status, result, output, created_at, updated_at, completed_at)
    SELECT 'wfnr_' || n || lpad(g::text, 15, '0'), 'wfr_' || lpad(g::text, 16, '0'),
           CASE n WHEN 1 THEN 'trigger' ELSE 'work' END, CASE n WHEN 1 THEN 'SELF_SERVE_TRIGGER' ELSE 'WEBHOOK' END,
           'COMPLETED', 'SUCCESS', '{}', now(), now(), now()
    FROM generate_series(1, ${RUNS}) g, generate_series(1, 2) n`);
  await db.execute(sql`ANALYZE`);
  console.log(
    `seeded ${RUNS} runs (${2 * RUNS} node runs) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  const { base, token, close: closeServer } = await serveBenchApp(db);
  const accessToken = await token();
  const get = async (query: string) => {
    const t0 = performance.now();
    const res = await fetch(
      `${base}/workflows/runs?workflowIdentifiers=bench&limit=${LIMIT}${query}`,
      {
        headers: { authorization: `Bearer ${accessToken}` },
      },
    );
    const body = (await res.json()) as {
      workflowRuns: { identifier: string }[];
      nextCursor: string | null;
    };
    return { ms: performance.now() - t0, body };
  };

  // Walk the cursors once to find the cursor that opens page 1 000.
  let cursor: string | null = null;
  for (let page = 1; page < PAGE; page++) {
    cursor = (await get(cursor ? `&cursor=${cursor}` : '')).body.nextCursor;
  }
  const cursorPage = (await get(`&cursor=${cursor}`)).body.workflowRuns[0]?.identifier;
  const offsetPage = (await get(`&offset=${(PAGE - 1) * LIMIT}`)).body.workflowRuns[0]?.identifier;
  if (cursorPage !== offsetPage)
    throw new Error(`page ${PAGE} differs: ${cursorPage} vs ${offsetPage}`);

  const measure = async (query: string) => {
    const times: number[] = [];
    await get(query); // warm-up: plan cache and JIT, not measured
    for (let i = 0; i < REPEATS; i++) times.push((await get(query)).ms);
    return median(times);
  };
  const rows = [
    ['Runboard (keyset cursor)', await measure(''), await measure(`&cursor=${cursor}`)],
    ['peer: Port-style offset', await measure(''), await measure(`&offset=${(PAGE - 1) * LIMIT}`)],
  ] as const;
  console.log(`\nGET /v1/workflows/runs, limit ${LIMIT}, ${RUNS} runs, median of ${REPEATS} (ms):`);
  console.log(
    'paging'.padEnd(28),
    'page 1'.padStart(9),
    `page ${PAGE}`.padStart(10),
    'ratio'.padStart(7),
  );
  for (const [name, first, far] of rows) {
    console.log(
      name.padEnd(28),
      first.toFixed(1).padStart(9),
      far.toFixed(1).padStart(10),
      `${(far / first).toFixed(2)}x`.padStart(7),
    );
  }
  console.log(`target: page ${PAGE} <= 1.5x page 1`);

  await closeServer();
  await closeDatabase();
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
