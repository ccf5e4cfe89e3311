/**
 * What each long task of a page load was: reads a Chromium trace (and, if given, the CPU profile
 * of the same load) written by bench/run-page-profile.ts and prints every main-thread task over
 * `--over=` ms (50 by default) with its parts — script evaluation and compile by file, React's
 * work by function (from the profile's samples), style recalculation, layout, paint — and the
 * total blocking time (the sum over tasks of what each exceeds 50 ms).
 * `npx tsx bench/trace-long-tasks.ts <prefix> [--over=50] [--cpu]` reads <prefix>.trace.json and
 * <prefix>.cpuprofile (or a trace `.json` given whole, as bench/run-page-ab.ts --trace writes);
 * each task prints its CPU (thread time) beside its wall time; `--cpu` picks tasks by CPU.
 */
import { existsSync, readFileSync } from 'node:fs';
import { readTraceEvents, type TraceEvent } from './trace-events';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

const prefix = process.argv[2]!;
const over = Number(process.argv.find((a) => a.startsWith('--over='))?.split('=')[1] ?? 50);
// A `.json` path is read as is (bench/run-page-ab.ts --trace writes `<prefix>-A-million.json`).
const traceFile = prefix.endsWith('.json') ? prefix : `${prefix}.trace.json`;
const events = readTraceEvents(traceFile);

