/**
 * Live-tail benchmark: `npx tsx bench/live-tail.ts` (options: --rates=1000,5000 --seconds=20
 * --port=18951 --batch-ms=100 --rounds=1 --profile).
 *
 * Starts the real server (its own process) on a fresh embedded PostgreSQL, builds the bench page
 * that mounts <LogViewer> alone (bench/log-viewer-page), and for each rate follows one node run
 * in Debian's chromium while a writer in this process posts lines into it at that rate — once
 * with the streamed tail (the default) and once forced to interval polls (`?tail=poll`, the path
 * before the stream), in the same run. Prints per case: lag from a line's write to it being in
 * the DOM (p50/p95/max over every line that was), long tasks (count, longest), requests/s and
 * bytes/s the page moved, lines one view (the levels asked for) fetched more than once,
 * placeholder ("…") rows seen while following, and the rate the server accepted. Not a test:
 * nothing here asserts on time.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { chromium, type Browser, type CDPSession } from '@playwright/test';
import { build } from 'vite';
import {
  benchApiCall,
  startBenchServer,
  twoNodeWorkflow,
  type BenchServer,
} from './server-process';
import type { TraceEvent } from './trace-events';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const RATES = arg('rates', '1000,5000').split(',').map(Number);
const SECONDS = Number(arg('seconds', '20'));
const PORT = Number(arg('port', '18951'));
const BATCH_MS = Number(arg('batch-ms', '100'));
/** Each round measures every rate both ways, the order of the two paths swapped each round. */
const ROUNDS = Number(arg('rounds', '1'));
/** --profile: a CPU profile of the page per case; prints the functions with the most self time. */
const PROFILE = process.argv.includes('--profile');
/** After the writer stops, how long the viewer gets to show the last lines. */
const DRAIN_MS = 5000;
const ROOT = path.resolve(import.meta.dirname, '..');
const BASE = `http://127.0.0.1:${PORT}`;
const CREDENTIALS = { clientId: 'runboard-admin', clientSecret: 'runboard-admin-secret' };

const work = mkdtempSync(path.join(tmpdir(), 'rb-bench-tail-'));
// mkdtemp makes it 0700: the embedded PostgreSQL, run as "postgres" when we are root, must reach DATA_DIR.
chmodSync(work, 0o755);
const dataDir = path.join(work, 'data');
const staticDir = path.join(work, 'static');
let server: BenchServer | null = null;

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function buildPage() {
  await build({
    configFile: false,
    root: path.join(ROOT, 'bench/log-viewer-page'),
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir: staticDir, emptyOutDir: true },
  });
}

async function startServer() {
  server = await startBenchServer({ PORT: String(PORT), DATA_DIR: dataDir, STATIC_DIR: staticDir });
}

async function stopServer() {
  await server?.stop();
  server = null;
}

let token = '';
const apiCall = <T>(method: string, p: string, body?: unknown) =>
  benchApiCall<T>(BASE, token || null, method, p, body);

/** A run of trigger → work whose `work` node run stays in progress until the bench ends it. */
async function newNodeRun(): Promise<{ run: string; node: string }> {
  const { workflowRun } = await apiCall<{
    workflowRun: { identifier: string; nodeRuns: { identifier: string; nodeIdentifier: string }[] };
  }>('POST', '/workflows/bench_tail/runs', { inputs: {} });
  const node = workflowRun.nodeRuns.find((n) => n.nodeIdentifier === 'work')!;
  return { run: workflowRun.identifier, node: node.identifier };
}

/**
 * Posts `rate` lines/s into the node run for `seconds`, a batch every BATCH_MS (at most 4 posts
 * in flight; a tick that finds them busy sends its lines with the next). Each line carries the
 * time its batch was made (`t=`), which the page reads back from the DOM. ~110-byte lines.
 */
async function write(node: string, rate: number, seconds: number) {
  const started = Date.now();
  let made = 0;
  let accepted = 0;
  let failed = 0;
  const inFlight = new Set<Promise<void>>();
  while (Date.now() - started < seconds * 1000) {
    const due = Math.floor(((Date.now() - started) / 1000) * rate) - made;
    if (due > 0 && inFlight.size < 4) {
      const n = Math.min(due, 10_000);
      const t = Date.now();
      const logs = Array.from({ length: n }, (_, i) => ({
        level: (made + i) % 50 === 0 ? 'WARN' : 'INFO',
        message: `tail line ${made + i + 1} t=${t} processed item of batch ${Math.floor((made + i) / 1000)} ok`,
      }));
      made += n;
      const post = apiCall('POST', `/workflows/nodes/runs/${node}/logs`, { logs })
        .then(() => {
          accepted += n;
        })
        .catch((err: unknown) => {
          failed += n;
          log(`post failed: ${String(err)}`);
        })
        .finally(() => inFlight.delete(post));
      inFlight.add(post);
    }
    await new Promise((resolve) => setTimeout(resolve, BATCH_MS));
  }
  await Promise.all(inFlight);
  return { made, accepted, failed, seconds: (Date.now() - started) / 1000 };
}

