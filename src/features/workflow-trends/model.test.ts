import { describe, expect, it } from 'vitest';
import type { NodeTrend } from '../../../contract/trends';
import { durationUnit, slowdown, sortNodes } from './model';

const node = (id: string, p95: number | null, failures: number, halves: [number, number]) =>
  ({
    nodeIdentifier: id,
    title: id,
    runs: 10,
    failures,
    p50Ms: p95 === null ? null : p95 / 2,
    p95Ms: p95,
    firstHalfP50Ms: halves[0],
    secondHalfP50Ms: halves[1],
  }) satisfies NodeTrend;

describe('sortNodes', () => {
  const nodes = [
    node('steady', 5000, 0, [2000, 2100]),
    node('flaky', 1000, 4, [500, 450]),
    node('slowing', 9000, 1, [1000, 4000]),
    node('never-finished', null, 2, [0, 0]),
  ];
  it('puts the slowest, the flakiest or the most slowed-down node first', () => {
    const ids = (by: Parameters<typeof sortNodes>[1]) =>
      sortNodes(nodes, by).map((n) => n.nodeIdentifier);
    expect(ids('slowest')).toEqual(['slowing', 'steady', 'flaky', 'never-finished']);
    expect(ids('flakiest')).toEqual(['flaky', 'never-finished', 'slowing', 'steady']);
    expect(ids('slowing')[0]).toBe('slowing');
  });

  it('computes the slowdown between the halves, none without both', () => {
    expect(slowdown(nodes[2]!)).toBe(3);
    expect(slowdown(node('x', 1, 0, [0, 10]))).toBeNull();
  });
});

describe('durationUnit', () => {
  it('picks seconds, minutes or hours by the longest run', () => {
    expect(durationUnit(90_000).label).toBe('seconds');
    expect(durationUnit(20 * 60_000).label).toBe('minutes');
    expect(durationUnit(5 * 3_600_000).label).toBe('hours');
  });
});
