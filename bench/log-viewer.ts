/**
 * Log viewer benchmark: `npx tsx bench/log-viewer.ts` (options: --lines=1000000 --big=2000000).
 *
 * Starts the real server on a fresh data dir with node runs of 1M and 2M log lines (inserted with
 * generate_series into the same embedded PostgreSQL before the server opens it, counters kept consistent),
 * serves a bench-only page that mounts <LogViewer> alone (bench/log-viewer-page, built with
 * Vite's API) and times it in Debian's chromium: first lines, longest main-thread task, heap,
 * DOM nodes, level filter, search, reaching the last of 2M lines. Prints the figures beside the
 * published peer figures from perf-targets.md. Not a test: nothing here asserts on time.
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Page } from '@playwright/test';
import pg from 'pg';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { CHUNK_LINES } from '../server/db/log-chunks';
import { ANSI_PATTERN } from '../server/db/log-filter';
import {
  buildApp,
  buildBenchPage,
  measureOutput,
  measureRunPage,
  setOutput,
  signIn,
  timeInPage,
  type LongTasks,
  type OutputFigures,
  type RunPageFigures,
} from './run-page';
import {
  benchApiCall,
  startBenchServer,
  twoNodeWorkflow,
  type BenchServer,
} from './server-process';
import { clusterCpuSeconds, processCpuSeconds } from './cpu';
import { insertBenchLinesSql } from './bench-log-lines';
import { INIT_SCRIPT } from './run-page';
import { BareChromium, sessionCookies } from './bare-chromium';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';

const arg = (name: string, fallback: number) => {
  const raw = process.argv.find((a) => a.startsWith(`--${name}=`));
  return raw ? Number(raw.split('=')[1]) : fallback;
};
const LINES = arg('lines', 1_000_000);
const BIG = arg('big', 2_000_000);
const PORT = arg('port', 18_931);
const BASE = `http://127.0.0.1:${PORT}`;
const CREDENTIALS = { clientId: 'runboard-admin', clientSecret: 'runboard-admin-secret' };
const OUTPUT_BYTES = arg('output', 10_000_000);
/** Only the run page of the real dashboard (skips the <LogViewer>-alone figures). */
const APP_ONLY = process.argv.includes('--app-only');
/** Fills a data dir and keeps it (no measuring): for profiling the pages by hand. */
const SETUP_ONLY = process.argv.includes('--setup-only');
/**
 * The run page's figures (first lines, long tasks while booting, in-app, levels) come from a tab
 * of Chromium driven without Playwright (bench/bare-chromium.ts), as a person's browser runs the
 * page: Playwright enables DevTools' Runtime domain in every page, and with it V8 re-parses React
 * DOM's module for the stacks of the Errors it creates at load, 10–17 ms of CPU in the boot's
 * libraries task that no browser without DevTools spends (s15boot). `--playwright` measures them
 * in Playwright's page as before. The output's figures and the <LogViewer>-alone ones need
 * Playwright (response events, its page API) and always use it.
 */
const PLAYWRIGHT_RUN_PAGE = process.argv.includes('--playwright');
const NEEDLE_EVERY = Math.max(1000, Math.floor(LINES / 20));
/**
 * `--search-ab=<dir>`: only the search, A/B — the code in <dir> (a copy of the commit before,
 * `git archive <commit> | tar -x -C <dir>` with node_modules linked) against this one, on the
 * same database, alternating servers and bench pages for `--rounds` rounds.
 */
const SEARCH_AB = process.argv.find((a) => a.startsWith('--search-ab='))?.split('=')[1];
const ROUNDS = arg('rounds', 2);
/** Milliseconds between keystrokes when a term is typed key by key. */
const KEY_DELAY = arg('key-delay', 120);

const work = mkdtempSync(path.join(tmpdir(), 'rb-bench-logs-'));
// mkdtemp makes it 0700: the embedded PostgreSQL, run as "postgres" when we are root, must reach DATA_DIR.
chmodSync(work, 0o755);
const dataDir = path.join(work, 'data');
const staticDir = path.join(work, 'static');
let server: BenchServer | null = null;
let pgClient: pg.Client | null = null;

