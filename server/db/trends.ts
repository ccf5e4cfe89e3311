import { sql, type SQL } from 'drizzle-orm';
import type { TrendBucket } from '../../contract/trends';
import { selectRows, type DbOrTx } from './client';

/** Aggregates of one workflow's runs over a time range, all computed by PostgreSQL. */

export interface TrendScope {
  workflowIdentifier: string;
  from: Date;
  to: Date;
  bucket: TrendBucket;
  /**
   * The visibility predicate over a table alias (db/visibility.ts `visibleToSql`): `wr`
   * (workflow_runs) or `d` (node_run_durations), both with allow_anyone_to_view and created_by.
   */
  visible: (alias: 'wr' | 'd') => SQL;
  pointsLimit: number;
}

const BUCKET_INTERVAL: Record<TrendBucket, string> = { hour: '1 hour', day: '24 hours' };
/** Buckets start at UTC midnight (or the hour): date_bin from this origin. */
const ORIGIN = '2000-01-01T00:00:00Z';

const iso = (v: string | Date) => new Date(v).toISOString();
const num = (v: number | string | null) => (v === null ? null : Number(v));

/**
 * The runs of the range as the CTE `r`, with `d` their duration in ms (null in progress): the
 * stored workflow_runs.duration_ms, so workflow_runs_trends_idx covers every column read.
 */
const runsInRange = (s: TrendScope) => sql`
  r AS (
    SELECT wr.identifier, wr.created_at, wr.status, wr.result, wr.duration_ms AS d
    FROM workflow_runs wr
    WHERE wr.workflow_identifier = ${s.workflowIdentifier}
      AND wr.created_at >= ${s.from.toISOString()}::timestamptz
      AND wr.created_at < ${s.to.toISOString()}::timestamptz
      AND ${s.visible('wr')}
  )`;

const counts = sql`
  count(*)::int AS runs,
  count(*) FILTER (WHERE r.result = 'SUCCESS')::int AS success,
  count(*) FILTER (WHERE r.result = 'FAILED')::int AS failed,
  count(*) FILTER (WHERE r.result = 'CANCELLED')::int AS cancelled,
  count(*) FILTER (WHERE r.status <> 'COMPLETED')::int AS in_progress,
  percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY r.d) AS p`;

interface CountRow {
  runs: number;
  success: number;
  failed: number;
  cancelled: number;
  in_progress: number;
  /** [p50, p95], null without a completed run. */
  p: (number | null)[] | null;
}

const summaryOf = (r: CountRow | undefined) => {
  const row = r ?? { runs: 0, success: 0, failed: 0, cancelled: 0, in_progress: 0, p: null };
  const completed = row.success + row.failed + row.cancelled;
  return {
    runs: row.runs,
    success: row.success,
    failed: row.failed,
    cancelled: row.cancelled,
    inProgress: row.in_progress,
    successRate: completed ? row.success / completed : null,
    p50Ms: num(row.p?.[0] ?? null),
    p95Ms: num(row.p?.[1] ?? null),
  };
};

/**
 * The summary of the range and one row per bucket, empty buckets included (zeros, null
 * percentiles), in one pass over the runs (GROUPING SETS).
 */
export async function runAggregates(db: DbOrTx, s: TrendScope) {
  const step = BUCKET_INTERVAL[s.bucket];
  const bin = (col: SQL) => sql`date_bin(${step}::interval, ${col}, ${ORIGIN}::timestamptz)`;
  const rows = await selectRows<CountRow & { start: string | Date | null }>(
    db,
    sql`WITH ${runsInRange(s)}
      SELECT ${bin(sql`r.created_at`)} AS start, ${counts}
      FROM r GROUP BY GROUPING SETS ((1), ())`,
  );
  const total = rows.find((r) => r.start === null);
  const byStart = new Map(rows.filter((r) => r.start !== null).map((r) => [iso(r.start!), r]));
  // date_bin in UTC has no DST: the first bucket's start is plain arithmetic from ORIGIN.
  const stepMs = s.bucket === 'hour' ? 3_600_000 : 86_400_000;
  const origin = Date.parse(ORIGIN);
  const firstStart = origin + Math.floor((s.from.getTime() - origin) / stepMs) * stepMs;
  const buckets = [];
  for (let t = firstStart; t < s.to.getTime(); t += stepMs) {
    const start = new Date(t).toISOString();
    const one = summaryOf(byStart.get(start));
    buckets.push({
      start,
      success: one.success,
      failed: one.failed,
      cancelled: one.cancelled,
      inProgress: one.inProgress,
      p50Ms: one.p50Ms,
      p95Ms: one.p95Ms,
    });
  }
  return { summary: summaryOf(total), buckets };
}

