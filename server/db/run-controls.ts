import { and, eq } from 'drizzle-orm';
import type { WorkflowNode } from '../../contract/workflows';
import type {
  CancelWorkflowRunBody,
  CompleteActionRunBody,
  CompleteWorkflowRunBody,
  RerunWorkflowRunBody,
} from '../../contract/run-controls';
import { assertCanTerminate, isEnded } from '../domain/action-runs';
import { notFound, runExhausted } from '../domain/errors';
import { triggerNode } from '../domain/graph';
import { newWorkflowRunId } from '../domain/ids';
import type { Actor } from '../domain/permissions';
import { assertCanControl, assertRunOpen, planCancel, planRerun } from '../domain/run-controls';
import {
  appendRunLogs,
  auditRunUpdate,
  getActionRun,
  loadRunVisible as loadActionRunVisible,
  type RunVersion,
} from './action-runs';
import { recordAudit } from './audit';
import type { Db, Tx } from './client';
import { actionRuns, nodeRuns, users, workflowRuns, workflowVersions } from './schema';
import { toWorkflowRun, type NodeRunRow, type WorkflowRunRow } from './serialize';
import {
  advance,
  appendLogs,
  completeRun,
  graphOf,
  loadRunVisible,
  newNodeRun,
  nodeRunsOf,
  rerunsOf,
} from './workflow-runs';
import { getWorkflowRow, workflowGraphAt } from './workflows';

const withReason = (what: string, reason: string | undefined) =>
  reason === undefined ? what : `${what}: ${reason}`;

/** Locks a run the actor may view and control; 404 when not visible, 403 when not theirs. */
async function lockControllable(tx: Tx, identifier: string, actor: Actor) {
  const run = await loadRunVisible(tx, identifier, actor, true);
  assertCanControl(actor, run, `workflow run "${identifier}"`);
  return run;
}

async function answer(tx: Tx, identifier: string, actor: Actor) {
  const run = await loadRunVisible(tx, identifier, actor);
  return toWorkflowRun(
    run,
    await nodeRunsOf(tx, identifier),
    await rerunsOf(tx, identifier, actor),
  );
}

/** The same line on each node run, all under the run's row lock. */
async function logOnEach(
  tx: Tx,
  run: WorkflowRunRow,
  targets: NodeRunRow[],
  line: string,
  now: Date,
) {
  for (const nodeRun of targets) {
    await appendLogs(tx, run, nodeRun, [{ level: 'INFO', message: line }], now);
  }
}

function auditRun(
  tx: Tx,
  run: WorkflowRunRow,
  actor: Actor,
  now: Date,
  before: Record<string, unknown> | null,
  after: Record<string, unknown>,
) {
  return recordAudit(tx, {
    action: before ? 'UPDATE' : 'CREATE',
    resourceType: 'run',
    userId: actor.id,
    origin: 'API',
    at: now,
    blueprintIdentifier: null,
    entityIdentifier: run.entity,
    runId: run.identifier,
    before,
    after,
    run,
  });
}

/**
 * `POST /runs/{wfr}/complete`: every in-progress node run and the run itself complete with the
 * chosen result, each node run with a log line naming who and why.
 */
export async function completeWorkflowRun(
  db: Db,
  identifier: string,
  body: CompleteWorkflowRunBody,
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const run = await lockControllable(tx, identifier, actor);
    assertRunOpen(run);
    const open = (await nodeRunsOf(tx, identifier)).filter((n) => n.status === 'IN_PROGRESS');
    await logOnEach(tx, run, open, `Marked ${body.result} by ${actor.email}: ${body.reason}`, now);
    await tx
      .update(nodeRuns)
      .set({ status: 'COMPLETED', result: body.result, completedAt: now, updatedAt: now })
      .where(
        and(eq(nodeRuns.workflowRunIdentifier, identifier), eq(nodeRuns.status, 'IN_PROGRESS')),
      );
    await completeRun(tx, identifier, body.result, now);
    await auditRun(
      tx,
      run,
      actor,
      now,
      { status: run.status, result: run.result },
      {
        status: 'COMPLETED',
        result: body.result,
        reason: body.reason,
        nodeRuns: open.map((n) => n.identifier),
      },
    );
    return answer(tx, identifier, actor);
  });
}

/**
 * `POST /runs/{wfr}/cancel[?force=true]`. Without force the run becomes CANCELLING and completes
 * CANCELLED when its in-progress node runs finish; with force they end CANCELLED now.
 */
export async function cancelWorkflowRun(
  db: Db,
  identifier: string,
  body: CancelWorkflowRunBody & { force: boolean },
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const run = await lockControllable(tx, identifier, actor);
    const plan = planCancel(run, body.force);
    if (plan.kind === 'unchanged') return answer(tx, identifier, actor);
    const open = (await nodeRunsOf(tx, identifier)).filter((n) => n.status === 'IN_PROGRESS');
    if (plan.kind === 'force') {
      await logOnEach(tx, run, open, withReason(`Cancelled by ${actor.email}`, body.reason), now);
      await completeRun(tx, identifier, 'CANCELLED', now);
    } else {
      await tx
        .update(workflowRuns)
        .set({ status: 'CANCELLING', updatedAt: now })
        .where(eq(workflowRuns.identifier, identifier));
      const graph = await workflowGraphAt(tx, run.workflowIdentifier, run.workflowVersion);
      if (graph) await advance(tx, identifier, graphOf(graph), now, 'CANCELLING');
      else if (open.length === 0) await completeRun(tx, identifier, 'CANCELLED', now);
    }
    const after = await loadRunVisible(tx, identifier, actor);
    await auditRun(
      tx,
      run,
      actor,
      now,
      { status: run.status, result: run.result },
      {
        status: after.status,
        result: after.result,
        force: body.force,
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(plan.kind === 'force' ? { nodeRuns: open.map((n) => n.identifier) } : {}),
      },
    );
    return answer(tx, identifier, actor);
  });
}

