import { describe, expect, it } from 'vitest';
import type { LogLevel, LogLine } from '../../../contract/workflows';
import {
  MAX_FETCH,
  MAX_SCROLL_PX,
  PAGE_SIZE,
  countSelected,
  emptyLines,
  evictFar,
  findSeq,
  formatCount,
  formatLine,
  isContiguous,
  isPageComplete,
  lastPositionBefore,
  lineAt,
  matchLabel,
  partialMatchLabel,
  mergeLines,
  normalizeLevels,
  pagesOf,
  planFetch,
  planPoll,
  pollCursor,
  rowOffset,
  rowWindow,
  scrollScale,
  stepMatch,
  sumCounts,
  tailStart,
  toReal,
  toVirtual,
  toggleLevel,
} from './model';

const line = (seq: number, level: LogLevel = 'INFO', log = `line ${seq}`): LogLine => ({
  id: seq,
  seq,
  nodeRunIdentifier: 'r_1',
  logLevel: level,
  log,
  tags: {},
  createdAt: '2026-01-01T00:00:00.000Z',
});
const lines = (from: number, to: number, step = 1) => {
  const out: LogLine[] = [];
  for (let s = from; s <= to; s += step) out.push(line(s));
  return out;
};

describe('levels', () => {
  it('treats no level and every level alike as the unfiltered log', () => {
    expect(normalizeLevels([])).toEqual([]);
    expect(normalizeLevels(['ERROR', 'WARN', 'INFO', 'DEBUG'])).toEqual([]);
    expect(normalizeLevels(['ERROR', 'DEBUG', 'ERROR'])).toEqual(['DEBUG', 'ERROR']);
    expect(isContiguous({ levels: [], q: '' })).toBe(true);
    expect(isContiguous({ levels: ['ERROR'], q: '' })).toBe(false);
    expect(isContiguous({ levels: [], q: 'x' })).toBe(false);
  });

  it('toggles one chip and falls back to all when the last is turned off', () => {
    expect(toggleLevel([], 'ERROR')).toEqual(['ERROR']);
    expect(toggleLevel(['ERROR'], 'WARN')).toEqual(['WARN', 'ERROR']);
    expect(toggleLevel(['ERROR'], 'ERROR')).toEqual([]);
    expect(toggleLevel(['DEBUG', 'INFO', 'WARN'], 'ERROR')).toEqual([]);
  });

  it('sums counts over node runs and counts what a selection shows', () => {
    const sum = sumCounts([
      { DEBUG: 1, INFO: 2, WARN: 3, ERROR: 4 },
      { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40 },
    ]);
    expect(sum).toEqual({ DEBUG: 11, INFO: 22, WARN: 33, ERROR: 44 });
    expect(countSelected(sum, [])).toBe(110);
    expect(countSelected(sum, ['WARN', 'ERROR'])).toBe(77);
    expect(sumCounts([])).toEqual({ DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 });
  });
});

