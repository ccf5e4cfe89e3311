import { asc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { ACTIVITY_STATUS_OF, type ActivityItem, type ActivityQuery } from '../../contract/entities';
import { toRunV2 } from './action-run-serialize';
import { runSelection } from './action-runs';
import { runGone, toAuditEntry, type RunRetention } from './audit';
import { getBlueprintRow } from './blueprints';
import { selectRows, type DbOrTx } from './client';
import { decodeCursor, encodeCursor, exactAt, isStringKey, olderThan } from './cursor';
import { actionRuns, actions, auditLog, nodeRuns, workflowRuns } from './schema';
import { groupBy, toWorkflowRun } from './serialize';
import type { VisibilityColumns } from './visibility';

type ActivityType = ActivityItem['type'];

/**
 * One entity's feed: the workflow runs about it (workflow runs name their entity by identifier
 * only), the action runs on it and the audit entries of its changes, newest first. Each source is
 * cut to a page before the merge, and the keyset (at, key) is unique across sources because the
 * keys carry their kind's prefix (wfr_, r_, aud_). `visible` is the run-visibility predicate
 * over a source's columns. `type` keeps one source; `status` keeps the runs in that bucket
 * (ACTIVITY_STATUS_OF) and no changes, so every page is full of what the filters ask for.
 */
export async function entityActivity(
  db: DbOrTx,
  blueprint: string,
  entity: string,
  query: Omit<ActivityQuery, 'limit'> & { limit: number },
  visible: (columns: VisibilityColumns) => SQL,
  retention: RunRetention,
) {
  await getBlueprintRow(db, blueprint);
  const after = query.cursor ? decodeCursor(query.cursor, isStringKey, 'query.cursor:') : null;
  const n = query.limit + 1;
  const before = (at: SQL, key: SQL) => (after ? sql`AND ${olderThan(at, key, after)}` : sql``);
  const visibleAs = (allowAnyoneToView: SQL, createdBy: SQL) =>
    sql`AND ${visible({ allowAnyoneToView, createdBy })}`;
  const bucket = query.status ? ACTIVITY_STATUS_OF[query.status] : null;
  const wanted = (type: ActivityType) =>
    (query.type === undefined || query.type === type) && (bucket === null || type !== 'audit');

  const sources: SQL[] = [];
  if (wanted('workflowRun')) {
    const inBucket = bucket
      ? sql`AND (${sql.join(
          bucket.workflowRun.map((s) =>
            s.result === undefined
              ? sql`w.status = ${s.status}`
              : sql`(w.status = ${s.status} AND w.result IS NOT DISTINCT FROM ${s.result})`,
          ),
          sql` OR `,
        )})`
      : sql``;
    sources.push(sql`
      (SELECT 'workflowRun' AS type, w.created_at AS at, w.identifier AS key
       FROM ${workflowRuns} w
       WHERE w.entity = ${entity} ${inBucket}
         ${visibleAs(sql`w.allow_anyone_to_view`, sql`w.created_by`)}
         ${before(sql`w.created_at`, sql`w.identifier`)}
       ORDER BY w.created_at DESC, w.identifier DESC LIMIT ${n})`);
  }
  if (wanted('actionRun')) {
    const inBucket = bucket
      ? sql`AND r.status IN (${sql.join(
          bucket.actionRun.map((s) => sql`${s}`),
          sql`, `,
        )})`
      : sql``;
    sources.push(sql`
      (SELECT 'actionRun' AS type, r.created_at AS at, r.id AS key
       FROM ${actionRuns} r
       WHERE r.blueprint_identifier = ${blueprint} AND r.entity_identifier = ${entity} ${inBucket}
         ${visibleAs(sql`r.allow_anyone_to_view`, sql`r.created_by`)}
         ${before(sql`r.created_at`, sql`r.id`)}
       ORDER BY r.created_at DESC, r.id DESC LIMIT ${n})`);
  }
  if (wanted('audit')) {
    sources.push(sql`
      (SELECT 'audit' AS type, a.at, a.identifier AS key
       FROM ${auditLog} a
       WHERE a.resource_type = 'entity' AND a.blueprint_identifier = ${blueprint}
         AND a.entity_identifier = ${entity}
         ${visibleAs(sql`a.allow_anyone_to_view`, sql`a.run_created_by`)}
         ${before(sql`a.at`, sql`a.identifier`)}
       ORDER BY a.at DESC, a.identifier DESC LIMIT ${n})`);
  }
  // Entity changes have no status: with both filters they leave nothing to read.
  if (sources.length === 0) return { activity: [], nextCursor: null };
  const rows = await selectRows<{ type: ActivityType; cursor_at: string; key: string }>(
    db,
    sql`
    SELECT type, ${exactAt(sql`at`)} AS cursor_at, key FROM (
      ${sql.join(sources, sql` UNION ALL `)}
    ) merged
    ORDER BY at DESC, key DESC
    LIMIT ${n}`,
  );
  const page = rows.slice(0, query.limit);
  const keysOf = (type: ActivityType) => page.filter((r) => r.type === type).map((r) => r.key);
  const items = await loadItems(
    db,
    keysOf('workflowRun'),
    keysOf('actionRun'),
    keysOf('audit'),
    retention,
  );
  const activity = page.flatMap((r) => {
    const item = items.get(r.key);
    return item ? [item] : [];
  });
  const last = page[page.length - 1];
  return {
    activity,
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ t: last.cursor_at, k: last.key }) : null,
  };
}

