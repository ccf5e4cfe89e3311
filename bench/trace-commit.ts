/**
 * The navigation commit of a cold load, ours against a control: cold loads (each in a new tab,
 * traced) of a trivial page — static HTML, no script, no CSS — served by a tiny node http server
 * on loopback and by the Runboard server (the same file in the build's directory), and of the run
 * page at 1M lines, alternately, round after round, in the same minutes. For each load it prints
 * the renderer's tasks from the navigation's start: the commit task (the one that runs
 * `CommitNavigation` and parses the document) with its wall and CPU (the trace's thread time),
 * its parts, whether the renderer process was started for this load (its first event's time
 * against the navigation), the browser's navigation steps (request start, response, commit sent)
 * and every task over `--over=` ms (50) of wall.
 * `npx tsx bench/trace-commit.ts <dataDir> <runsJson> <buildDir> [more builds] [rounds]
 * [--over=50] [--keep=prefix] [--port=18981] [--categories=…] [--bare] [--sched]`: `--keep=`
 * writes each trace as `<prefix>-<round>-<page>.json` (for bench/trace-long-tasks.ts). More builds than one are
 * measured alternately too (their run page only; the trivial pages once a round).
 */
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadavg } from 'node:os';
import type { Browser, BrowserContext } from '@playwright/test';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { BareChromium, sessionCookies } from './bare-chromium';
import { BENCH_ADMIN, INIT_SCRIPT, launchSignedIn } from './run-page';
import { startBenchServer, type BenchServer } from './server-process';
import type { TraceEvent } from './trace-events';
import {
  browserProcessOf,
  splitWindow,
  startSchedSampler,
  type SchedSample,
} from './sched-sampler';

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const [dataDir, runsJson, ...rest] = args;
const builds = rest.filter((a) => !/^\d+$/.test(a));
const rounds = Number(rest.find((a) => /^\d+$/.test(a)) ?? 4);
const option = (name: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
const over = Number(option('over') ?? 50);
const keep = option('keep');
const firstPort = Number(option('port') ?? 18981);
/** `--sched`: the commit task's wall split into CPU, wait for a core and sleep (the kernel's). */
const sched = process.argv.includes('--sched');
/**
 * `--categories=`: `minimal` (the default: top-level tasks and mojo messages only, the least
 * tracing's own cost), `default` (Playwright's default set, as bench/run-page-ab.ts --trace
 * records: it starts V8's CPU profiler in the new page, inside the commit task) or `wide`
 * (navigation, loading, IPC, Blink, fonts: what the commit did, at a cost of its own) or `fonts`
 * (minimal plus the font lookups: how many families the renderer asked the browser for, which,
 * and their wall time).
 */
const categorySet = option('categories') ?? 'minimal';
/**
 * `--bare`: Chromium driven over its DevTools pipe without Playwright (bench/bare-chromium.ts),
 * so no page has the Runtime domain enabled: with it (every Playwright page) V8 re-parses React
 * DOM for source positions inside the libraries' evaluation (its module-level Errors get detailed
 * stack traces), 10–17 ms of CPU no browser without DevTools attached spends. Tabs, tracing and the init script as in the Playwright runs.
 */
const bare = process.argv.includes('--bare');
/**
 * `--cpu-over=<ms>`: every task of the page's renderer from the navigation's start (or the click)
 * with at least that much CPU, each with what it ran (with `--categories=timeline`: the scripts'
 * function calls by function and file, timers, frames, style and layout; otherwise the trace's
 * named events), one line each. With `timeline`, each run-page load also names the frame after the
 * workflow graph mounts (the first task that paints and runs code of the FlowGraph chunk: React
 * Flow's observers) with its CPU and wall.
 */
const cpuOver = option('cpu-over') === undefined ? null : Number(option('cpu-over'));
/**
 * `--in-app`: after each round's cold loads, the in-app navigation too (bare only): the app
 * loaded on /runs in a new tab, then traced from a click on the 1M run's link to 1.5 s after the
 * first lines.
 */
const inApp = process.argv.includes('--in-app');
const runs = JSON.parse(runsJson!) as Record<string, { run: string; node: string }>;

/** The control: a document with no script, no style sheet, no image (no favicon request either). */
export const TRIVIAL_HTML = `<!doctype html>
<html lang="en"><head><meta charset="UTF-8"><link rel="icon" href="data:,"><title>Trivial</title></head>
<body><p>A trivial page.</p></body></html>
`;
const TRIVIAL_FILE = 'trivial-control.html';

/**
 * Playwright's default trace categories plus what tells a wait from work: the browser's
 * navigation steps, IPC and mojo messages, the loading pipeline.
 */
const WIDE = [
  '-*',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'toplevel',
  'v8.execute',
  'blink.user_timing',
  'loading',
  'navigation',
  'ipc',
  'mojom',
  'blink',
  'fonts',
  '__metadata',
];
const MINIMAL = ['-*', 'toplevel', 'blink.user_timing', '__metadata'];
/** `modules`: minimal plus V8's module compile and evaluation events. */
const MODULES = [...MINIMAL, 'v8'];
/** `timeline`: modules plus DevTools' timeline (ParseHTML: what bench/sched-long-tasks.ts reads). */
const TIMELINE = [...MODULES, 'devtools.timeline'];
/**
 * `fonts`: minimal plus Blink's font matching (each family the renderer asks the browser for,
 * `FontDataManager::onMatchFamilyStyle`, a synchronous call, with its name).
 */
const FONTS = [...MINIMAL, 'fonts'];
/** `compile`: modules plus V8's compile events (what of a module's evaluation was compiling). */
const COMPILE = [...MODULES, 'disabled-by-default-v8.compile'];
const CATEGORIES: Record<string, string[] | undefined> = {
  minimal: MINIMAL,
  fonts: FONTS,
  compile: COMPILE,
  modules: MODULES,
  timeline: TIMELINE,
  wide: WIDE,
  default: undefined,
};

async function main() {
  const cluster = await startEmbeddedPostgres({ dataDir: dataDir!, log: () => {} });
  const servers: BenchServer[] = [];
  const plain = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(TRIVIAL_HTML);
  });
  await new Promise<void>((resolve) => plain.listen(firstPort + 50, '127.0.0.1', resolve));
  try {
    const bases: string[] = [];
    for (const [i, dir] of builds.entries()) {
      writeFileSync(path.join(dir, TRIVIAL_FILE), TRIVIAL_HTML);
      const port = firstPort + i;
      servers.push(
        await startBenchServer({
          DATABASE_URL: cluster.url('runboard'),
          PORT: String(port),
          DATA_DIR: dataDir!,
          STATIC_DIR: dir,
        }),
      );
      bases.push(`http://127.0.0.1:${port}`);
    }
    const driver = bare ? await bareDriver(bases) : await playwrightDriver(bases);
    const browserPid = sched ? await driver.browserPid() : null;
    const loads = [
      { name: 'trivial-node', url: `http://127.0.0.1:${firstPort + 50}/`, app: false },
      { name: 'trivial-rb', url: `${bases[0]}/${TRIVIAL_FILE}`, app: false },
      ...bases.map((base, i) => ({
        name: `run-${String.fromCharCode(65 + i)}`,
        url: `${base}/runs/${runs.million!.run}?node=work`,
        app: true,
      })),
    ];
    for (let r = 0; r < rounds; r++) {
      // Alternate the order each round, so no page always comes first after a pause.
      const order = r % 2 === 0 ? loads : [...loads].reverse();
      for (const load of order) {
        const sampler = browserPid === null ? null : startSchedSampler(browserPid);
        const { events, observed } = await driver.tracedLoad(load.url, load.app);
        const samples = sampler ? await sampler.stop() : null;
        if (keep) writeFileSync(`${keep}-${r}-${load.name}.json`, JSON.stringify(events));
        console.log(
          `${load.name} r${r} ${describe(events, samples)}; ${observed} load ${loadavg()[0]!.toFixed(1)}`,
        );
        if (cpuOver !== null) console.log(heavyTasks(events, cpuOver, 'navigationStart'));
      }
      if (inApp) {
        if (!driver.tracedClick) throw new Error('--in-app needs --bare');
        // Alternated like the cold loads: the builds' clicks used to run in the same order every
        // round, and the order showed (s16graph: B's in-app first lines later in 9 of 12 rounds at
        // load 2.3–4.6 with the same task sequence before them and the graph's code after them;
        // alternated, 6 rounds at load 2.7–4.1: medians 229 and 226 ms).
        const inOrder = [...bases.entries()];
        for (const [i, base] of r % 2 === 0 ? inOrder : inOrder.reverse()) {
          const { events, observed } = await driver.tracedClick(base, runs.million!.run);
          if (keep) writeFileSync(`${keep}-${r}-inapp-${i}.json`, JSON.stringify(events));
          console.log(
            `inapp-${String.fromCharCode(65 + i)} r${r} ${observed} load ${loadavg()[0]!.toFixed(1)}`,
          );
          console.log(heavyTasks(events, cpuOver ?? 5, 'rb-click'));
        }
      }
    }
    await driver.close();
  } finally {
    plain.close();
    for (const s of servers) await s.stop();
    await cluster.stop();
  }
}

