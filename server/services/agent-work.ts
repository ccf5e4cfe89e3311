import type { ClaimPendingBody, NodeRunLookupQuery } from '../../contract/agent-work';
import type { NodeRun } from '../../contract/workflows';
import {
  markNodeRunAcknowledged,
  nodeRunsByExternalId,
  nodeRunsByIds,
  type NodeRunWithWorkflow,
} from '../db/agent-work';
import { toRunV2 } from '../db/action-run-serialize';
import { findActionRunsWithFlags, updateActionRun } from '../db/action-runs';
import type { Db, DbOrTx } from '../db/client';
import { toNodeRun } from '../db/serialize';
import { visibleWorkflowRuns } from '../db/visibility';
import {
  agentClaims,
  claimAgentWork,
  finishAgentWork,
  retireEndedAgentWork,
  type AgentKind,
} from '../db/work-queue';
import { workflowGraphAt } from '../db/workflows';
import { conflict, forbidden } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { loadVisibleActionRun, lockNodeRun } from './run-access';

/**
 * Port's execution-agent API: an agent (Ocean) claims the pending runs of its installation,
 * hidden from other claims for the visibility timeout, and acknowledges each before it executes
 * it; the first ack wins. The work items live on the durable queue (db/work-queue.ts).
 */

function assertAgent(actor: Actor) {
  if (actor.role !== 'machine') {
    throw forbidden(
      `Only machine (organization) credentials may claim and acknowledge runs; you are a ${actor.role}`,
    );
  }
}

async function claim(db: Db, kind: AgentKind, body: ClaimPendingBody, actor: Actor, now: Date) {
  assertAgent(actor);
  // Agent runs are queued by the transaction that starts them: nothing to transfer first.
  await retireEndedAgentWork(db, kind, body.installationId, now);
  return claimAgentWork(db, kind, {
    installationId: body.installationId,
    exclude: body.exclude ?? [],
    limit: body.limit,
    claimedBy: actor.id,
    now,
    until: new Date(now.getTime() + body.visibilityTimeoutMs),
  });
}

/** `POST /actions/runs/claim-pending` → v2 action runs, oldest first. */
export async function claimPendingActionRuns(
  db: Db,
  body: ClaimPendingBody,
  actor: Actor,
  now: Date,
) {
  const ids = await claim(db, 'agent_action_run', body, actor, now);
  const order = new Map(ids.map((id, i) => [id, i]));
  const rows = await findActionRunsWithFlags(db, ids);
  rows.sort((a, b) => order.get(a.run.id)! - order.get(b.run.id)!);
  return rows.map(toRunV2);
}

/** A node run as an agent reads it: `config` at the top (claims) or in `node` (look-ups). */
async function agentNodeRuns(
  db: DbOrTx,
  rows: NodeRunWithWorkflow[],
  configAt: 'top' | 'node' | 'none',
): Promise<NodeRun[]> {
  const claims = await agentClaims(
    db,
    'agent_node_run',
    rows.map((r) => r.nodeRun.identifier),
  );
  const answers: NodeRun[] = [];
  for (const row of rows) {
    const nodeRun = toNodeRun(
      row.nodeRun,
      row.workflow,
      claims.get(row.nodeRun.identifier) ?? null,
    );
    if (configAt !== 'none') {
      const config = (row.nodeRun.config as Record<string, unknown> | null) ?? {
        ...(await workflowGraphAt(db, row.workflow, row.version))?.nodes.find(
          (n) => n.identifier === row.nodeRun.nodeIdentifier,
        )?.config,
      };
      if (configAt === 'top') nodeRun.config = config;
      else nodeRun.node = { ...nodeRun.node, config };
    }
    answers.push(nodeRun);
  }
  return answers;
}

/** `POST /workflows/runs/claim-pending` → node runs with their node's `config`, oldest first. */
export async function claimPendingNodeRuns(
  db: Db,
  body: ClaimPendingBody,
  actor: Actor,
  now: Date,
) {
  const ids = await claim(db, 'agent_node_run', body, actor, now);
  const rows = await nodeRunsByIds(db, ids);
  const order = new Map(ids.map((id, i) => [id, i]));
  rows.sort((a, b) => order.get(a.nodeRun.identifier)! - order.get(b.nodeRun.identifier)!);
  return agentNodeRuns(db, rows, 'top');
}

/**
 * `PATCH /actions/runs/ack`: the agent takes the run. 409 when another ack came first or the run
 * is no longer waiting (ended, cancelled, or not an agent's run); allowed after the claim expired.
 */
export async function acknowledgeActionRun(db: Db, runId: string, actor: Actor, now: Date) {
  assertAgent(actor);
  await db.transaction(async (tx) => {
    const run = await loadVisibleActionRun(tx, runId, actor, true);
    if (run.installationId === null) {
      throw conflict(`Action run "${runId}" is not executed by an integration agent`);
    }
    if (run.acknowledgedAt) {
      throw conflict(
        `Action run "${runId}" was already acknowledged at ${run.acknowledgedAt.toISOString()}`,
      );
    }
    if (run.status !== 'IN_PROGRESS') {
      throw conflict(`Action run "${runId}" is ${run.status}, not waiting for an agent`);
    }
    await updateActionRun(tx, runId, { acknowledgedAt: now, updatedAt: now });
    await finishAgentWork(tx, 'agent_action_run', runId, now);
  });
}

/** `PATCH /workflows/runs/ack`: as for action runs, for an INTEGRATION_ACTION node run. */
export async function acknowledgeNodeRun(db: Db, nodeRunId: string, actor: Actor, now: Date) {
  assertAgent(actor);
  await db.transaction(async (tx) => {
    // The run's row lock orders this ack with completions and other acks of its node runs.
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunId, actor);
    if (nodeRun.installationId === null) {
      throw conflict(`Node run "${nodeRunId}" is not executed by an integration agent`);
    }
    if (nodeRun.acknowledgedAt) {
      throw conflict(
        `Node run "${nodeRunId}" was already acknowledged at ${nodeRun.acknowledgedAt.toISOString()}`,
      );
    }
    if (nodeRun.status !== 'IN_PROGRESS' || run.status !== 'IN_PROGRESS') {
      throw conflict(`Node run "${nodeRunId}" has ended or its run is stopping`);
    }
    await markNodeRunAcknowledged(tx, nodeRunId, now);
    await finishAgentWork(tx, 'agent_node_run', nodeRunId, now);
  });
}

/** `GET /workflows/nodes/runs?external_run_id=`: newest first, `[]` when none. */
export async function findNodeRunsByExternalId(
  db: DbOrTx,
  query: NodeRunLookupQuery,
  actor: Actor,
) {
  const rows = await nodeRunsByExternalId(
    db,
    query.external_run_id,
    visibleWorkflowRuns(actor),
    100,
  );
  return agentNodeRuns(db, rows, query.include?.includes('nodeConfig') ? 'node' : 'none');
}