/**
 * A change's run by the name a person knows it by: an action run by its action's title, a
 * workflow run by its title or its workflow's identifier (the names the feed's own rows show);
 * once the run is gone (retention), by what the entry recorded when it was written — the
 * workflow, or the action (by its title while the action exists); null when the change has no
 * run, or its run is gone and the entry named neither.
 */
const runTitleSql = sql<string | null>`coalesce(
  ${actionRuns.actionTitle}, ${actionRuns.actionIdentifier},
  ${workflowRuns.title}, ${workflowRuns.workflowIdentifier},
  ${auditLog.workflowTitle}, ${auditLog.workflowIdentifier},
  (SELECT a.title FROM ${actions} a WHERE a.identifier = ${auditLog.actionIdentifier}),
  ${auditLog.actionIdentifier})`;

/** [ext] The change's run is gone (both left joins found none); null for a change of no run. */
const runDeletedSql = sql<boolean | null>`CASE WHEN ${auditLog.runId} IS NULL THEN NULL
  ELSE ${actionRuns.id} IS NULL AND ${workflowRuns.identifier} IS NULL END`;

async function loadItems(
  db: DbOrTx,
  wfrIds: string[],
  runIds: string[],
  auditIds: string[],
  retention: RunRetention,
) {
  const items = new Map<string, ActivityItem>();
  if (wfrIds.length) {
    const [runs, nodes] = await Promise.all([
      db.select().from(workflowRuns).where(inArray(workflowRuns.identifier, wfrIds)),
      db
        .select()
        .from(nodeRuns)
        .where(inArray(nodeRuns.workflowRunIdentifier, wfrIds))
        .orderBy(asc(nodeRuns.ord)),
    ]);
    const byRun = groupBy(nodes, (r) => r.workflowRunIdentifier);
    for (const run of runs) {
      const nodeRows = byRun.get(run.identifier) ?? [];
      const sum = (pick: (r: (typeof nodeRows)[number]) => number) =>
        nodeRows.reduce((total, r) => total + pick(r), 0);
      items.set(run.identifier, {
        type: 'workflowRun',
        at: run.createdAt.toISOString(),
        item: {
          ...toWorkflowRun(run, nodeRows),
          logCounts: { WARN: sum((r) => r.warnCount), ERROR: sum((r) => r.errorCount) },
        },
      });
    }
  }
  if (runIds.length) {
    const runs = await db
      .select(runSelection)
      .from(actionRuns)
      .where(inArray(actionRuns.id, runIds));
    for (const r of runs) {
      items.set(r.run.id, {
        type: 'actionRun',
        at: r.run.createdAt.toISOString(),
        item: { ...toRunV2(r), logCounts: { WARN: r.run.warnCount, ERROR: r.run.errorCount } },
      });
    }
  }
  if (auditIds.length) {
    // Each change with its run's name (left joins on the runs' primary keys), in this query.
    const audits = await db
      .select({
        ...getTableColumns(auditLog),
        runTitle: runTitleSql,
        runDeleted: runDeletedSql,
      })
      .from(auditLog)
      .leftJoin(actionRuns, eq(actionRuns.id, auditLog.runId))
      .leftJoin(workflowRuns, eq(workflowRuns.identifier, auditLog.runId))
      .where(inArray(auditLog.identifier, auditIds));
    for (const { runTitle, runDeleted, ...a } of audits) {
      items.set(a.identifier, {
        type: 'audit',
        at: a.at.toISOString(),
        item: toAuditEntry(a),
        runTitle,
        ...runGone(runDeleted, a.at, retention),
      });
    }
  }
  return items;
}
