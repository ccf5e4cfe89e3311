/**
 * What one poll costs the server, by kind, without sockets or other load in the way: each kind
 * of request through `app.request` N times in a row on a fresh embedded PostgreSQL, wall time
 * and the CPU per request of the node process and of PostgreSQL (its postmaster and every
 * backend, from /proc: what the request's queries cost it, plus its background work). For A/B of the
 * read paths; `bench/load.ts` gives the figures under load.
 *
 *   npx tsx bench/poll-cost.ts        (N=1000 by default)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp } from '../server/app';
import { openEmbedded } from '../server/db/client';
import { ensureUsers } from '../server/seed/users';
import { clusterCpuSeconds } from './cpu';
import { twoNodeWorkflow } from './server-process';

const N = Number(process.env.N ?? 1000);
const creds = {
  adminClientId: 'bench-admin',
  adminClientSecret: 'bench-secret',
  memberClientId: 'bench-member',
  memberClientSecret: 'bench-secret',
};

const dir = mkdtempSync(path.join(tmpdir(), 'runboard-poll-cost-'));
const database = await openEmbedded({ dataDir: dir });
await ensureUsers(database.db, creds);
const app = createApp({ db: database.db, reads: database.reads });
const tokenRes = await app.request('/v1/auth/access_token', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ clientId: creds.adminClientId, clientSecret: creds.adminClientSecret }),
});
const { accessToken } = (await tokenRes.json()) as { accessToken: string };
const call = async (method: string, p: string, body?: unknown, headers = {}) => {
  const res = await app.request(`/v1${p}`, {
    method,
    headers: {
      authorization: `Bearer ${accessToken}`,
      'content-type': 'application/json',
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { res, text };
};

await call('POST', '/workflows', twoNodeWorkflow('cost', 'Cost', 'KAFKA'));
const started = JSON.parse((await call('POST', '/workflows/cost/runs', { inputs: {} })).text) as {
  workflowRun: { identifier: string; nodeRuns: { identifier: string }[] };
};
const run = started.workflowRun.identifier;
const node = started.workflowRun.nodeRuns[1]!.identifier;
const logs = Array.from({ length: 1000 }, (_, i) => ({
  level: 'INFO',
  message: `step ${i}: processed batch of records from upstream source, checksum ${i * 7919} ok`,
}));
// EXTRA=k: k more batches of 1 000 lines first (a log of k thousand lines, as under load).
for (let k = 0; k < Number(process.env.EXTRA ?? 0); k++) {
  await call('POST', `/workflows/nodes/runs/${node}/logs`, { logs });
}
await call('POST', `/workflows/nodes/runs/${node}/logs`, { logs });
const ends = Number(process.env.EXTRA ?? 0) * 1000 + 1000;

const gzip = { 'accept-encoding': 'gzip' };
const runPath = `/workflows/runs/${run}?view=summary`;
const atEnd = `/workflows/nodes/runs/${node}/logs?cursor=${ends}&limit=10000`;
const runTag = (await call('GET', runPath)).res.headers.get('etag')!;
const logTag = (await call('GET', atEnd)).res.headers.get('etag')!;
const cases: [string, () => Promise<unknown>][] = [
  ['run, 304', () => call('GET', runPath, undefined, { ...gzip, 'if-none-match': runTag })],
  ['run summary, 200', () => call('GET', runPath, undefined, gzip)],
  [
    'log from its end, 304',
    () => call('GET', atEnd, undefined, { ...gzip, 'if-none-match': logTag }),
  ],
  ['log from its end, 200 (no line)', () => call('GET', atEnd, undefined, gzip)],
  // What a viewer scrolled up from the end polls (the dashboard's store.ts pollCount).
  [
    'log count alone (total=only), 200',
    () => call('GET', `/workflows/nodes/runs/${node}/logs?total=only`, undefined, gzip),
  ],
  [
    'log tail, 200 lines',
    () => call('GET', `/workflows/nodes/runs/${node}/logs?tail=true&limit=200`, undefined, gzip),
  ],
  [
    'log from a cursor, 1000 lines',
    () =>
      call(
        'GET',
        `/workflows/nodes/runs/${node}/logs?cursor=${ends - 1000}&limit=10000`,
        undefined,
        gzip,
      ),
  ],
];
// A poll from a cursor 4 000 lines back: what the viewers of bench:load (LOG_POLL=plain) fetched
// with 8 writers every 2 s.
if (ends >= 4000) {
  cases.push([
    'log from a cursor, 4000 lines',
    () =>
      call(
        'GET',
        `/workflows/nodes/runs/${node}/logs?cursor=${ends - 4000}&limit=10000`,
        undefined,
        gzip,
      ),
  ]);
}
for (const [name, request] of cases) {
  for (let i = 0; i < 50; i++) await request();
  const cpu0 = process.cpuUsage();
  const pg0 = clusterCpuSeconds(dir);
  const t0 = performance.now();
  for (let i = 0; i < N; i++) await request();
  const cpu = process.cpuUsage(cpu0);
  const pgMs = ((clusterCpuSeconds(dir) - pg0) * 1000) / N;
  console.log(
    `${name}: ${((performance.now() - t0) / N).toFixed(2)} ms wall, ${((cpu.user + cpu.system) / 1000 / N).toFixed(2)} ms node CPU, ${pgMs.toFixed(2)} ms PostgreSQL CPU a request`,
  );
}
await database.close();
rmSync(dir, { recursive: true, force: true });
