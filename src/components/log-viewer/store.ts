import type { LogCounts, LogLine, LogsPage } from '../../../contract/workflows';
import { apiRequest, onSignOut } from '../../lib/api';
import { actionRunLogsPage, clearActionRunLogs } from './action-run-source';
import { liveTail, TailStream, type TailState } from './tail-stream';
import { appendTail } from './tail-window';
import {
  MAX_FETCH,
  PAGE_SIZE,
  emptyLines,
  evictFar,
  findSeq,
  lastPositionBefore,
  isContiguous,
  lineAt,
  mergeLines,
  normalizeLevels,
  pageOf,
  pagesOf,
  planFetch,
  planPoll,
  pollCursor,
  tailStart,
  type FetchPlan,
  type LogFilter,
  type PagedLines,
} from './model';

export type LogSource = { nodeRunId: string } | { runId: string } | { actionRunId: string };
type WorkflowLogSource = Exclude<LogSource, { actionRunId: string }>;

const sourcePath = (source: WorkflowLogSource) =>
  'nodeRunId' in source
    ? `/workflows/nodes/runs/${encodeURIComponent(source.nodeRunId)}/logs`
    : `/workflows/runs/${encodeURIComponent(source.runId)}/logs`;

export const sourceKey = (source: LogSource) =>
  'nodeRunId' in source
    ? `node:${source.nodeRunId}`
    : 'actionRunId' in source
      ? `action:${source.actionRunId}`
      : `run:${source.runId}`;

/**
 * The lines of one source under one filter (levels, q), fetched by range on demand and kept in
 * pages outside React Query: a million-line log never goes through structural sharing, and only
 * the pages near the viewport stay in memory. React reads it through useSyncExternalStore.
 */
export class LogView {
  readonly lines: PagedLines;
  private version = 0;
  private listeners = new Set<() => void>();
  private inFlight = new Map<number, AbortController>();
  private pollEtag: { cursor: string; etag: string } | null = null;
  private polling: Promise<boolean> | null = null;
  private focus = 0;
  /** The positions the viewer last asked for (with its prefetch margins); null: none yet. */
  private shown: { from: number; to: number } | null = null;
  private tail: TailStream | null = null;
  private tailUsers = 0;
  /** The streamed tail of a followed node run ('off': polled; 'failed': polled after all). */
  tailState: TailState | 'off' = 'off';
  /**
   * A search's count comes in its own request (`total=only`), asked with the first page
   * (`total=false`): the first match shows without waiting for it. Until it arrives `total` is
   * null, the pages know only their own lines.
   */
  private readonly countApart: boolean;
  private countPending = false;
  private counting: AbortController | null = null;
  /** The matches counted so far while a count goes on in steps (null: none counted yet). */
  private countedSoFar: number | null = null;
  /** A search's first request (its first match alone) while it is under way. */
  private opening: Promise<void> | null = null;
  /** The first page's request (not a search's) while it is under way. */
  private firstPage: Promise<void> | null = null;
  /** Only the first match is known: the next positions need the rest of the first page. */
  private firstOnly = false;
  /**
   * A search's count waits for startCount() (the search hook calls it once it has asked for the
   * lines around the first match): started with the first match's answer, the count went out
   * first and its reads slowed the page of lines around the match by 40–70 ms on this machine.
   */
  private deferCount = false;
  private disposed = false;
  error: Error | null = null;
  /**
   * The source's lines per level as the server last told (a page, a poll or a streamed event),
   * null until one did: the level chips follow the log this way while the run's poll ignores
   * line counts (runDetailQueryOptions).
   */
  counts: LogCounts | null = null;

  constructor(
    readonly source: LogSource,
    readonly filter: LogFilter,
  ) {
    this.lines = emptyLines(isContiguous(filter));
    this.countApart = filter.q !== '' && !('actionRunId' in source);
  }

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.version;

  get total() {
    return this.countPending ? null : this.lines.total;
  }

  /** While a search's count is under way: the matches it has counted so far, a lower bound. */
  get totalAtLeast() {
    return this.countPending ? this.countedSoFar : null;
  }

  lineAt(position: number): LogLine | undefined {
    return lineAt(this.lines, position);
  }

