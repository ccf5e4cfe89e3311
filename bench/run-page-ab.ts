/**
 * A/B of the run page: builds of the dashboard (bench/build-app.ts) served side by side by one
 * server each on one embedded PostgreSQL — a data dir kept by `bench/log-viewer.ts --setup-only`,
 * whose printed run ids are `runsJson` — and measured alternately, round after round, so each
 * build gets the same minutes of a busy machine. `--only=` picks among `boot` (cold loads of
 * both log sizes: first lines, every long task), `app` (bench/run-page.ts's run-page figures at
 * 1M and 2M: boot, in-app navigation, level filter and back to all levels) and `output` (the 10 MB output's root);
 * `--trace=prefix` writes a Chromium trace of each build's first boot; `--port=` the first
 * server's port; `--sched` splits each long task of a boot into the renderer main thread's CPU,
 * its wait for a core and its sleep, with its nice value (bench/sched-sampler.ts, Linux; the
 * busiest renderer of the browser this bench launched).
 * `npx tsx bench/run-page-ab.ts <dataDir> <runsJson> <buildA> <buildB> [more builds] [rounds]`; a
 * build given as `<buildDir>@<codeDir>` is served by the server of that copy of the code (a
 * `git archive` of the commit before, node_modules linked), for changes on the server's side.
 * `--bare`: `boot` and `app` in Chromium driven without Playwright (bench/bare-chromium.ts: no
 * DevTools Runtime domain, whose cost a person's browser never pays; a new tab a round and build),
 * first lines and the page's long-task observer only (no `--trace`, `--sched`, CPU, `output`).
 */
import { loadavg } from 'node:os';
import type { CDPSession, Page } from '@playwright/test';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import {
  BENCH_ADMIN,
  INIT_SCRIPT,
  launchSignedIn,
  measureOutput,
  measureRunPage,
  longTasks,
  type RunPageFigures,
} from './run-page';
import { BareChromium, sessionCookies } from './bare-chromium';
import {
  browserProcessOf,
  busiestRenderer,
  epochToMonotonic,
  splitWindow,
  startSchedSampler,
  type SchedSample,
} from './sched-sampler';
import { startBenchServer, type BenchServer } from './server-process';

const [dataDir, runsJson, ...rest] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const statics = rest.filter((a) => !/^\d+$/.test(a));
const rounds = Number(rest.find((a) => /^\d+$/.test(a)) ?? 3);
const trace = process.argv.find((a) => a.startsWith('--trace='))?.split('=')[1];
const sched = process.argv.includes('--sched');
/** `--trace-categories=a,b`: Chromium's trace categories instead of Playwright's default set. */
const categories = process.argv
  .find((a) => a.startsWith('--trace-categories='))
  ?.split('=')[1]
  ?.split(',');
const only = process.argv.find((a) => a.startsWith('--only='))?.split('=')[1] ?? 'boot,output';
/** The first build's port (the next ones follow): another bench may hold the default. */
const firstPort = Number(process.argv.find((a) => a.startsWith('--port='))?.split('=')[1] ?? 18961);
const runs = JSON.parse(runsJson!) as Record<string, { run: string; node: string }>;
const bare = process.argv.includes('--bare');

