/**
 * A whole run's log (`GET /v1/workflows/runs/{id}/logs`, in-process: JSON, auth, zod and the
 * services, no sockets), A/B: this code against a copy of the code before (`--before=<dir>`, e.g.
 * `git archive <commit> | tar -x -C <dir>` with node_modules linked in), each on a database of its
 * own in one embedded PostgreSQL, each filled by its own ingest write path (`LogConnection`,
 * bench/write-path.ts: writes of 4 × 100-line batches over the run's 8 node runs, round robin, so
 * the node runs' lines interleave as a live run's do) and sealed by its own sealer. Then per
 * query, the two codes alternating (which goes first swapped each round), the median of `--reps`
 * requests; prints each code's medians side by side with the load average. Without --before, this
 * code alone.
 *
 *   npx tsx bench/run-logs.ts [--before=<dir>] [--writes=1500] [--rounds=3] [--reps=5]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { Database, openPostgres } from '../server/db/client';
import type { LogConnection } from '../server/db/log-batches';
import type { sealLogChunks } from '../server/services/log-chunks';
import { ensureDatabase, startEmbeddedPostgres } from '../server/db/embedded-postgres';
import type { InProcessCall, inProcessApi } from './in-process-api';
import type { ingestWrites } from './write-path';

const arg = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const BEFORE = arg('before');
const WRITES = Number(arg('writes') ?? 1500);
const ROUNDS = Number(arg('rounds') ?? 3);
const REPS = Number(arg('reps') ?? 5);
const NODES = 8;

interface Code {
  name: string;
  database: Database;
  call: InProcessCall;
  run: string;
  lines: number;
}

/** The same modules from the given tree, on `url`; a run of NODES node runs filled by its ingest. */
async function loadCode(name: string, root: string, url: string): Promise<Code> {
  const from = <T>(file: string) => import(path.join(root, file)) as Promise<T>;
  const client = await from<{ openPostgres: typeof openPostgres }>('server/db/client.ts');
  const batches = await from<{ LogConnection: typeof LogConnection }>('server/db/log-batches.ts');
  const chunks = await from<{ sealLogChunks: typeof sealLogChunks }>(
    'server/services/log-chunks.ts',
  );
  const api = await from<{ inProcessApi: typeof inProcessApi }>('bench/in-process-api.ts');
  const writes = await from<{ ingestWrites: typeof ingestWrites }>('bench/write-path.ts');
  const database = await client.openPostgres(url);
  const { call } = await api.inProcessApi(database.db);
  const ids = Array.from({ length: NODES }, (_, k) => `n${k + 1}`);
  await call('POST', '/workflows', {
    identifier: 'wide',
    title: 'Wide',
    nodes: [
      { identifier: 'trigger', title: 'Trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      ...ids.map((id) => ({ identifier: id, title: id, config: { type: 'KAFKA' } })),
    ],
    connections: ids.map((id) => ({ sourceIdentifier: 'trigger', targetIdentifier: id })),
  });
  const started = (await call('POST', '/workflows/wide/runs', { inputs: {} })) as {
    workflowRun: { identifier: string; nodeRuns: { nodeIdentifier: string; identifier: string }[] };
  };
  const nodes = started.workflowRun.nodeRuns
    .filter((n) => n.nodeIdentifier !== 'trigger')
    .map((n) => n.identifier);
  const connection = await batches.LogConnection.open(database.bulk);
  try {
    const write = writes.ingestWrites(connection, nodes, 4);
    for (let k = 0; k < WRITES; k++) await write(k);
  } finally {
    connection.release(false);
  }
  while ((await chunks.sealLogChunks(database.bulk)).chunks > 0);
  return { name, database, call, run: started.workflowRun.identifier, lines: WRITES * 400 };
}

const load = () => loadavg()[0]!.toFixed(1);

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-run-logs-'));
  const cluster = await startEmbeddedPostgres({ dataDir: dir, log: () => {} });
  const codes: Code[] = [];
  try {
    if (BEFORE) {
      await ensureDatabase(cluster.url('postgres'), 'before');
      codes.push(await loadCode('before', path.resolve(BEFORE), cluster.url('before')));
    }
    await ensureDatabase(cluster.url('postgres'), 'after');
    codes.push(
      await loadCode('after', path.resolve(import.meta.dirname, '..'), cluster.url('after')),
    );
    const n = codes[0]!.lines;
    const half = Math.floor(n / 2);
    const queries = [
      'limit=100',
      `cursor=${half}&limit=100`,
      'tail=true&limit=100',
      `cursor=${n - 2}&limit=10000`,
      `level=INFO&cursor=${half}&limit=100`,
      'level=DEBUG&limit=100',
      'level=ERROR&limit=100',
      'level=WARN&level=ERROR&tail=true&limit=100',
      'q=checksum 12345&limit=1',
      'q=needle&limit=1',
      'q=step 4&limit=100',
      `total=only&cursor=1000&upTo=${half}`,
      'total=only&q=upstream&cursor=0&upTo=100000',
      'total=only&q=zzzz',
    ];
    console.log(
      `a run of ${NODES} node runs, ${n} lines (${WRITES} writes of 4 × 100-line batches); median of ${REPS} requests a round; load average ${load()}`,
    );
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...codes].reverse() : codes;
      console.log(`round ${round + 1} (load ${load()})`);
      for (const query of queries) {
        const ms: Record<string, string> = {};
        for (const code of order) {
          const times: number[] = [];
          for (let i = 0; i < REPS; i++) {
            const t0 = performance.now();
            await code.call('GET', `/workflows/runs/${code.run}/logs?${query}`);
            times.push(performance.now() - t0);
          }
          times.sort((a, b) => a - b);
          ms[code.name] = times[Math.floor(REPS / 2)]!.toFixed(1);
        }
        console.log(
          `  ${query.padEnd(46)} ${codes.map((c) => `${c.name} ${ms[c.name]!.padStart(7)} ms`).join('   ')}`,
        );
      }
    }
  } finally {
    for (const code of codes) await code.database.close();
    await cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
