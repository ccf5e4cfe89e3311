/**
 * JSON inspector benchmark: mounts <JsonInspector> alone (bench/json-inspector-page, built with
 * Vite) in Debian's chromium with generated 1 MB and 10 MB outputs and prints time to root
 * visible, expand-all time, the longest main-thread task of each step, DOM nodes and heap, beside
 * the peer figures of ../shared/perf-targets.md. Run: npx tsx bench/json-inspector.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { chromium, type Page } from '@playwright/test';
import { build, preview } from 'vite';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';

const here = path.dirname(fileURLToPath(import.meta.url));
const SIZES = [1_000_000, 10_000_000];
/** performance.memory with real figures, for the heap column. */
const ARGS = [...CHROMIUM_ARGS, '--enable-precise-memory-info'];

interface Figures {
  bytes: number;
  rootVisibleMs: number;
  mountLongestTaskMs: number;
  expandAllMs: number;
  expandAllLongestTaskMs: number;
  rows: number;
  scrollToEndMs: number;
  searchMs: number;
  searchLongestTaskMs: number;
  matches: string;
  rawFirstLinesMs: number;
  rawLongestTaskMs: number;
  domNodes: number;
  heapMb: number;
}

async function buildPage(): Promise<{ url: string; close: () => Promise<void> }> {
  const outDir = mkdtempSync(path.join(tmpdir(), 'json-inspector-bench-'));
  const root = path.join(here, 'json-inspector-page');
  await build({
    root,
    configFile: false,
    logLevel: 'error',
    plugins: [react()],
    build: { outDir, emptyOutDir: true },
  });
  const server = await preview({
    root,
    configFile: false,
    logLevel: 'error',
    build: { outDir },
    preview: { port: 0, host: '127.0.0.1' },
  });
  const url = server.resolvedUrls?.local[0];
  if (!url) throw new Error('preview server has no URL');
  return {
    url,
    close: async () => {
      await server.close();
      rmSync(outDir, { recursive: true, force: true });
    },
  };
}

/** Longest task (PerformanceObserver longtask, ≥50 ms) since `since`, in ms; 0 when none. */
const longestTaskSince = (page: Page, since: number) =>
  page.evaluate(
    (from) =>
      Math.max(
        0,
        ...(window as unknown as { longtasks: PerformanceEntry[] }).longtasks
          .filter((t) => t.startTime + t.duration >= from)
          .map((t) => t.duration),
      ),
    since,
  );

const now = (page: Page) => page.evaluate(() => performance.now());
const settle = (page: Page) => page.waitForTimeout(600);

/** Time from `start` until `predicate` holds in the page, checked every animation frame. */
function timeUntil(page: Page, start: number, predicate: string): Promise<number> {
  // A string, not a function: tsx would wrap named closures in a helper the page doesn't have.
  return page.evaluate(`new Promise((resolve) => {
    const check = () => (${predicate}) ? resolve(performance.now() - ${start}) : requestAnimationFrame(check);
    check();
  })`);
}