async function main() {
  const cluster = await startEmbeddedPostgres({ dataDir: dataDir!, log: () => {} });
  const servers: BenchServer[] = [];
  const bases: string[] = [];
  try {
    for (const [i, build] of statics.entries()) {
      const port = firstPort + i;
      // `<buildDir>@<codeDir>`: that build served by the server of another copy of the code.
      const [dir, root] = build.split('@');
      servers.push(
        await startBenchServer(
          {
            DATABASE_URL: cluster.url('runboard'),
            PORT: String(port),
            DATA_DIR: dataDir!,
            STATIC_DIR: dir!,
          },
          root,
        ),
      );
      bases.push(`http://127.0.0.1:${port}`);
    }
    if (bare) {
      await bareRounds(bases);
      return;
    }
    const { browser, context } = await launchSignedIn(bases);
    const browserPid = sched ? await browserProcessOf(browser) : null;
    for (let r = 0; r < rounds; r++) {
      for (const [i, base] of bases.entries()) {
        const page = await context.newPage();
        const name = String.fromCharCode(65 + i);
        if (only.includes('boot')) {
          for (const key of ['million', 'big']) {
            if (trace && r === 0)
              await browser.startTracing(page, {
                path: `${trace}-${name}-${key}.json`,
                screenshots: false,
                ...(categories ? { categories } : {}),
              });
            const cdp = await context.newCDPSession(page);
            await cdp.send('Performance.enable');
            const before = await mainThreadTimes(cdp);
            const sampler = browserPid === null ? null : startSchedSampler(browserPid);
            await page.goto(`${base}/runs/${runs[key]!.run}?node=work`);
            await page.waitForFunction('window.__firstLines !== undefined', undefined, {
              timeout: 60_000,
            });
            const first = await page.evaluate('window.__firstLines');
            await page.waitForTimeout(1500);
            const boot = await longTasks(page, 0);
            const all = await page.evaluate(() =>
              window.__longtasks
                .map((t) => `${Math.round(t.start)}+${Math.round(t.duration)}`)
                .join(' '),
            );
            // Total blocking time: what each long task held the page past 50 ms.
            const tbt = await page.evaluate(() =>
              window.__longtasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0),
            );
            const after = await mainThreadTimes(cdp);
            const split = sampler ? await schedOfTasks(await sampler.stop(), page) : null;
            await cdp.detach();
            const cpu = (k: keyof typeof after) => Math.round((after[k] - before[k]) * 1000);
            if (trace && r === 0) await browser.stopTracing();
            console.log(
              `${name} ${key} boot: first lines ${Math.round(first as number)} ms, long tasks ${boot.count}, longest ${Math.round(boot.longest)}, blocking ${Math.round(tbt)} ms [${all}]; main thread CPU ${cpu('ThreadTime')} ms (script ${cpu('ScriptDuration')}, style ${cpu('RecalcStyleDuration')}, layout ${cpu('LayoutDuration')}) load ${loadavg()[0]!.toFixed(1)}`,
            );
            if (split) console.log(`  ${split}`);
          }
        }
        if (only.includes('app')) {
          for (const [key, size] of APP_SIZES)
            console.log(
              appLine(`${name} app ${size}`, await measureRunPage(page, base, runs[key]!.run)),
            );
        }
        if (only.includes('output')) {
          const o = await measureOutput(page, base, runs.withOutput!.run, 1e7);
          console.log(
            `${name} output: select root ${Math.round(o.selectRoot)} ms (tasks ${o.select.count}, longest ${Math.round(o.select.longest)}); cold root ${Math.round(o.bootRoot)} ms (tasks ${o.boot.count}, longest ${Math.round(o.boot.longest)}); ${o.requests.join(', ')} load ${loadavg()[0]!.toFixed(1)}`,
          );
        }
        await page.close();
      }
    }
    await browser.close();
  } finally {
    for (const s of servers) await s.stop();
    await cluster.stop();
  }
}
/** `--bare`: `boot` and `app` in Chromium without Playwright, the builds alternately. */
async function bareRounds(bases: string[]) {
  const chromium = BareChromium.launch();
  try {
    const cookies = [];
    for (const base of bases) cookies.push(...(await sessionCookies(base, BENCH_ADMIN)));
    const browserContextId = await chromium.newContext(cookies);
    for (let r = 0; r < rounds; r++) {
      // The order reversed every other round, so no build always comes first.
      const order = [...bases.entries()];
      if (r % 2) order.reverse();
      for (const [i, base] of order) {
        const name = String.fromCharCode(65 + i);
        const tab = await chromium.newTab(browserContextId, INIT_SCRIPT);
        if (only.includes('boot')) {
          for (const key of ['million', 'big']) {
            await tab.goto(`${base}/runs/${runs[key]!.run}?node=work`);
            await tab.waitFor('window.__firstLines !== undefined');
            const first = await tab.evaluate<number>('window.__firstLines');
            await new Promise((resolve) => setTimeout(resolve, 1500));
            const boot = await longTasks(tab, 0);
            const all = await tab.evaluate<string>(
              `window.__longtasks.map((t) => Math.round(t.start) + '+' + Math.round(t.duration)).join(' ')`,
            );
            console.log(
              `${name} ${key} boot (bare): first lines ${Math.round(first)} ms, long tasks ${boot.count}, longest ${Math.round(boot.longest)} [${all}] load ${loadavg()[0]!.toFixed(1)}`,
            );
          }
        }
        if (only.includes('app')) {
          // One tab, 1M then 2M, as bench/log-viewer.ts --app-only measures them.
          for (const [key, size] of APP_SIZES)
            console.log(
              appLine(
                `${name} app ${size} (bare)`,
                await measureRunPage(tab, base, runs[key]!.run),
              ),
            );
        }
        await tab.close();
      }
    }
  } finally {
    await chromium.close();
  }
}