describe('merging pages into an unfiltered view', () => {
  it('places lines by seq whatever order the pages arrive in', () => {
    const view = emptyLines(true);
    mergeLines(view, 400, lines(401, 600));
    mergeLines(view, 0, lines(1, 200));
    mergeLines(view, 200, lines(201, 400));
    expect(view.total).toBe(600);
    for (const p of [0, 1, 2]) expect(isPageComplete(view, p)).toBe(true);
    expect(lineAt(view, 0)?.seq).toBe(1);
    expect(lineAt(view, 399)?.seq).toBe(400);
    expect(lineAt(view, 599)?.seq).toBe(600);
  });

  it('is idempotent for overlapping pages', () => {
    const view = emptyLines(true);
    mergeLines(view, 0, lines(1, 150));
    mergeLines(view, 100, lines(101, 250));
    mergeLines(view, 0, lines(1, 250));
    expect(view.pages.get(0)?.filled).toBe(PAGE_SIZE);
    expect(view.pages.get(1)?.filled).toBe(50);
    expect(view.total).toBe(250);
    expect(isPageComplete(view, 1)).toBe(true);
  });

  it('keeps a page incomplete while a gap remains, and the total never shrinks', () => {
    const view = emptyLines(true);
    mergeLines(view, 0, lines(1, 50));
    mergeLines(view, 100, lines(101, 120));
    view.total = 1000;
    expect(isPageComplete(view, 0)).toBe(false);
    mergeLines(view, 0, lines(1, 10));
    expect(view.total).toBe(1000);
  });

  it('plans one range request per run of missing pages, cursor = position', () => {
    const view = emptyLines(true);
    view.total = 1_000_000;
    expect(planFetch(view, 500_000, 500_050)).toEqual({
      kind: 'range',
      start: 500_000,
      cursor: 500_000,
      limit: PAGE_SIZE,
    });
    mergeLines(view, 0, lines(1, 200));
    expect(planFetch(view, 0, 450)).toEqual({ kind: 'range', start: 200, cursor: 200, limit: 400 });
    expect(planFetch(view, 0, 450, new Set([1]))).toEqual({
      kind: 'range',
      start: 400,
      cursor: 400,
      limit: 200,
    });
    expect(planFetch(view, 0, 150)).toBeNull();
  });

  it('never plans past the end of the log, and caps a request at the server limit', () => {
    const view = emptyLines(true);
    view.total = 250;
    expect(planFetch(view, 200, 999)).toEqual({
      kind: 'range',
      start: 200,
      cursor: 200,
      limit: 50,
    });
    view.total = 1_000_000;
    expect(planFetch(view, 0, 50_000)).toMatchObject({ limit: MAX_FETCH });
    expect(pagesOf({ kind: 'range', start: 200, cursor: 200, limit: 400 }, null)).toEqual([1, 2]);
    expect(pagesOf({ kind: 'tail', limit: 200 }, 1000)).toEqual([4]);
  });

  it('evicts the pages farthest from the viewport and can fetch them again', () => {
    const view = emptyLines(true);
    for (let p = 0; p < 10; p++) mergeLines(view, 0, lines(p * PAGE_SIZE + 1, (p + 1) * PAGE_SIZE));
    evictFar(view, 8, 3);
    expect([...view.pages.keys()].sort()).toEqual([7, 8, 9]);
    expect(planFetch(view, 0, 10)).toMatchObject({ start: 0, cursor: 0 });
  });

  it('polls after the last line, including a log that is still empty', () => {
    const view = emptyLines(true);
    expect(pollCursor(view)).toBeNull();
    view.total = 0;
    expect(pollCursor(view)).toBe(0);
    mergeLines(view, 0, lines(1, 30));
    expect(pollCursor(view)).toBe(30);
    mergeLines(view, 30, lines(31, 35));
    expect(view.total).toBe(35);
  });
});

describe('what a poll asks for', () => {
  it('asks for the new lines while the end is on screen or within a page of it', () => {
    expect(planPoll(1_000, { from: 900, to: 999 })).toEqual({ kind: 'lines', limit: 4_800 });
    expect(planPoll(1_000, { from: 700, to: 799 })).toEqual({ kind: 'lines', limit: 4_600 });
  });

  it('asks for the count alone when the end is farther than a page from what is shown', () => {
    expect(planPoll(1_000, { from: 0, to: 798 })).toEqual({ kind: 'count' });
    expect(planPoll(1_000_000, { from: 0, to: 150 })).toEqual({ kind: 'count' });
  });

  it('asks for no more lines than evictFar keeps past the focus, and at least a page', () => {
    // Focus on page 4_975: pages up to 4_999 are kept, positions below 1_000_000.
    expect(planPoll(999_000, { from: 995_000, to: 999_100 })).toEqual({
      kind: 'lines',
      limit: 1_000,
    });
    expect(planPoll(999_000, { from: 900_000, to: 999_100 })).toEqual({
      kind: 'lines',
      limit: PAGE_SIZE,
    });
    expect(planPoll(10, { from: 0, to: 100 })).toEqual({ kind: 'lines', limit: 4_990 });
  });

  it('polls lines as before for a view nobody has shown yet', () => {
    expect(planPoll(1_000_000, null)).toEqual({ kind: 'lines', limit: MAX_FETCH });
  });
});

