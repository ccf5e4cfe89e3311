/**
 * Screenshots of one page of a dashboard build, to compare two builds by eye (light and dark at
 * 1400 px, light at 390 px), taken once the log's rows and the graph are drawn:
 * `npx tsx bench/run-page-shots.ts <dataDir> <buildDir> <path> <outPrefix>` writes
 * <outPrefix>-light.png, -dark.png and -390.png. Also prints the page's DOM element count. A run
 * page waits for its log rows and graph, any other page for its heading and an idle network.
 * A page with a workflow graph also prints the graph's geometry (its viewport's transform, each
 * node's place and each edge's path), to compare two builds' drawings by the numbers, and writes
 * <outPrefix>-<shot>-graph.png, the graph alone with its animations stopped.
 * `--port=18972` moves its server; `--no-log` waits for a run page's graph only (a node without
 * log lines).
 */
import { chromium } from '@playwright/test';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { signIn } from './run-page';
import { startBenchServer } from './server-process';
import { CHROMIUM_ARGS, CHROMIUM_EXECUTABLE } from '../e2e/chromium';

const [dataDir, staticDir, url, out] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const port = process.argv.find((a) => a.startsWith('--port='))?.split('=')[1] ?? '18972';
/** `--no-log`: the run's selected node has no log lines to wait for. */
const noLog = process.argv.includes('--no-log');
const cluster = await startEmbeddedPostgres({ dataDir: dataDir!, log: () => {} });
const server = await startBenchServer({
  DATABASE_URL: cluster.url('runboard'),
  PORT: port,
  DATA_DIR: dataDir!,
  STATIC_DIR: staticDir!,
});
const base = `http://127.0.0.1:${port}`;
try {
  const browser = await chromium.launch({
    executablePath: CHROMIUM_EXECUTABLE,
    args: CHROMIUM_ARGS,
  });
  const shots = [
    { name: 'light', width: 1400, height: 900, colorScheme: 'light' },
    { name: 'dark', width: 1400, height: 900, colorScheme: 'dark' },
    { name: '390', width: 390, height: 844, colorScheme: 'light' },
  ] as const;
  for (const shot of shots) {
    const context = await browser.newContext({
      viewport: { width: shot.width, height: shot.height },
      colorScheme: shot.colorScheme,
    });
    await signIn(context, base, {
      clientId: 'runboard-admin',
      clientSecret: 'runboard-admin-secret',
    });
    const page = await context.newPage();
    await page.goto(`${base}${url}`);
    if (url!.startsWith('/runs/')) {
      if (!noLog)
        await page.locator('[aria-label="Log lines"] [role=row] [data-level]').first().waitFor();
      await page.locator('.react-flow__node').first().waitFor();
    } else {
      // Another page (a list): its heading, then the rows its queries bring.
      await page.getByRole('heading').first().waitFor();
      await page.waitForLoadState('networkidle');
    }
    await page.waitForTimeout(1500);
    const elements = await page.evaluate(() => document.querySelectorAll('*').length);
    await page.screenshot({ path: `${out}-${shot.name}.png` });
    console.log(`${shot.name}: ${elements} elements`);
    // A string, not a function: tsx would wrap a named arrow in a helper the page lacks.
    const graph = (await page.evaluate(`(() => {
      const viewport = document.querySelector('.react-flow__viewport');
      if (!viewport) return null;
      const all = (selector) => [...document.querySelectorAll(selector)];
      return {
        viewport: viewport.style.transform,
        nodes: all('.react-flow__node').map((n) => n.dataset.id + ' ' + n.style.transform),
        edges: all('.react-flow__edge-path').map((p) => p.getAttribute('d')),
      };
    })()`)) as { viewport: string; nodes: string[]; edges: string[] } | null;
    if (graph) {
      console.log(`${shot.name} graph: ${JSON.stringify(graph)}`);
      // The graph alone with its animations stopped (a live node's pulse, a spinner), to compare
      // two builds' graphs pixel by pixel.
      await page
        .getByRole('figure', { name: 'Workflow graph' })
        .screenshot({ path: `${out}-${shot.name}-graph.png`, animations: 'disabled' });
    }
    await context.close();
  }
  await browser.close();
} finally {
  await server.stop();
  await cluster.stop();
}
