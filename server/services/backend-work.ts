import { findActionRun } from '../db/action-runs';
import type { DbOrTx } from '../db/client';
import { findNodeRun, findWorkflowRun } from '../db/workflow-runs';

/**
 * What a claimed work item still stands for. A node run or action run that is no longer in
 * progress (finished by someone else, or delivered before a crash and already reported) is owed
 * nothing, so a repeated delivery is not sent.
 */
export async function loadOwedNodeRun(db: DbOrTx, nodeRunId: string) {
  const nodeRun = await findNodeRun(db, nodeRunId);
  if (nodeRun?.status !== 'IN_PROGRESS') return null;
  const run = await findWorkflowRun(db, nodeRun.workflowRunIdentifier);
  return run && run.status !== 'COMPLETED' ? { nodeRun, run } : null;
}

export async function loadOwedActionRun(db: DbOrTx, id: string) {
  const run = await findActionRun(db, id);
  return run?.status === 'IN_PROGRESS' ? run : null;
}
