import { createHash } from 'node:crypto';
import type {
  LogsQuery,
  NodeRunAlone,
  RunView,
  RunsListQuery,
  WorkflowRun,
  WorkflowRunSummary,
} from '../../contract/workflows';
import {
  parseJsonPointer,
  PREVIEW_CHARS,
  type JsonKindName,
  type ShallowOutput,
} from '../../contract/json-pointer';
import { withCancel, type Db, type DbOrTx } from '../db/client';
import { toNodeRun, toNodeRunLogLine, toWorkflowRun, toWorkflowRunSummary } from '../db/serialize';
import { visibleWorkflowRuns } from '../db/visibility';
import {
  currentRunStamp,
  inlineLogs,
  insertNodeRuns,
  insertWorkflowRun,
  listWorkflowRuns as queryWorkflowRuns,
  logScopeState,
  newNodeRun,
  nodeRunOutput,
  shallowNodeRunOutput,
  slimNodeRun,
  nodeRunsOf,
  readLogPage,
  rerunIdentifiers,
  workflowRunGone,
  runChangeStamp,
  runPollSnapshot,
  type LogScope,
} from '../db/workflow-runs';
import { agentClaims } from '../db/work-queue';
import { getWorkflowRow } from '../db/workflows';
import { toGraph } from '../db/serialize';
import { invalid, notFound } from '../domain/errors';
import { triggerNode } from '../domain/graph';
import { newWorkflowRunId } from '../domain/ids';
import { canViewRun, type Actor } from '../domain/permissions';
import { cachedLogPage } from './log-line-cache';
import { loadVisibleWorkflowRun } from './run-access';
import { withNodeRunDeliveries, type DeliveryPolicy } from './delivery';
import { advance } from './run-engine';
import { checkRunInputs } from './run-inputs';
import { withInputDefaults } from '../domain/user-inputs';
import { auditBy, auditedWorkflowRun, auditRunChange } from './run-audit';

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
    {
      reruns: await rerunIdentifiers(db, identifier, visibleWorkflowRuns(actor)),
      rerunOfDeleted: row.rerunOf !== null && (await workflowRunGone(db, row.rerunOf)),
    },
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
    const inputs = withInputDefaults(trigger.config.userInputs, body.inputs);
    await checkRunInputs(tx, trigger.config.userInputs, inputs, 'inputs', 'workflow');
    const identifier = newWorkflowRunId();
    const created = await insertWorkflowRun(tx, {
      identifier,
      workflowIdentifier,
      workflowVersion: workflow.version,
      title: workflow.title,
      icon: workflow.icon,
      status: 'IN_PROGRESS',
      outputs: { [trigger.identifier]: inputs },
      inputs,
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
        output: inputs,
        completedAt: now,
      },
    ]);
    // Who started it, from where and with what, as created (before `advance`, which may already
    // end it), as for an action run's start and a re-run.
    await auditRunChange(tx, auditedWorkflowRun(created), auditBy(actor), now, null, {
      status: created.status,
      inputs,
    });
    await advance(tx, identifier, graph, now);
    return toWorkflowRun(
      await loadVisibleWorkflowRun(tx, identifier, actor),
      await nodeRunsOf(tx, identifier),
      { reruns: [], rerunOfDeleted: false },
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
 * current ETag; otherwise the run and its ETag. Both come from one statement (one snapshot): the
 * run's change stamp and, unless the poll's ETag still names it, everything the run shows. With
 * `includeLogs` (Port's older shape) the lines are read too, in one transaction with the run.
 */
export async function pollWorkflowRun(
  db: Db,
  identifier: string,
  actor: Actor,
  policy: DeliveryPolicy,
  options: {
    includeLogs: boolean;
    view: RunView;
    ifNoneMatch: string | undefined;
    /** [ext] The ETag ignores log appends (see `runStamps`); not with `includeLogs`. */
    ignoreLogCounts?: boolean;
  },
): Promise<
  | { unchanged: true; etag: string }
  | { unchanged: false; etag: string | undefined; workflowRun: WorkflowRun | WorkflowRunSummary }
> {
  const ignoreLogs = Boolean(options.ignoreLogCounts) && !options.includeLogs;
  const variant = `${options.includeLogs}|${options.view}${ignoreLogs ? '|ignoreLogs' : ''}`;
  if (options.includeLogs) {
    const current = await workflowRunEtag(db, identifier, actor, variant);
    if (current && etagMatches(current, options.ifNoneMatch))
      return { unchanged: true, etag: current };
    return db.transaction(
      async (tx) => ({
        unchanged: false,
        etag: await workflowRunEtag(tx, identifier, actor, variant),
        workflowRun: await getWorkflowRun(tx, identifier, actor, policy, true, options.view),
      }),
      { isolationLevel: 'repeatable read', accessMode: 'read only' },
    );
  }
  const tagged = taggedStamp(options.ifNoneMatch, actor, variant);
  // A poll naming a stamp is most often answered 304: its check shares one query with the other
  // polls made meanwhile; a changed run is then read in full as below.
  if (tagged !== null && (await currentRunStamp(db, identifier, actor, ignoreLogs)) === tagged) {
    return { unchanged: true, etag: runEtag(tagged, actor, variant) };
  }
  const snapshot = await runPollSnapshot(db, identifier, actor, {
    outputs: options.view === 'full',
    unlessStamp: tagged,
    ignoreLogs,
  });
  if (!snapshot) throw notFound(`Workflow run "${identifier}"`);
  const etag = runEtag(snapshot.stamp, actor, variant);
  if (snapshot.unchanged) return { unchanged: true, etag };
  const workflowRun = await withNodeRunDeliveries(
    db,
    toWorkflowRun(
      snapshot.run,
      snapshot.nodeRuns,
      { reruns: snapshot.reruns, rerunOfDeleted: snapshot.rerunOfDeleted },
      snapshot.claims,
    ),
    policy,
    snapshot.workItems,
  );
  return {
    unchanged: false,
    etag,
    workflowRun: options.view === 'summary' ? toWorkflowRunSummary(workflowRun) : workflowRun,
  };
}

/** Whether `ifNoneMatch` (a list of tags, weak or strong) names `tag`. */
function etagMatches(tag: string, ifNoneMatch: string | undefined) {
  const bare = tag.replace(/^W\//, '');
  return (ifNoneMatch ?? '').split(',').some((t) => t.trim().replace(/^W\//, '') === bare);
}

/**
 * A run's ETag: which actor and form it is for (a digest: what the actor may view shapes the
 * answer), then the change stamp it was read at, in the clear so the next poll's read can skip
 * everything but the stamp when it has not moved.
 */
function runEtag(stamp: string, actor: Actor, variant: string) {
  return `W/"r-${viewerDigest(actor, variant)}.${stamp}"`;
}

// The role too: what an actor may view (re-runs, say) changes with it, not only with the run.
const viewerDigest = (actor: Actor, variant: string) =>
  createHash('sha1').update(`${actor.id}|${actor.role}|${variant}`).digest('base64url');

/** The change stamp a poll's If-None-Match names for this actor and form, if any. */
function taggedStamp(ifNoneMatch: string | undefined, actor: Actor, variant: string) {
  const prefix = `"r-${viewerDigest(actor, variant)}.`;
  for (const raw of (ifNoneMatch ?? '').split(',')) {
    const tag = raw.trim().replace(/^W\//, '');
    if (tag.startsWith(prefix) && tag.endsWith('"')) return tag.slice(prefix.length, -1);
  }
  return null;
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
  return stamp === undefined ? undefined : runEtag(stamp, actor, variant);
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

/**
 * [ext] `GET /nodes/runs/{wfnr}`: the node run (without its output) and the run it belongs to;
 * 404 exactly as for a missing id when the caller may not view that run.
 */
export async function getNodeRun(db: DbOrTx, identifier: string, actor: Actor) {
  const row = await slimNodeRun(db, identifier);
  if (!row || !canViewRun(actor, row)) throw notFound(`Node run "${identifier}"`);
  const claims =
    row.nodeRun.installationId === null
      ? undefined
      : await agentClaims(db, 'agent_node_run', [identifier]);
  const { output: _output, ...nodeRun } = toNodeRun(
    row.nodeRun,
    row.workflowIdentifier,
    claims?.get(identifier) ?? null,
  );
  const answer: NodeRunAlone = {
    ...nodeRun,
    workflowRunIdentifier: row.nodeRun.workflowRunIdentifier,
  };
  return answer;
}

/**
 * [ext] A shallow read of a node run's output at `pointer`: the value's kind and size and a page
 * of its children with a preview each, computed in PostgreSQL, so a person sees a 10 MB
 * output's root without the whole of it being sent and parsed; `final` as for the full read.
 */
export async function getShallowNodeRunOutput(
  db: DbOrTx,
  identifier: string,
  query: { pointer?: string; offset?: number; limit?: number },
  actor: Actor,
) {
  const pointer = query.pointer ?? '';
  const path = parseJsonPointer(pointer);
  if (!path) throw invalid(`pointer "${pointer}" is not a JSON pointer`);
  const offset = query.offset ?? 0;
  const row = await shallowNodeRunOutput(
    db,
    identifier,
    path,
    { offset, limit: query.limit ?? SHALLOW_PAGE },
    PREVIEW_CHARS,
  );
  if (!row || !canViewRun(actor, row)) throw notFound(`Node run "${identifier}"`);
  const view = row.view;
  if (view.kind === null) throw notFound(`Value at "${pointer}" in the output of "${identifier}"`);
  const answer: ShallowOutput = {
    ok: true,
    pointer,
    kind: view.kind as JsonKindName,
    size: view.size ?? 0,
    storedBytes: row.storedBytes,
    offset,
    entries: view.entries.map(([key, kind, size, preview, length]) => ({
      key,
      kind: kind as JsonKindName,
      ...(size === null ? {} : { size }),
      ...(preview === null ? {} : { preview }),
      ...(length === null ? {} : { length }),
    })),
    ...(view.preview === null ? {} : { preview: view.preview }),
  };
  return { answer, final: row.status === 'COMPLETED' };
}

/** Children a shallow read sends when the query does not say. */
const SHALLOW_PAGE = 500;

/** [ext] A run's `variables.outputs` alone; `final` once the run completed. */
export async function getRunOutputs(db: DbOrTx, identifier: string, actor: Actor) {
  const run = await loadVisibleWorkflowRun(db, identifier, actor);
  return { outputs: run.outputs as Record<string, unknown>, final: run.status === 'COMPLETED' };
}

export const listWorkflowRuns = (db: DbOrTx, query: RunsListQuery, actor: Actor) =>
  queryWorkflowRuns(db, query, visibleWorkflowRuns(actor));

/**
 * One page of a node run's (or a whole run's) log, if the actor may view the run; `unchanged`
 * (answer 304) when `ifNoneMatch` names the page's current ETag. The scope's state (status, line
 * count, per-level counters) is one lookup; the tag is made of it and the query, so an unchanged
 * poll reads no line and serializes nothing, and a poll after the last line reads no line either.
 * Lines are only ever appended (each raises the scope's `log_seq`), so a page is fixed by the
 * query, the line count and whether the scope finished.
 */
export async function pollLogs(
  db: Db,
  of: { nodeRun: string } | { run: string },
  query: LogsQuery,
  actor: Actor,
  ifNoneMatch: string | undefined,
  signal?: AbortSignal,
) {
  const state = await logScopeState(db, of, actor);
  if (!state) {
    throw 'nodeRun' in of
      ? notFound(`Node run "${of.nodeRun}"`)
      : notFound(`Workflow run "${of.run}"`);
  }
  const digest = createHash('sha1')
    .update(JSON.stringify([LOG_PAGE_FORMAT, of, query, state.lastSeq, state.finished, actor.id]))
    .digest('base64url');
  const etag = `W/"l-${digest}"`;
  if (etagMatches(etag, ifNoneMatch)) return { unchanged: true as const, etag };
  const scope: LogScope = { of, ...state };
  const parts = await cachedLogPage(
    db,
    { ...scope, lastSeq: state.lastSeq, counts: state.counts },
    query,
  );
  if (parts !== null) return { unchanged: false as const, etag, parts };
  // A search or a level's page can read many lines: it stops when the client goes away (the
  // viewer aborts a search the next keystroke replaced, a walk toward lines it no longer shows).
  // A level's 10 000 lines of a 2M-line log read ~1 s of blocks, which went on after the viewer
  // had left them and slowed what it did next. A page by position is an index range: it just runs.
  const page =
    query.q || query.level?.length
      ? await withCancel(db, signal, (session) => readLogPage(session, scope, query))
      : await readLogPage(db, scope, query);
  return {
    unchanged: false as const,
    etag,
    page: {
      logs: page.rows.map((r) => toNodeRunLogLine(r, page.seqOf)),
      nextCursor: page.nextCursor,
      total: page.total,
      counts: state.counts,
    },
  };
}

/** Raised when a log page's shape changes, so that no browser keeps a page in the old shape. */
const LOG_PAGE_FORMAT = 2;
