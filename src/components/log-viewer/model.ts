import {
  LOG_LEVELS,
  type LogCounts,
  type LogLevel,
  type LogLine,
} from '../../../contract/workflows';
import { formatLogLine } from '../../../contract/log-text';

/** Lines per cached page; a page is the unit of fetching, caching and eviction. */
export const PAGE_SIZE = 200;
/** The server's largest page: one request never asks for more. */
export const MAX_FETCH = 10_000;
/** Pages kept per view (~10k lines); farther pages are dropped so the heap stays bounded. */
export const MAX_PAGES = 50;
/**
 * Tallest scroll range we let the browser build. Chromium caps element height at 33 554 432 px
 * and Firefox at ~17.9M; past this the scroll position is scaled onto the line index.
 */
export const MAX_SCROLL_PX = 15_000_000;

export interface LogFilter {
  levels: LogLevel[];
  q: string;
}

/** Every level selected is the same as none: the unfiltered log. */
export function normalizeLevels(levels: readonly LogLevel[]): LogLevel[] {
  const set = new Set(levels);
  return set.size === 0 || set.size === LOG_LEVELS.length
    ? []
    : LOG_LEVELS.filter((l) => set.has(l));
}

/**
 * In an unfiltered view line `seq` sits at position `seq - 1` (seqs are contiguous from 1), so
 * any range is one request. Filtered views only know a position once a page reaches it.
 */
export function isContiguous(filter: LogFilter): boolean {
  return normalizeLevels(filter.levels).length === 0 && filter.q === '';
}

export const pageOf = (position: number) => Math.floor(position / PAGE_SIZE);

// ---- sparse paged lines --------------------------------------------------------------------

export interface Page {
  lines: (LogLine | undefined)[];
  filled: number;
}

/**
 * The lines of one view by position (0-based index in the filtered log). Pages may arrive in any
 * order and overlap; `anchors` remembers the seq at each page's first and last position even
 * after the page is evicted, so a filtered page can be fetched again by cursor.
 */
export interface PagedLines {
  total: number | null;
  pages: Map<number, Page>;
  anchors: Map<number, number>;
  contiguous: boolean;
}

export function emptyLines(contiguous: boolean): PagedLines {
  return { total: null, pages: new Map(), anchors: new Map(), contiguous };
}

export function lineAt(view: PagedLines, position: number): LogLine | undefined {
  return view.pages.get(pageOf(position))?.lines[position % PAGE_SIZE];
}

/** The seq of the line at `position`, if anything tells us. */
export function seqAt(view: PagedLines, position: number): number | undefined {
  if (view.contiguous) return position + 1;
  return lineAt(view, position)?.seq ?? view.anchors.get(position);
}

/** Puts `lines` at positions `start, start+1, …`; idempotent for lines already there. */
export function mergeLines(view: PagedLines, start: number, lines: readonly LogLine[]) {
  for (let i = 0; i < lines.length; i++) {
    const position = view.contiguous ? lines[i]!.seq - 1 : start + i;
    const p = pageOf(position);
    let page = view.pages.get(p);
    if (!page) {
      page = { lines: new Array<LogLine | undefined>(PAGE_SIZE), filled: 0 };
      view.pages.set(p, page);
    }
    const slot = position % PAGE_SIZE;
    if (page.lines[slot] === undefined) page.filled++;
    page.lines[slot] = lines[i];
    if (slot === 0 || slot === PAGE_SIZE - 1) view.anchors.set(position, lines[i]!.seq);
  }
  const end = lines.length
    ? view.contiguous
      ? lines[lines.length - 1]!.seq
      : start + lines.length
    : start;
  if (view.total === null || end > view.total) view.total = end;
}

/** A page is complete when every position it covers below `total` holds a line. */
export function isPageComplete(view: PagedLines, p: number): boolean {
  const page = view.pages.get(p);
  if (!page || view.total === null) return false;
  const size = Math.min(PAGE_SIZE, view.total - p * PAGE_SIZE);
  return page.filled >= size;
}