async function measure(pageUrl: string, bytes: number): Promise<Figures> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: ARGS,
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.addInitScript(() => {
      const tasks: PerformanceEntry[] = [];
      (window as unknown as { longtasks: PerformanceEntry[] }).longtasks = tasks;
      new PerformanceObserver((list) => tasks.push(...list.getEntries())).observe({
        type: 'longtask',
        buffered: true,
      });
    });
    await page.goto(pageUrl);
    const actualBytes = await page.evaluate((b) => window.bench.generate(b), bytes);
    const cdp = await page.context().newCDPSession(page);
    // The generator's garbage is not the inspector's: collect it before mounting.
    await cdp.send('HeapProfiler.collectGarbage');
    await settle(page);

    const mountStart = await now(page);
    const rootVisibleMs = await page.evaluate(() => window.bench.mount('light'));
    await settle(page);
    const mountLongestTaskMs = await longestTaskSince(page, mountStart);

    const innerHeight = `document.querySelector('[role="tree"]').firstElementChild.offsetHeight`;
    const collapsedHeight = await page.evaluate(innerHeight);
    const expandStart = await now(page);
    await page.getByRole('button', { name: 'Expand all' }).click();
    const expandAllMs = await timeUntil(
      page,
      expandStart,
      `${innerHeight} > ${String(collapsedHeight)} * 2`,
    );
    await settle(page);
    const expandAllLongestTaskMs = await longestTaskSince(page, expandStart);
    const scrollStart = await now(page);
    await page.evaluate(() => {
      const tree = document.querySelector('[role="tree"]')!;
      tree.scrollTop = tree.scrollHeight;
    });
    // Done when the last rendered row sits at the bottom edge: the end of the tree is on screen
    // (row count unknown here: past 15M px the scroll range is scaled).
    const scrollToEndMs = await timeUntil(
      page,
      scrollStart,
      `(() => {
        const tree = document.querySelector('[role="tree"]');
        const rows = [...tree.querySelectorAll('[data-index]')];
        const last = rows.reduce((a, b) => (+b.dataset.index > +a.dataset.index ? b : a));
        const gap = tree.getBoundingClientRect().bottom - last.getBoundingClientRect().bottom;
        return gap >= -1 && gap < 30;
      })()`,
    );
    const rows = await page.evaluate(
      () =>
        Math.max(
          ...[...document.querySelectorAll<HTMLElement>('[role="tree"] [data-index]')].map((row) =>
            Number(row.dataset.index),
          ),
        ) + 1,
    );
    const domNodes = await page.evaluate(() => document.getElementsByTagName('*').length);

    const searchStart = await now(page);
    await page.getByLabel('Search output').fill('failed');
    const searchMs = await timeUntil(
      page,
      searchStart,
      `/^\\d+ of [\\d,]+$/.test(document.querySelector('[aria-live="polite"]')?.textContent ?? '')`,
    );
    const matches = await page.evaluate(
      () => document.querySelector('[aria-live="polite"]')?.textContent ?? '',
    );
    await settle(page);
    const searchLongestTaskMs = await longestTaskSince(page, searchStart);

    const rawStart = await now(page);
    await page.getByRole('button', { name: 'Raw' }).click();
    const rawFirstLinesMs = await timeUntil(
      page,
      rawStart,
      `(document.querySelector('[role="region"]')?.textContent ?? '').includes('resourceId')`,
    );
    await settle(page);
    const rawLongestTaskMs = await longestTaskSince(page, rawStart);
    await page.getByRole('button', { name: 'Raw' }).click();

    await cdp.send('HeapProfiler.collectGarbage');
    const heap = await cdp.send('Runtime.getHeapUsage');
    return {
      bytes: actualBytes,
      rootVisibleMs,
      mountLongestTaskMs,
      expandAllMs,
      expandAllLongestTaskMs,
      rows,
      scrollToEndMs,
      searchMs,
      searchLongestTaskMs,
      matches,
      rawFirstLinesMs,
      rawLongestTaskMs,
      domNodes,
      heapMb: heap.usedSize / 1024 / 1024,
    };
  } finally {
    await browser.close();
  }
}

const ms = (value: number) => (value === 0 ? 'none ≥50 ms' : `${Math.round(value)} ms`);

function report(all: Figures[]) {
  const columns = all.map((f) => `${(f.bytes / 1e6).toFixed(1)} MB`);
  const lines: [string, (f: Figures) => string, string][] = [
    ['root visible', (f) => ms(f.rootVisibleMs), '~350 ms collapsed (target ≤ 400 ms at 10 MB)'],
    ['  longest task while mounting', (f) => ms(f.mountLongestTaskMs), ''],
    ['expand all', (f) => ms(f.expandAllMs), '6.5–15.8 s at 1 MB; > 1 min at 10 MB'],
    ['  longest task', (f) => ms(f.expandAllLongestTaskMs), 'target: none over 100 ms'],
    ['  visible rows', (f) => f.rows.toLocaleString('en-US'), ''],
    ['scroll to the last row', (f) => ms(f.scrollToEndMs), ''],
    ['search "failed" (150 ms debounce incl.)', (f) => ms(f.searchMs), ''],
    ['  matches', (f) => f.matches, ''],
    ['  longest task', (f) => ms(f.searchLongestTaskMs), ''],
    ['raw view first lines', (f) => ms(f.rawFirstLinesMs), ''],
    ['  longest task', (f) => ms(f.rawLongestTaskMs), ''],
    ['DOM nodes (expanded, at the end)', (f) => String(f.domNodes), ''],
    ['JS heap after GC', (f) => `${Math.round(f.heapMb)} MB`, ''],
  ];
  const width = Math.max(...lines.map(([name]) => name.length)) + 2;
  const cell = 14;
  console.log(
    `\n${'JSON inspector'.padEnd(width)}${columns.map((c) => c.padEnd(cell)).join('')}peers (perf-targets.md)`,
  );
  for (const [name, get, peer] of lines) {
    console.log(`${name.padEnd(width)}${all.map((f) => get(f).padEnd(cell)).join('')}${peer}`);
  }
  console.log(
    '\nPeers: @uiw/react-json-view and @microlink/react-json-view, measured on this kind of machine.',
  );
}

const page = await buildPage();
try {
  const all: Figures[] = [];
  for (const bytes of SIZES) all.push(await measure(page.url, bytes));
  report(all);
} finally {
  await page.close();
}
