import type { NodeTrend, TrendPoint, WorkflowTrends } from '../../../contract/trends';
import type { NodeSort, TrendRange } from './search';

export const DEFAULT_RANGE: TrendRange = '30d';

const RANGE_MS: Record<TrendRange, number> = {
  '24h': 86_400_000,
  '7d': 7 * 86_400_000,
  '30d': 30 * 86_400_000,
  '90d': 90 * 86_400_000,
};

/** `from` of a preset range, read at fetch time (the URL keeps "last 30 days", not an instant). */
export const rangeStart = (range: TrendRange, now: number) =>
  new Date(now - RANGE_MS[range]).toISOString();

/** Relative change of a node's median from the first half of the range to the second. */
export function slowdown(node: NodeTrend): number | null {
  const { firstHalfP50Ms: a, secondHalfP50Ms: b } = node;
  if (a === null || b === null || a <= 0) return null;
  return (b - a) / a;
}

const desc = (a: number | null, b: number | null) => (b ?? -Infinity) - (a ?? -Infinity);

/**
 * Slowest: p95, then p50. Flakiest: failures, then failure rate. Slowing: the rise of the
 * median between the halves. Ties fall back to the other orders, then the identifier.
 */
export function sortNodes(nodes: readonly NodeTrend[], by: NodeSort): NodeTrend[] {
  const slow = (a: NodeTrend, b: NodeTrend) => desc(a.p95Ms, b.p95Ms) || desc(a.p50Ms, b.p50Ms);
  const flaky = (a: NodeTrend, b: NodeTrend) =>
    b.failures - a.failures || b.failures / (b.runs || 1) - a.failures / (a.runs || 1);
  const slowing = (a: NodeTrend, b: NodeTrend) => desc(slowdown(a), slowdown(b));
  const orders = { slowest: [slow, flaky], flakiest: [flaky, slow], slowing: [slowing, slow] };
  return [...nodes].sort((a, b) => {
    for (const compare of orders[by]) {
      const c = compare(a, b);
      if (c) return c;
    }
    return a.nodeIdentifier.localeCompare(b.nodeIdentifier);
  });
}

export const RESULT_SERIES = [
  { result: 'SUCCESS', label: 'Succeeded', color: 'teal.6' },
  { result: 'FAILED', label: 'Failed', color: 'red.6' },
  { result: 'CANCELLED', label: 'Cancelled', color: 'gray.6' },
] as const;

/** The unit of the duration axis: the largest that keeps the longest run at 3 or more. */
export function durationUnit(maxMs: number) {
  if (maxMs >= 3 * 3_600_000) return { label: 'hours', ms: 3_600_000 };
  if (maxMs >= 3 * 60_000) return { label: 'minutes', ms: 60_000 };
  return { label: 'seconds', ms: 1000 };
}

/** Points of the duration chart, one series per result, durations in `unitMs`. */
export function durationSeries(points: readonly TrendPoint[], unitMs: number) {
  return RESULT_SERIES.map((s) => ({
    name: s.label,
    color: s.color,
    data: points
      .filter((p) => p.result === s.result && p.durationMs !== null)
      .map((p) => ({ t: Date.parse(p.createdAt), d: p.durationMs! / unitMs })),
  }));
}

/** Bars per bucket (stacked by result) and the success rate of the bucket in percent. */
export function bucketRows(trends: WorkflowTrends) {
  return trends.buckets.map((b) => {
    const completed = b.success + b.failed + b.cancelled;
    return {
      start: b.start,
      Succeeded: b.success,
      Failed: b.failed,
      Cancelled: b.cancelled,
      'In progress': b.inProgress,
      successRate: completed ? Math.round((b.success / completed) * 1000) / 10 : null,
      p50Ms: b.p50Ms,
      p95Ms: b.p95Ms,
    };
  });
}
export type BucketRow = ReturnType<typeof bucketRows>[number];

export const percent = (rate: number | null) =>
  rate === null ? '–' : `${(Math.round(rate * 1000) / 10).toFixed(1)} %`;
