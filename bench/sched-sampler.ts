/**
 * Where a browser task's wall time went, from the kernel's side: a worker thread reads
 * `/proc/<pid>/task/<pid>/schedstat` (CPU time, time runnable but waiting for a core) and the
 * nice value of the main thread of every renderer of one Chromium (the bench's own: the browser
 * process given and its descendants, not another engineer's browsers on the machine) about once a
 * millisecond, so a long task the page saw can be split into its CPU, its wait for a core and its
 * sleep (blocked: a synchronous IPC, a lock, I/O). Linux only; used by bench/run-page-ab.ts's
 * `--sched`.
 */
import { Worker } from 'node:worker_threads';
import type { Browser } from '@playwright/test';

/** One reading of one renderer main thread: times in ms on CLOCK_MONOTONIC. */
export interface SchedSample {
  t: number;
  pid: number;
  cpu: number;
  wait: number;
  nice: number;
}

// Plain JavaScript: the worker runs without tsx's loader.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { readdirSync, readFileSync } = require('node:fs');
const tick = new Int32Array(new SharedArrayBuffer(4));
const samples = [];
let pids = [];
let stop = false;
let lastScan = 0;
let n = 0;
parentPort.on('message', () => { stop = true; });
function parentOf(pid) {
  const stat = readFileSync('/proc/' + pid + '/stat', 'latin1');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}
// A renderer of the sampled browser: the browser process is among its ancestors (a zygote or two
// between them).
function ofBrowser(pid) {
  for (let p = pid, hops = 0; p > 1 && hops < 8; p = parentOf(p), hops++) {
    if (p === workerData.browserPid) return true;
  }
  return false;
}
function scan() {
  pids = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync('/proc/' + p + '/cmdline', 'latin1');
      if (cmd.includes('--type=renderer') && ofBrowser(Number(p))) pids.push(Number(p));
    } catch {}
  }
}
function loop() {
  while (!stop) {
    const now = Number(process.hrtime.bigint()) / 1e6;
    if (now - lastScan > 50) { scan(); lastScan = now; }
    for (const pid of pids) {
      try {
        const [cpu, wait] = readFileSync('/proc/' + pid + '/task/' + pid + '/schedstat', 'latin1').split(' ');
        const stat = readFileSync('/proc/' + pid + '/task/' + pid + '/stat', 'latin1');
        const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
        samples.push({ t: now, pid, cpu: Number(cpu) / 1e6, wait: Number(wait) / 1e6, nice });
      } catch {}
    }
    Atomics.wait(tick, 0, 0, 1);
    // Let the stop message in now and then.
    if (++n % 32 === 0) return setImmediate(loop);
  }
  parentPort.postMessage(samples);
}
loop();
`;

/** Starts sampling the renderers of the browser `browserPid`; `stop` resolves every sample taken. */
export function startSchedSampler(browserPid: number): { stop: () => Promise<SchedSample[]> } {
  const worker = new Worker(WORKER, { eval: true, workerData: { browserPid } });
  const done = new Promise<SchedSample[]>((resolve, reject) => {
    worker.once('message', (s: SchedSample[]) => resolve(s));
    worker.once('error', reject);
  });
  // A worker that fails before stop() is told by stop(), not by a crash as an unhandled rejection.
  void done.catch(() => undefined);
  return {
    stop: async () => {
      worker.postMessage('stop');
      const samples = await done;
      await worker.terminate();
      return samples;
    },
  };
}

/** The epoch ms → CLOCK_MONOTONIC ms offset of this machine now (add it to an epoch time). */
export function epochToMonotonic(): number {
  return Number(process.hrtime.bigint()) / 1e6 - (performance.timeOrigin + performance.now());
}

/**
 * The renderer whose main thread used the most CPU over the samples (those of one browser): the
 * loaded page's. null: no samples.
 */
export function busiestRenderer(samples: SchedSample[]): number | null {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  for (const s of samples) {
    if (!first.has(s.pid)) first.set(s.pid, s.cpu);
    last.set(s.pid, s.cpu);
  }
  let best: number | null = null;
  let most = -1;
  for (const [pid, cpu] of last) {
    const used = cpu - first.get(pid)!;
    if (used > most) [best, most] = [pid, used];
  }
  return best;
}

/**
 * A window [from, to) (monotonic ms) of one thread: its CPU, its wait for a core and the rest
 * (sleeping), from the samples nearest its ends, and the nice values seen in it.
 */
export function splitWindow(samples: SchedSample[], pid: number, from: number, to: number) {
  const mine = samples.filter((s) => s.pid === pid);
  const at = (t: number) =>
    mine.reduce((best, s) => (Math.abs(s.t - t) < Math.abs(best.t - t) ? s : best), mine[0]!);
  const a = at(from);
  const b = at(to);
  const wall = b.t - a.t;
  const cpu = b.cpu - a.cpu;
  const wait = b.wait - a.wait;
  const nices = [...new Set(mine.filter((s) => s.t >= a.t && s.t <= b.t).map((s) => s.nice))];
  return { wall, cpu, wait, sleep: Math.max(0, wall - cpu - wait), nices };
}

/** The pid of the browser process of `browser` (Chromium's SystemInfo over CDP). */
export async function browserProcessOf(browser: Browser) {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = await cdp.send('SystemInfo.getProcessInfo');
  await cdp.detach();
  const pid = processInfo.find((p) => p.type === 'browser')?.id;
  if (pid === undefined) throw new Error('Chromium did not name its browser process');
  return pid;
}
