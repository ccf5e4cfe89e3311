import { createHash } from 'node:crypto';
import type {
  LogsQuery,
  RunView,
  RunsListQuery,
  WorkflowRun,
  WorkflowRunSummary,
} from '../../contract/workflows';
import type { Db, DbOrTx } from '../db/client';
import { toNodeRunLogLine, toWorkflowRun, toWorkflowRunSummary } from '../db/serialize';
import { visibleWorkflowRuns } from '../db/visibility';
import {
  findNodeRun,
  inlineLogs,
  insertNodeRuns,
  insertWorkflowRun,
  listWorkflowRuns as queryWorkflowRuns,
  newNodeRun,
  nodeRunOutput,
  nodeRunsOf,
  readLogPage,
  rerunIdentifiers,
  runChangeStamp,
  type LogScope,
} from '../db/workflow-runs';
import { agentClaims } from '../db/work-queue';
import { getWorkflowRow } from '../db/workflows';
import { toGraph } from '../db/serialize';
import { notFound } from '../domain/errors';
import { triggerNode } from '../domain/graph';
import { newWorkflowRunId } from '../domain/ids';
import { canViewRun, type Actor } from '../domain/permissions';
import { loadVisibleWorkflowRun } from './run-access';
import { withNodeRunDeliveries, type DeliveryPolicy } from './delivery';
import { advance } from './run-engine';
import { checkRunInputs } from './run-inputs';

/**
 * A run as the API answers it, with the re-runs of it the actor may view and, for node runs
 * waiting on an agent (INTEGRATION_ACTION), until when their claim holds.
 */
export async function workflowRunAnswer(db: DbOrTx, identifier: string, actor: Actor) {
  const row = await loadVisibleWorkflowRun(db, identifier, actor);
  const nodeRuns = await nodeRunsOf(db, identifier);
  const agentRuns = nodeRuns.filter((n) => n.installationId !== null).map((n) => n.identifier);
  return toWorkflowRun(
    row,
    nodeRuns,
    await rerunIdentifiers(db, identifier, visibleWorkflowRuns(actor)),
    await agentClaims(db, 'agent_node_run', agentRuns),
  );
}

/** `POST /workflows/{id}/runs`: the trigger node completes with the inputs, the rest advances. */
export async function startWorkflowRun(
  db: Db,
  workflowIdentifier: string,
  body: { inputs: Record<string, unknown>; entity?: string | undefined },
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const workflow = await getWorkflowRow(tx, workflowIdentifier);
    const graph = toGraph(workflow);
    const trigger = triggerNode(graph);
    await checkRunInputs(tx, trigger.config.userInputs, body.inputs, 'inputs', 'workflow');
    const identifier = newWorkflowRunId();
    await insertWorkflowRun(tx, {
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
    await insertNodeRuns(tx, [
      {
        ...newNodeRun(identifier, trigger, now),
        status: 'COMPLETED',
        result: 'SUCCESS',
        output: body.inputs,
        completedAt: now,
      },
    ]);
    await advance(tx, identifier, graph, now);
    return toWorkflowRun(
      await loadVisibleWorkflowRun(tx, identifier, actor),
      await nodeRunsOf(tx, identifier),
      [],
    );
  });
}

/**
 * One run, with each node run's [ext] `delivery` (what the server still owes its backend); with
 * `includeLogs`, its lines inlined in Port's older `nodeRunLogs` shape.
 */
export async function getWorkflowRun(
  db: DbOrTx,
  identifier: string,
  actor: Actor,
  policy: DeliveryPolicy,
  includeLogs?: boolean,
): Promise<WorkflowRun>;
export async function getWorkflowRun(
  db: DbOrTx,
  identifier: string,
  actor: Actor,
  policy: DeliveryPolicy,
  includeLogs: boolean,
  view: RunView,
): Promise<WorkflowRun | WorkflowRunSummary>;
export async function getWorkflowRun(
  db: DbOrTx,
  identifier: string,
  actor: Actor,
  policy: DeliveryPolicy,
  includeLogs = false,
  view: RunView = 'full',
): Promise<WorkflowRun | WorkflowRunSummary> {
  const workflowRun = await withNodeRunDeliveries(
    db,
    await workflowRunAnswer(db, identifier, actor),
    policy,
  );
  if (includeLogs) {
    const byNode = await inlineLogs(db, identifier);
    for (const nodeRun of workflowRun.nodeRuns) {
      nodeRun.nodeRunLogs = (byNode.get(nodeRun.identifier) ?? []).map((row) => {
        const { logLevel, log, tags, createdAt } = toNodeRunLogLine(row);
        return { logLevel, log, tags, createdAt, updatedAt: createdAt };
      });
    }
  }
  return view === 'summary' ? toWorkflowRunSummary(workflowRun) : workflowRun;
}

