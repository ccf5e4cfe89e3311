import type { NodeRunPatch, RunResult, RunStatus, WorkflowNode } from '../../contract/workflows';
import { decideAdvance } from '../../contract/graph';
import type { Tx } from '../db/client';
import type { NodeRunRow, WorkflowRunRow } from '../db/serialize';
import { queueAgentWork } from '../db/work-queue';
import {
  appendNodeRunLogs,
  completeOpenNodeRuns,
  findWorkflowRun,
  insertNodeRuns,
  markRunCompleted,
  mergeRunOutput,
  newNodeRun,
  nodeRunsOf,
  updateNodeRun,
  type LogInput,
} from '../db/workflow-runs';
import { workflowGraphAt } from '../db/workflows';
import { agentInstallationOf, nodeUidOf } from '../domain/agent-work';
import type { Graph } from '../domain/graph';
import { render, TemplateError } from '../domain/templates';

/**
 * The run engine: what happens to a workflow run when its node runs change. Every function
 * here runs inside the caller's transaction, which holds the run's row lock.
 */

/** Starts the nodes the advance rules (contract/graph.ts) pick, or completes the run. */
export async function advance(
  tx: Tx,
  runIdentifier: string,
  graph: Graph,
  now: Date,
  status: RunStatus = 'IN_PROGRESS',
) {
  const decision = decideAdvance(graph, await nodeRunsOf(tx, runIdentifier), status);
  const nodes = new Map(graph.nodes.map((n) => [n.identifier, n]));
  await startNodeRuns(
    tx,
    runIdentifier,
    decision.start.flatMap((id) => nodes.get(id) ?? []),
    now,
  );
  if (decision.complete) await completeRun(tx, runIdentifier, decision.complete, now);
}

/**
 * Inserts the node runs of nodes that start now. An INTEGRATION_ACTION node run gets its node's
 * config rendered against the run's inputs and outputs (Port's agents use it as handed over) and
 * goes on the queue for an agent in this same transaction, so a claim sees it as soon as the
 * start commits. A config whose template has no value fails the node run at once, with the
 * reason in its log, and the run advances from that failure.
 */
export async function startNodeRuns(
  tx: Tx,
  runIdentifier: string,
  nodes: WorkflowNode[],
  now: Date,
  /** Runs on the inserted node runs before anything else is logged on them (a re-run's line). */
  onInserted?: (inserted: NodeRunRow[]) => Promise<void>,
) {
  if (nodes.length === 0) return;
  const run = nodes.some((n) => agentInstallationOf(n.config))
    ? await findWorkflowRun(tx, runIdentifier)
    : undefined;
  const failures = new Map<string, string>();
  const values = nodes.map((node) => {
    const row = newNodeRun(runIdentifier, node, now);
    if (!run || row.installationId === null) return row;
    try {
      const config = render(node.config, { inputs: run.inputs, outputs: run.outputs });
      const rendered = config as WorkflowNode['config'];
      return {
        ...row,
        config: rendered,
        installationId: agentInstallationOf(rendered) ?? row.installationId,
        dispatchedAt: now,
      };
    } catch (err) {
      if (!(err instanceof TemplateError)) throw err;
      failures.set(row.identifier, `Template error in node "${node.identifier}": ${err.message}`);
      return { ...row, dispatchedAt: now };
    }
  });
  const inserted = await insertNodeRuns(tx, values);
  await queueAgentWork(
    tx,
    inserted.flatMap((r) =>
      r.installationId !== null && run && !failures.has(r.identifier)
        ? [
            {
              kind: 'agent_node_run' as const,
              subjectId: r.identifier,
              installationId: r.installationId,
              exclusionKey: nodeUidOf(run.workflowIdentifier, r.nodeIdentifier),
            },
          ]
        : [],
    ),
    now,
  );
  await onInserted?.(inserted);
  for (const nodeRun of inserted) {
    const message = failures.get(nodeRun.identifier);
    const current = message ? await findWorkflowRun(tx, runIdentifier) : undefined;
    if (!message || !current) continue;
    await applyNodeRunReport(
      tx,
      current,
      nodeRun,
      { logs: [{ level: 'ERROR', message }], completion: { result: 'FAILED' } },
      now,
    );
  }
}

/**
 * Completes a run. Node runs still going when another node terminated the run end CANCELLED,
 * so a finished run never shows work in progress and late PATCHes get run_exhausted.
 */
export async function completeRun(tx: Tx, runIdentifier: string, result: RunResult, now: Date) {
  await completeOpenNodeRuns(tx, runIdentifier, 'CANCELLED', now);
  await markRunCompleted(tx, runIdentifier, result, now);
}

/**
 * After a node run ended (or the run began cancelling): advance by the graph of the run's
 * version, or, if that graph is gone, complete the run once nothing is left in progress.
 */
export async function settle(
  tx: Tx,
  run: WorkflowRunRow,
  status: RunStatus,
  now: Date,
  fallback: { result: RunResult; whenOpen: number },
) {
  const graph = await workflowGraphAt(tx, run.workflowIdentifier, run.workflowVersion);
  if (graph) await advance(tx, run.identifier, graph, now, status);
  else if (fallback.whenOpen === 0) await completeRun(tx, run.identifier, fallback.result, now);
}

/** The same INFO line on each node run. */
export async function logOnEach(
  tx: Tx,
  run: WorkflowRunRow,
  targets: NodeRunRow[],
  line: string,
  now: Date,
) {
  for (const nodeRun of targets) {
    await appendNodeRunLogs(tx, run, nodeRun, [{ level: 'INFO', message: line }], now);
  }
}

export interface NodeRunReport {
  logs: LogInput[];
  output?: Record<string, unknown> | undefined;
  /** Present when the report completes the node run. */
  completion?: { result: RunResult | undefined } | undefined;
  /** The executor's id for the run and links to it (Ocean's start report); each overwrites. */
  externalRunId?: string | null | undefined;
  links?: string[] | undefined;
}

/** What a node-run PATCH body reports, in the engine's terms. */
export const reportOfPatch = (body: NodeRunPatch): NodeRunReport => ({
  logs: (body.logs ?? []).map((l) => ({ level: l.logLevel, message: l.log, tags: l.tags })),
  output: body.output,
  completion: body.status === 'COMPLETED' ? { result: body.result } : undefined,
  externalRunId: body.externalRunId,
  links: body.links,
});

/**
 * Applies what a backend (or a person) reports on an open node run: its log lines, its output
 * (also into the run's outputs) and its completion, after which the run advances.
 */
export async function applyNodeRunReport(
  tx: Tx,
  run: WorkflowRunRow,
  nodeRun: NodeRunRow,
  report: NodeRunReport,
  now: Date,
) {
  await appendNodeRunLogs(tx, run, nodeRun, report.logs, now);
  if (
    report.output !== undefined ||
    report.completion ||
    report.externalRunId !== undefined ||
    report.links !== undefined
  ) {
    await updateNodeRun(tx, nodeRun.identifier, report, now);
  }
  if (report.output !== undefined) {
    await mergeRunOutput(tx, run.identifier, nodeRun.nodeIdentifier, report.output, now);
  }
  if (report.completion && run.status !== 'COMPLETED') {
    const result =
      run.status === 'CANCELLING' ? 'CANCELLED' : (report.completion.result ?? 'SUCCESS');
    await settle(tx, run, run.status, now, { result, whenOpen: 0 });
  }
}
