/**
 * Where each long task of a traced cold load spent its wall time, from the kernel's scheduler
 * events: on a core, runnable but waiting for one, or asleep (blocked on another thread — a
 * synchronous IPC, a V8 background job — with the thread that woke it), and which threads held
 * the cores while the page's main thread waited. Record the scheduler and the trace together,
 * with the trace's clock (CLOCK_MONOTONIC):
 *
 *   perf sched record -k CLOCK_MONOTONIC -o sched.data -- npx tsx bench/run-page-ab.ts … 1 --trace=t
 *   perf script -i sched.data -F comm,tid,pid,cpu,time,event,trace > sched.txt
 *   npx tsx bench/sched-long-tasks.ts sched.txt t-B-million.json [--over=50]
 *
 * The page's main thread is the renderer main thread that parsed the bench's page (127.0.0.1).
 */
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { readTraceEvents, type TraceEvent } from './trace-events';

type State = 'run' | 'wait' | 'sleep';
interface Segment {
  from: number;
  to: number;
  state: State;
  waker?: string;
}
interface Slice {
  from: number;
  to: number;
  who: string;
}

const [perfText, traceFile] = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const over = Number(process.argv.find((a) => a.startsWith('--over='))?.split('=')[1] ?? 50);

const events = readTraceEvents(traceFile!);
const isPage = (e: TraceEvent) =>
  e.name === 'ParseHTML' && JSON.stringify(e.args).includes('127.0.0.1');
const main = events
  .filter((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain')
  .map((m) => ({
    m,
    n: events.filter((e) => e.pid === m.pid && e.tid === m.tid && isPage(e)).length,
  }))
  .sort((a, b) => b.n - a.n)[0]!.m;
const onMain = events
  .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
  .sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
const start = onMain.find(isPage)!.ts;
const tasks: TraceEvent[] = [];
for (const t of onMain) {
  if (t.name !== 'RunTask' && t.name !== 'ThreadControllerImpl::RunTask') continue;
  const last = tasks[tasks.length - 1];
  // From the navigation's commit on (the task that commits it comes ~100 ms before the parse).
  if (t.ts >= start - 200_000 && !(last && t.ts < last.ts + last.dur!)) tasks.push(t);
}

// `perf script` lines: comm tgid/tid [cpu] seconds: event: fields.
const LINE = /^\s*(.+?)\s+(\d+)\/(\d+)\s+\[(\d+)\]\s+([\d.]+):\s+(\S+):\s+(.*)$/;
const SWITCH = /prev_comm=.*? prev_pid=(\d+) .*?prev_state=(\S+) ==> next_comm=.*? next_pid=(\d+)/;
const WAKING = /comm=.*? pid=(\d+) /;
const tid = main.tid;
const segments: Segment[] = [];
const slices: Slice[] = [];
const lastSwitch = new Map<string, number>();
let state: State | null = null;
let since = 0;
for await (const line of createInterface({ input: createReadStream(perfText!) })) {
  const m = LINE.exec(line);
  if (!m) continue;
  const [, comm, tgid, current, cpu, seconds, event, fields] = m;
  const t = Number(seconds) * 1e6;
  if (event === 'sched:sched_switch') {
    const s = SWITCH.exec(fields!);
    if (!s) continue;
    // What ran on this cpu since its last switch: the task switched out now.
    const from = lastSwitch.get(cpu!);
    if (from !== undefined && current !== '0') slices.push({ from, to: t, who: `${tgid}:${comm}` });
    lastSwitch.set(cpu!, t);
    const [prev, prevState, next] = [Number(s[1]), s[2]!, Number(s[3])];
    if (prev === tid) {
      if (state) segments.push({ from: since, to: t, state: 'run' });
      state = prevState.startsWith('R') ? 'wait' : 'sleep';
      since = t;
    } else if (next === tid) {
      if (state) segments.push({ from: since, to: t, state });
      state = 'run';
      since = t;
    }
  } else if (event === 'sched:sched_waking' || event === 'sched:sched_wakeup') {
    const w = WAKING.exec(fields!);
    if (w && Number(w[1]) === tid && state === 'sleep') {
      segments.push({ from: since, to: t, state: 'sleep', waker: `${tgid}:${comm}` });
      state = 'wait';
      since = t;
    }
  }
}

function split(from: number, to: number) {
  const ms: Record<State, number> = { run: 0, wait: 0, sleep: 0 };
  const wakers = new Map<string, number>();
  const others = new Map<string, number>();
  for (const s of segments) {
    const lo = Math.max(from, s.from);
    const hi = Math.min(to, s.to);
    if (hi <= lo) continue;
    ms[s.state] += (hi - lo) / 1000;
    if (s.waker) wakers.set(s.waker, (wakers.get(s.waker) ?? 0) + (hi - lo) / 1000);
    if (s.state !== 'wait') continue;
    for (const r of slices) {
      const a = Math.max(lo, r.from);
      const b = Math.min(hi, r.to);
      if (b > a) others.set(r.who, (others.get(r.who) ?? 0) + (b - a) / 1000);
    }
  }
  return { ms, wakers, others };
}
const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');

const whole = split(start, start + 3e6);
console.log(
  `renderer main ${main.pid}, first 3 s from the page's parse: run ${whole.ms.run.toFixed(0)}, wait ${whole.ms.wait.toFixed(0)}, sleep ${whole.ms.sleep.toFixed(0)} ms; while it waited the cores ran (ms, tgid:thread): ${top(whole.others, 12)}`,
);
for (const task of tasks) {
  if (task.dur! / 1000 <= over) continue;
  const { ms, wakers, others } = split(task.ts, task.ts + task.dur!);
  // The events that cover most of the task, outermost first, say what it was.
  const what = onMain
    .filter(
      (e) =>
        e !== task &&
        e.ts >= task.ts &&
        e.ts + e.dur! <= task.ts + task.dur! &&
        e.dur! > 0.3 * task.dur!,
    )
    .slice(0, 6)
    .map((e) => e.name)
    .join(' > ');
  console.log(
    `task at ${((task.ts - start) / 1000).toFixed(0)} ms, ${(task.dur! / 1000).toFixed(0)} ms: run ${ms.run.toFixed(0)}, wait ${ms.wait.toFixed(0)}, sleep ${ms.sleep.toFixed(0)}${wakers.size ? ` (woken by ${top(wakers, 3)})` : ''}\n  ${what}\n  cores meanwhile: ${top(others, 6)}`,
  );
}
