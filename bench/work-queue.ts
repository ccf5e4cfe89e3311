/**
 * The durable work queue under load, with real server processes on one PostgreSQL (issue 12):
 *
 * 1. Invocations per second to a local receiver with one server and with two. N runs of
 *    `trigger → WEBHOOK(url = receiver, synchronized)` are started through the real HTTP API
 *    first, while the bench holds their node runs' row locks so no dispatcher can take them; the
 *    servers start, the locks are released and both servers are kicked at once. The clock runs
 *    from the release to the last request received and to the last run completed, so the figure
 *    is the queue's (claim, deliver, complete, settle), not run creation's or a server's boot.
 * 2. Recovery: two servers, a receiver that answers after ~1 s, runs started on both; one server
 *    is killed with SIGKILL while it holds requests in flight, and the time from the kill to the
 *    last of its stranded runs completing (through the other server) is set against the lease.
 *
 * Everything listens on 127.0.0.1 (an embedded PostgreSQL in a temp dir, the receiver in this
 * process). Every wait is bounded; every process and the temp dir are removed on the way out, also
 * on failure, Ctrl-C or the overall time limit.
 *
 *   npx tsx bench/work-queue.ts [--runs=1000] [--rounds=2] [--recovery-runs=50] [--lease=5000]
 *                               [--concurrency=8] [--delay=1000] [--no-fsync]
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { createApp } from '../server/app';
import { openPostgres } from '../server/db/client';
import { ensureDatabase, startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { ensureUsers } from '../server/seed/users';
import { TEST_CREDENTIALS } from '../server/test/harness';
import { adminClient, startServerProcess, type ServerProcess } from '../server/test/processes';

const arg = (name: string, fallback: number) => {
  const hit = process.argv.find((a) => a.startsWith(`--${name}=`));
  const value = hit ? Number(hit.slice(name.length + 3)) : fallback;
  if (!Number.isFinite(value) || value <= 0) throw new Error(`--${name} must be a positive number`);
  return value;
};
const RUNS = arg('runs', 1000);
/** Phases run 1, 2, 2, 1 servers (ABBA) per two rounds, so a load change on the machine hits both. */
const ROUNDS = arg('rounds', 2);
const RECOVERY_RUNS = arg('recovery-runs', 50);
const LEASE_MS = arg('lease', 5000);
const CONCURRENCY = arg('concurrency', 8);
const DELAY_MS = arg('delay', 1000);
const DURABLE = !process.argv.includes('--no-fsync');
/** The dispatcher's poll interval (DEFAULT_BACKEND_OPTIONS.pollMs; no setting changes it). */
const POLL_MS = 1000;
/** The whole bench gives up (and cleans up) after this long. */
const OVERALL_LIMIT_MS = 15 * 60_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

// ---- cleanup: everything started is registered here and undone in reverse order ----------------
const undo: { what: string; run: () => Promise<unknown> }[] = [];
const children: ServerProcess[] = [];
let cleaning: Promise<void> | null = null;
function cleanup(): Promise<void> {
  cleaning ??= (async () => {
    for (const step of undo.reverse()) {
      await Promise.race([step.run(), sleep(30_000)]).catch((err: unknown) =>
        console.error(`cleanup (${step.what}) failed:`, err),
      );
    }
  })();
  return cleaning;
}
// Last resort if the bench dies without running cleanup(): no server process outlives it.
process.on('exit', () => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  });
}
setTimeout(() => {
  console.error(`gave up after ${OVERALL_LIMIT_MS / 60_000} min: cleaning up`);
  void cleanup().finally(() => process.exit(1));
}, OVERALL_LIMIT_MS).unref();

