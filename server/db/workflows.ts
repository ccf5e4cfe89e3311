import { and, asc, eq, max, sql, type SQL } from 'drizzle-orm';
import type { WorkflowBody } from '../../contract/workflows';
import { conflict, notFound } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { selectRows, type DbOrTx } from './client';
import type { VisibilityColumns } from './visibility';
import { workflowVersions, workflows } from './schema';
import { toGraph, toWorkflow } from './serialize';
import { createdStamps } from './stamps';

export async function listWorkflows(db: DbOrTx) {
  const rows = await db.select().from(workflows).orderBy(asc(workflows.title));
  return rows.map(toWorkflow);
}

/**
 * [ext] Per workflow, over the runs `visible` lets through: the latest, those in progress, the
 * total.
 */
export async function workflowStats(db: DbOrTx, visible: (columns: VisibilityColumns) => SQL) {
  const s = visible({
    allowAnyoneToView: sql`allow_anyone_to_view`,
    createdBy: sql`created_by`,
  });
  const l = visible({
    allowAnyoneToView: sql`r.allow_anyone_to_view`,
    createdBy: sql`r.created_by`,
  });
  const rows = await selectRows<{
    workflow_identifier: string;
    total: number;
    in_progress: number;
    last_identifier: string;
    last_status: string;
    last_result: string | null;
    last_created_at: string;
  }>(
    db,
    sql`
    SELECT s.workflow_identifier, s.total::int AS total, s.in_progress::int AS in_progress,
           l.identifier AS last_identifier, l.status AS last_status, l.result AS last_result,
           l.created_at AS last_created_at
    FROM (SELECT workflow_identifier, count(*) AS total,
                 count(*) FILTER (WHERE status <> 'COMPLETED') AS in_progress
          FROM workflow_runs WHERE ${s} GROUP BY workflow_identifier) s
    CROSS JOIN LATERAL (
      SELECT identifier, status, result, created_at FROM workflow_runs r
      WHERE r.workflow_identifier = s.workflow_identifier AND ${l}
      ORDER BY created_at DESC, identifier DESC LIMIT 1) l`,
  );
  return new Map(
    rows.map((r) => [
      r.workflow_identifier,
      {
        total: Number(r.total),
        inProgress: Number(r.in_progress),
        lastRun: {
          identifier: r.last_identifier,
          status: r.last_status,
          result: r.last_result,
          createdAt: new Date(r.last_created_at).toISOString(),
        },
      },
    ]),
  );
}

export async function getWorkflowRow(db: DbOrTx, identifier: string) {
  const [row] = await db.select().from(workflows).where(eq(workflows.identifier, identifier));
  if (!row) throw notFound(`Workflow "${identifier}"`);
  return row;
}

/**
 * Whether the workflow exists, share-locking its row until the transaction ends (a concurrent
 * delete waits for it, a concurrent edit does not).
 */
export async function lockWorkflowRow(db: DbOrTx, identifier: string): Promise<boolean> {
  const rows = await db
    .select({ identifier: workflows.identifier })
    .from(workflows)
    .where(eq(workflows.identifier, identifier))
    .for('key share');
  return rows.length > 0;
}

/** Keeps the graph of a workflow version for the runs that start on it. */
async function recordVersion(
  db: DbOrTx,
  row: { identifier: string; version: number; nodes: unknown; connections: unknown },
  now: Date,
) {
  await db.insert(workflowVersions).values({
    workflowIdentifier: row.identifier,
    version: row.version,
    nodes: row.nodes,
    connections: row.connections,
    createdAt: now,
  });
}

/** The stored graph of one workflow version, if kept. */
export async function workflowVersionRow(db: DbOrTx, identifier: string, version: number) {
  const [row] = await db
    .select()
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.workflowIdentifier, identifier),
        eq(workflowVersions.version, version),
      ),
    );
  return row;
}

/** The graph a run of `version` advances by: that version's, or the workflow's current one. */
export async function workflowGraphAt(db: DbOrTx, identifier: string, version: number) {
  const row = await workflowVersionRow(db, identifier, version);
  const graph = row ?? (await getWorkflowRow(db, identifier).catch(() => null));
  return graph ? toGraph(graph) : null;
}

export async function insertWorkflow(db: DbOrTx, body: WorkflowBody, actor: Actor, now: Date) {
  return db.transaction(async (tx) => {
    // A re-created identifier numbers on from its deleted predecessor, whose runs keep their
    // versions' graphs.
    const [previous] = await tx
      .select({ version: max(workflowVersions.version) })
      .from(workflowVersions)
      .where(eq(workflowVersions.workflowIdentifier, body.identifier));
    const rows = await tx
      .insert(workflows)
      .values({
        identifier: body.identifier,
        title: body.title,
        icon: body.icon ?? null,
        description: body.description ?? null,
        category: body.category ?? null,
        allowAnyoneToViewRuns: body.allowAnyoneToViewRuns,
        nodes: body.nodes,
        connections: body.connections,
        version: (previous?.version ?? 0) + 1,
        ...createdStamps(actor, now),
      })
      .onConflictDoNothing()
      .returning();
    const row = rows[0];
    if (!row) throw conflict(`A workflow with identifier "${body.identifier}" already exists`);
    await recordVersion(tx, row, now);
    return toWorkflow(row);
  });
}

export async function updateWorkflow(
  db: DbOrTx,
  identifier: string,
  body: Omit<WorkflowBody, 'identifier'>,
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(workflows)
      .set({
        title: body.title,
        icon: body.icon ?? null,
        description: body.description ?? null,
        category: body.category ?? null,
        allowAnyoneToViewRuns: body.allowAnyoneToViewRuns,
        nodes: body.nodes,
        connections: body.connections,
        version: sql`${workflows.version} + 1`,
        updatedBy: actor.id,
        updatedAt: now,
      })
      .where(eq(workflows.identifier, identifier))
      .returning();
    if (!row) throw notFound(`Workflow "${identifier}"`);
    await recordVersion(tx, row, now);
    return toWorkflow(row);
  });
}

export async function deleteWorkflowRow(db: DbOrTx, identifier: string) {
  const [row] = await db.delete(workflows).where(eq(workflows.identifier, identifier)).returning();
  if (!row) throw notFound(`Workflow "${identifier}"`);
  return toWorkflow(row);
}

/** One version's graph exactly as recorded, or null (no fallback: a read of version N is N). */