describe('merging pages into a filtered view', () => {
  // ERROR lines at seq 5, 10, 15, … (every fifth line of the log).
  const errors = (fromIndex: number, count: number) =>
    Array.from({ length: count }, (_, i) => line((fromIndex + i + 1) * 5, 'ERROR'));

  it('places lines by position and walks forward from the last known seq', () => {
    const view = emptyLines(false);
    mergeLines(view, 0, errors(0, PAGE_SIZE));
    view.total = 5000;
    expect(lineAt(view, 199)?.seq).toBe(1000);
    expect(planFetch(view, 600, 650)).toEqual({
      kind: 'range',
      start: 200,
      cursor: 1000,
      limit: 600,
    });
  });

  it('asks for the tail, not a walk, for positions nearer the end than any known line', () => {
    const view = emptyLines(false);
    mergeLines(view, 0, errors(0, PAGE_SIZE));
    view.total = 1000;
    // A walk from the first page's last line (position 199, seq 1000).
    const walk = (limit: number) => ({ kind: 'range', start: 200, cursor: 1000, limit });
    // Positions 600–650: 400 lines from the end, a walk of 600 from position 199.
    expect(planFetch(view, 600, 650)).toEqual({ kind: 'tail', limit: 400 });
    // The last lines (following a live log at a level): the last page's worth.
    expect(planFetch(view, 950, 999)).toEqual({ kind: 'tail', limit: 200 });
    // Nearer the known head than the end: still a walk.
    expect(planFetch(view, 300, 320)).toEqual(walk(200));
    // More than a request's worth from the end: a walk, however far.
    view.total = 100_000;
    expect(planFetch(view, 85_000, 85_050)).toEqual(walk(MAX_FETCH));
    // Lines known after the gap: a walk, not a tail that would fetch them again.
    view.total = 1000;
    mergeLines(view, 800, errors(800, PAGE_SIZE));
    expect(planFetch(view, 600, 650)).toEqual(walk(600));
    // The tail's pages are in flight: nothing more to ask for them.
    view.pages.delete(4);
    view.anchors = new Map([...view.anchors].filter(([at]) => at < 800));
    expect(planFetch(view, 950, 999, new Set(pagesOf({ kind: 'tail', limit: 200 }, 1000)))).toBe(
      null,
    );
  });

  it('keeps anchors after eviction so an evicted page is fetched by its cursor', () => {
    const view = emptyLines(false);
    mergeLines(view, 0, errors(0, 3 * PAGE_SIZE));
    view.total = 3 * PAGE_SIZE;
    evictFar(view, 2, 1);
    expect(view.pages.has(1)).toBe(false);
    expect(planFetch(view, 250, 260)).toEqual({
      kind: 'range',
      start: 200,
      cursor: 1000,
      limit: 200,
    });
  });

  it('places a tail page at the end and appends polled lines after it', () => {
    const view = emptyLines(false);
    const total = 1000;
    mergeLines(view, tailStart(total, 50), errors(950, 50));
    view.total = total;
    expect(lineAt(view, 999)?.seq).toBe(5000);
    expect(pollCursor(view)).toBe(5000);
    mergeLines(view, view.total, [line(5003, 'ERROR'), line(5010, 'ERROR')]);
    expect(view.total).toBe(1002);
    expect(lineAt(view, 1001)?.seq).toBe(5010);
    expect(pollCursor(view)).toBe(5010);
  });

  it('handles pages that arrive out of order and overlap', () => {
    const view = emptyLines(false);
    mergeLines(view, 200, errors(200, 200));
    mergeLines(view, 0, errors(0, 300));
    view.total = 400;
    expect(isPageComplete(view, 0)).toBe(true);
    expect(isPageComplete(view, 1)).toBe(true);
    expect(view.pages.get(1)?.filled).toBe(PAGE_SIZE);
    expect(lineAt(view, 250)?.seq).toBe(1255);
  });

  it('needs a tail line before it can poll an end it has not seen', () => {
    const view = emptyLines(false);
    mergeLines(view, 0, errors(0, 10));
    view.total = 5000;
    expect(pollCursor(view)).toBeNull();
  });

  it('finds the position of a seq, or of the first visible line after it', () => {
    const view = emptyLines(false);
    mergeLines(view, 0, errors(0, 400));
    view.total = 400;
    expect(findSeq(view, 50)).toEqual({ position: 9, exact: true });
    expect(findSeq(view, 52)).toEqual({ position: 10, exact: false });
    expect(findSeq(view, 99_999)).toBeNull();
    expect(lastPositionBefore(view, 52)).toBe(9);
    expect(lastPositionBefore(view, 1)).toBe(-1);
  });

  it('does not guess a position across a gap of unknown lines', () => {
    const view = emptyLines(false);
    mergeLines(view, 0, errors(0, PAGE_SIZE));
    mergeLines(view, 600, errors(600, PAGE_SIZE));
    view.total = 800;
    evictFar(view, 0, 1);
    // seq 1500 lies somewhere in positions 200..599, none of them loaded.
    expect(findSeq(view, 1500)).toBeNull();
    expect(lastPositionBefore(view, 1500)).toBe(199);
  });

  it('maps seq to position by arithmetic when unfiltered', () => {
    const view = emptyLines(true);
    expect(findSeq(view, 123_456)).toEqual({ position: 123_455, exact: true });
    expect(lastPositionBefore(view, 10)).toBe(8);
  });
});