function log(message: string) {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The dashboard itself at / (the run page) and the bench page at /log-viewer-page/. */
async function buildPage() {
  await buildApp(staticDir);
  await buildBenchPage('log-viewer-page', staticDir);
}

async function startServer(databaseUrl?: string, root?: string, statics = staticDir) {
  server = await startBenchServer(
    {
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      PORT: String(PORT),
      DATA_DIR: dataDir,
      STATIC_DIR: statics,
    },
    root,
  );
}

async function stopServer() {
  await server?.stop();
  server = null;
}

const apiCall = <T>(token: string | null, method: string, p: string, body?: unknown) =>
  benchApiCall<T>(BASE, token, method, p, body);

interface Target {
  run: string;
  node: string;
  lines: number;
}

/** A workflow trigger → work, and one run per size whose `work` node run stays in progress. */
async function createRuns(sizes: number[]): Promise<Target[]> {
  const { accessToken } = await apiCall<{ accessToken: string }>(
    null,
    'POST',
    '/auth/access_token',
    CREDENTIALS,
  );
  await apiCall(
    accessToken,
    'POST',
    '/workflows',
    twoNodeWorkflow('bench_logs', 'Bench logs', 'WEBHOOK'),
  );
  const targets: Target[] = [];
  for (const lines of sizes) {
    const { workflowRun } = await apiCall<{
      workflowRun: {
        identifier: string;
        nodeRuns: { identifier: string; nodeIdentifier: string }[];
      };
    }>(accessToken, 'POST', '/workflows/bench_logs/runs', { inputs: {} });
    const node = workflowRun.nodeRuns.find((n) => n.nodeIdentifier === 'work');
    if (!node) throw new Error('the run has no node run for "work"');
    targets.push({ run: workflowRun.identifier, node: node.identifier, lines });
  }
  return targets;
}

/**
 * Inserts `lines` lines into the node run (bench-log-lines.ts; "needle" in every
 * NEEDLE_EVERY-th). Seqs, run seqs and the counters stay consistent with what appendLogs would
 * have written.
 */
async function insertLines(db: pg.Client, target: Target) {
  const run = await db.query<{ log_seq: number }>(
    'SELECT log_seq FROM workflow_runs WHERE identifier = $1',
    [target.run],
  );
  const runBase = run.rows[0]!.log_seq;
  const chunk = 250_000;
  for (let from = 1; from <= target.lines; from += chunk) {
    const to = Math.min(target.lines, from + chunk - 1);
    await db.query(insertBenchLinesSql(NEEDLE_EVERY), [target.run, target.node, runBase, from, to]);
    log(`  ${to.toLocaleString('en-US')} / ${target.lines.toLocaleString('en-US')} lines`);
  }
  const n = target.lines;
  const count = (every: number) => Math.floor(n / every);
  const errors = count(100);
  const warns = count(20) - errors;
  const debugs = count(4) - count(20);
  await db.query(
    `UPDATE node_runs SET log_seq = $2, debug_count = $3, info_count = $4, warn_count = $5,
       error_count = $6 WHERE identifier = $1`,
    [target.node, n, debugs, n - debugs - warns - errors, warns, errors],
  );
  await db.query('UPDATE workflow_runs SET log_seq = log_seq + $2 WHERE identifier = $1', [
    target.run,
    n,
  ]);
  // Where the run's lines are (db/log-segments.ts), as the ingest writes them.
  await db.query(
    `SELECT runboard_rebuild_log_segments(ARRAY(SELECT log_key FROM workflow_runs
                                                WHERE identifier = $1))`,
    [target.run],
  );
}

// ---- in-page measurement ---------------------------------------------------------------------

declare global {
  interface Window {
    __longtasks: { start: number; duration: number }[];
    __firstLines?: number;
  }
}

/** Longest task that started at or after `since` (page clock), 0 when none passed 50 ms. */
async function longestTaskSince(page: Page, since: number) {
  return page.evaluate(
    (s) => Math.max(0, ...window.__longtasks.filter((t) => t.start >= s).map((t) => t.duration)),
    since,
  );
}

const now = (page: Page) => page.evaluate(() => performance.now());

async function heapMb(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number };
  await cdp.detach();
  return usedSize / 1024 / 1024;
}

const domNodes = (page: Page) => page.evaluate(() => document.getElementsByTagName('*').length);

const ROWS_LOADED = `(() => {
  const rows = [...document.querySelectorAll('[role=row]')];
  return rows.length > 0 && rows.every((r) => r.querySelector('[data-level]'));
})()`;
const rowsWhere = (predicate: string) => `(() => {
  const rows = [...document.querySelectorAll('[role=row]')];
  return rows.length > 0 && rows.every((r) => r.querySelector('[data-level]')) && ${predicate};
})()`;
const clickButton = (name: string) =>
  `[...document.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? b.textContent).startsWith(${JSON.stringify(name)})).click()`;
const visibleSeq = (seq: number) => `(() => {
  const row = document.querySelector('[role=row][data-seq="${seq}"]');
  const region = document.querySelector('[aria-label="Log lines"]');
  if (!row || !row.querySelector('[data-level]')) return false;
  const a = row.getBoundingClientRect(), b = region.getBoundingClientRect();
  return a.top >= b.top - 1 && a.bottom <= b.bottom + 1;
})()`;

interface Figures {
  firstLines: number;
  fromMount: number;
  openLongest: number;
  heap: number;
  dom: number;
  scrollMiddle: number;
  scrollLongest: number;
  errorFilter: number;
  backToAll: number;
  filterLongest: number;
  search: SearchFigures;
  common: SearchFigures;
  serverError: number;
}