  /** Takes newer counts; says whether they moved (each level's count only grows). */
  private noteCounts(counts: LogCounts | undefined) {
    if (!counts) return false;
    const merged = maxCounts(this.counts, counts);
    if (this.counts && sameCounts(this.counts, merged)) return false;
    this.counts = merged;
    return true;
  }

  private changed() {
    this.version++;
    for (const listener of this.listeners) listener();
  }

  private async request(
    query: Record<string, string | number | string[] | undefined>,
    signal?: AbortSignal,
    etag?: string | null,
  ) {
    const filtered = {
      ...query,
      level: normalizeLevels(this.filter.levels),
      q: this.filter.q || undefined,
    };
    if ('actionRunId' in this.source) return actionRunLogsPage(this.source.actionRunId, filtered);
    const res = await apiRequest<LogsPage>(sourcePath(this.source), {
      query: filtered,
      ...(signal ? { signal } : {}),
      ...(etag ? { etag } : {}),
    });
    return res;
  }

  private async run(plan: FetchPlan) {
    const pages = pagesOf(plan, this.lines.total);
    const controller = new AbortController();
    for (const p of pages) this.inFlight.set(p, controller);
    try {
      const res = await this.request(
        plan.kind === 'tail'
          ? { tail: 'true', limit: plan.limit }
          : {
              cursor: String(plan.cursor),
              limit: plan.limit,
              total: this.countApart ? 'false' : undefined,
            },
        controller.signal,
      );
      if (!res) return;
      const { logs, total } = res.body;
      this.noteCounts(res.body.counts);
      const start =
        plan.kind === 'tail' ? tailStart(total ?? logs.length, logs.length) : plan.start;
      // A filtered view whose last line is known takes new lines only from its poll or stream,
      // which place them after that line: a page's count of lines written since it was asked
      // (lines it does not carry) would move the end past positions nothing fills, and the
      // poll's or stream's lines would then land after them, or be dropped.
      const endKnown = !this.lines.contiguous && pollCursor(this.lines) !== null;
      mergeLines(this.lines, start, logs);
      if (total !== undefined && total > (this.lines.total ?? 0) && !endKnown) {
        this.lines.total = total;
      }
      evictFar(this.lines, pageOf(this.focus));
      this.error = null;
    } catch (err) {
      if (controller.signal.aborted) return;
      this.error = err instanceof Error ? err : new Error(String(err));
    } finally {
      for (const p of pages) if (this.inFlight.get(p) === controller) this.inFlight.delete(p);
      // Aborted: the viewport left those pages and nothing changed. Telling the viewer would
      // make it ask for its range again, abort the walk toward it again, and so on forever.
      if (!controller.signal.aborted) this.changed();
    }
  }

  /** Fetches whatever is missing in positions [from, to]; drops requests the viewport left. */
  ensureRange(from: number, to: number) {
    this.focus = from;
    this.shown = { from, to };
    const keepFrom = pageOf(from) - 1;
    const keepTo = pageOf(to) + 1;
    for (const [p, controller] of this.inFlight) {
      if (p < keepFrom || p > keepTo) controller.abort();
    }
    const plans: Promise<void>[] = [];
    for (let guard = 0; guard < 8; guard++) {
      const plan = planFetch(this.lines, from, to, new Set(this.inFlight.keys()));
      if (!plan) break;
      plans.push(this.run(plan));
      // A filtered walk must land before the next page's cursor is known.
      if (!this.lines.contiguous) break;
    }
    return Promise.all(plans).then(() => undefined);
  }

  /** The first `limit` lines of this view in one request (not cached) and its total. */
  async firstLines(limit: number): Promise<{ lines: LogLine[]; total: number }> {
    const res = await this.request({ cursor: '0', limit });
    if (!res) return { lines: [], total: 0 };
    return { lines: res.body.logs, total: res.body.total ?? res.body.logs.length };
  }