/** What the rounds need of a browser: a traced cold load in a new tab, its process id. */
interface Driver {
  tracedLoad(url: string, app: boolean): Promise<{ events: TraceEvent[]; observed: string }>;
  browserPid(): Promise<number>;
  close(): Promise<void>;
  /** The in-app navigation to `run` from /runs, traced (bare only). */
  tracedClick?(base: string, run: string): Promise<{ events: TraceEvent[]; observed: string }>;
}

async function playwrightDriver(bases: string[]): Promise<Driver> {
  const { browser, context } = await launchSignedIn(bases);
  return {
    tracedLoad: (url, app) => tracedLoad(browser, context, url, app),
    browserPid: () => browserProcessOf(browser),
    close: () => browser.close(),
  };
}

/**
 * What the page's init script (bench/run-page.ts's INIT_SCRIPT) recorded: its first lines' time
 * from the navigation, if any, and its long tasks as `start+duration` words (the observer is
 * installed in the document the commit task creates, so it never sees that task).
 */
const OBSERVED = `(window.__firstLines === undefined ? '' : 'first lines ' + Math.round(window.__firstLines) + ' ms; ') + "the page's longtask observer: " + (window.__longtasks.map((t) => Math.round(t.start) + '+' + Math.round(t.duration)).join(' ') || 'none')`;