async function measureMillion(page: Page, target: Target): Promise<Figures> {
  await page.goto(`${BASE}/log-viewer-page/index.html?run=${target.run}&node=${target.node}`);
  await page.waitForFunction(ROWS_LOADED);
  const firstLines = await page.evaluate(() => window.__firstLines ?? NaN);
  const mounted = await page.evaluate(
    () => performance.getEntriesByName('logviewer-mount')[0]?.startTime ?? NaN,
  );
  await page.waitForTimeout(1500);
  const openLongest = await longestTaskSince(page, 0);

  let t = await now(page);
  const scrollMiddle = await timeInPage(
    page,
    `const el = document.querySelector('[aria-label="Log lines"]'); el.scrollTop = (el.scrollHeight - el.clientHeight) / 2;`,
    rowsWhere(`rows.some((r) => Number(r.dataset.seq) > ${Math.floor(target.lines * 0.45)})`),
  );
  await page.waitForTimeout(300);
  const scrollLongest = await longestTaskSince(page, t);
  await page.evaluate(() => {
    document.querySelector('[aria-label="Log lines"]')!.scrollTop = 0;
  });
  await page.waitForFunction(ROWS_LOADED);

  t = await now(page);
  const errorFilter = await timeInPage(
    page,
    clickButton('ERROR'),
    rowsWhere(`rows.every((r) => r.querySelector('[data-level]').textContent === 'ERROR')`),
  );
  const backToAll = await timeInPage(
    page,
    clickButton('ERROR'),
    rowsWhere(`rows.some((r) => r.querySelector('[data-level]').textContent !== 'ERROR')`),
  );
  await page.waitForTimeout(300);
  const filterLongest = await longestTaskSince(page, t);
  const heap = await heapMb(page);
  const dom = await domNodes(page);

  const serverError = await timeServer(target, 'level=ERROR&limit=200');
  const search = await measureSearch(page, target, 'needle', NEEDLE_EVERY, false);
  const common = await measureSearch(page, target, 'failed', 100, true);
  return {
    firstLines,
    fromMount: firstLines - mounted,
    openLongest,
    heap,
    dom,
    scrollMiddle,
    scrollLongest,
    errorFilter,
    backToAll,
    filterLongest,
    search,
    common,
    serverError,
  };
}

interface SearchFigures {
  term: string;
  /** From the term in the box (typed, or Enter pressed at once) to its first match on screen. */
  firstMatch: number;
  /** … to "1 of N" shown. */
  count: number;
  counter: string;
  longest: number;
  /** The log requests made meanwhile, with their times (requestsSince's). */
  requests: string[];
  /** The server alone: first page (total=false), count (total=only), both; median of 3. */
  server: { page: number; count: number; both: number };
  /** The full scan this replaced (page and total from one read of every line), median of 3. */
  fullScan: number;
}

/** Resolves (page clock) when `done` holds, checked every frame. */
const whenInPage = (page: Page, done: string, timeoutMs = 30_000) =>
  page.evaluate<number>(`new Promise((resolve, reject) => {
    const t0 = performance.now();
    const tick = () => {
      if (${done}) resolve(performance.now());
      else if (performance.now() - t0 > ${timeoutMs}) reject(new Error('timed out: ' + ${JSON.stringify(done)}));
      else requestAnimationFrame(tick);
    };
    tick();
  })`);

const COUNTER = `(document.querySelector('[aria-live=polite]')?.textContent ?? '')`;

/** Empties the search box and scrolls the log back to its first line, settled: each search's start. */
async function clearSearch(page: Page) {
  const box = page.getByLabel('Search logs');
  await box.fill('');
  await page.evaluate(() => {
    document.querySelector('[aria-label="Log lines"]')!.scrollTop = 0;
  });
  await page.waitForFunction(visibleSeq(1));
  await page.waitForTimeout(500);
  return box;
}

/**
 * Puts `term` in the search box as one keystroke would (fill), pressing Enter at once or leaving
 * the debounce to start the search, and times its first match (line `firstSeq`) on screen and
 * "1 of N" shown, from the keystroke. The box is emptied first and the log scrolled to its top.
 */