/** Drops the pages farthest from `center` until at most `keep` remain. */
export function evictFar(view: PagedLines, center: number, keep = MAX_PAGES) {
  if (view.pages.size <= keep) return;
  const byDistance = [...view.pages.keys()].sort(
    (a, b) => Math.abs(b - center) - Math.abs(a - center),
  );
  for (const p of byDistance.slice(0, view.pages.size - keep)) view.pages.delete(p);
}

// ---- fetch planning ------------------------------------------------------------------------

/** One GET of the log endpoint: `limit` lines after `cursor`, landing at `start`; or the tail. */
export type FetchPlan =
  { kind: 'range'; start: number; cursor: number; limit: number } | { kind: 'tail'; limit: number };

/** Largest known position below `before` whose seq is known (or -1: the start of the log). */
function lastAnchorBelow(view: PagedLines, before: number): number {
  let best = -1;
  for (const [position] of view.anchors) if (position < before && position > best) best = position;
  for (const [p, page] of view.pages) {
    const last = Math.min(before - 1, p * PAGE_SIZE + PAGE_SIZE - 1);
    for (let pos = last; pos >= p * PAGE_SIZE && pos > best; pos--) {
      if (page.lines[pos % PAGE_SIZE]) {
        best = pos;
        break;
      }
    }
  }
  return best;
}

/** Whether any line at `position` or after it is known (a page holds it, or an anchor). */
function knownFrom(view: PagedLines, position: number): boolean {
  for (const p of view.pages.keys()) if (p >= pageOf(position)) return true;
  for (const at of view.anchors.keys()) if (at >= position) return true;
  return false;
}

/**
 * The request that fills the first missing page of positions [from, to], skipping pages in
 * `inFlight`; null when nothing is missing. An unfiltered view asks for the range directly
 * (`cursor = position`); a filtered one resumes after the nearest line it knows, which may mean
 * walking forward in chunks of up to MAX_FETCH lines.
 */
export function planFetch(
  view: PagedLines,
  from: number,
  to: number,
  inFlight: ReadonlySet<number> = new Set(),
): FetchPlan | null {
  if (view.total !== null) to = Math.min(to, view.total - 1);
  if (to < from || from < 0) return null;
  const first = pageOf(from);
  const last = pageOf(to);
  let missing = -1;
  for (let p = first; p <= last; p++) {
    if (!inFlight.has(p) && !isPageComplete(view, p)) {
      missing = p;
      break;
    }
  }
  if (missing < 0) return null;
  let end = missing;
  while (end + 1 <= last && !inFlight.has(end + 1) && !isPageComplete(view, end + 1)) end++;
  const start = missing * PAGE_SIZE;
  const stop = Math.min((end + 1) * PAGE_SIZE, view.total ?? Infinity);
  if (view.contiguous) {
    return { kind: 'range', start, cursor: start, limit: Math.min(MAX_FETCH, stop - start) };
  }
  const anchor = start === 0 ? -1 : lastAnchorBelow(view, start);
  // Nothing known from here to the end, which is nearer than any line known before (a live log
  // followed at a level, "Jump to end", a drag to the bottom): the last lines in one request. A
  // walk from the nearest known line reads every line between, at a level up to 10 000 lines a
  // request across a 2M-line log; with lines known after, the tail would fetch them again.
  const fromEnd = view.total === null ? Infinity : view.total - start;
  if (fromEnd <= MAX_FETCH && fromEnd < stop - (anchor + 1) && !knownFrom(view, start)) {
    return { kind: 'tail', limit: fromEnd };
  }
  const cursor = anchor < 0 ? 0 : seqAt(view, anchor)!;
  return {
    kind: 'range',
    start: anchor + 1,
    cursor,
    limit: Math.min(MAX_FETCH, stop - (anchor + 1)),
  };
}

/** Pages a plan will fill, so concurrent plans do not ask for them again. */
export function pagesOf(plan: FetchPlan, total: number | null): number[] {
  if (plan.kind === 'tail') {
    if (total === null) return [];
    return rangePages(Math.max(0, total - plan.limit), total - 1);
  }
  return rangePages(plan.start, plan.start + plan.limit - 1);
}