/**
 * `GET /runs/{wfr}` for a poll: `unchanged` (answer 304) when `ifNoneMatch` names the run's
 * current ETag, read from its change stamps alone; otherwise the run and its ETag, both read in
 * one snapshot so the tag always belongs to the body it comes with.
 */
export async function pollWorkflowRun(
  db: Db,
  identifier: string,
  actor: Actor,
  policy: DeliveryPolicy,
  options: { includeLogs: boolean; view: RunView; ifNoneMatch: string | undefined },
): Promise<
  | { unchanged: true; etag: string }
  | { unchanged: false; etag: string | undefined; workflowRun: WorkflowRun | WorkflowRunSummary }
> {
  const variant = `${options.includeLogs}|${options.view}`;
  const current = await workflowRunEtag(db, identifier, actor, variant);
  if (current && etagMatches(current, options.ifNoneMatch))
    return { unchanged: true, etag: current };
  return db.transaction(
    async (tx) => ({
      unchanged: false,
      etag: await workflowRunEtag(tx, identifier, actor, variant),
      workflowRun: await getWorkflowRun(
        tx,
        identifier,
        actor,
        policy,
        options.includeLogs,
        options.view,
      ),
    }),
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}

/** Whether `ifNoneMatch` (a list of tags, weak or strong) names `tag`. */
function etagMatches(tag: string, ifNoneMatch: string | undefined) {
  const bare = tag.replace(/^W\//, '');
  return (ifNoneMatch ?? '').split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/**
 * The ETag of `GET /runs/{wfr}` for this actor and `variant` (the query that shapes the answer),
 * from the run's change stamps alone; undefined when the run is not there for the actor (the
 * full read then answers 404).
 */
export async function workflowRunEtag(
  db: DbOrTx,
  identifier: string,
  actor: Actor,
  variant: string,
): Promise<string | undefined> {
  const stamp = await runChangeStamp(db, identifier, actor);
  if (stamp === undefined) return undefined;
  const digest = createHash('sha1').update(`${stamp}|${actor.id}|${variant}`).digest('base64url');
  return `W/"r-${digest}"`;
}

/**
 * [ext] A node run's output alone, for the dashboard to fetch when it shows it; `final` once the
 * node run completed (its output never changes again, so the answer may be cached for good). The
 * output stays JSON text from the database to the response: parsing and serializing a 10 MB
 * output again cost more than the query.
 */
export async function getNodeRunOutput(db: DbOrTx, identifier: string, actor: Actor) {
  const row = await nodeRunOutput(db, identifier);
  if (!row || !canViewRun(actor, row)) throw notFound(`Node run "${identifier}"`);
  return { outputJson: row.outputJson, final: row.status === 'COMPLETED' };
}

/** [ext] A run's `variables.outputs` alone; `final` once the run completed. */
export async function getRunOutputs(db: DbOrTx, identifier: string, actor: Actor) {
  const run = await loadVisibleWorkflowRun(db, identifier, actor);
  return { outputs: run.outputs as Record<string, unknown>, final: run.status === 'COMPLETED' };
}

export const listWorkflowRuns = (db: DbOrTx, query: RunsListQuery, actor: Actor) =>
  queryWorkflowRuns(db, query, visibleWorkflowRuns(actor));

/** One page of a node run's (or a whole run's) log, if the actor may view the run. */
export async function readLogs(
  db: DbOrTx,
  of: { nodeRun: string } | { run: string },
  query: LogsQuery,
  actor: Actor,
) {
  let scope: LogScope;
  if ('nodeRun' in of) {
    const nodeRun = await findNodeRun(db, of.nodeRun);
    if (!nodeRun) throw notFound(`Node run "${of.nodeRun}"`);
    await loadVisibleWorkflowRun(db, nodeRun.workflowRunIdentifier, actor).catch(() => {
      throw notFound(`Node run "${of.nodeRun}"`);
    });
    scope = {
      of,
      finished: nodeRun.status === 'COMPLETED',
      counts: {
        DEBUG: nodeRun.debugCount,
        INFO: nodeRun.infoCount,
        WARN: nodeRun.warnCount,
        ERROR: nodeRun.errorCount,
      },
    };
  } else {
    const run = await loadVisibleWorkflowRun(db, of.run, actor);
    scope = { of, finished: run.status === 'COMPLETED', counts: null };
  }
  const page = await readLogPage(db, scope, query);
  return {
    logs: page.rows.map((r) => toNodeRunLogLine(r, page.seqOf)),
    nextCursor: page.nextCursor,
    total: page.total,
  };
}