/** `app`'s logs: the run page's figures (bench/run-page.ts) at 1M lines, then 2M. */
const APP_SIZES = [
  ['million', '1M'],
  ['big', '2M'],
] as const;

const appLine = (label: string, f: RunPageFigures) =>
  `${label}: boot first ${Math.round(f.bootFirstLines)} ms (${f.boot.count}, longest ${Math.round(f.boot.longest)}); in-app first ${Math.round(f.inAppFirstLines)} ms (${f.inApp.count}, longest ${Math.round(f.inApp.longest)}); ERROR ${Math.round(f.errorFilter)} ms, back ${Math.round(f.backToAll)} ms (${f.filter.count}, longest ${Math.round(f.filter.longest)}) load ${loadavg()[0]!.toFixed(1)}`;

/**
 * Each long task the page saw, split by the kernel's counts for the renderer's main thread
 * (`cpu/wait/sleep`: on a core, runnable but waiting for one, blocked), and the whole load's.
 */
async function schedOfTasks(samples: SchedSample[], page: Page) {
  const offset = epochToMonotonic();
  const { origin, tasks } = await page.evaluate(() => ({
    origin: performance.timeOrigin,
    tasks: window.__longtasks,
  }));
  const pid = busiestRenderer(samples);
  if (pid === null) return 'sched: no samples of a renderer of this browser';
  const mono = (ms: number) => origin + ms + offset;
  const fmt = (w: ReturnType<typeof splitWindow>) =>
    `${Math.round(w.wall)} = cpu ${Math.round(w.cpu)} + wait ${Math.round(w.wait)} + sleep ${Math.round(w.sleep)} (nice ${w.nices.join('/')})`;
  const whole = splitWindow(samples, pid, mono(0), samples[samples.length - 1]!.t);
  const each = tasks.map(
    (t) =>
      `${Math.round(t.start)}: ${fmt(splitWindow(samples, pid, mono(t.start), mono(t.start + t.duration)))}`,
  );
  return `sched renderer ${pid} whole load ${fmt(whole)}; tasks ${each.join('; ') || 'none'}`;
}

/**
 * The page's renderer main thread so far, in seconds: its CPU time (ThreadTime) and the time
 * spent in script, style recalculation and layout (Chromium's Performance metrics).
 */
async function mainThreadTimes(cdp: CDPSession) {
  const { metrics } = await cdp.send('Performance.getMetrics');
  const get = (name: string) => metrics.find((m) => m.name === name)?.value ?? NaN;
  return {
    ThreadTime: get('ThreadTime'),
    ScriptDuration: get('ScriptDuration'),
    RecalcStyleDuration: get('RecalcStyleDuration'),
    LayoutDuration: get('LayoutDuration'),
  };
}

declare global {
  interface Window {
    __longtasks: { start: number; duration: number }[];
    __firstLines?: number;
  }
}
main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
