/**
 * Production load on the embedded default (issue 17), bounded and on loopback only:
 *   1. ingest: 8 writers posting 100-line batches (~100-byte messages) to
 *      POST /v1/workflows/nodes/runs/{id}/logs for INGEST_S seconds, lines/s, and the CPU each
 *      line cost the server, PostgreSQL and the writers (bench/ingest-writers.ts, in a child
 *      process as backends are; WRITERS_IN_PROCESS=1 runs them in this one);
 *   2. the raw rate in the same PostgreSQL: the same rows inserted server-side into a table with
 *      the same columns and only the indexes needed to read by position and level, and its CPU
 *      per row; the ratio;
 *   3. reads: 50 and 200 viewers at the dashboard's policies, without and with the 8 writers:
 *      `poll` (Follow off, scrolled up from the end: every 2 s the run with view=summary and
 *      If-None-Match, and its node's log's new total and level counts, `total=only` with
 *      If-None-Match; LOG_POLL=plain: the lines from its cursor, as before), p50/p99;
 *      `stream` (a live node with Follow on, the default: the run polled the same way, the
 *      node's log streamed over SSE), run-poll p50/p99 and each streamed line's delivery lag
 *      p50/p99 (STREAM_VIEWERS, default 200, says at which sizes);
 *   4. bytes per stored log line (table + indexes + TOAST).
 * Where the polls' time went (server/timing.ts, turned on here): per kind, the server's handler
 * time split into pool wait, queries and lookups shared with other requests, its send time, and
 * the slowest 1 % of the latencies the viewers saw split into before the handler (from the
 * viewer's fetch to the server's handler, both on the wall clock), the handler and after it.
 * READS_FIRST_MS sets how long a log write waits for reads in flight (services/read-first.ts).
 * The log sealer runs as on a server (SEALER=off: not). BULK_NICE sets the niceness of the bulk
 * pool's backends (the ingest's writes, the sealer; default the server's, 0: as the others), and
 * while the writers write, a probe takes a run's row lock (FOR UPDATE, as a PATCH of one of its node
 * runs does) 10 times a second on the main pool: how long a status update waits behind the ingest.
 *
 *   npm run bench:load            (or: npx tsx bench/load.ts [ingestSeconds=15] [readSeconds=10])
 */
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { loadavg, setPriority, tmpdir } from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import type pg from 'pg';
import { createApp } from '../server/app';
import {
  BULK_NICE_DEFAULT,
  openEmbedded,
  selectRows,
  timePool,
  type Db,
} from '../server/db/client';
import { setCoalescerInFlight } from '../server/db/coalesce';
import { ensureUsers } from '../server/seed/users';
import { CHUNK_LINES } from '../server/db/log-chunks';
import { SEAL_PACE, startLogSealer } from '../server/services/log-chunks';
import { ingestClock, INGEST_WRITES, resetIngestClock } from '../server/services/log-ingest';
import { logLineCacheStats } from '../server/services/log-line-cache';
import { LOG_TAIL_LIMITS, openLogTails } from '../server/services/log-tail';
import { READS_FIRST_DEFAULT_MS, setReadsFirstMs } from '../server/services/read-first';
import {
  enableRequestTiming,
  noteAccepted,
  takeRequestTimings,
  type TimedRequest,
} from '../server/timing';
import { clusterCpuSeconds, ownCpuSeconds } from './cpu';
import { runWriters, type WriterResult } from './ingest-writers';
import type { ViewersMode, ViewersResult, ViewersTask } from './load-viewers';
import { twoNodeWorkflow } from './server-process';
import { createRawLines, insertRawLines } from './write-path';