async function bareDriver(bases: string[]): Promise<Driver> {
  const chromium = BareChromium.launch();
  const cookies = [];
  for (const base of bases) cookies.push(...(await sessionCookies(base, BENCH_ADMIN)));
  const browserContextId = await chromium.newContext(cookies);
  return {
    async tracedLoad(url, app) {
      const { events, read } = await chromium.tracedLoad({
        browserContextId,
        url,
        categories: CATEGORIES[categorySet] ?? MODULES,
        initScript: INIT_SCRIPT,
        until: app ? 'window.__firstLines !== undefined' : null,
        settle: app ? 1500 : 500,
        read: OBSERVED,
      });
      return { events, observed: String(read ?? '') };
    },
    async tracedClick(base, run) {
      const tab = await chromium.newTab(browserContextId, INIT_SCRIPT);
      await tab.navigate(`${base}/runs`);
      await tab.waitFor(`!!document.querySelector('a[href="/runs/${run}"]')`);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      let observed = '';
      const events = await chromium.trace(CATEGORIES[categorySet] ?? MODULES, async () => {
        const t = await tab.evaluate<number>(`(() => {
          window.__longtasks.length = 0;
          delete window.__firstLines;
          const mo = new MutationObserver(() => {
            if (window.__firstLines === undefined && document.querySelector('[role=row] [data-level]')) {
              window.__firstLines = performance.now();
              mo.disconnect();
            }
          });
          mo.observe(document.body, { childList: true, subtree: true });
          const t = performance.now();
          performance.mark('rb-click');
          document.querySelector('a[href="/runs/${run}"]').click();
          return t;
        })()`);
        await tab.waitFor('window.__firstLines !== undefined');
        await new Promise((resolve) => setTimeout(resolve, 1500));
        observed = await tab.evaluate<string>(
          `'first lines ' + Math.round(window.__firstLines - ${t}) + ' ms after the click; longtask observer: ' + (window.__longtasks.map((t) => Math.round(t.start - ${t}) + '+' + Math.round(t.duration)).join(' ') || 'none')`,
        );
      });
      await tab.close();
      return { events, observed };
    },
    browserPid: () => Promise.resolve(chromium.pid),
    close: () => chromium.close(),
  };
}