// ---- in-page measurement ---------------------------------------------------------------------

/**
 * Long tasks, and every animation frame: the rows in the DOM — a line seen for the first time
 * gives its lag (now − its `t=`), a placeholder row ("…") is counted.
 */
const INIT_SCRIPT = `
  window.__tail = { longtasks: [], lags: [], seen: new Set(), placeholderRows: 0, placeholderFrames: 0, frames: 0, on: false };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__tail.longtasks.push(e.duration);
  }).observe({ type: 'longtask', buffered: true });
  const sample = () => {
    const s = window.__tail;
    if (s.on) {
      const now = Date.now();
      let placeholders = 0;
      for (const row of document.querySelectorAll('[aria-label="Log lines"] [role=row]')) {
        const text = row.lastElementChild?.textContent ?? '';
        if (text === '…') { placeholders++; continue; }
        const seq = row.getAttribute('data-seq');
        if (s.seen.has(seq)) continue;
        const m = / t=(\\d+) /.exec(text);
        if (!m) continue;
        s.seen.add(seq);
        s.lags.push(now - Number(m[1]));
      }
      s.frames++;
      if (placeholders) { s.placeholderFrames++; s.placeholderRows += placeholders; }
    }
    requestAnimationFrame(sample);
  };
  requestAnimationFrame(sample);
`;

interface PageTail {
  longtasks: number[];
  lags: number[];
  seen: Set<string>;
  placeholderRows: number;
  placeholderFrames: number;
  frames: number;
  on: boolean;
}
declare global {
  interface Window {
    __tail: PageTail;
  }
}

/** What the page moved, read from the DevTools protocol (no cost in the page). */
class NetworkTally {
  requests = 0;
  bytes = 0;
  /**
   * Lines received per view and seq, from log pages and stream events. A view is the set of
   * levels the request asked for: a level chip's first page, prefetched so a click on it is
   * instant, carries lines the all-levels view also has, which is not a line fetched twice.
   */
  seqs = new Map<string, number>();
  readonly urls = new Map<string, string>();
  /** When a request other than the stream last started or ended. */
  lastActivity = Date.now();
  private received = new Map<string, number>();

  constructor(private readonly cdp: CDPSession) {
    cdp.on('Network.requestWillBeSent', (e) => {
      if (!e.request.url.includes('/v1/')) return;
      this.urls.set(e.requestId, e.request.url);
      this.requests++;
      this.lastActivity = Date.now();
    });
    cdp.on('Network.dataReceived', (e) => {
      if (!this.urls.has(e.requestId)) return;
      this.bytes += e.encodedDataLength;
      this.received.set(e.requestId, (this.received.get(e.requestId) ?? 0) + e.encodedDataLength);
    });
    cdp.on('Network.loadingFinished', (e) => {
      const url = this.urls.get(e.requestId);
      if (!url) return;
      this.lastActivity = Date.now();
      // Whatever dataReceived did not count (headers, a body reported only at the end).
      this.bytes += Math.max(0, e.encodedDataLength - (this.received.get(e.requestId) ?? 0));
      if (/\/logs\?/.test(url)) {
        void cdp
          .send('Network.getResponseBody', { requestId: e.requestId })
          .then(({ body, base64Encoded }) => {
            const text = base64Encoded ? Buffer.from(body, 'base64').toString() : body;
            const page = JSON.parse(text) as { logs?: { seq: number }[] };
            for (const l of page.logs ?? []) this.count(viewOf(url), l.seq);
          })
          .catch(() => undefined);
      }
    });
    cdp.on('Network.eventSourceMessageReceived', (e) => {
      if (e.eventName !== 'lines') return;
      const view = viewOf(this.urls.get(e.requestId) ?? '');
      for (const l of (JSON.parse(e.data) as { logs: { seq: number }[] }).logs) {
        this.count(view, l.seq);
      }
    });
  }

  /** Lines received while following (after `startWindow`) and those of them received before. */
  private windowStarted = false;
  inWindow = 0;
  twiceInWindow = 0;

  private count(view: string, seq: number) {
    const key = `${view}:${seq}`;
    const n = (this.seqs.get(key) ?? 0) + 1;
    this.seqs.set(key, n);
    if (!this.windowStarted) return;
    this.inWindow++;
    if (n > 1) this.twiceInWindow++;
  }

  startWindow() {
    this.windowStarted = true;
  }
}

/** The levels a log request asked for (none: every level), sorted: the view it fills. */
function viewOf(url: string) {
  const levels = url ? new URL(url).searchParams.getAll('level') : [];
  return levels.sort().join(',') || 'all';
}