function rangePages(from: number, to: number): number[] {
  const pages: number[] = [];
  for (let p = pageOf(from); p <= pageOf(to); p++) pages.push(p);
  return pages;
}

/** Where a tail answer lands: its last line is the view's last. */
export const tailStart = (total: number, received: number) => Math.max(0, total - received);

/** Cursor after the last line of the view, for polling new lines; null when not known yet. */
export function pollCursor(view: PagedLines): number | null {
  if (view.total === null) return null;
  if (view.total === 0) return 0;
  return seqAt(view, view.total - 1) ?? null;
}

// ---- polling -------------------------------------------------------------------------------

/**
 * What a poll of a live view asks for, given the positions its viewer shows ([from, to], with
 * the list's prefetch margins; null: no viewer has asked for a range yet):
 * - `lines`: the new lines after the last one it has, at most `limit` — the end is on screen or
 *   within a page of it, so they are about to be seen. `limit` is what evictFar keeps of them
 *   around the focus (MAX_PAGES / 2 pages past the focus' page): fetching more only had the
 *   pages dropped again right after.
 * - `count`: only the new total and the level counts (`total=only`) — the end is far from what
 *   is on screen, so new lines would be serialized, sent and thrown away by evictFar; they
 *   become placeholder rows, fetched by range when someone scrolls to them.
 * A view nobody has shown yet polls lines, as before.
 */
export type PollPlan = { kind: 'lines'; limit: number } | { kind: 'count' };

export function planPoll(total: number, shown: { from: number; to: number } | null): PollPlan {
  if (shown === null) return { kind: 'lines', limit: MAX_FETCH };
  if (shown.to < total - 1 - PAGE_SIZE) return { kind: 'count' };
  const keptEnd = (pageOf(shown.from) + MAX_PAGES / 2) * PAGE_SIZE;
  return { kind: 'lines', limit: Math.min(MAX_FETCH, Math.max(PAGE_SIZE, keptEnd - total)) };
}

/** Position of `seq` among loaded lines of a filtered view: exact, or the first line after it. */
export function findSeq(
  view: PagedLines,
  seq: number,
): { position: number; exact: boolean } | null {
  if (view.contiguous) return { position: seq - 1, exact: true };
  let best: { position: number; exact: boolean } | null = null;
  for (const [p, page] of view.pages) {
    for (let i = 0; i < PAGE_SIZE; i++) {
      const line = page.lines[i];
      if (!line || line.seq < seq) continue;
      const position = p * PAGE_SIZE + i;
      if (line.seq === seq) return { position, exact: true };
      if (!best || position < best.position) best = { position, exact: false };
      break;
    }
  }
  // A following line only proves where `seq` would be if the line before it is also known.
  if (best && best.position > 0) {
    const before = seqAt(view, best.position - 1);
    if (before === undefined || before > seq) return null;
  }
  return best;
}

/** Largest position whose line is known to come before `seq` (-1: none, start at the head). */
export function lastPositionBefore(view: PagedLines, seq: number): number {
  if (view.contiguous) return seq - 2;
  let best = -1;
  for (const [position, s] of view.anchors) if (s < seq && position > best) best = position;
  for (const [p, page] of view.pages) {
    for (let i = PAGE_SIZE - 1; i >= 0; i--) {
      const line = page.lines[i];
      if (line && line.seq < seq) {
        best = Math.max(best, p * PAGE_SIZE + i);
        break;
      }
    }
  }
  return best;
}

// ---- search --------------------------------------------------------------------------------

/** Next (+1) or previous (-1) match index, wrapping around; 0 when there is no current one. */
export function stepMatch(current: number | null, total: number, direction: 1 | -1): number | null {
  if (total <= 0) return null;
  if (current === null) return direction === 1 ? 0 : total - 1;
  return (((current + direction) % total) + total) % total;
}

/** "3 of 17" (1-based), "0 of 0", or "– of 17" before a match is chosen. */
export function matchLabel(current: number | null, total: number | null): string {
  if (total === null) return '';
  if (total === 0) return '0 of 0';
  return `${current === null ? '–' : current + 1} of ${total}`;
}