/** The results of several viewer processes as one (a streamed lag's percentiles: the worst). */
function mergeViewers(rs: ViewersResult[]): ViewersResult {
  if (rs.length === 1) return rs[0]!;
  const lags = rs.map((r) => r.stream.lag).filter((l) => l !== null);
  return {
    run: rs.flatMap((r) => r.run),
    logs: rs.flatMap((r) => r.logs),
    first: rs.flatMap((r) => r.first),
    notModified: {
      run: rs.reduce((n, r) => n + r.notModified.run, 0),
      logs: rs.reduce((n, r) => n + r.notModified.logs, 0),
    },
    lines: rs.reduce((n, r) => n + r.lines, 0),
    bytes: rs.reduce((n, r) => n + r.bytes, 0),
    stream: {
      open: rs.flatMap((r) => r.stream.open),
      opened: rs.reduce((n, r) => n + r.stream.opened, 0),
      refused: rs.reduce((n, r) => n + r.stream.refused, 0),
      closedEarly: rs.reduce((n, r) => n + r.stream.closedEarly, 0),
      events: rs.reduce((n, r) => n + r.stream.events, 0),
      lag: lags.length
        ? {
            p50: Math.max(...lags.map((l) => l.p50)),
            p99: Math.max(...lags.map((l) => l.p99)),
            max: Math.max(...lags.map((l) => l.max)),
            n: lags.reduce((n, l) => n + l.n, 0),
          }
        : null,
    },
    clientLoopP99: Math.max(...rs.map((r) => r.clientLoopP99)),
    clientLoopMax: Math.max(...rs.map((r) => r.clientLoopMax)),
    timed: rs.flatMap((r) => r.timed),
  };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

/**
 * Where the polls' time went: per kind, the server's own records (handler time, its pool wait
 * and queries, the send) at p50 / p99, and the slowest 1 % of the latencies the viewers saw,
 * split into the server's handler (pool wait, queries, the rest: JavaScript and event-loop
 * queueing between them) and what lay outside it (request queued before the handler, the send,
 * the viewer's own queue).
 */
function whereTimeWent(server: TimedRequest[], client: ViewersResult['timed']) {
  const f = (x: number) => x.toFixed(1);
  const parts: string[] = [];
  for (const kind of ['run', 'logs'] as const) {
    const mine = server.filter((r) => r.kind === (kind === 'run' ? 'GET run' : 'GET logs'));
    const seen = client.filter((t) => t[0] === kind).sort((a, b) => b[1] - a[1]);
    if (!mine.length && !seen.length) continue;
    const q = (pick: (r: TimedRequest) => number) =>
      `${f(pct(mine.map(pick), 0.5))}/${f(pct(mine.map(pick), 0.99))}`;
    const slow = seen.slice(0, Math.max(1, Math.ceil(seen.length / 100)));
    const [ms, app, pool, db, headers, shared, before, queued] = [1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
      mean(slow.map((t) => t[i] as number)),
    );
    const column = (i: number) => seen.map((t) => t[i] as number);
    // What a browser, which keeps its connections, would mostly see.
    const kept = seen.filter((t) => t[9] === 0).map((t) => t[1]);
    const spread = (i: number) => `${f(pct(column(i), 0.5))}/${f(pct(column(i), 0.99))}`;
    parts.push(
      `${kind}: server p50/p99 handler ${q((r) => r.app)} ms (pool wait ${q((r) => r.poolWait)}, queries ${q((r) => r.query)}, ${f(mean(mine.map((r) => r.queries)))} a request, shared lookups ${q((r) => r.shared)}), send ${q((r) => r.send)} ms;` +
        ` slowest 1 % (${slow.length}) seen ${f(ms!)} ms = before the handler ${f(before!)} (of which in the viewer before its request was written ${f(queued!)}) + handler ${f(app!)} (pool ${f(pool!)}, queries ${f(db!)}, shared lookups ${f(shared!)}, rest ${f(app! - pool! - db! - shared!)}) + after it ${f(ms! - app! - before!)} (of which after the headers ${f(ms! - headers!)});` +
        ` all: before the handler p50/p99 ${spread(7)} ms (in the viewer ${spread(8)});` +
        ` first on a new connection: ${seen.filter((t) => t[9] === 1).length} of ${seen.length}, ${slow.filter((t) => t[9] === 1).length} of the slowest ${slow.length}` +
        ` (their accept → handler ${f(mean(slow.filter((t) => t[9] === 1).map((t) => t[10])))} ms);` +
        ` polls on a kept connection p50/p99 ${f(pct(kept, 0.5))}/${f(pct(kept, 0.99))} ms`,
    );
  }
  const posts = server.filter((r) => r.kind === 'POST logs');
  if (posts.length) {
    parts.push(
      `log POSTs: ${posts.length}, handler p50/p99 ${f(
        pct(
          posts.map((r) => r.app),
          0.5,
        ),
      )}/${f(
        pct(
          posts.map((r) => r.app),
          0.99,
        ),
      )} ms`,
    );
  }
  return parts.join('\n    ');
}

const INGEST_S = Number(process.argv[2] ?? 15);
const READ_S = Number(process.argv[3] ?? 10);
/**
 * WARMUP_S=2: an ingest of that many seconds first, its figures printed but not counted, then the
 * sealer's catch-up, then the measured ingest. The server is in this process and was just
 * started: without it, the measured seconds include V8 compiling the request path (its helper
 * threads' CPU, a fixed cost a server that has been running paid long ago). Default 0 (none),
 * as the figures of earlier sessions were taken.
 */
const WARMUP_S = Number(process.env.WARMUP_S ?? 0);
const WRITERS = 8;
/** MODES=stream (or poll) runs that policy's phases only. */
const MODES = (process.env.MODES ?? 'poll,stream').split(',');
/**
 * VIEWER_PROCESSES=2 splits the viewers over two processes (each its own event loop, as browsers
 * are), so a viewer's latency is less its own load generator's queue; default 1.
 */
/** Which log poll the `poll` viewers make (bench/load-viewers.ts LOG_POLL). */
const LOG_POLL_LABEL =
  process.env.LOG_POLL === 'plain'
    ? 'LOG_POLL=plain: the lines from the cursor'
    : 'scrolled up: the log count alone';
const VIEWER_PROCESSES = Math.max(1, Number(process.env.VIEWER_PROCESSES ?? 1));
/** VIEWERS=200 runs the reads for 200 viewers only. */
const VIEWERS = (process.env.VIEWERS ?? '50,200').split(',').map(Number);
/** Sizes at which the streamed policy runs too (after the polled one); empty: none. */
const STREAM_VIEWERS = (process.env.STREAM_VIEWERS ?? '200').split(',').filter(Boolean).map(Number);
/**
 * Viewers per user (a person with a few tabs open): each user may hold only
 * LOG_TAIL_LIMITS.perUser streams, so the viewers are spread over machine credentials made
 * through the API, each with its own bearer token (the dashboard's people use session cookies;
 * both are one lookup a request).
 */
const VIEWERS_PER_USER = Number(process.env.VIEWERS_PER_USER ?? 4);
if (VIEWERS_PER_USER > LOG_TAIL_LIMITS.perUser) {
  throw new Error(`VIEWERS_PER_USER must be at most ${LOG_TAIL_LIMITS.perUser}`);
}
/**
 * A diagnosis, not the product's policy: TAIL_TICK_MS=1000 makes every stream look for new lines
 * once a second instead of every LOG_TAIL_LIMITS.tickMs (each look is one query per stream).
 */
if (process.env.TAIL_TICK_MS) LOG_TAIL_LIMITS.tickMs = Number(process.env.TAIL_TICK_MS);
/**
 * The writers and the viewers each run in a session of their own (setsid), as clients on other
 * machines would: Linux's autogroup scheduling (`/proc/sys/kernel/sched_autogroup_enabled`, on
 * here) shares the CPU between sessions first, so in the bench's session they took their share
 * from the server's. LOADGEN_SESSION=same keeps them in it (the bench before s7reads).
 */
const ownSession = process.env.LOADGEN_SESSION !== 'same';
const BATCH = 100;
const RAW_ROWS = 500_000;

const creds = {
  adminClientId: 'bench-admin',
  adminClientSecret: 'bench-secret',
  memberClientId: 'bench-member',
  memberClientSecret: 'bench-secret',
};

const pct = (xs: number[], p: number) =>
  xs.length
    ? [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!
    : NaN;
const text = async (stream: Readable) => {
  let out = '';
  for await (const chunk of stream) out += String(chunk);
  return out;
};

/**
 * CPU ticks used so far by the postmaster `pid` and each of its children (the backends), by pid.
 * A backend that exits meanwhile (the pool closes idle connections) takes its time with it.
 */
function postgresTicks(pid: number) {
  const byPid = new Map<number, number>();
  const ticks = (p: string) => {
    const fields = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return { ppid: Number(fields[1]), cpu: Number(fields[11]) + Number(fields[12]) };
  };
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const t = ticks(p);
      if (Number(p) === pid || t.ppid === pid) byPid.set(Number(p), t.cpu);
    } catch {
      // gone meanwhile
    }
  }
  return byPid;
}

