import { sql } from 'drizzle-orm';
import { TREND_POINTS_MAX, type TrendsQuery, type WorkflowTrends } from '../../contract/trends';
import type { Db } from '../db/client';
import { nodeTrends, runAggregates, runPoints, type TrendScope } from '../db/trends';
import { visibleToSql } from '../db/visibility';
import { getWorkflowRow } from '../db/workflows';
import { invalid } from '../domain/errors';
import type { Actor } from '../domain/permissions';

const HOUR_MS = 3_600_000;
const MAX_BUCKETS = 2000;

/** [ext] A workflow's runs over [from, to): summary, buckets, points and per-node figures. */
export async function workflowTrends(
  db: Db,
  workflowIdentifier: string,
  query: TrendsQuery,
  actor: Actor,
  now: Date,
): Promise<WorkflowTrends> {
  await getWorkflowRow(db, workflowIdentifier);
  const from = new Date(query.from);
  const to = query.to ? new Date(query.to) : now;
  if (to <= from) throw invalid('to must be after from');
  const span = to.getTime() - from.getTime();
  const bucket = query.bucket ?? (span <= 48 * HOUR_MS ? 'hour' : 'day');
  if (span / (bucket === 'hour' ? HOUR_MS : 24 * HOUR_MS) > MAX_BUCKETS) {
    throw invalid(`the range holds more than ${MAX_BUCKETS} ${bucket}s; use a wider bucket`);
  }
  const scope: TrendScope = {
    workflowIdentifier,
    from,
    to,
    bucket,
    visible: (alias) =>
      visibleToSql(actor, {
        allowAnyoneToView: sql.raw(`${alias}.allow_anyone_to_view`),
        createdBy: sql.raw(`${alias}.created_by`),
      }),
    pointsLimit: TREND_POINTS_MAX,
  };
  // One snapshot for the three reads, and room to sort durations in memory rather than on disk.
  const { summary, buckets, points, truncated, nodes } = await db.transaction(
    async (tx) => {
      await tx.execute(sql`SET LOCAL work_mem = '64MB'`);
      const aggregates = await runAggregates(tx, scope);
      const { points, truncated } = await runPoints(tx, scope);
      return { ...aggregates, points, truncated, nodes: await nodeTrends(tx, scope) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return {
    workflowIdentifier,
    from: from.toISOString(),
    to: to.toISOString(),
    bucket,
    summary,
    points,
    pointsTruncated: truncated,
    buckets,
    nodes,
  };
}