/** "3 of ≥ 1,200" while a count goes on: `atLeast` matches counted so far. */
export function partialMatchLabel(current: number | null, atLeast: number): string {
  return `${current === null ? '–' : current + 1} of ≥ ${formatCount(atLeast)}`;
}

// ---- level counts --------------------------------------------------------------------------

/** 1234567 -> "1,234,567" without Intl, whose first use costs ~20 ms while the page boots. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export const zeroCounts = (): LogCounts => ({ DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 });

/** Per-level totals summed over node runs (the all-nodes view). */
export function sumCounts(counts: readonly LogCounts[]): LogCounts {
  const sum = zeroCounts();
  for (const c of counts) for (const l of LOG_LEVELS) sum[l] += c[l];
  return sum;
}

/** Lines the level selection shows, from the per-level totals. */
export function countSelected(counts: LogCounts, levels: readonly LogLevel[]): number {
  const selected = normalizeLevels(levels);
  let n = 0;
  for (const l of selected.length ? selected : LOG_LEVELS) n += counts[l];
  return n;
}

/** Toggles one chip; turning the last one off (or all on) means "all levels". */
export function toggleLevel(levels: readonly LogLevel[], level: LogLevel): LogLevel[] {
  const set = new Set(normalizeLevels(levels));
  if (set.has(level)) set.delete(level);
  else set.add(level);
  return normalizeLevels([...set]);
}

// ---- scroll scaling ------------------------------------------------------------------------

/**
 * Maps the virtual scroll range (every line at its height) onto a real one the browser can
 * build. `ratio` turns real scrollTop into virtual offset; it is 1 until the log outgrows
 * MAX_SCROLL_PX, so small logs scroll exactly as a plain list.
 */
export function scrollScale(virtualTotal: number, viewport: number, max = MAX_SCROLL_PX) {
  if (virtualTotal <= max || virtualTotal <= viewport) return { realTotal: virtualTotal, ratio: 1 };
  return { realTotal: max, ratio: (virtualTotal - viewport) / (max - viewport) };
}

export const toVirtual = (realOffset: number, ratio: number) => realOffset * ratio;
export const toReal = (virtualOffset: number, ratio: number) => virtualOffset / ratio;

// ---- copy ----------------------------------------------------------------------------------

/** One line as "Copy logs" and downloads write it (contract/log-text.ts): colour codes removed. */
export const formatLine = (line: LogLine, nodeLabel?: string): string =>
  formatLogLine({
    seq: line.seq,
    createdAt: line.createdAt,
    level: line.logLevel,
    message: line.log,
    tags: line.tags,
    node: nodeLabel,
  });

// ---- fixed-height rows ---------------------------------------------------------------------

/**
 * Rows of one height need no per-row bookkeeping: the rows in view are arithmetic on the scroll
 * offset, whatever the count (a measuring virtualizer walks every row when the count changes,
 * ~100 ms per million). Returns the positions to render, `overscan` rows beyond each edge.
 */
export function rowWindow(
  offset: number,
  viewport: number,
  count: number,
  rowHeight: number,
  overscan: number,
): { first: number; last: number } {
  if (count === 0) return { first: 0, last: -1 };
  const top = Math.floor(Math.max(0, offset) / rowHeight);
  const bottom = Math.ceil((Math.max(0, offset) + Math.max(0, viewport)) / rowHeight) - 1;
  return {
    first: Math.min(count - 1, Math.max(0, top - overscan)),
    last: Math.min(count - 1, Math.max(top, bottom) + overscan),
  };
}

/** The scroll offset that puts row `index` at the start, centre or end of the viewport. */
export function rowOffset(
  index: number,
  align: 'start' | 'center' | 'end',
  viewport: number,
  count: number,
  rowHeight: number,
): number {
  const start = index * rowHeight;
  const target =
    align === 'start'
      ? start
      : align === 'center'
        ? start - (viewport - rowHeight) / 2
        : start + rowHeight - viewport;
  return Math.max(0, Math.min(target, count * rowHeight - viewport));
}