async function measureSearch(
  page: Page,
  target: Target,
  term: string,
  firstSeq: number,
  enter: boolean,
  /** Also time the server alone and the full scan (the A/B times the server on its own). */
  serverToo = true,
): Promise<SearchFigures> {
  const box = await clearSearch(page);
  // (Resource Timing keeps 250 entries by default: the scrolling before filled it.)
  await page.evaluate(() => performance.clearResourceTimings());
  await markInput(page);
  const shown = whenInPage(page, visibleSeq(firstSeq));
  const counted = whenInPage(page, `/^1 of \\d+/.test(${COUNTER})`);
  await box.fill(term);
  if (enter) await box.press('Enter');
  const t0 = await inputAt(page);
  const firstMatch = Math.max(0, (await shown) - t0);
  const count = Math.max(0, (await counted) - t0);
  await page.waitForTimeout(300);
  const longest = await longestTaskSince(page, t0);
  const counter = await page.evaluate<string>(COUNTER);
  const requests = await requestsSince(page, t0);
  if (!serverToo) {
    const none = { page: NaN, count: NaN, both: NaN };
    return { term, firstMatch, count, counter, longest, requests, server: none, fullScan: NaN };
  }
  const q = `q=${encodeURIComponent(term)}&limit=200`;
  // The server's counts as first ones: none kept from the search above.
  const cold = (query: string) => async () => {
    await forgetCounts();
    return timeServer(target, query);
  };
  const server = {
    page: await medianOf(() => timeServer(target, `${q}&total=false`)),
    count: await medianOf(cold(`${q}&total=only`)),
    both: await medianOf(cold(q)),
  };
  const fullScan = await medianOf(() => timeFullScan(target, term));
  return { term, firstMatch, count, counter, longest, requests, server, fullScan };
}

/**
 * The log requests the page made from `t0` (page clock), as `query: start–end` in ms after `t0`
 * (the Resource Timing entries: request sent, response's last byte): where a search's time goes
 * between the server's answers, printed with the figures.
 */
async function requestsSince(page: Page, t0: number): Promise<string[]> {
  const entries = await page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .filter((e) => e.name.includes('/logs'))
      .map((e) => ({
        name: e.name,
        start: e.startTime,
        end: (e as PerformanceResourceTiming).responseEnd,
      })),
  );
  return entries
    .filter((e) => e.start >= t0)
    .map(
      (e) =>
        `${new URL(e.name).search.slice(1)}: ${Math.round(e.start - t0)}–${Math.round(e.end - t0)}`,
    );
}

/**
 * Notes (page clock) when the search box next gets an input event (the term, or its last key,
 * is in the box): a search is timed from there, as a person's paste or key reaches the page (a
 * search starts on input; Enter adds nothing). Timed from before Playwright's fill, as until
 * s7search, every figure also held the 35–60 ms the fill took to reach the page. A match already
 * on screen then (the prefix found it) counts as 0.
 */
async function markInput(page: Page) {
  await page.evaluate(() => {
    const w = window as unknown as { __searchInput?: number };
    delete w.__searchInput;
    document.querySelector('input[aria-label="Search logs"]')!.addEventListener(
      'input',
      () => {
        w.__searchInput = performance.now();
      },
      { once: true, capture: true },
    );
  });
}

const inputAt = (page: Page) =>
  page.evaluate(() => (window as unknown as { __searchInput: number }).__searchInput);

/** Forgets the search counts the server kept (log_search_counts), for a count as a first one. */
async function forgetCounts() {
  await pgClient!.query(
    `DO $$ BEGIN IF to_regclass('log_search_counts') IS NOT NULL THEN DELETE FROM log_search_counts; END IF; END $$`,
  );
}

/** The median first match and the median count of a few searches (each on its own). */
function medianSearch(all: SearchFigures[]): SearchFigures {
  const mid = <T>(values: T[], of: (v: T) => number) =>
    values.map(of).sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  return {
    ...all[0]!,
    firstMatch: mid(all, (f) => f.firstMatch),
    count: mid(all, (f) => f.count),
  };
}

async function medianOf(run: () => Promise<number>) {
  const times = [await run(), await run(), await run()].sort((a, b) => a - b);
  return times[1]!;
}

/** The search before the chunk index, run on the same database: every line of the node run read once. */
async function timeFullScan(target: Target, term: string) {
  const t0 = performance.now();
  await pgClient!.query(
    `WITH m AS MATERIALIZED (
       SELECT seq AS s FROM log_lines
       WHERE node_key = (SELECT log_key FROM node_runs WHERE identifier = $1)
         AND message ILIKE $2 AND (strpos(message, chr(27)) = 0
              OR regexp_replace(message, $3, '', 'g') ILIKE $2))
     SELECT (SELECT count(*) FROM m)::int AS total,
       (SELECT array_agg(s) FROM (SELECT s FROM m ORDER BY s LIMIT 200) p) AS page`,
    [target.node, `%${term}%`, ANSI_PATTERN],
  );
  return performance.now() - t0;
}

/** The server alone answering one log request (Node fetch, no browser), in ms. */
async function timeServer(target: Target, query: string) {
  const { accessToken } = await apiCall<{ accessToken: string }>(
    null,
    'POST',
    '/auth/access_token',
    CREDENTIALS,
  );
  const t0 = performance.now();
  await apiCall(accessToken, 'GET', `/workflows/nodes/runs/${target.node}/logs?${query}`);
  return performance.now() - t0;
}

