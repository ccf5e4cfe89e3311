import {
  and,
  asc,
  desc,
  eq,
  getTableColumns,
  gte,
  inArray,
  lte,
  or,
  sql,
  type SQL,
} from 'drizzle-orm';
import type {
  LogLevel,
  LogsQuery,
  NodeRunPatch,
  RunResult,
  RunStatus,
  RunsListQuery,
  WorkflowNode,
} from '../../contract/workflows';
import { seqCursor } from '../../contract/common';
import { invalid, notFound, runExhausted } from '../domain/errors';
import { triggerNode, type Graph } from '../domain/graph';
import { newNodeRunId, newWorkflowRunId } from '../domain/ids';
import { canViewRun, isPrivileged, type Actor } from '../domain/permissions';
import { assertCanControl } from '../domain/run-controls';
import { decideAdvance } from '../../contract/graph';
import { recordAudit } from './audit';
import type { Db, DbOrTx, Tx } from './client';
import { decodeCursor, encodeCursor, exactAt, isStringKey, newestFirst, olderThan } from './cursor';
import { nodeRunLogs, nodeRuns, workflowRuns } from './schema';
import {
  groupBy,
  toLogLine,
  toWorkflowRun,
  type NodeRunRow,
  type WorkflowRunRow,
} from './serialize';
import { getWorkflowRow, workflowGraphAt } from './workflows';

export interface LogInput {
  level: LogLevel;
  message: string;
  tags?: Record<string, string> | undefined;
}

const INSERT_CHUNK = 5000;

export async function loadRunVisible(db: DbOrTx, identifier: string, actor: Actor, lock = false) {
  const query = db.select().from(workflowRuns).where(eq(workflowRuns.identifier, identifier));
  const [row] = lock ? await query.for('update') : await query;
  // A run the caller may not view answers exactly like a run that does not exist.
  if (!row || !canViewRun(actor, row)) throw notFound(`Workflow run "${identifier}"`);
  return row;
}

export async function nodeRunsOf(db: DbOrTx, runIdentifier: string) {
  return db
    .select()
    .from(nodeRuns)
    .where(eq(nodeRuns.workflowRunIdentifier, runIdentifier))
    .orderBy(asc(nodeRuns.ord));
}

export async function getWorkflowRun(db: DbOrTx, identifier: string, actor: Actor) {
  const row = await loadRunVisible(db, identifier, actor);
  return toWorkflowRun(
    row,
    await nodeRunsOf(db, identifier),
    await rerunsOf(db, identifier, actor),
  );
}

/** Runs the actor may not view stay out of lists, feeds and links, as if they did not exist. */
export function visibleRuns(actor: Actor): SQL | undefined {
  return isPrivileged(actor)
    ? undefined
    : or(eq(workflowRuns.allowAnyoneToView, true), eq(workflowRuns.createdBy, actor.id));
}

/** The runs that re-ran `identifier` and that the actor may view, oldest first. */
export async function rerunsOf(db: DbOrTx, identifier: string, actor: Actor) {
  const rows = await db
    .select({ identifier: workflowRuns.identifier })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.rerunOf, identifier), visibleRuns(actor)))
    .orderBy(asc(workflowRuns.createdAt), asc(workflowRuns.identifier));
  return rows.map((r) => r.identifier);
}

export function graphOf(workflow: { nodes: unknown; connections: unknown }): Graph {
  return {
    nodes: workflow.nodes as Graph['nodes'],
    connections: workflow.connections as Graph['connections'],
  };
}

export function newNodeRun(runIdentifier: string, node: WorkflowNode, now: Date) {
  return {
    identifier: newNodeRunId(),
    workflowRunIdentifier: runIdentifier,
    nodeIdentifier: node.identifier,
    nodeTitle: node.title ?? null,
    nodeIcon: node.icon ?? null,
    nodeConfigType: node.config.type,
    status: 'IN_PROGRESS' as const,
    createdAt: now,
    updatedAt: now,
  };
}