async function until<T>(what: string, probe: () => Promise<T | false>, ms: number, every = 100) {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up after ${seconds(ms)} waiting for ${what}`);
    await sleep(every);
  }
}

// ---- CPU time (Linux /proc), to tell a CPU-bound machine from a queue that does not scale ------
const TICK_MS = 10; // USER_HZ is 100 on Linux
/** [ppid, utime + stime, cutime + cstime] of a process, in ms; null when it is gone. */
function procTimes(pid: number): [number, number, number] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat
      .slice(stat.lastIndexOf(')') + 2)
      .split(' ')
      .map(Number);
    return [f[1]!, (f[11]! + f[12]!) * TICK_MS, (f[13]! + f[14]!) * TICK_MS];
  } catch {
    return null;
  }
}
/** CPU ms used so far by the server processes and by PostgreSQL (postmaster and backends). */
function cpuNow(dataDir: string, servers: ServerProcess[]) {
  const own = servers.reduce((sum, s) => sum + (procTimes(s.child.pid!)?.[1] ?? 0), 0);
  let postgres = 0;
  try {
    const master = Number(
      readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const m = procTimes(master);
    if (m) postgres += m[1] + m[2]; // exited backends are in the postmaster's children's times
    for (const entry of readdirSync('/proc')) {
      const t = /^\d+$/.test(entry) ? procTimes(Number(entry)) : null;
      if (t && t[0] === master) postgres += t[1];
    }
  } catch {
    return null;
  }
  return { servers: own, postgres };
}

// ---- the receiver: a backend in this process that answers 200 {} (after `delayMs`) --------------
interface Receipt {
  nodeRunId: string;
  deliveryId: string;
  attempt: number;
  at: number;
}
async function startReceiver() {
  const receipts: Receipt[] = [];
  const state = { delayMs: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = JSON.parse(raw) as { context: { nodeRunId: string } };
      receipts.push({
        nodeRunId: body.context.nodeRunId,
        deliveryId: String(req.headers['x-runboard-delivery']),
        attempt: Number(req.headers['x-runboard-attempt']),
        at: Date.now(),
      });
      const answer = () => {
        if (!res.destroyed) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      };
      if (state.delayMs > 0) setTimeout(answer, state.delayMs);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  undo.push({
    what: 'receiver',
    run: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
    receipts,
    state,
  };
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

// ---- helpers over the cluster and the servers --------------------------------------------------
async function database(adminUrl: string, name: string) {
  await ensureDatabase(adminUrl, name);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // Migrated here once, so the servers that share it start on a ready schema.
  const opened = await openPostgres(url.toString());
  await ensureUsers(opened.db, TEST_CREDENTIALS);
  const sql = new pg.Client({ connectionString: url.toString() });
  await sql.connect();
  undo.push({ what: `database ${name}`, run: () => Promise.all([opened.close(), sql.end()]) });
  return { url: url.toString(), db: opened.db, sql };
}

async function startServer(name: string, databaseUrl: string, env: Record<string, string>) {
  const server = await startServerProcess(name, databaseUrl, {
    WEBHOOK_CONCURRENCY: String(CONCURRENCY),
    // The receiver is one host; its cap (counted across servers) must not hold two servers to
    // less than their slots, or the bench would measure the cap instead of the queue.
    WEBHOOK_HOST_CONCURRENCY: String(2 * CONCURRENCY),
    WORK_LEASE_MS: String(LEASE_MS),
    ...env,
  });
  children.push(server);
  undo.push({
    what: `server ${name}`,
    run: async () => {
      if (server.child.exitCode === null && server.child.signalCode === null) {
        server.child.kill('SIGKILL');
      }
      await server.exited;
    },
  });
  return server;
}

async function webhookWorkflow(api: Awaited<ReturnType<typeof adminClient>>, url: string) {
  const res = await api('POST', '/workflows', {
    identifier: 'bench-queue',
    title: 'Bench queue',
    nodes: [
      { identifier: 'trigger', title: 'Trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      { identifier: 'call', title: 'Call', config: { type: 'WEBHOOK', url, synchronized: true } },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'call' }],
  });
  if (res.status !== 201) throw new Error(`creating the workflow: ${JSON.stringify(res.body)}`);
  return 'bench-queue';
}

/** Starts `count` runs through the API, `parallel` requests at a time spread over the clients. */
async function startRuns(
  apis: Awaited<ReturnType<typeof adminClient>>[],
  workflow: string,
  count: number,
  parallel = 16,
) {
  let next = 0;
  const ids: string[] = [];
  await Promise.all(
    Array.from({ length: parallel }, async (_, lane) => {
      while (next < count) {
        next++;
        const api = apis[lane % apis.length]!;
        const res = await api('POST', `/workflows/${workflow}/runs`, { inputs: {} });
        if (res.status !== 201) throw new Error(`starting a run: ${JSON.stringify(res.body)}`);
        ids.push(res.body.workflowRun.identifier as string);
      }
    }),
  );
  return ids;
}

/** The bench's own queries of the database, left out of the servers' transaction counts. */
let ownQueries = 0;

/** Polls the database (not the servers) until every run of the workflow is completed. */
async function allCompleted(sql: pg.Client, workflow: string, count: number, ms: number) {
  return until(
    `${count} runs completed`,
    async () => {
      ownQueries++;
      const { rows } = await sql.query<{ done: string; ok: string; last: Date | null }>(
        `SELECT count(*) FILTER (WHERE status = 'COMPLETED') AS done,
                count(*) FILTER (WHERE result = 'SUCCESS') AS ok, max(completed_at) AS last
           FROM workflow_runs WHERE workflow_identifier = $1`,
        [workflow],
      );
      const row = rows[0]!;
      return Number(row.done) === count && { ok: Number(row.ok), last: row.last!.getTime() };
    },
    ms,
  );
}

function deliveryCounts(receipts: Receipt[]) {
  const perNodeRun = new Map<string, number>();
  for (const r of receipts) perNodeRun.set(r.nodeRunId, (perNodeRun.get(r.nodeRunId) ?? 0) + 1);
  return { distinct: perNodeRun.size, repeats: receipts.length - perNodeRun.size };
}

let phase = 0;

// ---- 1. throughput -------------------------------------------------------------------------------
interface Throughput {
  servers: number;
  deliveredPerS: number;
  completedPerS: number;
  lastDeliveredMs: number;
  lastCompletedMs: number;
  createdPerS: number;
  repeats: number;
  failed: number;
  /** CPU ms per invocation during the drain, or null where /proc is not there. */
  cpu: { servers: number; postgres: number } | null;
  /** Database transactions (commits and rollbacks) per invocation during the drain. */
  xactsPerInvocation: number;
}

async function throughput(adminUrl: string, dataDir: string, servers: number, receiver: Receiver) {
  receiver.receipts.length = 0;
  receiver.state.delayMs = 0;
  const { url, db, sql } = await database(adminUrl, `bench_queue_${++phase}`);

  // The backlog, created through the real API by an app with no dispatcher in this process.
  const app = createApp({ db });
  const http = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const loader = await adminClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  const workflow = await webhookWorkflow(loader, receiver.url);
  const creating = performance.now();
  await startRuns([loader], workflow, RUNS);
  const createdPerS = RUNS / ((performance.now() - creating) / 1000);
  await new Promise<void>((resolve) => http.close(() => resolve()));

  // Hold the owed node runs so the servers' dispatchers (SKIP LOCKED) cannot move them yet.
  await sql.query('BEGIN');
  const held = await sql.query(
    `SELECT identifier FROM node_runs WHERE status = 'IN_PROGRESS' AND dispatched_at IS NULL
       FOR UPDATE`,
  );
  if (held.rowCount !== RUNS) throw new Error(`expected ${RUNS} owed node runs, ${held.rowCount}`);
  const procs = await Promise.all(
    Array.from({ length: servers }, (_, i) => startServer(`S${i + 1}`, url, {})),
  );
  if (receiver.receipts.length) throw new Error('a server reached the backlog before the release');

  await sql.query('ROLLBACK');
  const xacts = async () => {
    const { rows } = await sql.query<{ n: string }>(
      `SELECT xact_commit + xact_rollback AS n FROM pg_stat_database
        WHERE datname = current_database()`,
    );
    return Number(rows[0]!.n);
  };
  const xacts0 = await xacts();
  const own0 = ownQueries;
  const t0 = Date.now();
  const cpu0 = cpuNow(dataDir, procs);
  // Any write request kicks a server's dispatcher; without it each would wait for its next poll.
  await Promise.all(
    procs.map((p) =>
      fetch(`${p.baseUrl}/v1/auth/access_token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      }).then((r) => r.arrayBuffer()),
    ),
  );
  const done = await allCompleted(sql, workflow, RUNS, 300_000);
  const cpu1 = cpuNow(dataDir, procs);
  // The statistics collector reports with a delay: read after the servers are stopped.
  const lastDelivered = Math.max(...receiver.receipts.map((r) => r.at));
  const counts = deliveryCounts(receiver.receipts);
  if (counts.distinct !== RUNS) throw new Error(`${counts.distinct} of ${RUNS} node runs invoked`);

  for (const p of procs) p.child.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await sleep(1000);
  const xactsPerInvocation = (await xacts()) - xacts0 - (ownQueries - own0) - 1;
  return {
    xactsPerInvocation: xactsPerInvocation / RUNS,
    servers,
    deliveredPerS: RUNS / ((lastDelivered - t0) / 1000),
    completedPerS: RUNS / ((done.last - t0) / 1000),
    lastDeliveredMs: lastDelivered - t0,
    lastCompletedMs: done.last - t0,
    createdPerS,
    repeats: counts.repeats,
    failed: RUNS - done.ok,
    cpu:
      cpu0 && cpu1
        ? {
            servers: (cpu1.servers - cpu0.servers) / RUNS,
            postgres: (cpu1.postgres - cpu0.postgres) / RUNS,
          }
        : null,
  } satisfies Throughput;
}