async function measureBig(page: Page, target: Target) {
  await page.goto(`${BASE}/log-viewer-page/index.html?run=${target.run}&node=${target.node}`);
  await page.waitForFunction(ROWS_LOADED);
  const jump = await timeInPage(page, clickButton('Jump to end'), visibleSeq(target.lines));
  await page.evaluate(() => {
    document.querySelector('[aria-label="Log lines"]')!.scrollTop = 0;
  });
  await page.waitForFunction(visibleSeq(1));
  const scrolled = await timeInPage(
    page,
    `const el = document.querySelector('[aria-label="Log lines"]'); el.scrollTop = el.scrollHeight;`,
    visibleSeq(target.lines),
  );
  const realHeight = await page.evaluate(
    () => document.querySelector('[aria-label="Log lines"]')!.scrollHeight,
  );
  const heap = await heapMb(page);
  return { jump, scrolled, realHeight, heap, dom: await domNodes(page) };
}

const tasks = (t: LongTasks) =>
  t.count === 0 ? 'none over 50 ms' : `${t.count}, longest ${Math.round(t.longest)} ms`;

function printRunPage(app: [string, RunPageFigures][], output: OutputFigures) {
  const rows: [string, ...string[]][] = [
    ['first lines, cold load (from navigation)', ...app.map(([, f]) => ms(f.bootFirstLines))],
    ['  long tasks while booting (to 1.5 s after)', ...app.map(([, f]) => tasks(f.boot))],
    ['first lines, in-app navigation (app loaded)', ...app.map(([, f]) => ms(f.inAppFirstLines))],
    ['  long tasks (to 1.5 s after)', ...app.map(([, f]) => tasks(f.inApp))],
    ['level=ERROR', ...app.map(([, f]) => ms(f.errorFilter))],
    ['back to all levels', ...app.map(([, f]) => ms(f.backToAll))],
    ['  long tasks while filtering', ...app.map(([, f]) => tasks(f.filter))],
  ];
  const header = [
    `Run page of the dashboard (/runs/{id}?node=work), ${PLAYWRIGHT_RUN_PAGE ? "in Playwright's page (DevTools' Runtime domain on)" : "in Chromium without DevTools' Runtime domain (bare-chromium.ts)"}`,
    ...app.map(([n]) => `${n} lines`),
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
  console.log(line(header));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(r));
  const mb = `${(output.bytes / 1e6).toFixed(1)} MB`;
  console.log(
    `\nA node's ${mb} output (target: root ≤ 400 ms; issue 17 measured 3.75 s):\n` +
      `  select the node, Output tab open: root row ${ms(output.selectRoot)}; long tasks ${tasks(output.select)}\n` +
      `  cold load of ?node=work&tab=output: root row ${ms(output.bootRoot)} from navigation; long tasks ${tasks(output.boot)}\n` +
      `  output requests of that load: ${output.requests.join(', ') || 'none'}\n` +
      `Load average: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}\n`,
  );
}

const ms = (n: number) => (Number.isFinite(n) ? `${Math.round(n)} ms` : 'n/a');

/** The table rows of one search: viewer, then the server alone beside the full scan. */
function searchRows(
  lines: number,
  f: SearchFigures,
  how: string,
): [string, string, string, string][] {
  const at = `${(lines / 1e6).toLocaleString('en-US')}M lines`;
  return [
    [
      `${at}, search "${f.term}" (${how}): first match on screen`,
      ms(f.firstMatch),
      '239 ms',
      '≤ 100 ms',
    ],
    [`  … count shown (${f.counter})`, ms(f.count), '–', '≤ 100 ms'],
    ['  longest task while searching', task(f.longest), '–', '≤ 50 ms'],
    [
      '  server alone: first page / count / both (peer: full scan)',
      `${ms(f.server.page)} / ${ms(f.server.count)} / ${ms(f.server.both)}`,
      `full scan ${ms(f.fullScan)}`,
      '–',
    ],
  ];
}
const task = (n: number) => (n > 0 ? `${Math.round(n)} ms` : 'none over 50 ms');

interface TypedFigures {
  /** From the last keystroke to the first match on screen / "1 of N" shown. */
  firstMatch: number;
  count: number;
  /** CPU of the server process and of PostgreSQL from the first keystroke to the count + 300 ms. */
  serverCpu: number;
  pgCpu: number;
  requests: number;
  aborted: number;
}

/**
 * Types `term` key by key, KEY_DELAY ms apart, as a person would, and times the first match and
 * the count from the last keystroke; counts the log requests the page made and those it aborted,
 * and the CPU the server and PostgreSQL spent on the whole word.
 */