async function tracedLoad(browser: Browser, context: BrowserContext, url: string, app: boolean) {
  const page = await context.newPage();
  // The sampler finds a new renderer within 50 ms: let it see the tab's before the navigation.
  if (sched) await page.waitForTimeout(100);
  await browser.startTracing(page, {
    screenshots: false,
    ...(CATEGORIES[categorySet] ? { categories: CATEGORIES[categorySet] } : {}),
  });
  await page.goto(url);
  if (app)
    await page.waitForFunction('window.__firstLines !== undefined', undefined, { timeout: 60_000 });
  await page.waitForTimeout(app ? 1500 : 500);
  const observed = String(await page.evaluate(OBSERVED));
  const buffer = await browser.stopTracing();
  await page.close();
  const raw = JSON.parse(buffer.toString()) as TraceEvent[] | { traceEvents: TraceEvent[] };
  return { events: Array.isArray(raw) ? raw : raw.traceEvents, observed };
}

const ms = (us: number) => (us / 1000).toFixed(1);

/** One load's commit task and long tasks, as one line. */
function describe(events: TraceEvent[], samples: SchedSample[] | null) {
  const nav = events.find(
    (e) =>
      e.name === 'navigationStart' &&
      String(e.args?.data?.documentLoaderURL ?? '').startsWith('http'),
  );
  // A renderer started while tracing sometimes joins the trace late, its first events lost.
  if (!nav) return 'no navigationStart of an http document (its renderer joined the trace late)';
  const main = events.find(
    (e) => e.ph === 'M' && e.args?.name === 'CrRendererMain' && e.pid === nav.pid,
  );
  const onMain = events
    .filter((e) => e.pid === nav.pid && e.tid === main?.tid && e.ph === 'X' && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts);
  const isTask = (e: TraceEvent) =>
    e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask';
  const tasks: TraceEvent[] = [];
  for (const t of onMain.filter(isTask)) {
    const last = tasks[tasks.length - 1];
    if (!(last && t.ts < last.ts + last.dur!)) tasks.push(t);
  }
  // The commit task: the one that receives the browser's CommitNavigation (the biggest message to
  // the renderer's NavigationClient after the navigation's start; `toplevel` records it in any
  // category set).
  const commitCall = onMain
    .filter((e) => e.name === 'Receive mojo message' && e.ts >= nav.ts)
    .filter((e) => mojo(e).mojo_interface_tag === 'content.mojom.NavigationClient')
    .sort((a, b) => Number(mojo(b).data_num_bytes ?? 0) - Number(mojo(a).data_num_bytes ?? 0))[0];
  const commit =
    commitCall && tasks.find((t) => t.ts <= commitCall.ts && commitCall.ts < t.ts + t.dur!);
  // The browser's side: the response's arrival and the commit sent to the renderer.
  const inBrowser = (re: RegExp) =>
    events.find((e) => e.pid !== nav.pid && e.ph === 'X' && e.ts >= nav.ts && re.test(e.name));
  const response = inBrowser(/^NavigationURLLoaderImpl::OnReceiveResponse$/);
  const sent = inBrowser(/^(NavigationRequest|RenderFrameHostImpl)::CommitNavigation$/);
  // Was the renderer started for this load: its run loop's start against the navigation's start
  // (Chromium marks the span from a renderer's run loop start to its first commit).
  const runLoop = events.find(
    (e) => e.pid === nav.pid && e.name === 'RendererRunLoopStartToFirstCommitNavigation',
  );
  const parts = commit ? partsOf(onMain, commit) : '';
  const long = tasks
    .filter((t) => t.ts + t.dur! >= nav.ts && t.dur! / 1000 > over)
    .map(
      (t) =>
        `${ms(t.ts - nav.ts)}+${ms(t.dur!)}(cpu ${ms(t.tdur ?? NaN)})${t === commit ? ' commit' : ''}`,
    );
  let split = '';
  if (samples && commit) {
    const mine = samples.filter((s) => s.pid === nav.pid);
    const from = commit.ts / 1000;
    if (mine.length && mine[0]!.t <= from) {
      const w = splitWindow(mine, nav.pid, from, from + commit.dur! / 1000);
      split = `sched ${w.wall.toFixed(0)} = cpu ${w.cpu.toFixed(1)} + wait ${w.wait.toFixed(1)} + sleep ${w.sleep.toFixed(1)} (nice ${w.nices.join('/')})`;
    } else split = 'sched: renderer not sampled from the commit on';
  }
  // The module scripts' compile and evaluation on the main thread (category `v8`), by CPU.
  const modules = onMain
    .filter((e) => (e.name === 'v8.evaluateModule' || e.name === 'v8.compileModule') && e.tdur)
    .filter((e) => e.tdur! >= 1000)
    .map((e) => `${e.name.slice(3, -6)} ${ms(e.tdur!)} at ${ms(e.ts - nav.ts)}`);
  // The page's own tasks after the commit: the two with the most CPU.
  const byCpu = tasks
    .filter((t) => t.ts > (commit ? commit.ts : nav.ts))
    .sort((a, b) => (b.tdur ?? 0) - (a.tdur ?? 0))
    .slice(0, 2)
    .map((t) => `${ms(t.tdur ?? NaN)} at ${ms(t.ts - nav.ts)} (${ms(t.dur!)} wall)`);
  // The families the renderer asked the browser's font service for (category `fonts`): each a
  // synchronous call; a family this machine lacks is a lookup that finds nothing.
  const lookups = events.filter(
    (e) => e.pid === nav.pid && e.name === 'FontDataManager::onMatchFamilyStyle' && e.ts >= nav.ts,
  );
  const fonts = lookups.length
    ? `font lookups ${lookups.length}, ${ms(lookups.reduce((sum, e) => sum + (e.dur ?? 0), 0))} ms wall [${lookups.map((e) => String(e.args?.family_name)).join(', ')}]`
    : '';
  // The frame after the workflow graph mounts (with `--categories=timeline`): the first task that
  // paints and runs React Flow's code (its observers' callbacks, in the FlowGraph chunk).
  const graphFrame = tasks.find((t) => {
    const inside = onMain.filter((e) => e.ts >= t.ts && e.ts < t.ts + t.dur!);
    return (
      inside.some((e) => e.name === 'Paint') &&
      inside.some(
        (e) => e.name === 'FunctionCall' && /\/FlowGraph-[^/]*\.js/.test(String(e.args?.data?.url)),
      )
    );
  });
  return [
    runLoop
      ? `renderer ${nav.pid} run loop started ${ms(nav.ts - runLoop.ts)} ms before nav`
      : `renderer ${nav.pid} (its start not in the trace)`,
    response ? `response at ${ms(response.ts - nav.ts)}` : '',
    sent ? `commit sent at ${ms(sent.ts - nav.ts)}` : '',
    commit
      ? `commit task ${ms(commit.dur!)} ms wall, ${ms(commit.tdur ?? NaN)} cpu, started ${ms(commit.ts - nav.ts)} [${parts}]`
      : 'no commit task',
    split,
    `tasks over ${over}: ${long.join(' ') || 'none'}`,
    `most CPU after the commit: ${byCpu.join(', ')}`,
    graphFrame
      ? `graph frame ${ms(graphFrame.tdur ?? NaN)} cpu at ${ms(graphFrame.ts - nav.ts)} (${ms(graphFrame.dur!)} wall)`
      : '',
    modules.length ? `modules (CPU ≥ 1 ms): ${modules.join(', ')}` : '',
    fonts,
  ]
    .filter(Boolean)
    .join('; ');
}

