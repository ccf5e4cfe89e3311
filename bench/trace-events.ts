/**
 * Chromium's trace events (the Trace Event Format) as the bench scripts read them: from a trace
 * file (bench/trace-long-tasks.ts, bench/sched-long-tasks.ts) or from CDP's Tracing domain
 * (bench/live-tail.ts).
 */
import { readFileSync } from 'node:fs';

export interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  /** µs on the trace's clock (CLOCK_MONOTONIC on Linux). */
  ts: number;
  dur?: number;
  /** The thread's CPU time in the event (µs): the task's work without waiting for a core. */
  tdur?: number;
  args?: {
    name?: string;
    data?: Record<string, unknown>;
    beginData?: Record<string, unknown>;
  } & Record<string, unknown>;
}

/** The events of a trace file: an array, or `{ traceEvents }` as Chromium and Playwright write it. */
export function readTraceEvents(file: string): TraceEvent[] {
  const raw = JSON.parse(readFileSync(file, 'utf8')) as
    TraceEvent[] | { traceEvents: TraceEvent[] };
  return Array.isArray(raw) ? raw : raw.traceEvents;
}
