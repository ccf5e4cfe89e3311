/**
 * Which of a build's chunks a cold load of the run page mostly runs: a load of
 * /runs/{run}?node=work with V8's JS coverage on (Playwright's, per function, no block detail),
 * then per chunk its size, how many of its functions ran by 1.5 s after the first lines, and the
 * share of its bytes inside them. The chunks whose code runs nearly whole are the ones worth
 * compiling eagerly off the main thread (scripts/vite-compile-hints.ts at 4b85c19, measured and
 * reverted): a function V8 compiles
 * lazily is compiled on the main thread when first called, inside the task that calls it.
 * `npx tsx bench/boot-coverage.ts <dataDir> <runsJson> <buildDir> [--port=18961]`.
 */
import { chromium } from '@playwright/test';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';
import { INIT_SCRIPT, signIn } from './run-page';
import { startBenchServer } from './server-process';

const [dataDir, runsJson, buildDir] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const port = Number(process.argv.find((a) => a.startsWith('--port='))?.split('=')[1] ?? 18961);
const runs = JSON.parse(runsJson!) as Record<string, { run: string }>;

const cluster = await startEmbeddedPostgres({ dataDir: dataDir!, log: () => {} });
const server = await startBenchServer({
  DATABASE_URL: cluster.url('runboard'),
  PORT: String(port),
  DATA_DIR: dataDir!,
  STATIC_DIR: buildDir!,
});
try {
  const base = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await context.addInitScript(INIT_SCRIPT);
  await signIn(context, base, {
    clientId: 'runboard-admin',
    clientSecret: 'runboard-admin-secret',
  });
  const page = await context.newPage();
  await page.coverage.startJSCoverage({ resetOnNavigation: false });
  await page.goto(`${base}/runs/${runs.million!.run}?node=work`);
  await page.waitForFunction('window.__firstLines !== undefined', undefined, { timeout: 60_000 });
  await page.waitForTimeout(1500);
  const entries = await page.coverage.stopJSCoverage();
  const rows = [];
  for (const e of entries) {
    if (!e.url.includes('/assets/')) continue;
    const size = e.source?.length ?? 0;
    // The first function is the module's top level (the whole file).
    const fns = e.functions.filter((f) => f.functionName !== '' || f.ranges[0]!.startOffset > 0);
    const ran = fns.filter((f) => f.ranges[0]!.count > 0);
    // Bytes in functions that ran, counting each outermost range once.
    const spans = ran.map((f) => [f.ranges[0]!.startOffset, f.ranges[0]!.endOffset] as const);
    spans.sort((a, b) => a[0] - b[0]);
    let bytes = 0;
    let end = -1;
    for (const [s, t] of spans) {
      if (s >= end) {
        bytes += t - s;
        end = t;
      } else if (t > end) {
        bytes += t - end;
        end = t;
      }
    }
    rows.push({
      chunk: e.url.split('/assets/')[1]!,
      kb: Math.round(size / 1024),
      ran: `${ran.length}/${fns.length}`,
      ranShare: fns.length ? ran.length / fns.length : 0,
      byteShare: size ? bytes / size : 0,
    });
  }
  rows.sort((a, b) => b.kb - a.kb);
  for (const r of rows)
    console.log(
      `${r.chunk.padEnd(44)} ${String(r.kb).padStart(4)} KB  functions run ${r.ran.padStart(11)} (${(r.ranShare * 100).toFixed(0)} %), bytes in them ${(r.byteShare * 100).toFixed(0)} %`,
    );
  await browser.close();
} finally {
  await server.stop();
  await cluster.stop();
}