/** The graph a re-run follows: the original's version if kept, else the workflow's current one. */
async function rerunGraph(tx: Tx, original: WorkflowRunRow) {
  const [kept] = await tx
    .select()
    .from(workflowVersions)
    .where(
      and(
        eq(workflowVersions.workflowIdentifier, original.workflowIdentifier),
        eq(workflowVersions.version, original.workflowVersion),
      ),
    );
  if (kept) return { version: kept.version, graph: graphOf(kept) };
  const current = await getWorkflowRow(tx, original.workflowIdentifier);
  return { version: current.version, graph: graphOf(current) };
}

/**
 * `POST /runs/{wfr}/rerun`: a new run of the same workflow with the same inputs and entity. From
 * `fromNode`, every ancestor's node run is copied from the original (marked `reusedFrom`, with a
 * log line) and `fromNode` starts; nodes neither upstream nor downstream of it run as usual.
 */
export async function rerunWorkflowRun(
  db: Db,
  identifier: string,
  body: RerunWorkflowRunBody,
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const original = await lockControllable(tx, identifier, actor);
    const { version, graph } = await rerunGraph(tx, original);
    const plan = planRerun(graph, await nodeRunsOf(tx, identifier), body.fromNode);
    const nodes = new Map(graph.nodes.map((n) => [n.identifier, n]));
    const nodeOf = (id: string): WorkflowNode => {
      const node = nodes.get(id);
      if (!node) throw notFound(`Node "${id}" of workflow "${original.workflowIdentifier}"`);
      return node;
    };
    const id = newWorkflowRunId();
    const inputs = original.inputs as Record<string, unknown>;
    const trigger = triggerNode(graph);
    const outputs =
      plan.start === null
        ? { [trigger.identifier]: inputs }
        : Object.fromEntries(plan.reuse.map((r) => [r.nodeIdentifier, r.output]));
    const [run] = await tx
      .insert(workflowRuns)
      .values({
        identifier: id,
        workflowIdentifier: original.workflowIdentifier,
        workflowVersion: version,
        title: original.title,
        icon: original.icon,
        status: 'IN_PROGRESS',
        outputs,
        inputs,
        entity: original.entity,
        rerunOf: original.identifier,
        allowAnyoneToView: original.allowAnyoneToView,
        createdBy: actor.id,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (!run) throw notFound(`Workflow run "${id}"`);
    if (plan.start === null) {
      await tx.insert(nodeRuns).values({
        ...newNodeRun(id, trigger, now),
        status: 'COMPLETED',
        result: 'SUCCESS',
        output: inputs,
        completedAt: now,
      });
    } else {
      for (const reused of plan.reuse) {
        const [copy] = await tx
          .insert(nodeRuns)
          .values({
            ...newNodeRun(id, nodeOf(reused.nodeIdentifier), now),
            status: 'COMPLETED',
            result: reused.result,
            output: reused.output,
            reusedFrom: reused.identifier,
            completedAt: now,
          })
          .returning();
        const line = `Reused output of ${reused.identifier} from ${original.identifier}`;
        if (copy) await logOnEach(tx, run, [copy], line, now);
      }
      await tx.insert(nodeRuns).values(newNodeRun(id, nodeOf(plan.start), now));
    }
    await advance(tx, id, graph, now);
    await auditRun(tx, run, actor, now, null, {
      status: 'IN_PROGRESS',
      rerunOf: original.identifier,
      fromNode: plan.start,
      reused: plan.reuse.map((r) => r.identifier),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    });
    return answer(tx, id, actor);
  });
}

async function emailOf(tx: Tx, userId: string) {
  const [user] = await tx.select({ email: users.email }).from(users).where(eq(users.id, userId));
  return user?.email ?? userId;
}

/**
 * `POST /v1/actions/runs/{id}/complete`: ends an action run by hand with a log line naming who
 * and why. Port's rules for ending a run still hold (synchronized runs and runs waiting for
 * approval are refused); an ended run answers 422 naming when and by whom it ended.
 */
export async function completeActionRun(
  db: Db,
  id: string,
  body: CompleteActionRunBody,
  actor: Actor,
  now: Date,
  version: RunVersion,
) {
  return db.transaction(async (tx) => {
    const run = await loadActionRunVisible(tx, id, actor, true);
    assertCanControl(actor, run, `action run "${id}"`, 'mark it complete');
    if (isEnded(run.status)) {
      const at = run.endedAt ? ` at ${run.endedAt.toISOString()}` : '';
      throw runExhausted(
        `Action run "${id}" already finished (${run.status})${at} by ${await emailOf(tx, run.updatedBy)}; an ended run cannot be changed`,
      );
    }
    assertCanTerminate(run, body.status);
    const message = `Marked ${body.status} by ${actor.email}: ${body.reason}`;
    await appendRunLogs(tx, id, [{ level: 'INFO', message }], actor.id, now);
    await tx
      .update(actionRuns)
      .set({
        status: body.status,
        endedAt: now,
        ...(body.statusLabel !== undefined ? { statusLabel: body.statusLabel } : {}),
        updatedBy: actor.id,
        updatedAt: now,
      })
      .where(eq(actionRuns.id, id));
    await auditRunUpdate(
      tx,
      run,
      actor,
      now,
      { status: run.status, statusLabel: run.statusLabel },
      {
        status: body.status,
        statusLabel: body.statusLabel ?? run.statusLabel,
        reason: body.reason,
      },
    );
    return getActionRun(tx, id, actor, version);
  });
}