// The page's main thread: the renderer's CrRendererMain with the most top-level tasks.
const mains = events.filter((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain');
const isTask = (e: TraceEvent) =>
  e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask');
// The renderer that loaded the page (a navigation with an http document URL), else the busiest.
const loaded = events.find(
  (e) =>
    e.name === 'navigationStart' &&
    String(e.args?.data?.documentLoaderURL ?? '').startsWith('http'),
);
const main =
  mains.find((m) => loaded && m.pid === loaded.pid) ??
  mains
    .map((m) => ({
      m,
      n: events.filter((e) => e.pid === m.pid && e.tid === m.tid && isTask(e)).length,
    }))
    .sort((a, b) => b.n - a.n)[0]!.m;
const onMain = events
  .filter((e) => e.pid === main.pid && e.tid === main.tid && e.ph === 'X' && e.dur !== undefined)
  .sort((a, b) => a.ts - b.ts);
// The load's navigation (one with a document URL; about:blank's have none); what ran before it
// (the previous page's unload) is not this page's boot.
const navStart =
  events.find(
    (e) =>
      e.name === 'navigationStart' &&
      e.pid === main.pid &&
      String(e.args?.data?.documentLoaderURL ?? '').startsWith('http'),
  )?.ts ?? 0;
// Outermost tasks only (a RunTask may hold a nested one).
const tasks: TraceEvent[] = [];
for (const t of onMain.filter(isTask)) {
  const last = tasks[tasks.length - 1];
  if (t.ts >= navStart && !(last && t.ts < last.ts + last.dur!)) tasks.push(t);
}

const profile: CpuProfile | null = existsSync(`${prefix}.cpuprofile`)
  ? (JSON.parse(readFileSync(`${prefix}.cpuprofile`, 'utf8')) as CpuProfile)
  : null;
const parentOf = new Map<number, number>();
const byId = new Map<number, ProfileNode>();
for (const n of profile?.nodes ?? []) {
  byId.set(n.id, n);
  for (const c of n.children ?? []) parentOf.set(c, n.id);
}
const sampleTimes: number[] = [];
if (profile) {
  let t = profile.startTime;
  for (const d of profile.timeDeltas) sampleTimes.push((t += d));
}
const file = (url: string) =>
  url
    .split('/')
    .pop()
    ?.replace(/-[\w-]{8}\.js$/, '.js') ?? '';

/** React's phases, by the function of theirs innermost on the stack. */
const PHASES: [RegExp, string][] = [
  [/^(flushPassiveEffects|commitPassive\w*|recursivelyTraversePassive\w*)$/, 'passive effects'],
  [/^(commitLayoutEffect\w*|recursivelyTraverseLayout\w*)$/, 'layout effects'],
  [/^(commitMutationEffect\w*|recursivelyTraverseMutation\w*)$/, 'commit (DOM)'],
  [/^(renderRootSync|renderRootConcurrent|workLoopSync|workLoopConcurrent\w*)$/, 'render'],
];

/** The profile's samples in [from, to): self time by function, by React phase and component. */
function samplesIn(from: number, to: number) {
  const self = new Map<string, number>();
  const component = new Map<string, number>();
  if (!profile) return { self, component };
  for (let i = 0; i < profile.samples.length; i++) {
    const t = sampleTimes[i]!;
    if (t < from || t >= to) continue;
    const dt = (profile.timeDeltas[i + 1] ?? 1000) / 1000;
    const node = byId.get(profile.samples[i]!)!;
    const name = `${node.callFrame.functionName || '(anon)'} ${file(node.callFrame.url)}`;
    self.set(name, (self.get(name) ?? 0) + dt);
    // The innermost frame named like a React component (capitalised), within React's phase.
    let id: number | undefined = node.id;
    let comp = '';
    let phase = 'other';
    while (id !== undefined) {
      const f = byId.get(id)!.callFrame.functionName;
      if (!comp && /^[A-Z][A-Za-z]+$/.test(f) && !/^_?Box$/.test(f)) comp = ` ${f}`;
      const hit = PHASES.find(([re]) => re.test(f));
      if (hit) {
        phase = hit[1];
        break;
      }
      id = parentOf.get(id);
    }
    if (phase === 'other') comp = '';
    const key = `${phase}${comp}`;
    component.set(key, (component.get(key) ?? 0) + dt);
  }
  return { self, component };
}

const top = (m: Map<string, number>, n: number) =>
  [...m.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .filter(([, v]) => v >= 1)
    .map(([k, v]) => `${k} ${v.toFixed(0)}`)
    .join(', ');

const PARTS: Record<string, string> = {
  EvaluateScript: 'evaluate',
  'v8.compile': 'compile',
  'v8.compileModule': 'compile',
  'V8.CompileCode': 'compile',
  'v8.evaluateModule': 'evaluate module',
  FunctionCall: 'function call',
  UpdateLayoutTree: 'style',
  Layout: 'layout',
  Paint: 'paint',
  PrePaint: 'pre-paint',
  Layerize: 'layerize',
  ParseHTML: 'parse HTML',
  ParseAuthorStyleSheet: 'parse CSS',
  TimerFire: 'timer',
  FireAnimationFrame: 'animation frame',
  'V8.GC_SCAVENGER': 'gc',
  MajorGC: 'gc',
  MinorGC: 'gc',
  RunMicrotasks: 'microtasks',
};

let tbt = 0;
let count = 0;
// `--cpu`: pick the tasks by their CPU time (thread time) instead of their wall time.
const byCpu = process.argv.includes('--cpu');
for (const task of tasks) {
  const ms = task.dur! / 1000;
  if (ms > 50) tbt += ms - 50;
  if ((byCpu ? (task.tdur ?? 0) / 1000 : ms) <= over) continue;
  count++;
  const end = task.ts + task.dur!;
  const inside = onMain.filter((e) => e.ts >= task.ts && e.ts < end && e !== task);
  // Sum each kind at its outermost occurrence only (a compile inside an evaluate counts once).
  const parts = new Map<string, number>();
  const stack: TraceEvent[] = [];
  for (const e of inside) {
    while (stack.length && stack[stack.length - 1]!.ts + stack[stack.length - 1]!.dur! <= e.ts)
      stack.pop();
    const part = PARTS[e.name];
    if (part) {
      const url = (e.args?.data?.url as string | undefined) ?? '';
      const key = ['evaluate', 'compile', 'evaluate module'].includes(part)
        ? `${part} ${file(url)}`
        : part;
      if (!stack.some((s) => PARTS[s.name] === part)) {
        parts.set(key, (parts.get(key) ?? 0) + e.dur! / 1000);
      }
    }
    stack.push(e);
  }
  const { self, component } = samplesIn(task.ts, end);
  console.log(
    `task at ${((task.ts - navStart) / 1000).toFixed(0)} ms, ${ms.toFixed(0)} ms (CPU ${((task.tdur ?? NaN) / 1000).toFixed(0)} ms): ${top(parts, 8)}`,
  );
  if (profile) {
    console.log(`  by React phase and component: ${top(component, 10)}`);
    console.log(`  self time: ${top(self, 10)}`);
  }
}
console.log(`${count} task(s) over ${over} ms; total blocking time ${tbt.toFixed(0)} ms`);
