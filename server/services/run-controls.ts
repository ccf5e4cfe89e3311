import type { WorkflowNode, NodeRunPatch } from '../../contract/workflows';
import type {
  CancelWorkflowRunBody,
  CompleteActionRunBody,
  CompleteWorkflowRunBody,
  RerunWorkflowRunBody,
} from '../../contract/run-controls';
import { appendActionRunLogs, type RunVersion } from '../db/action-runs';
import type { Db, Tx } from '../db/client';
import { toGraph } from '../db/serialize';
import {
  completeOpenNodeRuns,
  copyOutputRoot,
  insertNodeRuns,
  insertWorkflowRun,
  markRunCancelling,
  newNodeRun,
  nodeRunsOf,
} from '../db/workflow-runs';
import { getWorkflowRow, lockWorkflowRow, workflowVersionRow } from '../db/workflows';
import { assertCanTerminate, isEnded } from '../domain/action-runs';
import { notFound, runExhausted, workflowDeleted } from '../domain/errors';
import { triggerNode } from '../domain/graph';
import { newWorkflowRunId } from '../domain/ids';
import type { Actor } from '../domain/permissions';
import {
  assertCanControl,
  assertNodeRunOpen,
  assertRunOpen,
  markedLine,
  planCancel,
  planRerun,
} from '../domain/run-controls';
import { endActionRun, getActionRun } from './action-runs';
import { actorLabel, userLabel, withReason } from './actor-label';
import { loadVisibleActionRun, loadVisibleWorkflowRun, lockNodeRun } from './run-access';
import { auditBy, auditedWorkflowRun, auditRunChange } from './run-audit';
import {
  applyNodeRunReport,
  advance,
  completeRun,
  logOnEach,
  reportOfPatch,
  settle,
  startNodeRuns,
} from './run-engine';
import { workflowRunAnswer } from './workflow-runs';

/**
 * Manual acts on runs: mark complete (a node run, a workflow run, an action run), cancel,
 * re-run. Each is allowed to admins, machine credentials and the run's starter, runs under the
 * run's row lock, and is audited.
 */

/** Locks a run the actor may view and control; 404 when not visible, 403 when not theirs. */
async function lockControllable(tx: Tx, identifier: string, actor: Actor) {
  const run = await loadVisibleWorkflowRun(tx, identifier, actor, true);
  assertCanControl(actor, run, `workflow run "${identifier}"`);
  return run;
}

/**
 * A node-run PATCH with [ext] `reason`: a person marks the node run complete. Their lines,
 * output and completion apply as a backend's would, plus the audited line
 * `Marked <result> by <name> (<email>): <reason>` (not added twice when an older client sent it in
 * `logs` itself) and an audit entry with the node run before and after.
 */