export async function startWorkflowRun(
  db: Db,
  workflowIdentifier: string,
  body: { inputs: Record<string, unknown>; entity?: string | undefined },
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const workflow = await getWorkflowRow(tx, workflowIdentifier);
    const graph = graphOf(workflow);
    const trigger = triggerNode(graph);
    const identifier = newWorkflowRunId();
    await tx.insert(workflowRuns).values({
      identifier,
      workflowIdentifier,
      workflowVersion: workflow.version,
      title: workflow.title,
      icon: workflow.icon,
      status: 'IN_PROGRESS',
      outputs: { [trigger.identifier]: body.inputs },
      inputs: body.inputs,
      entity: body.entity ?? null,
      allowAnyoneToView: workflow.allowAnyoneToViewRuns,
      createdBy: actor.id,
      createdAt: now,
      updatedAt: now,
    });
    await tx.insert(nodeRuns).values({
      ...newNodeRun(identifier, trigger, now),
      status: 'COMPLETED',
      result: 'SUCCESS',
      output: body.inputs,
      completedAt: now,
    });
    await advance(tx, identifier, graph, now);
    return toWorkflowRun(
      await loadRunVisible(tx, identifier, actor),
      await nodeRunsOf(tx, identifier),
      [],
    );
  });
}

/** Applies the advance rules to a run whose row the transaction has locked. */
export async function advance(
  tx: Tx,
  runIdentifier: string,
  graph: Graph,
  now: Date,
  status: RunStatus = 'IN_PROGRESS',
) {
  const runs = await nodeRunsOf(tx, runIdentifier);
  const decision = decideAdvance(graph, runs, status);
  const nodes = new Map(graph.nodes.map((n) => [n.identifier, n]));
  const toStart = decision.start.flatMap((id) => {
    const node = nodes.get(id);
    return node ? [newNodeRun(runIdentifier, node, now)] : [];
  });
  if (toStart.length > 0) await tx.insert(nodeRuns).values(toStart);
  if (decision.complete) await completeRun(tx, runIdentifier, decision.complete, now);
}

export async function completeRun(tx: Tx, runIdentifier: string, result: RunResult, now: Date) {
  // Node runs still going when another node terminated the run end CANCELLED, so a finished
  // run never shows work in progress and late PATCHes get run_exhausted.
  await tx
    .update(nodeRuns)
    .set({ status: 'COMPLETED', result: 'CANCELLED', completedAt: now, updatedAt: now })
    .where(
      and(eq(nodeRuns.workflowRunIdentifier, runIdentifier), eq(nodeRuns.status, 'IN_PROGRESS')),
    );
  await tx
    .update(workflowRuns)
    .set({ status: 'COMPLETED', result, completedAt: now, updatedAt: now })
    .where(
      and(eq(workflowRuns.identifier, runIdentifier), sql`${workflowRuns.completedAt} IS NULL`),
    );
}

/** Locks the run that owns a node run, then reads the node run; 404 when either is not visible. */
async function lockNodeRun(
  tx: Tx,
  nodeRunIdentifier: string,
  actor: Actor,
  runIdentifier?: string,
) {
  const [owner] = await tx
    .select({ run: nodeRuns.workflowRunIdentifier })
    .from(nodeRuns)
    .where(eq(nodeRuns.identifier, nodeRunIdentifier));
  if (!owner || (runIdentifier !== undefined && owner.run !== runIdentifier)) {
    throw notFound(`Node run "${nodeRunIdentifier}"`);
  }
  const run = await loadRunVisible(tx, owner.run, actor, true).catch(() => {
    throw notFound(`Node run "${nodeRunIdentifier}"`);
  });
  const [nodeRun] = await tx
    .select()
    .from(nodeRuns)
    .where(eq(nodeRuns.identifier, nodeRunIdentifier));
  if (!nodeRun) throw notFound(`Node run "${nodeRunIdentifier}"`);
  return { run, nodeRun };
}

