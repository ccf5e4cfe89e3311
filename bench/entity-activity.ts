/**
 * An entity's activity page over real HTTP: `GET /v1/blueprints/{bp}/entities/{id}/activity`,
 * a page of changes made by runs (half by action runs, half by workflow runs, none of them on the
 * page: each change's [ext] `runTitle` names a run the page does not hold) and a page of every
 * kind of item, with each page's queries counted by the request timing bench/load.ts uses.
 * Prints the median and p90 of REPEATS sequential requests per page.
 *
 *   npx tsx bench/entity-activity.ts [changes=400] [repeats=300]
 */
import { timePool } from '../server/db/client';
import { enableRequestTiming, takeRequestTimings } from '../server/timing';
import { median, openBenchDatabase, serveBenchApp } from './support';

const CHANGES = Number(process.argv[2] ?? 400);
const REPEATS = Number(process.argv[3] ?? 300);

const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;

async function main() {
  const { db, close: closeDatabase } = await openBenchDatabase('s17server-bench-');
  const { base, token, close: closeServer } = await serveBenchApp(db);
  const authorization = `Bearer ${await token()}`;
  const call = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json()) as Record<string, unknown>;
    if (res.status >= 300) throw new Error(`${method} ${path}: ${JSON.stringify(json)}`);
    return json;
  };

  const started = performance.now();
  await call('POST', '/blueprints', {
    identifier: 'service',
    title: 'Service',
    schema: { properties: {} },
  });
  await call('POST', '/actions', {
    identifier: 'restart',
    title: 'Restart',
    blueprint: 'service',
    trigger: { operation: 'DAY-2' },
  });
  await call('POST', '/workflows', {
    identifier: 'provision',
    title: 'Provision',
    nodes: [
      { identifier: 'trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      { identifier: 'work', config: { type: 'KAFKA' } },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'work' }],
  });
  for (const identifier of ['other', 'changed', 'mixed']) {
    await call('POST', '/blueprints/service/entities', { identifier, title: identifier });
  }
  for (let i = 0; i < CHANGES / 2; i++) {
    // Runs about another entity make the changes of `changed`; runs about `mixed`, its own.
    const target = i % 10 === 0 ? 'mixed' : 'other';
    const actionRun = (await call('POST', '/actions/restart/runs', {
      properties: {},
      entity: target,
    })) as { run: { id: string } };
    const workflowRun = (await call('POST', '/workflows/provision/runs', {
      inputs: {},
      entity: target,
    })) as { workflowRun: { identifier: string } };
    const changed = target === 'mixed' ? 'mixed' : 'changed';
    for (const runId of [actionRun.run.id, workflowRun.workflowRun.identifier]) {
      await call('PATCH', `/blueprints/service/entities/${changed}?run_id=${runId}`, {
        title: `${changed} ${i}`,
      });
    }
  }
  console.log(
    `seeded ${CHANGES} changes by ${CHANGES} runs in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );

  timePool(db);
  enableRequestTiming();
  const measure = async (path: string) => {
    const times: number[] = [];
    const queries = new Set<number>();
    for (let i = 0; i < 20; i++) await call('GET', path); // warm-up: plans, JIT
    for (let i = 0; i < REPEATS; i++) {
      takeRequestTimings();
      const t0 = performance.now();
      await call('GET', path);
      times.push(performance.now() - t0);
      await new Promise((resolve) => setImmediate(resolve));
      for (const r of takeRequestTimings()) queries.add(r.queries);
    }
    return { median: median(times), p90: p90(times), queries: [...queries].join('/') };
  };
  const pages = [
    [
      '50 changes by runs (type=audit)',
      '/blueprints/service/entities/changed/activity?type=audit&limit=50',
    ],
    ['50 items of every kind', '/blueprints/service/entities/mixed/activity?limit=50'],
  ] as const;
  console.log(`\nGET …/activity, ${REPEATS} sequential requests a page (ms):`);
  console.log('page'.padEnd(34), 'median'.padStart(8), 'p90'.padStart(8), 'queries'.padStart(9));
  for (const [label, path] of pages) {
    const m = await measure(path);
    console.log(
      label.padEnd(34),
      m.median.toFixed(2).padStart(8),
      m.p90.toFixed(2).padStart(8),
      m.queries.padStart(9),
    );
  }
  await closeServer();
  await closeDatabase();
}

await main();