/**
 * The page's tasks with at least `minCpu` ms of CPU from the navigation's start (`from`
 * `navigationStart`) or from the user timing mark `from`, each with its start, wall, CPU and
 * what it ran, one line each.
 */
function heavyTasks(events: TraceEvent[], minCpu: number, from: string) {
  const start =
    from === 'navigationStart'
      ? events.find(
          (e) =>
            e.name === 'navigationStart' &&
            String(e.args?.data?.documentLoaderURL ?? '').startsWith('http'),
        )
      : events.find((e) => e.name === from);
  if (!start) return `  (no ${from} in the trace)`;
  const main = events.find(
    (e) => e.ph === 'M' && e.args?.name === 'CrRendererMain' && e.pid === start.pid,
  );
  const onMain = events
    .filter(
      (e) => e.pid === start.pid && e.tid === main?.tid && e.ph === 'X' && e.dur !== undefined,
    )
    .sort((a, b) => a.ts - b.ts);
  const tasks: TraceEvent[] = [];
  for (const t of onMain.filter(
    (e) => e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask',
  )) {
    const last = tasks[tasks.length - 1];
    if (!(last && t.ts < last.ts + last.dur!)) tasks.push(t);
  }
  const heavy = tasks.filter((t) => t.ts + t.dur! >= start.ts && (t.tdur ?? 0) >= minCpu * 1000);
  const total = tasks
    .filter((t) => t.ts + t.dur! >= start.ts)
    .reduce((sum, t) => sum + (t.tdur ?? 0), 0);
  const lines = heavy.map((t) => {
    const end = t.ts + t.dur!;
    const inside = onMain.filter((e) => e !== t && e.ts >= t.ts && e.ts < end && !isWrapper(e));
    // The outermost events inside the task (each one not inside another of them).
    const outer: TraceEvent[] = [];
    for (const e of inside) {
      const last = outer[outer.length - 1];
      if (!(last && e.ts < last.ts + last.dur!)) outer.push(e);
    }
    const sums = new Map<string, { wall: number; cpu: number; n: number }>();
    for (const e of outer) {
      const key = labelOf(e, inside);
      const sum = sums.get(key) ?? { wall: 0, cpu: 0, n: 0 };
      sum.wall += e.dur!;
      sum.cpu += e.tdur ?? 0;
      sum.n++;
      sums.set(key, sum);
    }
    const parts = [...sums.entries()]
      .sort((a, b) => b[1].cpu - a[1].cpu)
      .slice(0, 6)
      .map(([k, v]) => `${k}${v.n > 1 ? ` ×${v.n}` : ''} ${ms(v.cpu)}`)
      .join(', ');
    return `  task at ${ms(t.ts - start.ts)}: ${ms(t.dur!)} wall, cpu ${ms(t.tdur ?? NaN)} [${parts}]`;
  });
  return [
    `  tasks ≥ ${minCpu} ms of CPU: ${heavy.length} (all tasks' CPU ${ms(total)} ms)`,
    ...lines,
  ].join('\n');
}