async function measureTyped(
  page: Page,
  term: string,
  firstSeq: number,
  serverPid: number,
): Promise<TypedFigures> {
  const box = await clearSearch(page);
  let requests = 0;
  let aborted = 0;
  const onRequest = (r: { url(): string }) => {
    if (r.url().includes('/logs?') && r.url().includes('q=')) requests++;
  };
  const onFailed = (r: { url(): string }) => {
    if (r.url().includes('/logs?') && r.url().includes('q=')) aborted++;
  };
  page.on('request', onRequest);
  page.on('requestfailed', onFailed);
  const cpu0 = [processCpuSeconds(serverPid), clusterCpuSeconds(dataDir)];
  await box.pressSequentially(term.slice(0, -1), { delay: KEY_DELAY });
  await page.waitForTimeout(KEY_DELAY);
  await markInput(page);
  const shown = whenInPage(page, visibleSeq(firstSeq));
  const counted = whenInPage(page, `/^1 of \\d+/.test(${COUNTER})`);
  await box.press(term.at(-1)!);
  const t0 = await inputAt(page);
  const firstMatch = Math.max(0, (await shown) - t0);
  const count = Math.max(0, (await counted) - t0);
  await page.waitForTimeout(300);
  const cpu1 = [processCpuSeconds(serverPid), clusterCpuSeconds(dataDir)];
  page.off('request', onRequest);
  page.off('requestfailed', onFailed);
  return {
    firstMatch,
    count,
    serverCpu: (cpu1[0]! - cpu0[0]!) * 1000,
    pgCpu: (cpu1[1]! - cpu0[1]!) * 1000,
    requests,
    aborted,
  };
}

/** The server alone, median of 3, with the CPU (server + PostgreSQL) each request cost. */
async function serverWithCpu(target: Target, query: string, serverPid: number, cold = false) {
  let cpu = 0;
  const ms = await medianOf(async () => {
    if (cold) await forgetCounts();
    const cpu0 = processCpuSeconds(serverPid) + clusterCpuSeconds(dataDir);
    const took = await timeServer(target, query);
    cpu += processCpuSeconds(serverPid) + clusterCpuSeconds(dataDir) - cpu0;
    return took;
  });
  return { ms, cpu: (cpu * 1000) / 3 };
}

async function searchAB(baseRoot: string, databaseUrl: string, targets: Target[]) {
  const baseStatic = path.join(work, 'static-base');
  log(`building the bench page of ${baseRoot}`);
  await buildBenchPage('log-viewer-page', baseStatic, baseRoot);
  // The server serves a static dir only with an app shell in it; the bench page needs no more.
  copyFileSync(path.join(staticDir, 'index.html'), path.join(baseStatic, 'index.html'));
  await stopServer();
  const variants = [
    { name: 'before', root: baseRoot, statics: baseStatic },
    { name: 'after', root: undefined, statics: staticDir },
  ];
  const rows: string[][] = [];
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const v of round % 2 ? variants : [...variants].reverse()) {
        await startServer(databaseUrl, v.root, v.statics);
        const pid = server!.child.pid!;
        const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
        await context.addInitScript(INIT_SCRIPT);
        const page = await context.newPage();
        for (const target of targets) {
          await page.goto(
            `${BASE}/log-viewer-page/index.html?run=${target.run}&node=${target.node}`,
          );
          await page.waitForFunction(ROWS_LOADED);
          const at = `${target.lines / 1e6}M`;
          // "first": no count of the term kept yet (forgotten before); "again": the same
          // search once more, as a second look or another viewer (its count kept by "after").
          // One search first, so the page's search code is warm (a person's second search on
          // the page; the first one after a load pays for compiling it, either code): "batch 7".
          await measureSearch(page, target, 'batch 7 ', 7001, false, false);
          // Three times, the median: a single search at this load swings 2–3×.
          const pasted: SearchFigures[] = [];
          for (let i = 0; i < 3; i++) {
            await forgetCounts();
            pasted.push(await measureSearch(page, target, 'needle', NEEDLE_EVERY, false, false));
          }
          const filled = medianSearch(pasted);
          const again = await measureSearch(page, target, 'needle', NEEDLE_EVERY, false, false);
          await forgetCounts();
          const typed = await measureTyped(page, 'needle', NEEDLE_EVERY, pid);
          await forgetCounts();
          const common = await measureSearch(page, target, 'failed', 100, false, false);
          const commonAgain = await measureSearch(page, target, 'failed', 100, false, false);
          // A word in every 1000th line and two such words (bench-log-lines.ts): the count of
          // a rare word in every chunk, and of a term with a space.
          await forgetCounts();
          const rare = await measureSearch(page, target, 'reset', 340, false, false);
          await forgetCounts();
          const phrase = await measureSearch(page, target, 'connection reset', 340, false, false);
          // Two words found in every 100th line side by side (s12search: the chunks' kept pairs).
          await forgetCounts();
          const pair = await measureSearch(page, target, 'upstream returned', 100, false, false);
          const q = 'q=needle';
          const first = await serverWithCpu(target, `${q}&limit=1&total=false`, pid);
          const count = await serverWithCpu(target, `${q}&total=only`, pid, true);
          const countKept = await serverWithCpu(target, `${q}&total=only`, pid);
          const commonCount = await serverWithCpu(target, 'q=failed&total=only', pid, true);
          const commonKept = await serverWithCpu(target, 'q=failed&total=only', pid);
          const row = [
            `${round} ${v.name}`,
            at,
            `${ms(filled.firstMatch)} / ${ms(filled.count)}`,
            `${ms(again.firstMatch)} / ${ms(again.count)}`,
            `${ms(typed.firstMatch)}`,
            `${typed.requests} (${typed.aborted} aborted), ${ms(typed.serverCpu)} + ${ms(typed.pgCpu)}`,
            `${ms(common.firstMatch)} / ${ms(common.count)}`,
            `${ms(commonAgain.firstMatch)} / ${ms(commonAgain.count)}`,
            `${ms(rare.firstMatch)} / ${ms(rare.count)}`,
            `${ms(phrase.firstMatch)} / ${ms(phrase.count)}`,
            `${ms(pair.firstMatch)} / ${ms(pair.count)}`,
            `${ms(first.ms)} (${ms(first.cpu)} CPU)`,
            `${ms(count.ms)} (${ms(count.cpu)}); ${ms(countKept.ms)} (${ms(countKept.cpu)})`,
            `${ms(commonCount.ms)} (${ms(commonCount.cpu)}); ${ms(commonKept.ms)} (${ms(commonKept.cpu)})`,
            loadavg()[0]!.toFixed(1),
          ];
          log(row.join(' | '));
          // Where each search's time went: its log requests, sent–answered after the term was in.
          for (const f of [filled, common, rare, phrase, pair])
            log(`  ${at} "${f.term}" requests: ${f.requests.join('; ')}`);
          rows.push(row);
        }
        await context.close();
        await stopServer();
      }
    }
  } finally {
    await browser.close();
  }
  const header = [
    'round, code',
    'lines',
    '"needle" put in the box: first match / count',
    'again: first match / count',
    `typed ${KEY_DELAY} ms a key, from the last key: first match`,
    'its log requests; server + PostgreSQL CPU for the word',
    '"failed" put in the box: first match / count',
    'again',
    '"reset" (every 1000th line): first match / count',
    '"connection reset": first match / count',
    '"upstream returned": first match / count',
    'server: needle limit=1 (CPU)',
    'needle count first; again',
    '"failed" count first; again',
    'load',
  ];
  console.log(`| ${header.join(' | ')} |`);
  console.log(`| ${header.map(() => '---').join(' | ')} |`);
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
}