describe('search', () => {
  it('steps through matches with wrap-around', () => {
    expect(stepMatch(null, 17, 1)).toBe(0);
    expect(stepMatch(null, 17, -1)).toBe(16);
    expect(stepMatch(3, 17, 1)).toBe(4);
    expect(stepMatch(16, 17, 1)).toBe(0);
    expect(stepMatch(0, 17, -1)).toBe(16);
    expect(stepMatch(0, 0, 1)).toBeNull();
  });

  it('labels the match counter', () => {
    expect(matchLabel(2, 17)).toBe('3 of 17');
    expect(matchLabel(null, 17)).toBe('– of 17');
    expect(matchLabel(null, 0)).toBe('0 of 0');
    expect(matchLabel(null, null)).toBe('');
    expect(partialMatchLabel(0, 12_345)).toBe('1 of ≥ 12,345');
    expect(partialMatchLabel(null, 0)).toBe('– of ≥ 0');
  });
});

describe('scroll scaling', () => {
  it('is the identity while the log fits in the browser', () => {
    expect(scrollScale(20 * 500_000, 800)).toEqual({ realTotal: 10_000_000, ratio: 1 });
  });

  it('maps 2M lines of 20 px onto the capped range with the last line reachable', () => {
    const viewport = 800;
    const virtualTotal = 2_000_000 * 20;
    const { realTotal, ratio } = scrollScale(virtualTotal, viewport);
    expect(realTotal).toBe(MAX_SCROLL_PX);
    expect(realTotal).toBeLessThan(33_554_432);
    const maxReal = realTotal - viewport;
    // Scrolled to the bottom of the real range shows the bottom of the virtual one.
    expect(toVirtual(maxReal, ratio)).toBeCloseTo(virtualTotal - viewport, 3);
    const lastLineStart = (2_000_000 - 1) * 20;
    const bottom = toVirtual(maxReal, ratio);
    expect(lastLineStart).toBeGreaterThanOrEqual(bottom);
    expect(lastLineStart + 20).toBeLessThanOrEqual(bottom + viewport + 0.001);
    // Round trip stays on the same line.
    const mid = 1_234_567 * 20;
    expect(Math.floor(toVirtual(toReal(mid, ratio), ratio) / 20)).toBe(1_234_567);
  });
});

describe('copy', () => {
  it('formats a line as plain text with its node and tags', () => {
    const l = { ...line(7, 'WARN', 'slow <b>disk</b>'), tags: { host: 'a', zone: 'b' } };
    expect(formatLine(l, 'Deploy')).toBe(
      '7  2026-01-01T00:00:00.000Z  WARN  [Deploy]  slow <b>disk</b>  host=a zone=b',
    );
    expect(formatLine(line(1))).toBe('1  2026-01-01T00:00:00.000Z  INFO  line 1');
    expect(formatLine(line(2, 'ERROR', '\u001b[31mFAIL\u001b[0m e2e'))).toBe(
      '2  2026-01-01T00:00:00.000Z  ERROR  FAIL e2e',
    );
  });
});

describe('fixed-height rows', () => {
  it('renders the rows in view and the overscan, clamped to the log', () => {
    expect(rowWindow(0, 100, 1_000_000, 20, 12)).toEqual({ first: 0, last: 16 });
    expect(rowWindow(10_000, 100, 1_000_000, 20, 12)).toEqual({ first: 488, last: 516 });
    expect(rowWindow(19_999_900, 100, 1_000_000, 20, 12)).toEqual({
      first: 999_983,
      last: 999_999,
    });
  });

  it('renders nothing for an empty log and something before the viewport is known', () => {
    expect(rowWindow(0, 400, 0, 20, 12)).toEqual({ first: 0, last: -1 });
    expect(rowWindow(0, 0, 50, 20, 12)).toEqual({ first: 0, last: 12 });
    expect(rowWindow(5_000, 400, 10, 20, 12)).toEqual({ first: 9, last: 9 });
  });

  it('aligns a row at the start, centre or end of the viewport, within the scroll range', () => {
    expect(rowOffset(500, 'start', 100, 1_000, 20)).toBe(10_000);
    expect(rowOffset(500, 'center', 100, 1_000, 20)).toBe(9_960);
    expect(rowOffset(500, 'end', 100, 1_000, 20)).toBe(9_920);
    expect(rowOffset(999, 'start', 100, 1_000, 20)).toBe(19_900);
    expect(rowOffset(0, 'end', 100, 1_000, 20)).toBe(0);
    expect(rowOffset(3, 'center', 400, 5, 20)).toBe(0);
  });
});

describe('formatCount', () => {
  it('groups thousands as en-US does', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(999)).toBe('999');
    expect(formatCount(1000)).toBe('1,000');
    expect(formatCount(2_000_000)).toBe('2,000,000');
  });
});