  /** The first page, or the last when opening at the end. */
  open(at: 'head' | 'tail') {
    if (this.countApart && at === 'head' && this.lines.total === null) {
      // A search asks for its first match alone: the server stops at the first chunk that holds
      // it, where a page of 200 reads every chunk that may hold a rare term. Its count starts
      // once that answer is in, so the two do not share the database's time before the first
      // match shows; the rest of the page is asked for when someone needs it.
      this.countPending = true;
      this.opening ??= this.run({ kind: 'range', start: 0, cursor: 0, limit: 1 }).finally(() => {
        this.opening = null;
        this.firstOnly = this.lines.total === 1;
        // Not when it failed or was aborted (the view was let go): nothing is counted for nobody.
        if (this.lines.total !== null && !this.counting && !this.deferCount) void this.count();
      });
      return this.opening;
    }
    if (this.countApart && (this.lines.total === null || this.countPending)) {
      this.countPending = true;
      if (!this.counting && !this.opening && !this.deferCount) void this.count();
    }
    if (this.lines.total !== null) return Promise.resolve();
    // One first request however many ask (the run page's loader asks before the viewer mounts).
    this.firstPage ??= this.run(
      at === 'tail'
        ? { kind: 'tail', limit: PAGE_SIZE }
        : { kind: 'range', start: 0, cursor: 0, limit: PAGE_SIZE },
    ).finally(() => {
      this.firstPage = null;
    });
    return this.firstPage;
  }

  /** Defers the search's count until startCount() (see deferCount); before open(). */
  holdCount() {
    this.deferCount = true;
  }

  /** Starts the count a search deferred (deferCount), unless it is under way, done or let go. */
  startCount() {
    this.deferCount = false;
    if (this.disposed || !this.countPending || this.counting || this.opening) return;
    if (this.lines.total === null) return;
    void this.count();
  }

  /**
   * Counts the matches in two steps (`upTo`): the first COUNT_STEP lines, shown as "at least",
   * then the rest. A term in most lines is counted by reading them all, which takes a while in a
   * million-line log: the first step says how many at least sooner than a spinner. (More, smaller
   * steps made the final count up to twice as slow: each is an index range, not a parallel scan.)
   */
  private async count() {
    const controller = new AbortController();
    this.counting = controller;
    try {
      let sum = 0;
      for (let from = 0, upTo = COUNT_STEP; ; upTo = INT4_MAX) {
        const res = await this.request(
          { total: 'only', cursor: String(from), upTo: String(upTo) },
          controller.signal,
        );
        const total = res?.body.total;
        if (total === undefined) return;
        sum += total;
        // The server may count past upTo (a rare term's few chunks at once): go on from where it stopped.
        const next = res!.body.nextCursor;
        if (next === null) break;
        from = Number(next);
        this.countedSoFar = sum;
        this.changed();
      }
      this.lines.total = Math.max(sum, this.lines.total ?? 0);
      this.countPending = false;
      this.countedSoFar = null;
      this.error = null;
    } catch (err) {
      if (controller.signal.aborted) return;
      this.error = err instanceof Error ? err : new Error(String(err));
    } finally {
      if (this.counting === controller) this.counting = null;
      this.changed();
    }
  }

  /** Resolves the line at `position`, fetching (or walking forward to) it if needed. */
  async lineAtAsync(position: number): Promise<LogLine | undefined> {
    for (let guard = 0; guard < 1000; guard++) {
      const line = this.lineAt(position);
      if (!line && this.firstOnly) {
        this.firstOnly = false;
        await this.run({ kind: 'range', start: 0, cursor: 0, limit: PAGE_SIZE });
        continue;
      }
      if (line || this.error || (this.lines.total !== null && position >= this.lines.total)) {
        return line;
      }
      if (
        !this.lines.contiguous &&
        this.lines.total !== null &&
        position >= this.lines.total - PAGE_SIZE &&
        this.lineAt(this.lines.total - 1) === undefined
      ) {
        await this.run({ kind: 'tail', limit: PAGE_SIZE });
        continue;
      }
      await this.ensureRange(position, position);
    }
    return undefined;
  }

  /**
   * Position of line `seq` in this view (or of the first line after it, when the filter hides
   * it). Unfiltered: arithmetic. Filtered: walks forward by cursor until a page reaches it.
   */
  async positionOfSeq(seq: number): Promise<number | null> {
    await this.open('head');
    for (let guard = 0; guard < 1000; guard++) {
      const found = findSeq(this.lines, seq);
      const total = this.lines.total ?? 0;
      if (found) return Math.min(found.position, Math.max(0, total - 1));
      if (this.error || total === 0) return null;
      const before = lastPositionBefore(this.lines, seq);
      if (before >= total - 1) return total - 1;
      await this.ensureRange(before + 1, Math.min(total - 1, before + MAX_FETCH));
    }
    return null;
  }

