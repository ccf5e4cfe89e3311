import type { AuditEntry } from '../../../contract/entities';
import { decideAdvance } from '../../../contract/graph';
import type {
  Connection,
  NodeRunSummary,
  RunResult,
  RunStatus,
  WorkflowNode,
  WorkflowRunSummary,
} from '../../../contract/workflows';

/** What marking one node run complete will make happen next. */
export type MarkPreview =
  /** These nodes start next. */
  | { kind: 'start'; nodes: string[] }
  /** The run ends with this result (any other in-progress node run ends CANCELLED). */
  | { kind: 'end'; result: RunResult }
  /** Nothing starts yet: other node runs are still in progress. */
  | { kind: 'wait' }
  /** The workflow's graph is gone, so what follows cannot be told. */
  | { kind: 'unknown' };

export interface PreviewGraph {
  nodes: Pick<WorkflowNode, 'identifier' | 'onFailure'>[];
  connections: Pick<Connection, 'sourceIdentifier' | 'targetIdentifier'>[];
}

/**
 * What the server's advance rule (contract/graph.ts decideAdvance, the one the server runs) will do
 * the moment `node`'s run completes with `result`.
 */
export function previewMark(
  graph: PreviewGraph | undefined,
  run: {
    status: RunStatus;
    nodeRuns: Pick<NodeRunSummary, 'nodeIdentifier' | 'status' | 'result'>[];
  },
  node: string,
  result: RunResult,
): MarkPreview {
  if (!graph) return { kind: 'unknown' };
  // The marked node run completes last, so an earlier terminating failure would still win.
  const runs = run.nodeRuns.map((r) =>
    r.nodeIdentifier === node
      ? { ...r, status: 'COMPLETED' as const, result, completedAt: new Date(8.64e15) }
      : r,
  );
  const next = decideAdvance(graph, runs, run.status);
  if (next.complete) return { kind: 'end', result: next.complete };
  return next.start.length > 0 ? { kind: 'start', nodes: next.start } : { kind: 'wait' };
}

export type OutputParse =
  { ok: true; value: Record<string, unknown> | undefined } | { ok: false; error: string };

/** The optional output typed by a person: blank is none, otherwise a JSON object. */
export function parseOutput(text: string): OutputParse {
  if (text.trim() === '') return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return {
      ok: false,
      error: `Not valid JSON: ${err instanceof Error ? err.message : 'parse error'}`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, error: `The output must be a JSON object ({…}), not ${kind}` };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

/** The run as it looks the moment a node run is marked, before the server answers. */
export function withNodeMarked(
  run: WorkflowRunSummary,
  nodeRunId: string,
  result: RunResult,
): WorkflowRunSummary {
  const now = new Date().toISOString();
  return {
    ...run,
    nodeRuns: run.nodeRuns.map((nr) =>
      nr.identifier === nodeRunId
        ? { ...nr, status: 'COMPLETED', result, completedAt: now, updatedAt: now }
        : nr,
    ),
  };
}

/** "Re-run from here" is offered on a node run that ended without success; its upstream succeeded. */
export const canRerunFrom = (nodeRun: NodeRunSummary | null): nodeRun is NodeRunSummary =>
  nodeRun?.status === 'COMPLETED' && nodeRun.result !== 'SUCCESS';

/** The newest entry (audits come newest first) that cancelled the run itself, or null. */
export function runCancelOf(audits: AuditEntry[]): AuditEntry | null {
  const isRunCancel = (entry: AuditEntry) => {
    const after = entry.diff.after;
    if (!after || 'nodeRun' in after) return false;
    return after.status === 'CANCELLING' || after.result === 'CANCELLED';
  };
  return audits.find(isRunCancel) ?? null;
}