/**
 * Time a task spent on a CPU and waiting for one (ms), from /proc/<pid>[/task/<tid>]/schedstat
 * (on-CPU ns, run-queue wait ns, timeslices); null once it is gone.
 */
function schedstat(file: string) {
  try {
    const [cpu, wait] = readFileSync(file, 'utf8').split(' ').map(Number);
    return { cpu: cpu! / 1e6, wait: wait! / 1e6 };
  } catch {
    return null;
  }
}

/**
 * PostgreSQL's backends' CPU and run-queue wait between two backendSched readings, summed by the
 * pool that opened each (application_name) or its kind (autovacuum, checkpointer, …).
 */
async function schedByRole(
  db: Db,
  before: Map<number, { cpu: number; wait: number }>,
  after: Map<number, { cpu: number; wait: number }>,
) {
  const rows = await selectRows<{ pid: number; role: string }>(
    db,
    sql`SELECT pid, coalesce(nullif(application_name, ''), backend_type) AS role FROM pg_stat_activity`,
  );
  const roles = new Map(rows.map((r) => [r.pid, r.role]));
  const byRole = new Map<string, { cpu: number; wait: number }>();
  for (const [pid, s] of after) {
    const role = roles.get(pid) ?? 'other';
    const was = before.get(pid) ?? { cpu: 0, wait: 0 };
    const sum = byRole.get(role) ?? { cpu: 0, wait: 0 };
    byRole.set(role, { cpu: sum.cpu + s.cpu - was.cpu, wait: sum.wait + s.wait - was.wait });
  }
  return byRole;
}

/** schedstat of the postmaster `pid`'s children (the backends), by pid. */
function backendSched(pid: number) {
  const byPid = new Map<number, { cpu: number; wait: number }>();
  for (const p of postgresTicks(pid).keys()) {
    const s = schedstat(`/proc/${p}/schedstat`);
    if (s && p !== pid) byPid.set(p, s);
  }
  return byPid;
}

/** A process's niceness (field 19 of /proc/<pid>/stat); NaN once it is gone. */
/**
 * LOADGEN_NICE=n (a diagnosis, not a product setting): the writers' and viewers' processes run at
 * niceness n (each of their threads; threads made later inherit it). In production the clients
 * are other machines; on these 2 cores they compete with the server and PostgreSQL for a CPU.
 */
const LOADGEN_NICE =
  process.env.LOADGEN_NICE === undefined ? null : Number(process.env.LOADGEN_NICE);
function renice(pid: number) {
  if (LOADGEN_NICE === null) return;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      setPriority(Number(tid), LOADGEN_NICE);
    } catch {
      // The thread ended meanwhile.
    }
  }
}

function niceOf(pid: number) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  } catch {
    return NaN;
  }
}

/** CPU time (ms) PostgreSQL's processes used since `before` (a postgresTicks snapshot). */
function postgresCpuMsSince(pid: number, before: Map<number, number>) {
  let ticks = 0;
  for (const [p, t] of postgresTicks(pid)) ticks += t - (before.get(p) ?? 0);
  return ticks * 10; // USER_HZ = 100
}

/** PostgreSQL's WAL and write counters (cluster-wide), to print what each line cost in them. */
async function walCounters(db: Parameters<typeof selectRows>[0]) {
  const [row] = await selectRows<{
    bytes: string;
    records: string;
    fpi: string;
    checkpoints: string;
    backendWrites: string;
    walWrites: string;
    walWriteMs: string;
    walSyncs: string;
    walSyncMs: string;
  }>(
    db,
    sql`SELECT w.wal_bytes::text AS bytes, w.wal_records::text AS records, w.wal_fpi::text AS fpi,
          (SELECT (num_timed + num_requested)::text FROM pg_stat_checkpointer) AS checkpoints,
          (SELECT coalesce(sum(writes), 0)::text FROM pg_stat_io
            WHERE backend_type = 'client backend' AND object <> 'wal') AS "backendWrites",
          io.writes::text AS "walWrites", io.write_time::text AS "walWriteMs",
          io.fsyncs::text AS "walSyncs", io.fsync_time::text AS "walSyncMs"
        FROM pg_stat_wal w,
          (SELECT coalesce(sum(writes), 0) AS writes, coalesce(sum(write_time), 0) AS write_time,
              coalesce(sum(fsyncs), 0) AS fsyncs, coalesce(sum(fsync_time), 0) AS fsync_time
            FROM pg_stat_io WHERE object = 'wal') io`,
  );
  return {
    bytes: Number(row!.bytes),
    records: Number(row!.records),
    fpi: Number(row!.fpi),
    checkpoints: Number(row!.checkpoints),
    backendWrites: Number(row!.backendWrites),
    walWrites: Number(row!.walWrites),
    walWriteMs: Number(row!.walWriteMs),
    walSyncs: Number(row!.walSyncs),
    walSyncMs: Number(row!.walSyncMs),
  };
}
type WalCounters = Awaited<ReturnType<typeof walCounters>>;

/** WAL a line (or row) between two readings: bytes, records, full-page images; checkpoints; pages backends wrote. */
function walPerLine(a: WalCounters, b: WalCounters, lines: number) {
  return (
    `WAL ${((b.bytes - a.bytes) / lines).toFixed(0)} B, ${((b.records - a.records) / lines).toFixed(2)} records,` +
    ` ${(((b.fpi - a.fpi) / lines) * 1000).toFixed(1)} full-page images per 1000;` +
    ` ${b.checkpoints - a.checkpoints} checkpoints, ${b.backendWrites - a.backendWrites} pages written by backends;` +
    ` WAL writes ${b.walWrites - a.walWrites}, syncs ${b.walSyncs - a.walSyncs}` +
    // Timed with PG_SET="track_wal_io_timing=on" only.
    (b.walSyncMs > a.walSyncMs
      ? ` (write ${((b.walWriteMs - a.walWriteMs) / Math.max(1, b.walWrites - a.walWrites)).toFixed(3)} ms, sync ${((b.walSyncMs - a.walSyncMs) / Math.max(1, b.walSyncs - a.walSyncs)).toFixed(3)} ms each)`
      : '')
  );
}