/** Scheduler plumbing that wraps the real work of a task. */
const isWrapper = (e: TraceEvent) =>
  /^(ThreadControllerImpl::RunTask|RunTask|ThreadController::ProcessNextTask|SequenceManager|Receive mojo message|SimpleWatcher::OnHandleReady|ScheduledTasks|.*::OnReadable)/.test(
    e.name,
  );

/** A trace event named for what it ran: a script's function and file, a timer, an event type. */
function labelOf(e: TraceEvent, inside: TraceEvent[]): string {
  const data = e.args?.data ?? e.args?.beginData ?? {};
  const file = (url: unknown) =>
    String(url ?? '')
      .split('/')
      .pop()!
      .replace(/\?.*$/, '');
  if (e.name === 'FunctionCall')
    return `call ${String(data.functionName || '(anon)')}@${file(data.url)}:${String(data.lineNumber ?? '')}`;
  if (e.name === 'EventDispatch') return `event ${String(data.type)}`;
  if (e.name === 'v8.evaluateModule' || e.name === 'v8.compileModule')
    return `${e.name.slice(3)} ${file(data.url ?? e.args?.fileName)}`;
  if (e.name === 'TimerFire' || e.name === 'FireAnimationFrame' || e.name === 'FireIdleCallback') {
    // What the callback called.
    const call = inside.find(
      (c) => c.name === 'FunctionCall' && c.ts >= e.ts && c.ts < e.ts + e.dur!,
    );
    return `${e.name}${call ? ` → ${labelOf(call, inside)}` : ''}`;
  }
  return e.name;
}

const mojo = (e: TraceEvent) =>
  (e.args?.chrome_mojo_event_info ?? {}) as {
    mojo_interface_tag?: string;
    data_num_bytes?: number;
  };

/** What a task held: its outermost named events by total wall (and CPU), biggest first. */
function partsOf(onMain: TraceEvent[], task: TraceEvent) {
  const end = task.ts + task.dur!;
  const inside = onMain.filter((e) => e !== task && e.ts >= task.ts && e.ts < end);
  const sums = new Map<string, { wall: number; cpu: number }>();
  for (const e of inside) {
    const s = sums.get(e.name) ?? { wall: 0, cpu: 0 };
    s.wall += e.dur!;
    s.cpu += e.tdur ?? 0;
    sums.set(e.name, s);
  }
  return [...sums.entries()]
    .sort((a, b) => b[1].wall - a[1].wall)
    .slice(0, 8)
    .map(([k, v]) => `${k} ${ms(v.wall)}/${ms(v.cpu)}`)
    .join(', ');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
