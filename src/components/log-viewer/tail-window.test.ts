import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../contract/workflows';
import { MAX_PAGES, PAGE_SIZE, emptyLines, lineAt, mergeLines, type PagedLines } from './model';
import { appendTail } from './tail-window';

const line = (seq: number, logLevel: LogLine['logLevel'] = 'INFO'): LogLine => ({
  id: seq,
  seq,
  nodeRunIdentifier: 'wfnr_1',
  logLevel,
  log: `line ${seq}`,
  tags: {},
  createdAt: '2026-01-01T00:00:00.000Z',
});
const range = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => line(from + i));

/** An unfiltered view opened at its tail: the last page of `total` lines. */
function openedAtTail(total: number): PagedLines {
  const view = emptyLines(true);
  mergeLines(view, 0, range(total - PAGE_SIZE + 1, total));
  return view;
}

const seqsIn = (view: PagedLines, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => lineAt(view, from + i)?.seq);

describe('appendTail (the followed window)', () => {
  it('appends streamed lines after the last one and moves the end', () => {
    const view = openedAtTail(1000);
    expect(appendTail(view, range(1001, 1050))).toBe(50);
    expect(view.total).toBe(1050);
    expect(seqsIn(view, 1045, 1049)).toEqual([1046, 1047, 1048, 1049, 1050]);
  });

  it('drops lines it already has (a batch sent again after a reconnect): none shown twice', () => {
    const view = openedAtTail(1000);
    appendTail(view, range(1001, 1010));
    expect(appendTail(view, range(995, 1012))).toBe(2);
    expect(appendTail(view, range(1001, 1012))).toBe(0);
    expect(view.total).toBe(1012);
    expect(seqsIn(view, 1008, 1011)).toEqual([1009, 1010, 1011, 1012]);
  });

  it('stops at a line out of order instead of placing it', () => {
    const view = openedAtTail(1000);
    expect(appendTail(view, [line(1001), line(1002), line(1001), line(1003)])).toBe(2);
    expect(view.total).toBe(1002);
  });

  it('trims the oldest pages only: a burst larger than the window keeps the newest lines', () => {
    const view = openedAtTail(1000);
    // 5 000 lines/s for 3 s arriving in one frame: more than the ~10 000 lines kept.
    appendTail(view, range(1001, 16_000));
    expect(view.pages.size).toBeLessThanOrEqual(MAX_PAGES);
    expect(view.total).toBe(16_000);
    // The last MAX_PAGES pages are all there, complete: following never lands on a placeholder.
    const kept = MAX_PAGES * PAGE_SIZE;
    expect(seqsIn(view, 16_000 - kept, 15_999).every((seq, i) => seq === 16_001 - kept + i)).toBe(
      true,
    );
    // What was dropped is the oldest.
    expect(lineAt(view, 999)).toBeUndefined();
    expect(Math.min(...view.pages.keys())).toBe(Math.floor(16_000 / PAGE_SIZE) - MAX_PAGES);
  });

  it('keeps trimming from the old end as batches keep coming', () => {
    const view = openedAtTail(200);
    for (let end = 200; end < 30_000; end += 1250) appendTail(view, range(end + 1, end + 1250));
    const pages = [...view.pages.keys()].sort((a, b) => a - b);
    expect(pages.length).toBeLessThanOrEqual(MAX_PAGES);
    expect(pages.at(-1)).toBe(Math.floor((view.total! - 1) / PAGE_SIZE));
    expect(pages.every((p, i) => i === 0 || p === pages[i - 1]! + 1)).toBe(true);
  });

  it('appends a filtered view (levels) at its own positions', () => {
    const view = emptyLines(false);
    mergeLines(view, 0, [line(3, 'ERROR'), line(9, 'ERROR')]);
    expect(appendTail(view, [line(9, 'ERROR'), line(14, 'ERROR'), line(20, 'ERROR')])).toBe(2);
    expect(view.total).toBe(4);
    expect(seqsIn(view, 0, 3)).toEqual([3, 9, 14, 20]);
  });

  it('appends nothing to a view whose end is not known yet', () => {
    const view = emptyLines(true);
    expect(appendTail(view, range(1, 5))).toBe(0);
    expect(view.total).toBeNull();
  });
});
