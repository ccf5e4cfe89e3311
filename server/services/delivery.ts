import type { Delivery } from '../../contract/delivery';
import type { WorkflowRun } from '../../contract/workflows';
import { appendActionRunLogs } from '../db/action-runs';
import { invocationOf } from '../db/actions';
import type { Db, DbOrTx } from '../db/client';
import { lockWorkItem, makeWorkDueNow, workItemsFor, type WorkItem } from '../db/work-queue';
import { workflowGraphAt } from '../db/workflows';
import {
  actionOwesDelivery,
  assertCanRetryDelivery,
  deliveryOf,
  literalUrlHost,
  nodeOwesDelivery,
  planRetryNow,
  retriedLine,
} from '../domain/delivery';
import type { Actor } from '../domain/permissions';
import { actorLabel } from './actor-label';
import { loadVisibleActionRun, lockNodeRun } from './run-access';
import { auditBy, auditedActionRun, auditedWorkflowRun, auditRunChange } from './run-audit';
import { logOnEach } from './run-engine';

/**
 * What the server owes backends, as the dashboard shows it ("Delivering to api.example.com,
 * attempt 2 of 5, next in 8 s"), and an admin's "retry delivery now". The queue itself is run by
 * server/backends/dispatcher.ts; this only reads it and makes an item due.
 */

export interface DeliveryPolicy {
  /** Attempts in all, the first included: the dispatcher's WEBHOOK_RETRIES + 1. */
  maxAttempts: number;
}

/**
 * Sets `delivery` on each node run of a run read singly (lists stay without it): null for nodes
 * the server sends nothing for.
 */
export async function withNodeRunDeliveries(
  db: DbOrTx,
  run: WorkflowRun,
  policy: DeliveryPolicy,
  /** The run's node runs' work items, when already read with the run. */
  known?: WorkItem[],
): Promise<WorkflowRun> {
  const items =
    known ??
    (await workItemsFor(
      db,
      'node_run',
      run.nodeRuns.map((n) => n.identifier),
    ));
  const bySubject = new Map(items.map((i) => [i.subjectId, i]));
  const graph = items.length
    ? await workflowGraphAt(db, run.workflowIdentifier, run.workflow.version)
    : null;
  for (const nodeRun of run.nodeRuns) {
    const item = bySubject.get(nodeRun.identifier);
    const config = graph?.nodes.find((n) => n.identifier === nodeRun.nodeIdentifier)?.config;
    nodeRun.delivery =
      item && config && nodeOwesDelivery(config)
        ? deliveryOf(item, policy.maxAttempts, item.targetHost ?? literalUrlHost(config.url))
        : null;
  }
  return run;
}

/** The `delivery` of one action run: its action's webhook host and its work item. */
export async function actionRunDelivery(
  db: DbOrTx,
  run: { id: string; action: string },
  policy: DeliveryPolicy,
): Promise<Delivery | null> {
  const [item] = await workItemsFor(db, 'action_run', [run.id]);
  if (!item) return null;
  const method = (await invocationOf(db, run.action)) as
    { type?: unknown; url?: unknown } | undefined;
  if (!actionOwesDelivery(method)) return null;
  return deliveryOf(item, policy.maxAttempts, item.targetHost ?? literalUrlHost(method?.url));
}

/**
 * `POST /v1/workflows/nodes/runs/{wfnr}/retry-delivery` [ext]: the node run's work item becomes
 * due now (admins only), audited and logged on the node run. Under the run's row lock and the
 * item's, so a claim in flight either went first (409) or finds the item due.
 */
export async function retryNodeRunDelivery(
  db: Db,
  nodeRunId: string,
  actor: Actor,
  now: Date,
  policy: DeliveryPolicy,
): Promise<Delivery> {
  return db.transaction(async (tx) => {
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunId, actor);
    assertCanRetryDelivery(actor);
    const open = nodeRun.status === 'IN_PROGRESS' && run.status !== 'COMPLETED';
    const { item, resetAttempts } = planRetryNow(
      await lockWorkItem(tx, 'node_run', nodeRunId),
      open,
      `Node run "${nodeRunId}"`,
      now,
    );
    const due = await makeWorkDueNow(tx, item.id, now, resetAttempts);
    await logOnEach(tx, run, [nodeRun], retriedLine(await actorLabel(tx, actor)), now);
    await auditRunChange(
      tx,
      auditedWorkflowRun(run),
      auditBy(actor),
      now,
      { nodeRun: nodeRunId, delivery: item.state, nextAttemptAt: item.nextAttemptAt.toISOString() },
      { nodeRun: nodeRunId, delivery: 'queued', nextAttemptAt: now.toISOString() },
    );
    const graph = await workflowGraphAt(tx, run.workflowIdentifier, run.workflowVersion);
    const url = graph?.nodes.find((n) => n.identifier === nodeRun.nodeIdentifier)?.config.url;
    return deliveryOf(due ?? item, policy.maxAttempts, item.targetHost ?? literalUrlHost(url));
  });
}

/** `POST /v1/actions/runs/{id}/retry-delivery` [ext]: the same for an action run's webhook. */
export async function retryActionRunDelivery(
  db: Db,
  id: string,
  actor: Actor,
  now: Date,
  policy: DeliveryPolicy,
): Promise<Delivery> {
  return db.transaction(async (tx) => {
    const run = await loadVisibleActionRun(tx, id, actor, true);
    assertCanRetryDelivery(actor);
    const { item, resetAttempts } = planRetryNow(
      await lockWorkItem(tx, 'action_run', id),
      run.status === 'IN_PROGRESS',
      `Action run "${id}"`,
      now,
    );
    const due = await makeWorkDueNow(tx, item.id, now, resetAttempts);
    await appendActionRunLogs(
      tx,
      id,
      [{ level: 'INFO', message: retriedLine(await actorLabel(tx, actor)) }],
      actor.id,
      now,
    );
    await auditRunChange(
      tx,
      auditedActionRun(run),
      auditBy(actor),
      now,
      { delivery: item.state, nextAttemptAt: item.nextAttemptAt.toISOString() },
      { delivery: 'queued', nextAttemptAt: now.toISOString() },
    );
    const method = (await invocationOf(tx, run.actionIdentifier)) as { url?: unknown } | undefined;
    return deliveryOf(
      due ?? item,
      policy.maxAttempts,
      item.targetHost ?? literalUrlHost(method?.url),
    );
  });
}
