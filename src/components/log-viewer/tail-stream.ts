import type { LogCounts, LogLevel, LogLine } from '../../../contract/workflows';
import { LOG_TAIL_EVENTS, type LogTailLines } from '../../../contract/log-tail';
import { buildQuery } from '../../lib/api';

/** `live`: lines arrive by the stream; `ended`: the node run completed; `failed`: poll instead. */
export type TailState = 'connecting' | 'live' | 'ended' | 'failed';

/**
 * Whether followed node runs stream their tail (the default) or poll as other views do. Only
 * the bench turns it off, to measure both paths in one run.
 */
export const liveTail = { streamed: true };

/**
 * Streamed lines are shown at most this often: each showing is a render, a layout and a scroll
 * to the end, so a burst of events (one every 200 ms from the server) becomes a few renders a
 * second rather than one per event, at the cost of up to this much lag.
 */
const MIN_FLUSH_INTERVAL_MS = 400;
/** How long streamed lines may wait for an animation frame (a hidden tab has none). */
const FLUSH_FALLBACK_MS = 250;

/**
 * A node run's streamed tail (Server-Sent Events from `…/logs/stream`) with the session cookie.
 * The browser reconnects a dropped stream by itself, sending the last event id (the seq read up
 * to) as Last-Event-ID, so it resumes where it stopped. Lines are handed over in batches, in an
 * animation frame and at most every MIN_FLUSH_INTERVAL_MS, so a burst is one render, not one per
 * event. An answer that is not a stream (401, 404, 429 past the caps) closes it for good: the
 * view polls instead.
 */
export class TailStream {
  private source: EventSource | null = null;
  private pending: LogLine[][] = [];
  private pendingCounts: LogCounts | undefined;
  private frame = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private fallback: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = 0;
  state: TailState = 'connecting';

  constructor(
    private readonly nodeRunId: string,
    private readonly levels: LogLevel[],
    /** `counts`: the node run's lines per level as of the newest event, when the server sent them. */
    private readonly onLines: (lines: LogLine[], counts: LogCounts | undefined) => void,
    private readonly onState: (state: TailState) => void,
  ) {}

  start(cursor: number) {
    const path = `/v1/workflows/nodes/runs/${encodeURIComponent(this.nodeRunId)}/logs/stream`;
    const source = new EventSource(
      `${path}${buildQuery({ cursor: String(cursor), level: this.levels })}`,
    );
    this.source = source;
    source.addEventListener('open', () => this.set('live'));
    source.addEventListener(LOG_TAIL_EVENTS.lines, (e) => {
      const data = JSON.parse((e as MessageEvent<string>).data) as LogTailLines;
      this.pending.push(data.logs);
      this.pendingCounts = data.counts ?? this.pendingCounts;
      this.schedule();
    });
    source.addEventListener(LOG_TAIL_EVENTS.end, () => {
      this.flush();
      this.close();
      this.set('ended');
    });
    source.addEventListener('error', () => {
      // CONNECTING: the browser retries by itself; CLOSED: the server refused the stream.
      if (source.readyState !== EventSource.CLOSED) return;
      this.flush();
      this.close();
      this.set('failed');
    });
  }

  private set(state: TailState) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }

  private schedule() {
    if (this.frame || this.timer !== undefined || this.fallback !== undefined) return;
    const wait = Math.max(0, this.lastFlush + MIN_FLUSH_INTERVAL_MS - performance.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.frame = requestAnimationFrame(() => this.flush());
      this.fallback = setTimeout(() => this.flush(), FLUSH_FALLBACK_MS);
    }, wait);
  }

  private cancelFlush() {
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
    clearTimeout(this.fallback);
    this.frame = 0;
    this.timer = undefined;
    this.fallback = undefined;
  }

  private flush() {
    this.cancelFlush();
    this.lastFlush = performance.now();
    if (this.pending.length === 0) return;
    const batch = this.pending.length === 1 ? this.pending[0]! : this.pending.flat();
    const counts = this.pendingCounts;
    this.pending = [];
    this.pendingCounts = undefined;
    this.onLines(batch, counts);
  }

  close() {
    this.source?.close();
    this.source = null;
    this.cancelFlush();
  }
}