export function assertOpen(nodeRun: NodeRunRow) {
  if (nodeRun.status === 'COMPLETED') {
    const at = nodeRun.completedAt ? ` at ${nodeRun.completedAt.toISOString()}` : '';
    throw runExhausted(
      `Node run "${nodeRun.identifier}" already completed with result ${nodeRun.result}${at}; a completed node run cannot be changed`,
    );
  }
}

/** Appends lines to a node run whose workflow run row is locked by `tx`. */
export async function appendLogs(
  tx: Tx,
  run: WorkflowRunRow,
  nodeRun: NodeRunRow,
  lines: LogInput[],
  now: Date,
) {
  if (lines.length === 0) return;
  const count = (level: LogLevel) => lines.filter((l) => l.level === level).length;
  const [updated] = await tx
    .update(nodeRuns)
    .set({
      logSeq: sql`${nodeRuns.logSeq} + ${lines.length}`,
      debugCount: sql`${nodeRuns.debugCount} + ${count('DEBUG')}`,
      infoCount: sql`${nodeRuns.infoCount} + ${count('INFO')}`,
      warnCount: sql`${nodeRuns.warnCount} + ${count('WARN')}`,
      errorCount: sql`${nodeRuns.errorCount} + ${count('ERROR')}`,
      updatedAt: now,
    })
    .where(eq(nodeRuns.identifier, nodeRun.identifier))
    .returning({ logSeq: nodeRuns.logSeq });
  const [runUpdated] = await tx
    .update(workflowRuns)
    .set({ logSeq: sql`${workflowRuns.logSeq} + ${lines.length}`, updatedAt: now })
    .where(eq(workflowRuns.identifier, run.identifier))
    .returning({ logSeq: workflowRuns.logSeq });
  if (!updated || !runUpdated) throw notFound(`Node run "${nodeRun.identifier}"`);
  const firstSeq = updated.logSeq - lines.length + 1;
  const firstRunSeq = runUpdated.logSeq - lines.length + 1;
  const rows = lines.map((line, i) => ({
    workflowRunIdentifier: run.identifier,
    nodeRunIdentifier: nodeRun.identifier,
    seq: firstSeq + i,
    runSeq: firstRunSeq + i,
    level: line.level,
    message: line.message,
    tags: line.tags ?? null,
    createdAt: now,
  }));
  for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
    await tx.insert(nodeRunLogs).values(rows.slice(i, i + INSERT_CHUNK));
  }
}

export async function patchNodeRun(
  db: Db,
  nodeRunIdentifier: string,
  body: NodeRunPatch,
  actor: Actor,
  now: Date,
  runIdentifier?: string,
) {
  await db.transaction(async (tx) => {
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunIdentifier, actor, runIdentifier);
    // Ending a node run ends work someone started: the run-control rule applies, as for /complete.
    if (body.status === 'COMPLETED') {
      assertCanControl(actor, run, `workflow run "${run.identifier}"`, 'complete its node runs');
    }
    assertOpen(nodeRun);
    const logs = (body.logs ?? []).map((l) => ({
      level: l.logLevel,
      message: l.log,
      tags: l.tags,
    }));
    await appendLogs(tx, run, nodeRun, logs, now);
    const completing = body.status === 'COMPLETED';
    if (body.output !== undefined || completing) {
      await tx
        .update(nodeRuns)
        .set({
          ...(body.output !== undefined ? { output: body.output } : {}),
          ...(completing ? { status: 'COMPLETED', result: body.result, completedAt: now } : {}),
          updatedAt: now,
        })
        .where(eq(nodeRuns.identifier, nodeRunIdentifier));
    }
    if (body.output !== undefined) {
      await tx
        .update(workflowRuns)
        .set({
          outputs: sql`${workflowRuns.outputs} || jsonb_build_object(${nodeRun.nodeIdentifier}::text, ${JSON.stringify(body.output)}::jsonb)`,
          updatedAt: now,
        })
        .where(eq(workflowRuns.identifier, run.identifier));
    }
    if (body.reason !== undefined) {
      // A manual mark ([ext] `reason`): who, when and why, before/after, in the audit log.
      await recordAudit(tx, {
        action: 'UPDATE',
        resourceType: 'run',
        userId: actor.id,
        origin: 'API',
        at: now,
        blueprintIdentifier: null,
        entityIdentifier: run.entity,
        runId: run.identifier,
        before: { nodeRun: nodeRun.identifier, status: nodeRun.status, result: nodeRun.result },
        after: {
          nodeRun: nodeRun.identifier,
          status: 'COMPLETED',
          result: body.result,
          reason: body.reason,
        },
        run,
      });
    }
    if (completing && run.status !== 'COMPLETED') {
      const graph = await workflowGraphAt(tx, run.workflowIdentifier, run.workflowVersion);
      if (graph) await advance(tx, run.identifier, graphOf(graph), now, run.status);
      else {
        const result = run.status === 'CANCELLING' ? 'CANCELLED' : (body.result ?? 'SUCCESS');
        await completeRun(tx, run.identifier, result, now);
      }
    }
  });
}