export async function markNodeRunComplete(
  db: Db,
  nodeRunIdentifier: string,
  body: NodeRunPatch & { reason: string },
  actor: Actor,
  now: Date,
  runIdentifier?: string,
) {
  await db.transaction(async (tx) => {
    const { run, nodeRun } = await lockNodeRun(tx, nodeRunIdentifier, actor, runIdentifier);
    assertCanControl(actor, run, `workflow run "${run.identifier}"`, 'complete its node runs');
    assertNodeRunOpen(nodeRun);
    const report = reportOfPatch(body);
    const line = markedLine(String(body.result), await actorLabel(tx, actor), body.reason);
    // Dashboards from before names were written sent the line with the email alone.
    const sent = [line, markedLine(String(body.result), actor.email, body.reason)];
    if (!report.logs.some((l) => sent.includes(l.message))) {
      report.logs.push({ level: 'INFO', message: line });
    }
    await applyNodeRunReport(tx, run, nodeRun, report, now);
    await auditRunChange(
      tx,
      auditedWorkflowRun(run),
      auditBy(actor),
      now,
      { nodeRun: nodeRun.identifier, status: nodeRun.status, result: nodeRun.result },
      {
        nodeRun: nodeRun.identifier,
        status: 'COMPLETED',
        result: body.result,
        reason: body.reason,
      },
    );
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
    const line = markedLine(body.result, await actorLabel(tx, actor), body.reason);
    await logOnEach(tx, run, open, line, now);
    await completeOpenNodeRuns(tx, identifier, body.result, now);
    await completeRun(tx, identifier, body.result, now);
    await auditRunChange(
      tx,
      auditedWorkflowRun(run),
      auditBy(actor),
      now,
      { status: run.status, result: run.result },
      {
        status: 'COMPLETED',
        result: body.result,
        reason: body.reason,
        nodeRuns: open.map((n) => n.identifier),
      },
    );
    return workflowRunAnswer(tx, identifier, actor);
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
    if (plan.kind === 'unchanged') return workflowRunAnswer(tx, identifier, actor);
    const open = (await nodeRunsOf(tx, identifier)).filter((n) => n.status === 'IN_PROGRESS');
    const who = await actorLabel(tx, actor);
    if (plan.kind === 'force') {
      await logOnEach(tx, run, open, withReason(`Cancelled by ${who}`, body.reason), now);
      await completeRun(tx, identifier, 'CANCELLED', now);
    } else {
      const line = withReason(`Cancel requested by ${who}`, body.reason);
      await logOnEach(tx, run, open, line, now);
      await markRunCancelling(tx, identifier, now);
      await settle(tx, run, 'CANCELLING', now, { result: 'CANCELLED', whenOpen: open.length });
    }
    const after = await loadVisibleWorkflowRun(tx, identifier, actor);
    await auditRunChange(
      tx,
      auditedWorkflowRun(run),
      auditBy(actor),
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
    return workflowRunAnswer(tx, identifier, actor);
  });
}

/**
 * The graph a re-run follows: the original's version if kept, else the workflow's current one.
 * A workflow deleted since is refused (409 workflow_deleted): its runs stay readable, but a new
 * one would belong to no workflow and show in no workflow's Runs tab. The workflow's row is
 * share-locked until the re-run commits, so a delete cannot slip in between.
 */
async function rerunGraph(
  tx: Tx,
  original: { identifier: string; workflowIdentifier: string; workflowVersion: number },
) {
  if (!(await lockWorkflowRow(tx, original.workflowIdentifier))) {
    throw workflowDeleted(
      `Workflow "${original.workflowIdentifier}" has been deleted; its runs stay readable but cannot be re-run (run "${original.identifier}")`,
    );
  }
  const kept = await workflowVersionRow(tx, original.workflowIdentifier, original.workflowVersion);
  if (kept) return { version: kept.version, graph: toGraph(kept) };
  const current = await getWorkflowRow(tx, original.workflowIdentifier);
  return { version: current.version, graph: toGraph(current) };
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
    const run = await insertWorkflowRun(tx, {
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
    });
    // Who re-ran it and why, on the new run's first node run (the trigger, or the node it
    // restarts from): what the dashboard's dialog says ("Recorded in the run's log").
    const rerunLine = withReason(
      `Re-run of ${original.identifier}${plan.start === null ? '' : ` from node ${plan.start}`} by ${await actorLabel(tx, actor)}`,
      body.reason,
    );
    if (plan.start === null) {
      const first = await insertNodeRuns(tx, [
        {
          ...newNodeRun(id, trigger, now),
          status: 'COMPLETED',
          result: 'SUCCESS',
          output: inputs,
          completedAt: now,
        },
      ]);
      await logOnEach(tx, run, first, rerunLine, now);
    } else {
      for (const reused of plan.reuse) {
        const copies = await insertNodeRuns(tx, [
          {
            ...newNodeRun(id, nodeOf(reused.nodeIdentifier), now),
            status: 'COMPLETED',
            result: reused.result,
            output: reused.output,
            reusedFrom: reused.identifier,
            completedAt: now,
          },
        ]);
        for (const copy of copies) await copyOutputRoot(tx, reused.identifier, copy.identifier);
        const line = `Reused output of ${reused.identifier} from ${original.identifier}`;
        await logOnEach(tx, run, copies, line, now);
      }
      // The line goes first: a template that fails in the started node logs its error after it.
      await startNodeRuns(tx, id, [nodeOf(plan.start)], now, (started) =>
        logOnEach(tx, run, started, rerunLine, now),
      );
    }
    await advance(tx, id, graph, now);
    await auditRunChange(tx, auditedWorkflowRun(run), auditBy(actor), now, null, {
      status: 'IN_PROGRESS',
      rerunOf: original.identifier,
      fromNode: plan.start,
      reused: plan.reuse.map((r) => r.identifier),
      ...(body.reason !== undefined ? { reason: body.reason } : {}),
    });
    return workflowRunAnswer(tx, id, actor);
  });
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
    const run = await loadVisibleActionRun(tx, id, actor, true);
    assertCanControl(actor, run, `action run "${id}"`, 'mark it complete');
    if (isEnded(run.status)) {
      const at = run.endedAt ? ` at ${run.endedAt.toISOString()}` : '';
      const by = await userLabel(tx, run.updatedBy);
      throw runExhausted(
        `Action run "${id}" already finished (${run.status})${at} by ${by}; an ended run cannot be changed`,
      );
    }
    assertCanTerminate(run, body.status);
    const message = markedLine(body.status, await actorLabel(tx, actor), body.reason);
    await appendActionRunLogs(tx, id, [{ level: 'INFO', message }], actor.id, now);
    await endActionRun(tx, run, body.status, actor, now, {
      changes: body.statusLabel !== undefined ? { statusLabel: body.statusLabel } : {},
      audit: {
        before: { status: run.status, statusLabel: run.statusLabel },
        after: {
          status: body.status,
          statusLabel: body.statusLabel ?? run.statusLabel,
          reason: body.reason,
        },
      },
    });
    return getActionRun(tx, id, actor, version);
  });
}