interface Profile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples?: number[];
  timeDeltas?: number[];
}

/** The 15 functions with the most self time in a CPU profile. */
function printProfile(profile: Profile) {
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    self.set(samples[i]!, (self.get(samples[i]!) ?? 0) + (deltas[i] ?? 0));
  }
  const byName = new Map<string, number>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    const name = `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber}`;
    byName.set(name, (byName.get(name) ?? 0) + (self.get(node.id) ?? 0));
  }
  for (const [name, us] of [...byName].sort((a, b) => b[1] - a[1]).slice(0, 15)) {
    log(`  ${(us / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  }
}

/**
 * The page's main-thread tasks from a Chromium trace ('toplevel'): wall time (`dur`) and the
 * thread's CPU time (`tdur`). On a machine with more runnable processes than cores a task's wall
 * time includes the time it waited for a core; its CPU time is what the page itself spent.
 */
async function traceTasks(cdp: CDPSession) {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  await cdp.send('Tracing.start', {
    traceConfig: { includedCategories: ['toplevel', '__metadata'] },
    transferMode: 'ReportEvents',
  });
  return async () => {
    const complete = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve));
    await cdp.send('Tracing.end');
    await complete;
    const main = new Set(
      events
        .filter(
          (e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain',
        )
        .map((e) => `${e.pid}:${e.tid}`),
    );
    const tasks = events.filter(
      (e) => e.ph === 'X' && /RunTask/.test(e.name) && main.has(`${e.pid}:${e.tid}`),
    );
    const over = (xs: number[]) => xs.filter((x) => x > 50).length;
    const wall = tasks.map((t) => (t.dur ?? 0) / 1000);
    const cpu = tasks.map((t) => (t.tdur ?? 0) / 1000);
    return {
      wallOver50: over(wall),
      wallLongest: Math.max(0, ...wall),
      cpuOver50: over(cpu),
      cpuLongest: Math.max(0, ...cpu),
      cpuTotal: cpu.reduce((a, b) => a + b, 0),
    };
  };
}

const pct = (xs: number[], p: number) => {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

interface Result {
  rate: number;
  mode: 'stream' | 'poll';
  accepted: number;
  p50: number;
  p95: number;
  max: number;
  onScreen: number;
  longTasks: number;
  longest: number;
  cpuOver50: number;
  cpuLongest: number;
  cpuPerS: number;
  requestsPerS: number;
  bytesPerS: number;
  fetched: number;
  twice: number;
  placeholderRows: number;
  placeholderFrames: number;
  frames: number;
  endedMs: number | null;
  load: string;
}

async function measure(browser: Browser, rate: number, mode: 'stream' | 'poll'): Promise<Result> {
  const { run, node } = await newNodeRun();
  // A few lines before the page opens, so it opens at a tail, as a viewer joining a busy node.
  await apiCall('POST', `/workflows/nodes/runs/${node}/logs`, {
    logs: Array.from({ length: 300 }, (_, i) => ({ level: 'INFO', message: `before ${i + 1}` })),
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(INIT_SCRIPT);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const net = new NetworkTally(cdp);
  try {
    await page.goto(
      `${BASE}/?run=${run}&node=${node}&live=1&follow=1${mode === 'poll' ? '&tail=poll' : ''}&clientId=${CREDENTIALS.clientId}&clientSecret=${CREDENTIALS.clientSecret}`,
    );
    await page.waitForFunction(() =>
      document.querySelector('[aria-label="Log lines"] [role=row] [data-level]'),
    );
    // The page's opening reads (its tail, the page around it, each level's first page, fetched
    // 300 ms after mount) are over before the window opens: 1.5 s without a request.
    for (let waited = 0; waited < 15_000 && Date.now() - net.lastActivity < 1500; waited += 100) {
      await page.waitForTimeout(100);
    }
    const before = { requests: net.requests, bytes: net.bytes, at: Date.now() };
    net.startWindow();
    const endTrace = await traceTasks(cdp);
    if (PROFILE) {
      await cdp.send('Profiler.enable');
      await cdp.send('Profiler.start');
    }
    await page.evaluate(() => {
      window.__tail.on = true;
      window.__tail.longtasks.length = 0;
    });
    const written = await write(node, rate, SECONDS);
    await page.waitForTimeout(DRAIN_MS);
    const elapsed = (Date.now() - before.at) / 1000;
    const after = { requests: net.requests, bytes: net.bytes };
    const trace = await endTrace();
    if (PROFILE) printProfile((await cdp.send('Profiler.stop')).profile);
    const inPage = await page.evaluate(() => {
      const s = window.__tail;
      s.on = false;
      return {
        lags: s.lags,
        longtasks: s.longtasks,
        placeholderRows: s.placeholderRows,
        placeholderFrames: s.placeholderFrames,
        frames: s.frames,
      };
    });
    // The node run ends: a stream sends `end` and closes.
    let endedMs: number | null = null;
    if (mode === 'stream') {
      const closed = new Promise<number>((resolve) => {
        const t0 = Date.now();
        // Finished when the server's close lands first, failed (cancelled) when the page's
        // EventSource.close() on the `end` event does.
        const done = (e: { requestId: string }) => {
          if (net.urls.get(e.requestId)?.includes('/logs/stream')) resolve(Date.now() - t0);
        };
        cdp.on('Network.loadingFinished', done);
        cdp.on('Network.loadingFailed', done);
        setTimeout(() => resolve(NaN), 10_000);
      });
      await apiCall('PATCH', `/workflows/nodes/runs/${node}`, {
        status: 'COMPLETED',
        result: 'SUCCESS',
      });
      endedMs = await closed;
    }
    return {
      rate,
      mode,
      accepted: written.accepted / written.seconds,
      p50: pct(inPage.lags, 50),
      p95: pct(inPage.lags, 95),
      max: Math.max(...inPage.lags),
      onScreen: inPage.lags.length,
      longTasks: inPage.longtasks.length,
      longest: Math.max(0, ...inPage.longtasks),
      cpuOver50: trace.cpuOver50,
      cpuLongest: trace.cpuLongest,
      cpuPerS: trace.cpuTotal / elapsed,
      requestsPerS: (after.requests - before.requests) / elapsed,
      bytesPerS: (after.bytes - before.bytes) / elapsed,
      fetched: net.inWindow,
      twice: net.twiceInWindow,
      placeholderRows: inPage.placeholderRows,
      placeholderFrames: inPage.placeholderFrames,
      frames: inPage.frames,
      endedMs,
      load: load(),
    };
  } finally {
    await context.close();
  }
}

async function main() {
  const started = Date.now();
  log(`load average before: ${load()}`);
  log('building the bench page');
  await buildPage();
  log('starting the server on a fresh embedded PostgreSQL');
  await startServer();
  token = (await apiCall<{ accessToken: string }>('POST', '/auth/access_token', CREDENTIALS))
    .accessToken;
  await apiCall('POST', '/workflows', twoNodeWorkflow('bench_tail', 'Bench tail', 'WEBHOOK'));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
  const results: Result[] = [];
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const rate of RATES) {
        const modes =
          round % 2 === 0 ? (['stream', 'poll'] as const) : (['poll', 'stream'] as const);
        for (const mode of modes) {
          log(`${rate} lines/s, ${mode}: ${SECONDS} s of writing`);
          const r = await measure(browser, rate, mode);
          log(JSON.stringify(r));
          results.push(r);
        }
      }
    }
  } finally {
    await browser.close();
  }

  const s = (ms: number) => (Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : '–');
  const rows = results.map((r) => [
    `${r.rate.toLocaleString('en-US')}/s ${r.mode === 'stream' ? 'streamed tail' : 'interval poll (before)'}`,
    `${Math.round(r.accepted).toLocaleString('en-US')}/s`,
    `${s(r.p50)} / ${s(r.p95)} / ${s(r.max)}`,
    r.onScreen.toLocaleString('en-US'),
    `${r.longTasks} / ${Math.round(r.longest)} ms`,
    `${r.cpuOver50} / ${Math.round(r.cpuLongest)} ms`,
    `${Math.round(r.cpuPerS)} ms/s`,
    r.requestsPerS.toFixed(1),
    `${Math.round(r.bytesPerS / 1024).toLocaleString('en-US')} KB/s`,
    `${r.twice.toLocaleString('en-US')} of ${r.fetched.toLocaleString('en-US')}`,
    `${r.placeholderRows} rows in ${r.placeholderFrames} of ${r.frames} frames`,
    r.endedMs === null ? '–' : Number.isFinite(r.endedMs) ? `${r.endedMs} ms` : 'no',
    r.load,
  ]);
  const header = [
    'case',
    'accepted',
    'lag p50 / p95 / max',
    'lines in DOM',
    'long tasks / longest (wall)',
    'tasks > 50 ms CPU / longest CPU',
    'main-thread CPU',
    'req/s',
    'bytes/s',
    'lines fetched twice by a view (while following)',
    'placeholders while following',
    'stream closed after end',
    'load avg after',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  console.log(
    `\n<LogViewer> alone in bench/log-viewer-page following one node run (viewport 1400×900), headless Debian chromium, ` +
      `server in its own process on a fresh embedded PostgreSQL, writer in the bench process (${BATCH_MS} ms batches), ` +
      `${SECONDS} s of writing + ${DRAIN_MS / 1000} s to drain per case. Load average at the end: ${load()}. Took ${Math.round((Date.now() - started) / 1000)} s.`,
  );
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopServer();
    rmSync(work, { recursive: true, force: true });
  });