export async function postNodeRunLogs(
  db: Db,
  nodeRunIdentifier: string,
  lines: LogInput[],
  actor: Actor,
  now: Date,
) {
  await db.transaction(async (tx) => {
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunIdentifier, actor);
    assertOpen(nodeRun);
    await appendLogs(tx, run, nodeRun, lines, now);
  });
}

// ---- reads ---------------------------------------------------------------------------------

export async function listWorkflowRuns(db: DbOrTx, query: RunsListQuery, actor: Actor) {
  const where: (SQL | undefined)[] = [];
  if (query.workflowIdentifiers?.length)
    where.push(inArray(workflowRuns.workflowIdentifier, query.workflowIdentifiers));
  if (query.workflowRunIdentifiers?.length)
    where.push(inArray(workflowRuns.identifier, query.workflowRunIdentifiers));
  if (query.workflowVersions?.length)
    where.push(inArray(workflowRuns.workflowVersion, query.workflowVersions));
  if (query.statuses?.length) where.push(inArray(workflowRuns.status, query.statuses));
  if (query.results?.length) where.push(inArray(workflowRuns.result, query.results));
  if (query.createdBy) where.push(eq(workflowRuns.createdBy, query.createdBy));
  if (query.entity) where.push(eq(workflowRuns.entity, query.entity));
  if (query.from) where.push(gte(workflowRuns.createdAt, new Date(query.from)));
  if (query.to) where.push(lte(workflowRuns.createdAt, new Date(query.to)));
  where.push(visibleRuns(actor));
  if (query.cursor) {
    const c = decodeCursor(query.cursor, isStringKey, 'cursor');
    where.push(olderThan(workflowRuns.createdAt, workflowRuns.identifier, c));
  }
  const rows = await db
    .select({ ...getTableColumns(workflowRuns), cursorAt: exactAt(workflowRuns.createdAt) })
    .from(workflowRuns)
    .where(and(...where))
    .orderBy(...newestFirst(workflowRuns.createdAt, workflowRuns.identifier))
    .limit(query.limit + 1)
    .offset(query.cursor ? 0 : (query.offset ?? 0));
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  const nextCursor =
    rows.length > query.limit && last
      ? encodeCursor({ t: last.cursorAt, k: last.identifier })
      : null;
  const ids = page.map((r) => r.identifier);
  const nodeRows = ids.length
    ? await db
        .select()
        .from(nodeRuns)
        .where(inArray(nodeRuns.workflowRunIdentifier, ids))
        .orderBy(asc(nodeRuns.ord))
    : [];
  const byRun = groupBy(nodeRows, (r) => r.workflowRunIdentifier);
  return {
    workflowRuns: page.map((r) => toWorkflowRun(r, byRun.get(r.identifier) ?? [])),
    nextCursor,
  };
}

function parseSeqCursor(raw: string | undefined): number {
  if (raw === undefined) return 0;
  if (!seqCursor.safeParse(raw).success) {
    throw invalid('cursor must be the nextCursor of a previous page');
  }
  return Number(raw);
}

