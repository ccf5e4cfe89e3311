/**
 * The run page of the real dashboard (not the bench page), for bench/log-viewer.ts: the app as
 * `npm start` serves it, signed in with a session cookie, timed in Chromium with the long-task
 * observer of INIT_SCRIPT below, which the browser benches install (window.__longtasks,
 * window.__firstLines).
 *
 * - boot: a cold load of /runs/{run}?node=work, from navigation to the first lines, and every
 *   long task until 1.5 s after they show (count, longest);
 * - in-app: the app already loaded on /runs, a click on the run's link, to the first lines;
 * - level=ERROR and back to all levels on that page;
 * - a node's 10 MB output: its root row after selecting the node with the Output tab open, and
 *   after a cold load of the page with the tab open; which output requests were made.
 */
import path from 'node:path';
import react from '@vitejs/plugin-react';
import { chromium, type BrowserContext, type Page, type Response } from '@playwright/test';
import type pg from 'pg';
import { build } from 'vite';
import { generateOutput } from './json-inspector-page/generate';
import { storedRootSql } from '../server/db/workflow-runs';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Records long tasks and the moment the first real line (one with a level badge) appears. */
export const INIT_SCRIPT = `
  window.__longtasks = [];
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__longtasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const mo = new MutationObserver(() => {
    if (window.__firstLines === undefined && document.querySelector('[role=row] [data-level]')) {
      window.__firstLines = performance.now();
      mo.disconnect();
    }
  });
  document.addEventListener('DOMContentLoaded', () => mo.observe(document.body, { childList: true, subtree: true }));
`;

