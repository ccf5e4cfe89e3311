import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import type { DbOrTx } from './client';
import { nodeRuns, workflowRuns } from './schema';

/** Queries for the execution-agent API (claims, acks, look-ups); they decide nothing. */

export type NodeRunWithWorkflow = Awaited<ReturnType<typeof nodeRunsByIds>>[number];

const withWorkflow = {
  nodeRun: nodeRuns,
  workflow: workflowRuns.workflowIdentifier,
  version: workflowRuns.workflowVersion,
};

export async function nodeRunsByIds(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db
    .select(withWorkflow)
    .from(nodeRuns)
    .innerJoin(workflowRuns, eq(workflowRuns.identifier, nodeRuns.workflowRunIdentifier))
    .where(inArray(nodeRuns.identifier, ids));
}

/** Node runs with this external id that `visible` lets the caller see, newest first. */
export async function nodeRunsByExternalId(
  db: DbOrTx,
  externalRunId: string,
  visible: SQL | undefined,
  limit: number,
) {
  return db
    .select(withWorkflow)
    .from(nodeRuns)
    .innerJoin(workflowRuns, eq(workflowRuns.identifier, nodeRuns.workflowRunIdentifier))
    .where(and(eq(nodeRuns.externalRunId, externalRunId), visible))
    .orderBy(desc(nodeRuns.createdAt), desc(nodeRuns.ord))
    .limit(limit);
}

export async function markNodeRunAcknowledged(db: DbOrTx, identifier: string, now: Date) {
  await db
    .update(nodeRuns)
    .set({ acknowledgedAt: now, updatedAt: now })
    .where(eq(nodeRuns.identifier, identifier));
}