/** Where a log write's time went (services/log-ingest.ts ingestClock), means in ms. */
function whereWritesWent(c: typeof ingestClock, writers: WriterResult, scheduled: string) {
  const w = Math.max(1, c.writes);
  const b = Math.max(1, c.batches);
  const f = (x: number) => (x / w).toFixed(2);
  const total = c.inFlight.reduce((a, x) => a + x, 0) || 1;
  return (
    `a request's round trip ${(writers.roundTripMs / Math.max(1, writers.requests)).toFixed(2)} ms (writers), ` +
    `of which queued ${(c.queue / b).toFixed(2)} and appended → answered ${(c.answered / b).toFixed(2)} ms (server);` +
    ` a write (${c.writes}, ${(c.lines / w).toFixed(0)} lines): reads' hold ${f(c.hold)}, lock round trip ${f(c.lock)},` +
    ` build ${f(c.build)}, write + commit round trip ${f(c.commit)}, commit → next lock ${f(c.gap)} ms;` +
    ` ingest round trips in flight 0/1/2: ${c.inFlight
      .slice(0, 3)
      .map((x) => ((x / total) * 100).toFixed(0))
      .join('/')} % of the time;` +
    ` ${scheduled}`
  );
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-load-'));
  const bulkNice = Number(process.env.BULK_NICE ?? BULK_NICE_DEFAULT);
  const readsFirstMs = Number(process.env.READS_FIRST_MS ?? READS_FIRST_DEFAULT_MS);
  // COALESCE_IN_FLIGHT=2: each kind of poll lookup may have two queries in flight (db/coalesce.ts).
  if (process.env.COALESCE_IN_FLIGHT) setCoalescerInFlight(Number(process.env.COALESCE_IN_FLIGHT));
  setReadsFirstMs(readsFirstMs);
  const database = await openEmbedded({
    dataDir: dir,
    bulkNice,
    ...(process.env.READ_POOL ? { readPoolSize: Number(process.env.READ_POOL) } : {}),
  });
  const { db } = database;
  // Diagnoses, not settings of the product: INGEST_MAX_WRITES / INGEST_SECOND_WRITE_LINES (the
  // ingest's writes in flight and the queue at which a second starts), SEAL_MAX_BEHIND (the
  // sealer's bound while paced), PG_SET="name=value;…" (ALTER SYSTEM, then a reload).
  if (process.env.INGEST_MAX_WRITES) INGEST_WRITES.max = Number(process.env.INGEST_MAX_WRITES);
  if (process.env.INGEST_SECOND_WRITE_LINES) {
    INGEST_WRITES.secondAt = Number(process.env.INGEST_SECOND_WRITE_LINES);
  }
  if (process.env.SEAL_MAX_BEHIND) SEAL_PACE.maxBehind = Number(process.env.SEAL_MAX_BEHIND);
  for (const setting of (process.env.PG_SET ?? '').split(';').filter(Boolean)) {
    const at = setting.indexOf('=');
    const [name, value] = [setting.slice(0, at), setting.slice(at + 1)];
    await db.execute(sql.raw(`ALTER SYSTEM SET ${name} = '${value.replace(/'/g, "''")}'`));
  }
  if (process.env.PG_SET) await db.execute(sql`SELECT pg_reload_conf()`);
  // Where a read's time goes (server/timing.ts): each request's pool waits and queries, from the
  // read phases on (enableRequestTiming below). Not during the ingest alone: a server runs without
  // it, and with it each answer is rebuilt as a whole web Response for its Server-Timing header and
  // every promise pays AsyncLocalStorage's hooks (s10ingest: README, Production load).
  for (const pool of [db, database.reads, database.bulk]) timePool(pool);
  const sealer = process.env.SEALER === 'off' ? null : startLogSealer(database.bulk);
  await ensureUsers(db, creds);
  const app = createApp({ db, reads: database.reads });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  server.on('connection', noteAccepted);
  // KEEP_ALIVE_MS: how long the server keeps an idle connection (Node's default: 5 s).
  if (process.env.KEEP_ALIVE_MS) {
    (server as unknown as { keepAliveTimeout: number }).keepAliveTimeout = Number(
      process.env.KEEP_ALIVE_MS,
    );
  }
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  const tokenRes = await fetch(`${base}/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId: creds.adminClientId, clientSecret: creds.adminClientSecret }),
  });
  const auth = `Bearer ${((await tokenRes.json()) as { accessToken: string }).accessToken}`;
  const call = async (
    method: string,
    p: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${base}${p}`, {
      method,
      headers: { authorization: auth, 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (res.status >= 400) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return {
      status: res.status,
      etag: res.headers.get('etag'),
      body: text ? JSON.parse(text) : null,
    };
  };

  await call('POST', '/workflows', twoNodeWorkflow('load', 'Load', 'KAFKA'));
  const runs: { run: string; node: string }[] = [];
  for (let i = 0; i < WRITERS; i++) {
    const { body } = await call('POST', '/workflows/load/runs', { inputs: {} });
    const work = body.workflowRun.nodeRuns.find(
      (n: { nodeIdentifier: string }) => n.nodeIdentifier === 'work',
    );
    runs.push({ run: body.workflowRun.identifier, node: work.identifier });
  }

  // The writers run in a child process, as backends do (WRITERS_IN_PROCESS=1: in this one, as
  // before): the server's CPU is then its own. CPU per line is steadier than lines/s on a
  // machine others use.
  const writersScript = fileURLToPath(new URL('./ingest-writers.ts', import.meta.url));
  const nodeRuns = runs.map((r) => r.node);
  const ingest = async (seconds: number) => {
    const startAt = Date.now() + (process.env.WRITERS_IN_PROCESS ? 0 : 1500);
    const child = process.env.WRITERS_IN_PROCESS
      ? null
      : spawn(
          process.execPath,
          [
            '--import',
            'tsx',
            writersScript,
            base,
            auth.slice('Bearer '.length),
            String(seconds),
            String(startAt),
            nodeRuns.join(','),
          ],
          { stdio: ['ignore', 'pipe', 'inherit'], detached: ownSession },
        );
    if (child?.pid !== undefined) renice(child.pid);
    const output = child ? text(child.stdout) : null;
    await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
    const wal0 = await walCounters(db);
    const server0 = ownCpuSeconds();
    const pg0 = clusterCpuSeconds(dir);
    const sched = schedWatch();
    resetIngestClock();
    const probe = probeRunLocks(seconds);
    const waitSamples = sampleIngestWaits(seconds);
    const result: WriterResult = child
      ? await new Promise((resolve, reject) =>
          child.once('exit', (code) =>
            code === 0
              ? output!.then((out) => resolve(JSON.parse(out) as WriterResult), reject)
              : reject(new Error(`the writers exited with ${code}`)),
          ),
        )
      : await runWriters(base, auth, nodeRuns, seconds, BATCH);
    const perLine = (cpuSeconds: number) => (cpuSeconds / result.lines) * 1e6;
    const clock = { ...ingestClock, inFlight: [...ingestClock.inFlight] };
    const scheduled = await sched.stop();
    const lockWaits = await probe;
    const waits = await waitSamples;
    const wal1 = await walCounters(db);
    return {
      waits,
      lockWaits: `run lock (as a PATCH takes it) p50 ${pct(lockWaits, 0.5).toFixed(1)} / p99 ${pct(lockWaits, 0.99).toFixed(1)} / max ${Math.max(...lockWaits).toFixed(1)} ms (${lockWaits.length})`,
      rate: result.lines / result.seconds,
      serverUs: perLine(ownCpuSeconds() - server0 - (child ? 0 : result.cpuSeconds)),
      pgUs: perLine(clusterCpuSeconds(dir) - pg0),
      writersUs: perLine(result.cpuSeconds),
      wal: walPerLine(wal0, wal1, result.lines),
      // Each write commits once; so does each of the probe's lock transactions (its row lock
      // takes an xid): the flushes left are the writes' own, or shared between them.
      syncsPerWrite: (wal1.walSyncs - wal0.walSyncs - lockWaits.length) / Math.max(1, clock.writes),
      clock: whereWritesWent(clock, result, scheduled),
    };
  };

  /** The CPU and run-queue wait of the server's main thread and of PostgreSQL's backends by pool. */
  const schedWatch = () => {
    const mainThread = `/proc/${process.pid}/task/${process.pid}/schedstat`;
    const main0 = schedstat(mainThread);
    const backends0 = backendSched(postmaster);
    const t0 = performance.now();
    return {
      async stop() {
        const wall = performance.now() - t0;
        const main1 = schedstat(mainThread);
        const backends1 = backendSched(postmaster);
        const byRole = new Map<string, { cpu: number; wait: number }>([
          ['server main thread', { cpu: main1!.cpu - main0!.cpu, wait: main1!.wait - main0!.wait }],
          ...(await schedByRole(db, backends0, backends1)),
        ]);
        return [...byRole]
          .filter(([, v]) => v.cpu + v.wait > 0.01 * wall)
          .map(
            ([role, v]) =>
              `${role} ${((v.cpu / wall) * 100).toFixed(0)} % on a CPU / ${((v.wait / wall) * 100).toFixed(0)} % waiting for one`,
          )
          .join(', ');
      },
    };
  };

  /**
   * Every 100 ms for `seconds`, one of the runs' row lock taken and released (BEGIN, SELECT … FOR
   * UPDATE, COMMIT) on the main pool, as a PATCH of a node run of that run takes it: the time each
   * took, in ms. The ingest holds these locks for its transaction (log-batches.ts LOCK).
   */
  const probeRunLocks = async (seconds: number) => {
    const waits: number[] = [];
    const end = Date.now() + seconds * 1000;
    for (let k = 0; Date.now() < end; k++) {
      const t0 = performance.now();
      await db.transaction(async (tx) => {
        await tx.execute(
          sql`SELECT 1 FROM workflow_runs WHERE identifier = ${runs[k % runs.length]!.run} FOR UPDATE`,
        );
      });
      waits.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 100));
    }
    return waits;
  };

  /**
   * WAIT_SAMPLE_MS=n (a diagnosis; off by default): every n ms for `seconds`, what the ingest's
   * write slots (the bulk pool's backends seen running its statements) are doing, sampled inside
   * PostgreSQL (a plpgsql loop on one connection of the main pool: no sample costs the server's
   * process anything). Each slot's wait event, with its state when not active
   * (`Client:ClientRead (idle in transaction)`: a write waiting for the server's next round trip;
   * `(idle)`: a slot between writes or unused), or `on a CPU` (active, no wait: running or
   * runnable). Shares of all samples, largest first. `LWLock:WALWrite` is a commit waiting for
   * the other backend's WAL flush to end, `IO:WalSync` its own flush: what one flush for both
   * writes in flight could save (s15ingest).
   */
  const sampleIngestWaits = async (seconds: number) => {
    const every = Number(process.env.WAIT_SAMPLE_MS ?? 0);
    if (!(every > 0)) return null;
    const rows = await selectRows<{ what: string; n: number }>(
      db,
      sql`WITH s AS (SELECT * FROM runboard_bench_sample_waits(${seconds}::float8,
            ${every / 1000}::float8)),
          -- The ingest's write slots: the backends seen running its statements (log-batches.ts).
          busy AS (SELECT pid FROM s GROUP BY pid HAVING bool_or(ingest))
          SELECT what, count(*)::int AS n FROM s WHERE pid IN (SELECT pid FROM busy)
          GROUP BY what ORDER BY n DESC`,
    );
    const total = rows.reduce((a, r) => a + r.n, 0) || 1;
    return (
      `ingest backends' wait events (${total} samples every ${every} ms, the write slots): ` +
      rows
        .filter((r) => r.n / total >= 0.005)
        .map((r) => `${r.what} ${((r.n / total) * 100).toFixed(1)} %`)
        .join(', ')
    );
  };
  if (Number(process.env.WAIT_SAMPLE_MS ?? 0) > 0) {
    // Samples in one transaction: pg_stat_clear_snapshot() makes each read pg_stat_activity anew.
    await db.execute(
      sql.raw(`CREATE OR REPLACE FUNCTION runboard_bench_sample_waits(seconds float8, every float8)
        RETURNS TABLE (pid int, what text, ingest boolean) LANGUAGE plpgsql AS $f$
        DECLARE t_end timestamptz := clock_timestamp() + make_interval(secs => seconds);
        BEGIN
          WHILE clock_timestamp() < t_end LOOP
            PERFORM pg_stat_clear_snapshot();
            RETURN QUERY SELECT a.pid, CASE
                WHEN wait_event IS NOT NULL THEN wait_event_type || ':' || wait_event
                  || CASE WHEN state = 'active' THEN '' ELSE ' (' || state || ')' END
                WHEN state = 'active' THEN 'on a CPU' ELSE state END,
                -- COUNTERS (the lock round trip's last statement) and WRITE read it.
                a.query LIKE '%nr.log_seq%'
              FROM pg_stat_activity a WHERE application_name = 'runboard-bulk'
                AND backend_type = 'client backend';
            PERFORM pg_sleep(every);
          END LOOP;
        END $f$`),
    );
  }

  /**
   * How far behind the ingest the sealer is (full chunks not sealed), and how long it then takes
   * to seal them with nothing else running, with the CPU it uses a line (SEAL_PACE defers sealing
   * while the ingest is busy, up to its bound behind).
   */
  const sealerCatchUp = async () => {
    const behind = async () => {
      const [row] = await selectRows<{ n: number }>(
        db,
        sql`SELECT count(*)::int AS n FROM log_blocks b,
              generate_series((b.first_seq - 1) / ${CHUNK_LINES} + 1, b.last_seq / ${CHUNK_LINES}) e
            WHERE NOT EXISTS (SELECT 1 FROM log_chunks c
              WHERE c.node_key = b.node_key AND c.first_seq = (e - 1) * ${CHUNK_LINES} + 1)`,
      );
      return row!.n;
    };
    const [sealed] = await selectRows<{ n: number }>(
      db,
      sql`SELECT count(*)::int AS n FROM log_chunks`,
    );
    const atEnd = await behind();
    const t0 = performance.now();
    const node0 = ownCpuSeconds();
    const pg0 = clusterCpuSeconds(dir);
    let left = atEnd;
    while (left > 0 && performance.now() - t0 < 120_000) {
      await new Promise((r) => setTimeout(r, 100));
      left = await behind();
    }
    const lines = (atEnd - left) * CHUNK_LINES;
    const us = (seconds: number) => (lines ? ((seconds / lines) * 1e6).toFixed(1) : '–');
    return (
      `sealer: ${sealed!.n} chunks sealed during the ingest, ${atEnd} full chunks behind at its end;` +
      ` ${left ? `${left} still behind` : 'all sealed'} ${((performance.now() - t0) / 1000).toFixed(1)} s later` +
      ` (CPU a line sealed then: server ${us(ownCpuSeconds() - node0)} µs, PostgreSQL ${us(clusterCpuSeconds(dir) - pg0)} µs)`
    );
  };

  // The viewers' users: machine credentials made through the API, a token each.
  const viewerAuths: string[] = [];
  const users = Math.ceil(Math.max(...VIEWERS, ...STREAM_VIEWERS) / VIEWERS_PER_USER);
  for (let i = 0; i < users; i++) {
    const { body } = await call('POST', '/credentials', { name: `viewer ${i + 1}` });
    const res = await fetch(`${base}/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: body.credential.clientId, clientSecret: body.clientSecret }),
    });
    if (res.status !== 200) throw new Error(`viewer token: ${res.status} ${await res.text()}`);
    viewerAuths.push(`Bearer ${((await res.json()) as { accessToken: string }).accessToken}`);
  }

  /** The viewers poll from their own process (bench/load-viewers.ts), as browsers would. */
  const read = async (viewers: number, seconds: number, mode: ViewersMode) => {
    const auths = viewerAuths.slice(0, Math.ceil(viewers / VIEWERS_PER_USER));
    const shares = Array.from({ length: VIEWER_PROCESSES }, (_, i) =>
      Math.floor((viewers + i) / VIEWER_PROCESSES),
    ).filter((n) => n > 0);
    const result = Promise.all(
      shares.map((share) => {
        const child = fork(fileURLToPath(new URL('./load-viewers.ts', import.meta.url)), [], {
          execArgv: ['--import', 'tsx'],
          detached: ownSession,
        });
        if (child.pid !== undefined) renice(child.pid);
        const answer = new Promise<ViewersResult>((resolve, reject) => {
          child.once('message', (m) => resolve(m as ViewersResult));
          child.once('exit', (code) => reject(new Error(`viewers exited with ${code}`)));
        });
        child.send({ base, auths, runs, viewers: share, seconds, mode } satisfies ViewersTask);
        return answer;
      }),
    ).then(mergeViewers);
    const xacts0 = await transactions();
    const watch = watchServer();
    takeRequestTimings();
    const r = await result;
    const timings = takeRequestTimings();
    const all = [...r.run, ...r.logs];
    const requests = all.length + r.first.length + r.stream.opened;
    const server = await watch.stop(requests);
    const xactsPerS = (await transactions()) - xacts0;
    // The next phase's users must find their stream slots free (the server frees a slot when it
    // sees the connection close).
    for (let i = 0; i < 100 && openLogTails() > 0; i++) await new Promise((f) => setTimeout(f, 50));
    if (openLogTails() > 0) console.log(`  (${openLogTails()} streams still open on the server)`);
    const ms = (xs: number[]) =>
      `p50 ${pct(xs, 0.5).toFixed(1)} / p99 ${pct(xs, 0.99).toFixed(1)} ms`;
    const s = r.stream;
    const streamed =
      mode === 'stream'
        ? ` stream: ${s.opened} opened (headers ${ms(s.open)}), ${s.refused} refused, ${s.closedEarly} ended early;` +
          ` delivery lag ${s.lag ? `p50 ${s.lag.p50} / p99 ${s.lag.p99} / max ${s.lag.max} ms (${s.lag.n} lines)` : '– (no lines)'},` +
          ` ${s.events} events;` +
          (r.logs.length ? ` log polls of refused viewers ${ms(r.logs)};` : '')
        : ` logs ${ms(r.logs)} (${r.notModified.logs}/${r.logs.length} 304);`;
    return {
      run: r.run,
      logs: r.logs,
      lag: s.lag,
      lines: r.lines,
      bytes: r.bytes,
      p50: pct(all, 0.5),
      p99: pct(all, 0.99),
      n: all.length,
      detail:
        `first loads ${ms(r.first)}; run polls ${ms(r.run)} (${r.notModified.run}/${r.run.length} 304);` +
        `${streamed} received ${r.lines} lines, ${(r.bytes / 1e6).toFixed(1)} MB;` +
        ` viewers' own loop delay p99 ${r.clientLoopP99.toFixed(0)} ms, max ${r.clientLoopMax.toFixed(0)} ms; ${server};` +
        ` PostgreSQL ≈${(xactsPerS / seconds).toFixed(0)} transactions/s` +
        `\n    ${whereTimeWent(timings, r.timed)}`,
    };
  };

  /**
   * What the server process went through while the viewers polled: its event loop's delay, the
   * read pool's queue (sampled every 10 ms) and the CPU it and PostgreSQL used (share of one core,
   * and per read: with the writers, their CPU is in it too).
   */
  const pool = (database.reads as unknown as { $client: pg.Pool }).$client;
  const postmaster = Number(
    readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
  );
  /**
   * Transactions PostgreSQL committed so far (each query outside a transaction is one): the
   * streams' ticks show here. Backends report every second or so, hence ≈.
   */
  const transactions = async () => {
    const [row] = await selectRows<{ n: string }>(
      db,
      sql`SELECT xact_commit::bigint AS n FROM pg_stat_database WHERE datname = current_database()`,
    );
    return Number(row!.n);
  };
  const watchServer = () => {
    const lag = monitorEventLoopDelay({ resolution: 10 });
    let streamsMax = 0;
    lag.enable();
    let waitingMax = 0;
    let waitingSum = 0;
    let samples = 0;
    const waits = new Map<string, number>();
    const activity = process.env.WAITS
      ? setInterval(() => {
          void selectRows<{ w: string; n: number }>(
            db,
            sql`SELECT coalesce(wait_event_type || ':' || wait_event, 'cpu') || ' ' || left(regexp_replace(query, '\s+', ' ', 'g'), 50) AS w, count(*)::int AS n
                FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
          ).then((rows) => {
            for (const r of rows) waits.set(r.w, (waits.get(r.w) ?? 0) + r.n);
          });
        }, 100)
      : undefined;
    const sampler = setInterval(() => {
      waitingMax = Math.max(waitingMax, pool.waitingCount);
      waitingSum += pool.waitingCount;
      streamsMax = Math.max(streamsMax, openLogTails());
      samples++;
    }, 10);
    const cpu0 = process.cpuUsage();
    const cache0 = logLineCacheStats();
    const pg0 = postgresTicks(postmaster);
    const mainThread = `/proc/${process.pid}/task/${process.pid}/schedstat`;
    const main0 = schedstat(mainThread);
    const sched0 = backendSched(postmaster);
    const t0 = performance.now();
    return {
      async stop(requests: number) {
        // Waiting for a CPU, by who waited: the server's main thread, and PostgreSQL's backends
        // by the pool that opened them (application_name) or their kind (autovacuum, …).
        const main1 = schedstat(mainThread);
        const byRole = await schedByRole(db, sched0, backendSched(postmaster));
        clearInterval(sampler);
        clearInterval(activity);
        if (waits.size)
          console.log(
            [...waits]
              .sort((a, b) => b[1] - a[1])
              .slice(0, 12)
              .map(([w, n]) => `    ${n}\t${w}`)
              .join('\n'),
          );
        lag.disable();
        const wall = performance.now() - t0;
        const cpu = process.cpuUsage(cpu0);
        const nodeMs = (cpu.user + cpu.system) / 1000;
        const pgMs = postgresCpuMsSince(postmaster, pg0);
        const share = (ms: number) =>
          `${((ms / wall) * 100).toFixed(0)} % (${(ms / requests).toFixed(2)} ms a read)`;
        return (
          `server: event-loop delay p50 ${(lag.percentile(50) / 1e6).toFixed(0)} / p90 ${(lag.percentile(90) / 1e6).toFixed(0)} / p99 ${(lag.percentile(99) / 1e6).toFixed(0)} ms, max ${(lag.max / 1e6).toFixed(0)} ms;` +
          ` main thread on a CPU ${(((main1!.cpu - main0!.cpu) / wall) * 100).toFixed(0)} % of the time, waiting for one ${(((main1!.wait - main0!.wait) / wall) * 100).toFixed(0)} %;` +
          ` read pool queue mean ${(waitingSum / Math.max(1, samples)).toFixed(1)}, max ${waitingMax};` +
          ` CPU node ${share(nodeMs)}, PostgreSQL ${share(pgMs)}` +
          `; pages from kept lines ${logLineCacheStats().hits - cache0.hits}, read ${logLineCacheStats().misses - cache0.misses}` +
          (streamsMax ? `; streams open at most ${streamsMax}` : '') +
          `; waiting for a CPU (ms a read, beside CPU): server main thread ${((main1!.wait - main0!.wait) / requests).toFixed(2)} (${((main1!.cpu - main0!.cpu) / requests).toFixed(2)})` +
          [...byRole]
            .filter(([, v]) => v.cpu + v.wait > 1)
            .sort((a, b) => b[1].cpu - a[1].cpu)
            .map(
              ([role, v]) =>
                `, ${role} ${(v.wait / requests).toFixed(2)} (${(v.cpu / requests).toFixed(2)})`,
            )
            .join('')
        );
      },
    };
  };

  console.log(
    `ingest writes in flight ${INGEST_WRITES.max}, a second from ${INGEST_WRITES.secondAt} lines queued; sealer paced to ${SEAL_PACE.maxBehind} chunks behind` +
      (process.env.PG_SET ? `; PG_SET ${process.env.PG_SET}` : ''),
  );
  console.log(
    `load average before: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  if (WARMUP_S > 0) {
    const warm = await ingest(WARMUP_S);
    console.log(
      `warm-up (not counted), ${WARMUP_S} s: ${warm.rate.toFixed(0)} lines/s (CPU per line: server` +
        ` ${warm.serverUs.toFixed(1)} µs, PostgreSQL ${warm.pgUs.toFixed(1)} µs, writers ${warm.writersUs.toFixed(1)} µs)`,
    );
    if (sealer) console.log(`after the warm-up: ${await sealerCatchUp()}`);
  }
  const alone = await ingest(INGEST_S);
  console.log(
    `ingest, ${WRITERS} writers x ${BATCH}-line batches, alone: ${alone.rate.toFixed(0)} lines/s` +
      ` (CPU per line: server ${alone.serverUs.toFixed(1)} µs, PostgreSQL ${alone.pgUs.toFixed(1)} µs,` +
      ` writers ${alone.writersUs.toFixed(1)} µs${process.env.WRITERS_IN_PROCESS ? ', in process' : ''}); ${alone.lockWaits}`,
  );
  console.log(`where the time went: ${alone.clock}`);
  if (alone.waits) console.log(alone.waits);
  // Each write is one transaction: its blocks share an xmin.
  const [perWrite] = await selectRows<{ n: number }>(
    db,
    sql`SELECT (sum(last_seq - first_seq + 1)::float8 / count(DISTINCT xmin::text))::float8 AS n
        FROM log_blocks`,
  );
  console.log(
    `lines a write (transaction): ${perWrite!.n.toFixed(0)}; WAL flushes a write` +
      ` (less the lock probe's commits): ${alone.syncsPerWrite.toFixed(2)}; a line: ${alone.wal}`,
  );
  if (sealer) console.log(await sealerCatchUp());
  const nices = await selectRows<{ name: string; pid: number }>(
    db,
    sql`SELECT application_name AS name, pid FROM pg_stat_activity
        WHERE datname = current_database() AND backend_type = 'client backend'`,
  );
  console.log(
    `backends' niceness (BULK_NICE=${bulkNice}, READS_FIRST_MS=${readsFirstMs}, sealer ${sealer ? 'on' : 'off'}, coalesced queries in flight ${process.env.COALESCE_IN_FLIGHT ?? 1}, writers and viewers ${ownSession ? 'in sessions of their own' : "in the bench's session"}${LOADGEN_NICE === null ? '' : ` at nice ${LOADGEN_NICE}`}): ` +
      [...new Set(nices.map((n) => n.name))]
        .map(
          (name) =>
            `${name} ${nices
              .filter((n) => n.name === name)
              .map((n) => niceOf(n.pid))
              .join(',')}`,
        )
        .join('; '),
  );

  // The raw peer twice: the issue's own (every row on one node run) and the ingest's rows (its
  // WRITERS node runs, BATCH-line batches taking turns), each into a fresh raw_lines.
  const raws: number[] = [];
  for (const nodeRuns of [1, WRITERS]) {
    await createRawLines(db);
    const rawWal0 = await walCounters(db);
    const t0 = performance.now();
    const rawPg0 = clusterCpuSeconds(dir);
    await insertRawLines(db, RAW_ROWS, nodeRuns, BATCH);
    const raw = RAW_ROWS / ((performance.now() - t0) / 1000);
    const rawUs = ((clusterCpuSeconds(dir) - rawPg0) / RAW_ROWS) * 1e6;
    raws.push(raw);
    const rows =
      nodeRuns === 1
        ? 'one node run'
        : `the ingest's rows: ${nodeRuns} node runs, ${BATCH}-line batches taking turns`;
    console.log(
      `raw PostgreSQL insert (${rows}), same columns, (node run, seq) + (node run, level, seq) indexes: ${raw.toFixed(0)} rows/s (PostgreSQL CPU ${rawUs.toFixed(1)} µs per row)`,
    );
    console.log(`a raw row: ${walPerLine(rawWal0, await walCounters(db), RAW_ROWS)}`);
    const [rawSize] = await selectRows<{ b: string }>(
      db,
      sql`SELECT pg_total_relation_size('raw_lines')::bigint AS b`,
    );
    console.log(`raw table: ${(Number(rawSize!.b) / RAW_ROWS).toFixed(0)} bytes per row`);
    await db.execute(sql`DROP TABLE raw_lines`);
  }
  console.log(
    `ingest / raw: ${((alone.rate / raws[0]!) * 100).toFixed(1)} % (one node run); ` +
      `${((alone.rate / raws[1]!) * 100).toFixed(1)} % (the ingest's rows)`,
  );

  enableRequestTiming();
  const phases = process.env.INGEST_ONLY
    ? []
    : VIEWERS.flatMap((viewers) => [
        ...(MODES.includes('poll') ? [{ viewers, mode: 'poll' as const }] : []),
        ...(MODES.includes('stream') && STREAM_VIEWERS.includes(viewers)
          ? [{ viewers, mode: 'stream' as const }]
          : []),
      ]);
  for (const { viewers, mode } of phases) {
    const idle = await read(viewers, READ_S, mode);
    const [loaded, writing] = await Promise.all([read(viewers, READ_S, mode), ingest(READ_S)]);
    const f = (x: number) => x.toFixed(1);
    if (mode === 'poll') {
      const split = (r: typeof loaded) =>
        `run ${f(pct(r.run, 0.5))} / ${f(pct(r.run, 0.99))}, logs ${f(pct(r.logs, 0.5))} / ${f(pct(r.logs, 0.99))}`;
      console.log(
        `[poll: Follow off, ${LOG_POLL_LABEL}] ${viewers} viewers, GET run + GET logs every 2 s: p50 ${f(idle.p50)} ms, p99 ${f(idle.p99)} ms (${split(idle)})` +
          ` | with ${WRITERS} writers: p50 ${f(loaded.p50)} ms, p99 ${f(loaded.p99)} ms (${split(loaded)}; ${loaded.n} polls; ingest ${writing.rate.toFixed(0)} lines/s; ${writing.lockWaits})`,
      );
    } else {
      const lag = (l: typeof loaded.lag) => (l ? `p50 ${l.p50} / p99 ${l.p99} ms` : '–');
      console.log(
        `[stream: Follow on] ${viewers} viewers, GET run every 2 s + log streamed: run p50 ${f(pct(idle.run, 0.5))} ms, p99 ${f(pct(idle.run, 0.99))} ms` +
          ` | with ${WRITERS} writers: run p50 ${f(pct(loaded.run, 0.5))} ms, p99 ${f(pct(loaded.run, 0.99))} ms,` +
          ` delivery lag ${lag(loaded.lag)}, ${loaded.lines} lines / ${(loaded.bytes / 1e6).toFixed(1)} MB received (ingest ${writing.rate.toFixed(0)} lines/s; ${writing.lockWaits})`,
      );
    }
    console.log(`  alone:        ${idle.detail}`);
    console.log(`  with writers: ${loaded.detail}`);
  }

  await db.execute(sql`VACUUM ANALYZE log_blocks`);
  const [size] = await selectRows<{ b: string; s: string; n: string }>(
    db,
    // log_blocks is partitioned: its size is the sum of its partitions'; with the segments
    // that say where a run's lines are (db/log-segments.ts).
    sql`SELECT (SELECT sum(pg_total_relation_size(relid)) FROM pg_partition_tree('log_blocks'))::bigint AS b,
          pg_total_relation_size('log_segments')::bigint AS s,
          (SELECT sum(last_seq - first_seq + 1) FROM log_blocks)::bigint AS n`,
  );
  console.log(
    `stored: ${Number(size!.n)} lines, ${((Number(size!.b) + Number(size!.s)) / Number(size!.n)).toFixed(0)} bytes per line (table + indexes + TOAST + segments; the segments ${(Number(size!.s) / Number(size!.n)).toFixed(1)})`,
  );
  console.log(
    `load average after: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  await sealer?.stop();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}

await main();