  /**
   * Fetches lines after the last known one (only new lines transfer; an unchanged answer is a
   * 304). Before the end of a filtered view is known, one tail line anchors it. Resolves to
   * whether anything changed, for the polling policy's back-off.
   */
  poll(): Promise<boolean> {
    this.polling ??= this.pollOnce().finally(() => {
      this.polling = null;
    });
    return this.polling;
  }

  private async pollOnce(): Promise<boolean> {
    // While the tail streams, new lines come by it: a poll would fetch them a second time.
    if (this.tailState === 'live' || this.tailState === 'connecting') return false;
    // An action run's short log is fetched whole by its source (action-run-source.ts) anyway.
    const plan =
      this.lines.total === null || 'actionRunId' in this.source
        ? null
        : planPoll(this.lines.total, this.shown);
    if (plan?.kind === 'count') return this.pollCount();
    const cursor = pollCursor(this.lines);
    if (cursor === null) {
      if (this.lines.total === null) await this.open('head');
      else await this.run({ kind: 'tail', limit: 1 });
      return true;
    }
    const key = String(cursor);
    // The answer's lines come right after the line at the cursor, so they land after the end as
    // it is now: a page answered meanwhile may have raised the total to a count that already
    // includes them (lines the page did not carry), and landing them after that end would show
    // them twice once the gap is fetched.
    const start = this.lines.total ?? 0;
    return this.pollRequest(key, { cursor: key, limit: plan?.limit ?? MAX_FETCH }, (body) => {
      const { logs, total } = body;
      const countsMoved = this.noteCounts(body.counts);
      if (logs.length === 0 && (total === undefined || total === this.lines.total)) {
        if (countsMoved) this.changed();
        return false;
      }
      mergeLines(this.lines, start, logs);
      if (this.lines.contiguous && total !== undefined && total > (this.lines.total ?? 0)) {
        this.lines.total = total;
      }
      evictFar(this.lines, pageOf(this.focus));
      this.error = null;
      this.changed();
      return true;
    });
  }

  /**
   * A poll while the end is far from what is shown (model.ts planPoll): the new total and the
   * level counts (`total=only`, 304 while nothing was written), no lines. The new positions show
   * as placeholder rows until scrolled to, when ensureRange fetches them by range. A filtered
   * view's last line is then unknown (pollCursor null), so its pages' totals count again and the
   * end is reached by walking from the last line it has, as for any position not loaded.
   */
  private pollCount(): Promise<boolean> {
    return this.pollRequest('total=only', { total: 'only' }, (body) => {
      const countsMoved = this.noteCounts(body.counts);
      const { total } = body;
      const grew = total !== undefined && total > (this.lines.total ?? 0);
      if (grew) this.lines.total = total;
      this.error = null;
      if (grew || countsMoved) this.changed();
      return grew;
    });
  }

  /**
   * One poll's request: sent with the ETag of the last answer to the same poll (`key`: its cursor,
   * or the count's), so an unchanged answer is a 304 (nothing changed), and the new ETag kept.
   * `take` applies the answer and says whether anything changed; a failure (of either) is shown
   * as the view's error and counts as no change. Any answer, a 304 too, ends an error shown.
   */
  private async pollRequest(
    key: string,
    query: Record<string, string | number>,
    take: (body: LogsPage) => boolean,
  ): Promise<boolean> {
    try {
      const res = await this.request(
        query,
        undefined,
        this.pollEtag?.cursor === key ? this.pollEtag.etag : null,
      );
      if (this.error) {
        this.error = null;
        this.changed();
      }
      if (!res) return false;
      if (res.etag) this.pollEtag = { cursor: key, etag: res.etag };
      return take(res.body);
    } catch (err) {
      this.error = err instanceof Error ? err : new Error(String(err));
      this.changed();
      return false;
    }
  }

  /** One more poll that starts after any poll already under way, so it sees writes made since. */
  refresh(): Promise<boolean> {
    return (this.polling ?? Promise.resolve()).then(() => this.poll());
  }