/** The newest `pointsLimit` runs of the range (one more is read to tell truncation). */
export async function runPoints(db: DbOrTx, s: TrendScope) {
  const rows = await selectRows<{
    identifier: string;
    created_at: string | Date;
    result: 'SUCCESS' | 'FAILED' | 'CANCELLED' | null;
    d: number | null;
  }>(
    db,
    sql`WITH ${runsInRange(s)}
      SELECT identifier, created_at, result, d FROM r
      ORDER BY created_at DESC, identifier DESC LIMIT ${s.pointsLimit + 1}`,
  );
  return {
    points: rows
      .slice(0, s.pointsLimit)
      .reverse()
      .map((r) => ({
        identifier: r.identifier,
        createdAt: iso(r.created_at),
        durationMs: num(r.d),
        result: r.result,
      })),
    truncated: rows.length > s.pointsLimit,
  };
}

/** The node runs of node `ids.id` in the range that the caller may view. */
const inNodeRange = (s: TrendScope) => sql`
  d.workflow_identifier = ${s.workflowIdentifier} AND d.node_identifier = ids.id
  AND d.run_created_at >= ${s.from.toISOString()}::timestamptz
  AND d.run_created_at < ${s.to.toISOString()}::timestamptz
  AND ${s.visible('d')}`;

/**
 * Per node: completed node runs of the range's runs (re-used ones and the trigger left out),
 * failures, p50/p95 duration, and the median of each half of the range. Slowest p95 first.
 * Read from node_run_durations (one narrow row per such node run, carrying its run's workflow,
 * creation time and visibility), so it never joins node_runs to workflow_runs: the workflow's
 * node identifiers are walked in the index (a loose index scan), and each node's slice of the
 * range is one index-only range scan aggregated on its own, with no sort of the whole range by
 * node. The title is the node's newest one in the range.
 */
export async function nodeTrends(db: DbOrTx, s: TrendScope) {
  const mid = new Date((s.from.getTime() + s.to.getTime()) / 2).toISOString();
  const rows = await selectRows<{
    node_identifier: string;
    title: string | null;
    runs: number;
    failures: number;
    p: (number | null)[] | null;
    first_half: number | null;
    second_half: number | null;
  }>(
    db,
    sql`WITH RECURSIVE ids AS (
        SELECT (SELECT min(node_identifier) FROM node_run_durations
                WHERE workflow_identifier = ${s.workflowIdentifier}) AS id
        UNION ALL
        SELECT (SELECT min(node_identifier) FROM node_run_durations
                WHERE workflow_identifier = ${s.workflowIdentifier} AND node_identifier > ids.id)
        FROM ids WHERE ids.id IS NOT NULL
      )
      SELECT ids.id AS node_identifier, t.title, a.runs, a.failures, a.p, a.first_half, a.second_half
      FROM ids
      CROSS JOIN LATERAL (
        SELECT count(*)::int AS runs, count(*) FILTER (WHERE d.failed)::int AS failures,
          percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY d.duration_ms) AS p,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY d.duration_ms)
            FILTER (WHERE d.run_created_at < ${mid}::timestamptz) AS first_half,
          percentile_cont(0.5) WITHIN GROUP (ORDER BY d.duration_ms)
            FILTER (WHERE d.run_created_at >= ${mid}::timestamptz) AS second_half
        FROM node_run_durations d
        WHERE ${inNodeRange(s)}
      ) a
      CROSS JOIN LATERAL (
        SELECT d.node_title AS title FROM node_run_durations d
        WHERE ${inNodeRange(s)}
        ORDER BY d.run_created_at DESC LIMIT 1
      ) t
      WHERE ids.id IS NOT NULL AND a.runs > 0`,
  );
  const nodes = rows.map((r) => ({
    nodeIdentifier: r.node_identifier,
    title: r.title,
    runs: r.runs,
    failures: r.failures,
    p50Ms: num(r.p?.[0] ?? null),
    p95Ms: num(r.p?.[1] ?? null),
    firstHalfP50Ms: num(r.first_half),
    secondHalfP50Ms: num(r.second_half),
  }));
  return nodes.sort((a, b) => (b.p95Ms ?? -1) - (a.p95Ms ?? -1));
}
