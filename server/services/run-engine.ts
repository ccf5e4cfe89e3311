import type { NodeRunPatch, RunResult, RunStatus } from '../../contract/workflows';
import { decideAdvance } from '../../contract/graph';
import type { Tx } from '../db/client';
import type { NodeRunRow, WorkflowRunRow } from '../db/serialize';
import {
  appendNodeRunLogs,
  completeOpenNodeRuns,
  insertNodeRuns,
  markRunCompleted,
  mergeRunOutput,
  newNodeRun,
  nodeRunsOf,
  updateNodeRun,
  type LogInput,
} from '../db/workflow-runs';
import { workflowGraphAt } from '../db/workflows';
import type { Graph } from '../domain/graph';

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
  await insertNodeRuns(
    tx,
    decision.start.flatMap((id) => {
      const node = nodes.get(id);
      return node ? [newNodeRun(runIdentifier, node, now)] : [];
    }),
  );
  if (decision.complete) await completeRun(tx, runIdentifier, decision.complete, now);
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
}

/** What a node-run PATCH body reports, in the engine's terms. */
export const reportOfPatch = (body: NodeRunPatch): NodeRunReport => ({
  logs: (body.logs ?? []).map((l) => ({ level: l.logLevel, message: l.log, tags: l.tags })),
  output: body.output,
  completion: body.status === 'COMPLETED' ? { result: body.result } : undefined,
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
  if (report.output !== undefined || report.completion) {
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