  /**
   * Streams the lines after the last known one while someone follows this view (a node run's
   * log, unsearched, once its end is known); returns the stop. Streamed lines are appended and
   * the oldest pages dropped (never the newest). A refused stream leaves the view to polling.
   */
  follow(): () => void {
    if (
      !liveTail.streamed ||
      !('nodeRunId' in this.source) ||
      this.filter.q ||
      this.tailState === 'failed'
    ) {
      return () => undefined;
    }
    const cursor = pollCursor(this.lines);
    if (cursor === null) return () => undefined;
    this.tailUsers++;
    if (!this.tail) {
      const tail = new TailStream(
        this.source.nodeRunId,
        this.filter.levels,
        (lines, counts) => {
          const countsMoved = this.noteCounts(counts);
          if (appendTail(this.lines, lines) > 0 || countsMoved) this.changed();
        },
        (state) => {
          this.tailState = state;
          if (state === 'failed' || state === 'ended') this.tail = null;
          this.changed();
          // Refused or dropped for good: the polls take over from the last line shown, now.
          if (state === 'failed') void this.refresh();
        },
      );
      this.tail = tail;
      this.tailState = 'connecting';
      tail.start(cursor);
      this.changed();
    }
    let stopped = false;
    return () => {
      if (stopped) return;
      stopped = true;
      if (--this.tailUsers > 0) return;
      this.stopTail(true);
    };
  }

  /**
   * Closes the stream. `catchUp`: one poll from the last line shown fetches what the stream had
   * not delivered yet — the node run may have ended with a last line just as the page stopped
   * following it (the run's poll saw it finished first), and nothing would poll after that.
   */
  private stopTail(catchUp: boolean) {
    const streaming = this.tail !== null;
    this.tail?.close();
    this.tail = null;
    if (this.tailState !== 'failed') this.tailState = 'off';
    if (catchUp && streaming) void this.refresh();
  }

  dispose() {
    this.disposed = true;
    this.stopTail(false);
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
    this.counting?.abort();
    this.counting = null;
    // A search left behind (the person typed on) is not kept: typing a word would otherwise
    // push the views still in use out of the cache, one per keystroke.
    if (this.filter.q) forgetView(this);
  }
}

/** Each level's larger count: counts only grow, so this is the newer of the two per level. */
export function maxCounts(a: LogCounts | null | undefined, b: LogCounts): LogCounts {
  if (!a) return b;
  return {
    DEBUG: Math.max(a.DEBUG, b.DEBUG),
    INFO: Math.max(a.INFO, b.INFO),
    WARN: Math.max(a.WARN, b.WARN),
    ERROR: Math.max(a.ERROR, b.ERROR),
  };
}

const sameCounts = (a: LogCounts, b: LogCounts) =>
  a.DEBUG === b.DEBUG && a.INFO === b.INFO && a.WARN === b.WARN && a.ERROR === b.ERROR;

/** Lines the first step of a search's count covers (see LogView.count). */
const COUNT_STEP = 65_536;
const INT4_MAX = 2_147_483_647;

const MAX_VIEWS = 10;
const views = new Map<string, LogView>();

/**
 * One view per source + filter, shared by every viewer on the page and kept across filter
 * toggles (switching back to "all" is instant). The least recently used views are dropped.
 */
/**
 * Starts loading what a viewer of `source` in `state` opens first (the tail of a followed live
 * log, else the head), before the viewer mounts: the run page asks from its loader, so the
 * first lines are on their way while the page renders. The viewer's own open joins it.
 */
export function openLog(
  source: LogSource,
  state: { levels: LogFilter['levels']; line: number | null; follow: boolean },
  live: boolean,
) {
  // As LogViewer opens: at the end when following a live log with no line to show, else the head.
  const at = state.line === null && state.follow && live ? 'tail' : 'head';
  return logView(source, { levels: state.levels, q: '' }).open(at);
}

export function logView(source: LogSource, filter: LogFilter): LogView {
  const key = JSON.stringify([sourceKey(source), normalizeLevels(filter.levels), filter.q]);
  let view = views.get(key);
  if (view) {
    views.delete(key);
  } else {
    view = new LogView(source, { levels: normalizeLevels(filter.levels), q: filter.q });
  }
  views.set(key, view);
  while (views.size > MAX_VIEWS) {
    const [oldest] = views.keys();
    views.get(oldest!)?.dispose();
    views.delete(oldest!);
  }
  return view;
}

function forgetView(view: LogView) {
  for (const [key, kept] of views) if (kept === view) views.delete(key);
}

/** Forgets every view (and the action-run lines behind them): nothing outlives a session. */
function clearLogViews() {
  for (const view of views.values()) view.dispose();
  views.clear();
  clearActionRunLogs();
}

onSignOut(clearLogViews);