async function main() {
  const started = Date.now();
  log(`work dir ${work}`);
  log('building the bench page (bench/log-viewer-page) with Vite');
  await buildPage();
  log('starting the server to create the runs through the API');
  await startServer();
  const [million, big, withOutput] = await createRuns([LINES, BIG, 0]);
  await stopServer();
  log('inserting lines into the embedded PostgreSQL');
  const cluster = await startEmbeddedPostgres({ dataDir, log });
  const db = new pg.Client({ connectionString: cluster.url('runboard') });
  await db.connect();
  for (const target of [million!, big!]) await insertLines(db, target);
  const outputBytes = await setOutput(db, withOutput!.run, withOutput!.node, OUTPUT_BYTES);
  await db.query('ANALYZE log_blocks');
  if (SETUP_ONLY) {
    await db.end();
    await cluster.stop();
    log(`kept ${dataDir}: runs ${JSON.stringify({ million, big, withOutput })}`);
    return;
  }
  pgClient = db;
  log('starting the server on the filled database (its log sealer indexes the lines)');
  await startServer(cluster.url('runboard'));
  const sealStarted = Date.now();
  const chunks = Math.floor(LINES / CHUNK_LINES) + Math.floor(BIG / CHUNK_LINES);
  for (;;) {
    const res = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM log_chunks');
    if (res.rows[0]!.n >= chunks) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const sealS = (Date.now() - sealStarted) / 1000;
  await db.query('ANALYZE log_chunks');
  log(`the sealer indexed ${LINES + BIG} lines in ${sealS.toFixed(1)} s`);
  if (SEARCH_AB) {
    try {
      await searchAB(SEARCH_AB, cluster.url('runboard'), [million!, big!]);
    } finally {
      await stopServer();
      await db.end();
      await cluster.stop();
    }
    return;
  }

  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    await context.addInitScript(INIT_SCRIPT);
    const page = await context.newPage();
    await signIn(context, BASE, CREDENTIALS);
    const app: [string, RunPageFigures][] = [];
    const bare = PLAYWRIGHT_RUN_PAGE ? null : BareChromium.launch();
    try {
      const tab = bare
        ? await bare.newTab(
            await bare.newContext(await sessionCookies(BASE, CREDENTIALS)),
            INIT_SCRIPT,
          )
        : page;
      for (const target of [million!, big!]) {
        log(`run page, ${target.lines.toLocaleString('en-US')} lines`);
        app.push([
          target.lines.toLocaleString('en-US'),
          await measureRunPage(tab, BASE, target.run),
        ]);
        log(JSON.stringify(app.at(-1)![1]));
      }
    } finally {
      await bare?.close();
    }
    log(`run page, a ${(outputBytes / 1e6).toFixed(1)} MB node output`);
    const output = await measureOutput(page, BASE, withOutput!.run, outputBytes);
    log(JSON.stringify(output));
    printRunPage(app, output);
    if (APP_ONLY) return;

    log(`measuring ${LINES.toLocaleString('en-US')} lines`);
    const m = await measureMillion(page, million!);
    log(JSON.stringify(m));
    log(`measuring ${BIG.toLocaleString('en-US')} lines`);
    const b = await measureBig(page, big!).catch((err: unknown) => {
      log(`2M failed: ${String(err)}`);
      return { jump: NaN, scrolled: NaN, realHeight: NaN, heap: NaN, dom: NaN };
    });
    const bigSearch = await measureSearch(page, big!, 'needle', NEEDLE_EVERY, false);
    const bigCommon = await measureSearch(page, big!, 'failed', 100, true);
    log(JSON.stringify({ bigSearch, bigCommon }));

    const rows: [string, string, string, string][] = [
      [
        'first lines on screen (from navigation)',
        ms(m.firstLines),
        '58 ms (render cost)',
        '≤ 300 ms',
      ],
      [
        'first lines on screen (from <LogViewer> mount, after sign-in)',
        ms(m.fromMount),
        '58 ms (render cost)',
        '≤ 300 ms',
      ],
      ['longest task while opening', task(m.openLongest), 'none over 50 ms', '≤ 50 ms'],
      ['JS heap after open+scroll+filter', `${Math.round(m.heap)} MB`, '218 MB', '≤ 250 MB'],
      ['DOM nodes', String(m.dom), '–', '≤ 2 000'],
      ['scroll to the middle: rows loaded', ms(m.scrollMiddle), '–', '–'],
      ['longest task while scrolling', task(m.scrollLongest), '–', '≤ 50 ms'],
      ['level=ERROR', ms(m.errorFilter), '47 ms', '≤ 50 ms'],
      ['back to all levels', ms(m.backToAll), '20 ms', '≤ 50 ms'],
      ['longest task while filtering', task(m.filterLongest), '–', '≤ 50 ms'],
      ...searchRows(LINES, m.search, 'put in at once'),
      ...searchRows(LINES, m.common, 'Enter'),
      ['server alone: GET logs?level=ERROR', ms(m.serverError), '–', '–'],
      [
        `${BIG.toLocaleString('en-US')} lines: "Jump to end" shows the last line`,
        ms(b.jump),
        'no',
        'reachable',
      ],
      [
        `${BIG.toLocaleString('en-US')} lines: scrolled to the bottom shows the last line`,
        ms(b.scrolled),
        'no',
        'reachable',
      ],
      [
        `${BIG.toLocaleString('en-US')} lines: real scroll height / heap / DOM nodes`,
        `${b.realHeight.toLocaleString('en-US')} px / ${Math.round(b.heap)} MB / ${b.dom}`,
        '–',
        '< 33 554 432 px',
      ],
      ...searchRows(BIG, bigSearch, 'put in at once'),
      ...searchRows(BIG, bigCommon, 'Enter'),
    ];
    const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 12));
    const header: [string, string, string, string] = [
      `Runboard <LogViewer> at ${LINES.toLocaleString('en-US')} lines (bench page)`,
      'Runboard',
      'peer: minimal @tanstack/react-virtual (published)',
      'target',
    ];
    const line = (r: string[]) =>
      r.map((c, i) => c.padEnd(Math.max(widths[i] ?? 0, header[i]?.length ?? 0))).join(' | ');
    console.log(line(header));
    console.log(line(header.map((h, i) => '-'.repeat(Math.max(widths[i]!, h.length)))));
    for (const r of rows) console.log(line(r));
    console.log(
      `\nMounted: <LogViewer> alone in bench/log-viewer-page (not the run detail page), headless Debian chromium, ` +
        `server on the embedded PostgreSQL. Peer figures quoted from perf-targets.md, not measured in this run, except the full scan (the search before the chunk index, same database, same run). ` +
        `The server's log sealer indexed the ${(LINES + BIG).toLocaleString('en-US')} lines in ${sealS.toFixed(1)} s after start. Load average ${loadavg()
          .map((l) => l.toFixed(2))
          .join(' ')}. Took ${Math.round((Date.now() - started) / 1000)} s.`,
    );
  } finally {
    await browser.close();
    await stopServer();
    await db.end();
    await cluster.stop();
  }
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(async () => {
    await stopServer();
    if (!SETUP_ONLY) rmSync(work, { recursive: true, force: true });
  });
