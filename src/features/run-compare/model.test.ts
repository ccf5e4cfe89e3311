import { describe, expect, it } from 'vitest';
import type { NodeRun, WorkflowRun } from '../../../contract/workflows';
import {
  RESYNC_WINDOW,
  alignLogs,
  alignNodes,
  diffJson,
  firstDivergence,
  normalizeLine,
} from './model';

describe('diffJson', () => {
  it('lists changed, added and removed leaves by path and nothing for equal values', () => {
    const left = { a: 1, b: { c: 'x', d: [1, 2, 3] }, gone: true, same: { deep: [1] } };
    const right = { a: 2, b: { c: 'x', d: [1, 5] }, same: { deep: [1] }, 'new key': { k: 1 } };
    const diff = diffJson(left, right);
    expect(diff.rows).toEqual([
      { path: '.a', kind: 'changed', left: '1', right: '2' },
      { path: '.b.d[1]', kind: 'changed', left: '2', right: '5' },
      { path: '.b.d[2]', kind: 'removed', left: '3' },
      { path: '.gone', kind: 'removed', left: 'true' },
      { path: '["new key"]', kind: 'added', right: '{ 1 key }' },
    ]);
    expect([diff.changed, diff.added, diff.removed]).toEqual([2, 1, 2]);
    expect(diffJson(left, structuredClone(left)).rows).toEqual([]);
  });

  it('treats a type change as a change and lists unchanged leaves on request', () => {
    expect(diffJson({ a: [1] }, { a: { 0: 1 } }).rows).toEqual([
      { path: '.a', kind: 'changed', left: '[ 1 items ]', right: '{ 1 key }' },
    ]);
    expect(diffJson({ a: 1, b: 2 }, { a: 1, b: 3 }, true).rows.map((r) => r.kind)).toEqual([
      'same',
      'changed',
    ]);
  });

  it('diffs two 10 MB-scale documents leaf by leaf', () => {
    const big = (n: number, bump: number) => ({
      items: Array.from({ length: n }, (_, i) => ({ id: i, value: i === bump ? -1 : i * 2 })),
    });
    const diff = diffJson(big(200_000, 123_456), big(200_000, -1));
    expect(diff.rows).toEqual([
      { path: '.items[123456].value', kind: 'changed', left: '-1', right: '246912' },
    ]);
  });
});

describe('normalizeLine', () => {
  it('masks timestamps, ids and durations that always differ between runs', () => {
    expect(
      normalizeLine(
        '2026-03-01T10:00:00.123Z run wfr_AbCdEf0123456789 req 3f2a9c1b7d8e took 830 ms at 10:00:01',
      ),
    ).toBe('<time> run <id> req <id> took <duration> at <time>');
    expect(normalizeLine('Loaded 500 rows into fact_orders')).toBe(
      'Loaded 500 rows into fact_orders',
    );
    expect(normalizeLine('id 123e4567-e89b-12d3-a456-426614174000 done in 4.2 s')).toBe(
      'id <id> done in <duration>',
    );
  });
});

describe('alignLogs', () => {
  const pairs = (rows: ReturnType<typeof alignLogs>['rows']) =>
    rows.map((r) => [r.left, r.right, r.same]);

  it('pairs equal lines and finds the first divergence', () => {
    const a = ['start', 'step 1', 'step 2', 'done'];
    const b = ['start', 'step 1', 'boom', 'done'];
    const { rows } = alignLogs(a, b);
    expect(pairs(rows)).toEqual([
      [0, 0, true],
      [1, 1, true],
      [2, 2, false],
      [3, 3, true],
    ]);
    expect(firstDivergence(rows)).toBe(2);
    expect(firstDivergence(alignLogs(a, a).rows)).toBe(-1);
  });

  it('resyncs after lines only one side has, leaving gaps on the other', () => {
    const a = ['start', 'a', 'b', 'end'];
    const b = ['start', 'retry 1', 'retry 2', 'a', 'b', 'end', 'extra'];
    expect(pairs(alignLogs(a, b).rows)).toEqual([
      [0, 0, true],
      [null, 1, false],
      [null, 2, false],
      [1, 3, true],
      [2, 4, true],
      [3, 5, true],
      [null, 6, false],
    ]);
    expect(pairs(alignLogs(b.slice(0, 6), a).rows)).toEqual([
      [0, 0, true],
      [1, null, false],
      [2, null, false],
      [3, 1, true],
      [4, 2, true],
      [5, 3, true],
    ]);
  });

  it('does not look further than the resync window', () => {
    const inserted = Array.from({ length: RESYNC_WINDOW + 5 }, (_, i) => `noise ${i}`);
    const { rows } = alignLogs(['x', 'tail'], [...inserted, 'x', 'tail']);
    expect(rows[0]).toEqual({ left: 0, right: 0, same: false });
  });

  it('stops where a side that may still grow runs out of loaded lines', () => {
    const { rows, usedLeft, usedRight } = alignLogs(['a', 'b', 'c'], ['a', 'b'], {
      left: true,
      right: false,
    });
    expect(rows).toHaveLength(2);
    expect([usedLeft, usedRight]).toEqual([2, 2]);
  });
});

describe('alignNodes', () => {
  const nodeRun = (id: string, start: number, end: number | null, result: string | null) =>
    ({
      identifier: `wfnr_${id}`,
      nodeIdentifier: id,
      nodeTitle: `Node ${id}`,
      result,
      createdAt: new Date(start).toISOString(),
      completedAt: end === null ? null : new Date(end).toISOString(),
    }) as NodeRun;
  const run = (nodeRuns: NodeRun[]) =>
    ({ createdAt: new Date(0).toISOString(), nodeRuns }) as WorkflowRun;

  it('singles out nodes whose result changed or that took much longer', () => {
    const left = run([
      nodeRun('a', 0, 1000, 'SUCCESS'),
      nodeRun('b', 1000, 3000, 'SUCCESS'),
      nodeRun('c', 3000, 5000, 'SUCCESS'),
      nodeRun('d', 5000, 6000, 'SUCCESS'),
    ]);
    const right = run([
      nodeRun('a', 0, 1200, 'SUCCESS'),
      nodeRun('b', 1200, 9000, 'SUCCESS'),
      nodeRun('c', 9000, 9500, 'FAILED'),
      nodeRun('e', 9500, null, null),
    ]);
    const pairs = alignNodes(left, right);
    expect(pairs.map((p) => [p.nodeIdentifier, p.change])).toEqual([
      ['a', null],
      ['b', 'slower'],
      ['c', 'result'],
      ['d', 'only-left'],
      ['e', 'only-right'],
    ]);
    expect(pairs[1]!.right).toMatchObject({ startOffsetMs: 1200, durationMs: 7800 });
    expect(pairs[4]!.right!.durationMs).toBeNull();
  });
});
