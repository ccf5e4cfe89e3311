import { sql, type SQL } from 'drizzle-orm';
import type { TrendBucket } from '../../contract/trends';
import { selectRows, type DbOrTx } from './client';

/** Aggregates of one workflow's runs over a time range, all computed by PostgreSQL. */

export interface TrendScope {
  workflowIdentifier: string;
  from: Date;
  to: Date;
  bucket: TrendBucket;
  /** The visibility predicate over the alias `wr` (db/visibility.ts `visibleToSql`). */
  visible: SQL;
  pointsLimit: number;
}

const BUCKET_INTERVAL: Record<TrendBucket, string> = { hour: '1 hour', day: '24 hours' };
/** Buckets start at UTC midnight (or the hour): date_bin from this origin. */
const ORIGIN = '2000-01-01T00:00:00Z';

const iso = (v: string | Date) => new Date(v).toISOString();
const num = (v: number | string | null) => (v === null ? null : Number(v));

/** The runs of the range as the CTE `r`, with `d` their duration in ms (null in progress). */
const runsInRange = (s: TrendScope) => sql`
  r AS (
    SELECT wr.identifier, wr.created_at, wr.status, wr.result,
      (extract(epoch FROM wr.completed_at - wr.created_at) * 1000)::float8 AS d
    FROM workflow_runs wr
    WHERE wr.workflow_identifier = ${s.workflowIdentifier}
      AND wr.created_at >= ${s.from.toISOString()}::timestamptz
      AND wr.created_at < ${s.to.toISOString()}::timestamptz
      AND ${s.visible}
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
  const [first] = await selectRows<{ start: string | Date }>(
    db,
    sql`SELECT ${bin(sql`${s.from.toISOString()}::timestamptz`)} AS start`,
  );
  const stepMs = s.bucket === 'hour' ? 3_600_000 : 86_400_000;
  const buckets = [];
  for (let t = new Date(first!.start).getTime(); t < s.to.getTime(); t += stepMs) {
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

/**
 * Per node: completed node runs of the range's runs (re-used ones and the trigger left out),
 * failures, p50/p95 duration, and the median of each half of the range. Slowest p95 first.
 */
export async function nodeTrends(db: DbOrTx, s: TrendScope) {
  const mid = new Date((s.from.getTime() + s.to.getTime()) / 2).toISOString();
  const d = sql`(extract(epoch FROM n.completed_at - n.created_at) * 1000)::float8`;
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
    sql`SELECT n.node_identifier, max(n.node_title) AS title, count(*)::int AS runs,
        count(*) FILTER (WHERE n.result = 'FAILED')::int AS failures,
        percentile_cont(ARRAY[0.5, 0.95]) WITHIN GROUP (ORDER BY ${d}) AS p,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ${d})
          FILTER (WHERE wr.created_at < ${mid}::timestamptz) AS first_half,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY ${d})
          FILTER (WHERE wr.created_at >= ${mid}::timestamptz) AS second_half
      FROM workflow_runs wr
      JOIN node_runs n ON n.workflow_run_identifier = wr.identifier
      WHERE wr.workflow_identifier = ${s.workflowIdentifier}
        AND wr.created_at >= ${s.from.toISOString()}::timestamptz
        AND wr.created_at < ${s.to.toISOString()}::timestamptz
        AND ${s.visible}
        AND n.status = 'COMPLETED' AND n.reused_from IS NULL
        AND n.node_config_type NOT LIKE '%TRIGGER'
      GROUP BY n.node_identifier
      ORDER BY n.node_identifier`,
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