function escapeLike(q: string) {
  return q.replace(/[\\%_]/g, (ch) => `\\${ch}`);
}

/**
 * One page of log lines for a node run (`scope.nodeRun`) or a whole run, in sequence order,
 * resuming after `cursor`. `nextCursor` is null only when no line can follow: the node run (or
 * run) has completed and the page is short or a tail page; otherwise it is where the next poll
 * resumes.
 */
export async function readLogs(
  db: DbOrTx,
  scope: { nodeRun: string } | { run: string },
  query: LogsQuery,
  actor: Actor,
) {
  let finished: boolean;
  let counts: Record<LogLevel, number> | null = null;
  if ('nodeRun' in scope) {
    const [nodeRun] = await db
      .select()
      .from(nodeRuns)
      .where(eq(nodeRuns.identifier, scope.nodeRun));
    if (!nodeRun) throw notFound(`Node run "${scope.nodeRun}"`);
    await loadRunVisible(db, nodeRun.workflowRunIdentifier, actor).catch(() => {
      throw notFound(`Node run "${scope.nodeRun}"`);
    });
    finished = nodeRun.status === 'COMPLETED';
    counts = {
      DEBUG: nodeRun.debugCount,
      INFO: nodeRun.infoCount,
      WARN: nodeRun.warnCount,
      ERROR: nodeRun.errorCount,
    };
  } else {
    const run = await loadRunVisible(db, scope.run, actor);
    finished = run.status === 'COMPLETED';
  }
  const seqCol = 'nodeRun' in scope ? nodeRunLogs.seq : nodeRunLogs.runSeq;
  const filters: (SQL | undefined)[] = [
    'nodeRun' in scope
      ? eq(nodeRunLogs.nodeRunIdentifier, scope.nodeRun)
      : eq(nodeRunLogs.workflowRunIdentifier, scope.run),
  ];
  if (query.level?.length) filters.push(inArray(nodeRunLogs.level, query.level));
  if (query.q) filters.push(sql`${nodeRunLogs.message} ILIKE ${`%${escapeLike(query.q)}%`}`);
  const after = parseSeqCursor(query.cursor);
  const tail = query.tail === 'true' && query.cursor === undefined;
  const rows = await db
    .select()
    .from(nodeRunLogs)
    .where(and(...filters, sql`${seqCol} > ${after}`))
    .orderBy(tail ? desc(seqCol) : asc(seqCol))
    .limit(query.limit);
  if (tail) rows.reverse();
  const seqOf = 'nodeRun' in scope ? 'seq' : 'runSeq';
  const lastSeq = rows.length ? rows[rows.length - 1]![seqOf] : after;
  const nextCursor = finished && (tail || rows.length < query.limit) ? null : String(lastSeq);
  return {
    logs: rows.map((r) => toLogLine(r, seqOf)),
    nextCursor,
    total: await countLogs(db, filters, counts, query),
  };
}

async function countLogs(
  db: DbOrTx,
  filters: (SQL | undefined)[],
  counts: Record<LogLevel, number> | null,
  query: LogsQuery,
) {
  if (counts && !query.q) {
    const levels = query.level?.length ? query.level : (Object.keys(counts) as LogLevel[]);
    return levels.reduce((sum, l) => sum + counts[l], 0);
  }
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(nodeRunLogs)
    .where(and(...filters));
  return Number(row?.n ?? 0);
}

/** Lines inlined into a run for Port's older `nodeRunLogs` shape (`?includeLogs=true`). */
export async function inlineLogs(db: DbOrTx, runIdentifier: string) {
  const rows = await db
    .select()
    .from(nodeRunLogs)
    .where(eq(nodeRunLogs.workflowRunIdentifier, runIdentifier))
    .orderBy(asc(nodeRunLogs.runSeq))
    .limit(10000);
  return groupBy(rows, (r) => r.nodeRunIdentifier);
}