/** Builds the dashboard as `npm start` serves it into `outDir` (no source maps: faster). */
export async function buildApp(outDir: string) {
  await build({
    configFile: path.join(ROOT, 'vite.config.ts'),
    root: ROOT,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
}

/** Builds a bench page (bench/<name>) under `outDir/<name>/`, served beside the app. */
export async function buildBenchPage(name: string, outDir: string, root = ROOT) {
  await build({
    configFile: false,
    root: path.join(root, 'bench', name),
    base: `/${name}/`,
    plugins: [react()],
    logLevel: 'warn',
    build: { outDir: path.join(outDir, name), emptyOutDir: true },
  });
}

/**
 * Gives the node run (and its run's `variables.outputs`, as a node's output is copied there) an
 * output of about `bytes` of JSON, the generator of bench/json-inspector.ts, and the root's
 * shallow view the server keeps with a large output.
 */
export async function setOutput(db: pg.Client, run: string, node: string, bytes: number) {
  const text = JSON.stringify(generateOutput(bytes));
  await db.query('UPDATE node_runs SET output = $2::jsonb WHERE identifier = $1', [node, text]);
  // As the server does when it writes an output (db/workflow-runs.ts storeOutputRoot).
  await db.query('DELETE FROM node_run_output_roots WHERE node_run_identifier = $1', [node]);
  await db.query(
    `INSERT INTO node_run_output_roots (node_run_identifier, root) ${storedRootSql('node_runs')} AND n.identifier = $1`,
    [node],
  );
  await db.query(
    `UPDATE workflow_runs SET outputs = jsonb_build_object('work', $2::jsonb) WHERE identifier = $1`,
    [run, text],
  );
  return text.length;
}

/** The bench servers' seeded admin (server/test/harness.ts TEST_CREDENTIALS' defaults). */
export const BENCH_ADMIN = { clientId: 'runboard-admin', clientSecret: 'runboard-admin-secret' };

/**
 * Chromium as the run-page benches launch it, with one context (1400 × 900, INIT_SCRIPT) signed
 * in as the admin to each of `bases`.
 */
export async function launchSignedIn(bases: string[]) {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(INIT_SCRIPT);
  for (const base of bases) await signIn(context, base, BENCH_ADMIN);
  return { browser, context };
}

/** Signs the browser context in: a bearer token exchanged for the dashboard's session cookie. */
export async function signIn(
  context: BrowserContext,
  base: string,
  credentials: { clientId: string; clientSecret: string },
) {
  const res = await context.request.post(`${base}/v1/auth/access_token`, { data: credentials });
  const { accessToken } = (await res.json()) as { accessToken: string };
  await context.request.post(`${base}/v1/auth/session`, {
    headers: { authorization: `Bearer ${accessToken}` },
  });
}

/**
 * What the run-page figures need of a tab: a Playwright page (`benchPage(page)`) or a tab of
 * Chromium driven without Playwright (bench/bare-chromium.ts BareTab: no Runtime domain, so no
 * DevTools' cost in the page's tasks). Expressions are strings: tsx's helpers (__name) do not
 * exist in the page.
 */
export interface BenchPage {
  /** Navigates and waits for the document's load event. */
  goto(url: string): Promise<void>;
  /** The expression's value (awaited if a promise). */
  evaluate<T = unknown>(expression: string): Promise<T>;
  /** Waits until the expression is truthy. */
  waitFor(expression: string, timeoutMs?: number): Promise<void>;
}

/** A Playwright page as a BenchPage. */
export const benchPage = (page: Page): BenchPage => ({
  goto: async (url) => {
    await page.goto(url);
  },
  evaluate: <T>(expression: string) => page.evaluate<T>(expression),
  waitFor: async (expression, timeoutMs = 60_000) => {
    await page.waitForFunction(expression, undefined, { timeout: timeoutMs });
  },
});

const asBench = (page: Page | BenchPage): BenchPage =>
  'waitForFunction' in page ? benchPage(page) : page;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export interface LongTasks {
  count: number;
  longest: number;
}

/** Long tasks that started in [from, to) (page clock). */
export const longTasks = (
  page: Page | BenchPage,
  from: number,
  to = Infinity,
): Promise<LongTasks> =>
  asBench(page).evaluate<LongTasks>(`(() => {
    const tasks = window.__longtasks.filter((x) => x.start >= ${from} && x.start < ${to === Infinity ? 'Infinity' : to});
    return { count: tasks.length, longest: Math.max(0, ...tasks.map((x) => x.duration)) };
  })()`);

const now = (page: BenchPage) => page.evaluate<number>('performance.now()');

/** Runs `act` in the page and resolves the ms until `done` holds (checked every frame). */
export function timeInPage(page: Page | BenchPage, act: string, done: string, timeoutMs = 30_000) {
  // A string, not a function: tsx's helpers (__name) do not exist in the page.
  return asBench(page).evaluate<number>(`new Promise((resolve, reject) => {
    const t0 = performance.now();
    ${act};
    const tick = () => {
      if (${done}) resolve(performance.now() - t0);
      else if (performance.now() - t0 > ${timeoutMs}) reject(new Error('timed out: ' + ${JSON.stringify(done)}));
      else requestAnimationFrame(tick);
    };
    tick();
  })`);
}

const ROWS_LOADED = `(() => {
  const rows = [...document.querySelectorAll('[aria-label="Log lines"] [role=row]')];
  return rows.length > 0 && rows.every((r) => r.querySelector('[data-level]'));
})()`;
const rowsWhere = (predicate: string) => `(() => {
  const rows = [...document.querySelectorAll('[aria-label="Log lines"] [role=row]')];
  return rows.length > 0 && rows.every((r) => r.querySelector('[data-level]')) && ${predicate};
})()`;
const clickChip = (level: string) =>
  `[...document.querySelectorAll('[aria-label=Levels] button')].find((b) => b.getAttribute('aria-label').startsWith(${JSON.stringify(level)})).click()`;

export interface RunPageFigures {
  /** Cold load: navigation → first lines, and the long tasks until 1.5 s after. */
  bootFirstLines: number;
  boot: LongTasks;
  /** The app loaded on /runs: click on the run's link → first lines, long tasks until 1.5 s after. */
  inAppFirstLines: number;
  inApp: LongTasks;
  errorFilter: number;
  backToAll: number;
  filter: LongTasks;
}

/**
 * The run page's figures in `tab`: a Playwright page, or (`--bare` in bench/log-viewer.ts) a tab
 * of Chromium without DevTools' Runtime domain, as a person's browser runs the page.
 */
export async function measureRunPage(
  tab: Page | BenchPage,
  base: string,
  run: string,
): Promise<RunPageFigures> {
  const page = asBench(tab);
  await page.goto(`${base}/runs/${run}?node=work`);
  await page.waitFor(ROWS_LOADED, 60_000);
  const bootFirstLines = await page.evaluate<number>('window.__firstLines ?? NaN');
  await sleep(1500);
  const boot = await longTasks(page, 0);

  await page.goto(`${base}/runs`);
  await page.waitFor(`!!document.querySelector('a[href="/runs/${run}"]')`, 30_000);
  await sleep(1500);
  let t = await now(page);
  const inAppFirstLines = await timeInPage(
    page,
    `document.querySelector('a[href="/runs/${run}"]').click()`,
    ROWS_LOADED,
  );
  await sleep(1500);
  const inApp = await longTasks(page, t);

  t = await now(page);
  const errorFilter = await timeInPage(
    page,
    clickChip('ERROR'),
    rowsWhere(`rows.every((r) => r.querySelector('[data-level]').textContent === 'ERROR')`),
  );
  await sleep(500);
  const backToAll = await timeInPage(
    page,
    clickChip('ERROR'),
    rowsWhere(`rows.some((r) => r.querySelector('[data-level]').textContent !== 'ERROR')`),
  );
  await sleep(500);
  const filter = await longTasks(page, t);
  return { bootFirstLines, boot, inAppFirstLines, inApp, errorFilter, backToAll, filter };
}

export interface OutputFigures {
  bytes: number;
  /** Output tab open on another node; click on the node → its output's root row. */
  selectRoot: number;
  select: LongTasks;
  /** Cold load of the page with the node and the Output tab in the URL → root row. */
  bootRoot: number;
  boot: LongTasks;
  /** Output requests the cold load made, with their sizes as received. */
  requests: string[];
}

const OUTPUT_ROOT = `!!document.querySelector('[role=tree][aria-label="Output of Work"] [role=treeitem]')`;

export async function measureOutput(
  page: Page,
  base: string,
  run: string,
  bytes: number,
): Promise<OutputFigures> {
  await page.goto(`${base}/runs/${run}?node=trigger&tab=output`);
  await page.getByRole('tree', { name: 'Output of Trigger' }).waitFor();
  await page.waitForTimeout(1500);
  const t = await now(asBench(page));
  const selectRoot = await timeInPage(
    page,
    `[...document.querySelectorAll('button')].find((b) => (b.getAttribute('aria-label') ?? '').startsWith('Work: ')).click()`,
    OUTPUT_ROOT,
  );
  await page.waitForTimeout(1500);
  const select = await longTasks(page, t);

  const requests: string[] = [];
  const onResponse = (res: Response) => {
    const url = new URL(res.url());
    if (!/\/outputs?(\/shallow)?$/.test(url.pathname)) return;
    const name = url.pathname.split('/').slice(-2).join('/') + url.search;
    void res
      .body()
      .then((b) => requests.push(`${name} ${(b.length / 1e3).toFixed(1)} KB`))
      .catch(() => requests.push(`${url.pathname} (no body)`));
  };
  // Notes (page clock) when the root row first exists, from the start of the document.
  await page.addInitScript(`
    const mo = new MutationObserver(() => {
      if (${OUTPUT_ROOT}) { window.__outputRoot = performance.now(); mo.disconnect(); }
    });
    document.addEventListener('DOMContentLoaded', () => mo.observe(document.body, { childList: true, subtree: true }));
  `);
  page.on('response', onResponse);
  await page.goto(`${base}/runs/${run}?node=work&tab=output`);
  await page.waitForFunction('window.__outputRoot !== undefined', undefined, { timeout: 60_000 });
  const bootRoot = await page.evaluate('window.__outputRoot');
  await page.waitForTimeout(1500);
  page.off('response', onResponse);
  const boot = await longTasks(page, 0);
  return { bytes, selectRoot, select, bootRoot: bootRoot as number, boot, requests };
}
