import { describe, expect, it } from 'vitest';
import type { LogLine } from '../../../contract/workflows';
import { pageOfLines } from './action-run-source';

const line = (seq: number, logLevel: LogLine['logLevel'], log: string): LogLine => ({
  id: seq,
  seq,
  nodeRunIdentifier: 'r_x',
  logLevel,
  log,
  tags: {},
  createdAt: '2026-01-01T00:00:00.000Z',
});

const lines = [
  line(1, 'INFO', 'Cloning repo'),
  line(2, 'WARN', 'Quota nearly reached'),
  line(3, 'ERROR', 'Quota exceeded'),
  line(4, 'INFO', 'Retrying'),
];

describe('pageOfLines (an action run log under the workflow-log contract)', () => {
  it('pages by cursor and limit, resuming after the last seq', () => {
    const page = pageOfLines(lines, { cursor: '1', limit: 2 });
    expect(page.logs.map((l) => l.seq)).toEqual([2, 3]);
    expect(page.nextCursor).toBe('3');
    expect(page.total).toBe(4);
  });

  it('filters by level and by case-insensitive text, counting the matches', () => {
    const page = pageOfLines(lines, { level: ['WARN', 'ERROR'], q: 'QUOTA', cursor: '0' });
    expect(page.logs.map((l) => l.seq)).toEqual([2, 3]);
    expect(page.total).toBe(2);
  });

  it('counts every known line per level for the chips, whatever the filter', () => {
    const page = pageOfLines(lines, { level: ['ERROR'], q: 'quota', cursor: '0' });
    expect(page.logs.map((l) => l.seq)).toEqual([3]);
    expect(page.counts).toEqual({ DEBUG: 0, INFO: 2, WARN: 1, ERROR: 1 });
  });

  it('returns the last lines for a tail query', () => {
    expect(pageOfLines(lines, { tail: 'true', limit: 1 }).logs.map((l) => l.seq)).toEqual([4]);
  });

  it('keeps the cursor where it was when nothing new matched', () => {
    expect(pageOfLines(lines, { cursor: '4', limit: 10 })).toMatchObject({
      logs: [],
      nextCursor: '4',
    });
  });
});