// ---- 2. recovery after kill -9 -------------------------------------------------------------------
async function recovery(adminUrl: string, receiver: Receiver) {
  receiver.receipts.length = 0;
  receiver.state.delayMs = DELAY_MS;
  const { url, sql } = await database(adminUrl, 'bench_queue_recovery');
  const [a, b] = await Promise.all([startServer('A', url, {}), startServer('B', url, {})]);
  const apiA = await adminClient(a!.baseUrl);
  const apiB = await adminClient(b!.baseUrl);
  const workflow = await webhookWorkflow(apiA, receiver.url);
  await startRuns([apiA, apiB], workflow, RECOVERY_RUNS, 8);

  // Kill A once it has as many requests in flight as it can (or as it gets within 20 s).
  const heldByA = async () => {
    const { rows } = await sql.query<{ subject_id: string }>(
      `SELECT subject_id FROM work_items WHERE state = 'claimed' AND claimed_by LIKE $1`,
      [`%:${a!.child.pid}:%`],
    );
    const sent = new Set(receiver.receipts.map((r) => r.nodeRunId));
    return rows.filter((r) => sent.has(r.subject_id)).length;
  };
  const waitUntil = Date.now() + 20_000;
  let inFlight = 0;
  while (Date.now() < waitUntil) {
    inFlight = await heldByA();
    if (inFlight >= Math.min(CONCURRENCY, RECOVERY_RUNS / 4)) break;
    await sleep(20);
  }
  if (inFlight === 0) throw new Error('server A never held a request in flight');
  a!.child.kill('SIGKILL');
  const killedAt = Date.now();
  await a!.exited;

  // What A held when it died: its leases stay until they run out.
  const { rows: stranded } = await sql.query<{ run: string; until: Date }>(
    `SELECT n.workflow_run_identifier AS run, w.claimed_until AS until
       FROM work_items w JOIN node_runs n ON n.identifier = w.subject_id
      WHERE w.state = 'claimed' AND w.claimed_by LIKE $1`,
    [`%:${a!.child.pid}:%`],
  );
  if (stranded.length === 0) throw new Error('server A held nothing when killed');
  const leaseLeftMs = Math.max(...stranded.map((s) => s.until.getTime())) - killedAt;

  const all = await allCompleted(sql, workflow, RECOVERY_RUNS, 10 * LEASE_MS + 60_000);
  const { rows: last } = await sql.query<{ last: Date }>(
    `SELECT max(completed_at) AS last FROM workflow_runs WHERE identifier = ANY($1)`,
    [stranded.map((s) => s.run)],
  );
  const strandedIds = new Set(stranded.map((s) => s.run));
  const counts = deliveryCounts(receiver.receipts);
  b!.child.kill('SIGTERM');
  await b!.exited;
  return {
    stranded: strandedIds.size,
    leaseLeftMs,
    recoveryMs: last[0]!.last.getTime() - killedAt,
    allDoneMs: all.last - killedAt,
    failed: RECOVERY_RUNS - all.ok,
    repeats: counts.repeats,
  };
}

