/**
 * A CPU profile (1 ms samples) and a Chromium trace of one page load, to find what a long task
 * is: `npx tsx bench/run-page-profile.ts <dataDir> <buildDir> <path, e.g. /runs/wfr_…?node=work>
 * <outPrefix> [--cold] [--trace-categories=a,b]` writes <outPrefix>.cpuprofile and
 * <outPrefix>.trace.json (open both in Chrome's DevTools Performance panel; a `nominify` build
 * keeps React's and our function names). `--trace-categories`: Chromium's trace categories
 * instead of Playwright's default set (`devtools.timeline,blink,loading` say what a DOM call did).
 */
import { writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { signIn } from './run-page';
import { startBenchServer } from './server-process';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';

const [dataDir, staticDir, url, out] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const cluster = await startEmbeddedPostgres({ dataDir: dataDir!, log: () => {} });
const server = await startBenchServer({
  DATABASE_URL: cluster.url('runboard'),
  PORT: process.env.PROFILE_PORT ?? '18971',
  DATA_DIR: dataDir!,
  STATIC_DIR: staticDir!,
});
const categories = process.argv
  .find((a) => a.startsWith('--trace-categories='))
  ?.split('=')[1]
  ?.split(',');
const base = `http://127.0.0.1:${process.env.PROFILE_PORT ?? '18971'}`;
try {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  await signIn(context, base, {
    clientId: 'runboard-admin',
    clientSecret: 'runboard-admin-secret',
  });
  const page = await context.newPage();
  // `--cold`: the page's first load in a new tab (as a person opening a link), else a load
  // after the runs list (the renderer and its compiled code warm).
  if (!process.argv.includes('--cold')) {
    await page.goto(`${base}/runs`);
    await page.waitForTimeout(500);
  }
  const cdp = await context.newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await browser.startTracing(page, {
    path: `${out}.trace.json`,
    ...(categories && { categories }),
  });
  await cdp.send('Profiler.start');
  await page.goto(`${base}${url}`);
  await page.waitForTimeout(3000);
  const { profile } = await cdp.send('Profiler.stop');
  await browser.stopTracing();
  writeFileSync(`${out}.cpuprofile`, JSON.stringify(profile));
  await browser.close();
} finally {
  await server.stop();
  await cluster.stop();
}