// ---- main ----------------------------------------------------------------------------------------
async function main() {
  const load = loadavg()[0]!.toFixed(1);
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-bench-queue-'));
  undo.push({ what: 'temp dir', run: async () => rmSync(dir, { recursive: true, force: true }) });
  const cluster = await startEmbeddedPostgres({ dataDir: dir, durable: DURABLE, log: () => {} });
  undo.push({ what: 'PostgreSQL', run: () => cluster.stop() });
  const adminUrl = cluster.url('postgres');
  const receiver = await startReceiver();

  console.log(
    `Work queue bench: embedded PostgreSQL (${DURABLE ? 'fsync on' : 'fsync off'}), ` +
      `WEBHOOK_CONCURRENCY=${CONCURRENCY} per server, WORK_LEASE_MS=${LEASE_MS}, ` +
      `load average ${load} on this machine at the start`,
  );
  console.log(
    `\n1. ${RUNS} runs of trigger → WEBHOOK (synchronized) to a receiver answering 200 {} at once.\n` +
      '   The runs are started through the HTTP API first, while the bench holds their node runs\n' +
      "   locked so no server's dispatcher can take them; then the servers start, the locks are\n" +
      '   released and every server is kicked. Timed from the release to the last request\n' +
      '   received / last run completed: the queue alone, not run creation or boot.',
  );
  const rows: Throughput[] = [];
  const order = Array.from({ length: ROUNDS }, (_, i) => (i % 2 === 0 ? [1, 2] : [2, 1])).flat();
  for (const servers of order) {
    const row = await throughput(adminUrl, dir, servers, receiver);
    rows.push(row);
    console.log(
      `   ${servers} server${servers > 1 ? 's' : ' '}: ${row.deliveredPerS.toFixed(0).padStart(5)} invocations/s ` +
        `(last delivered ${seconds(row.lastDeliveredMs)}), ` +
        `${row.completedPerS.toFixed(0).padStart(5)} runs completed/s ` +
        `(last ${seconds(row.lastCompletedMs)}); repeats ${row.repeats}, failed ${row.failed} ` +
        `[backlog created at ${row.createdPerS.toFixed(0)} runs/s, load ${loadavg()[0]!.toFixed(1)}]`,
    );
    if (row.cpu) {
      const busy = ((row.cpu.servers + row.cpu.postgres) * row.completedPerS) / 1000;
      console.log(
        `              CPU per invocation: server${servers > 1 ? 's' : ''} ${row.cpu.servers.toFixed(1)} ms + ` +
          `PostgreSQL ${row.cpu.postgres.toFixed(1)} ms = ${busy.toFixed(2)} of ` +
          `${availableParallelism()} cores busy with the queue during the drain; ` +
          `${row.xactsPerInvocation.toFixed(1)} database transactions per invocation`,
      );
    }
  }
  const mean = (servers: number, key: 'deliveredPerS' | 'completedPerS') => {
    const of = rows.filter((r) => r.servers === servers);
    return of.reduce((sum, r) => sum + r[key], 0) / of.length;
  };
  console.log(
    `   mean over ${ROUNDS} round${ROUNDS > 1 ? 's' : ''}: 1 server ${mean(1, 'deliveredPerS').toFixed(0)}, ` +
      `2 servers ${mean(2, 'deliveredPerS').toFixed(0)} invocations/s; two servers / one: ` +
      `${(mean(2, 'deliveredPerS') / mean(1, 'deliveredPerS')).toFixed(2)}× invocations/s, ` +
      `${(mean(2, 'completedPerS') / mean(1, 'completedPerS')).toFixed(2)}× runs completed/s` +
      (availableParallelism() <= 2
        ? `\n   (${availableParallelism()} cores for PostgreSQL, the servers and everything else: a second ` +
          'server process adds CPU demand, not CPU)'
        : ''),
  );

  console.log(
    `\n2. Two servers, ${RECOVERY_RUNS} runs started on both, the receiver answers after ${DELAY_MS} ms;\n` +
      '   server A is killed with SIGKILL while it holds requests in flight.',
  );
  const r = await recovery(adminUrl, receiver);
  console.log(
    `   stranded on A: ${r.stranded} runs (its leases had ${seconds(r.leaseLeftMs)} left at the kill)\n` +
      `   kill → last stranded run completed: ${seconds(r.recoveryMs)}; ` +
      `all ${RECOVERY_RUNS} runs completed ${seconds(r.allDoneMs)} after the kill; ` +
      `failed ${r.failed}, repeated deliveries ${r.repeats}\n` +
      `   recovery / lease: ${(r.recoveryMs / LEASE_MS).toFixed(2)}× ` +
      `(expected at most (lease + poll ${POLL_MS} ms + answer ${DELAY_MS} ms) / lease = ` +
      `${((LEASE_MS + POLL_MS + DELAY_MS) / LEASE_MS).toFixed(2)}×, plus scheduling on a busy machine)`,
  );
  console.log(
    `   peer (issue 12, before the queue): 14–16 of 16 such runs stayed IN_PROGRESS forever.`,
  );
}

main()
  .then(
    () => cleanup(),
    async (err: unknown) => {
      console.error(err);
      for (const c of children) {
        if (c.child.exitCode !== null || c.child.signalCode !== null) continue;
        console.error(`--- ${c.name} output (last 2 000 chars) ---\n${c.output().slice(-2000)}`);
      }
      await cleanup();
      process.exitCode = 1;
    },
  )
  .finally(() => process.exit());
