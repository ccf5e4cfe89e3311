import type { RunResult, RunStatus } from '../../contract/workflows';
import { forbidden, invalid, runExhausted } from './errors';
import { triggerNode, type Graph } from './graph';
import { isPrivileged, type Actor } from './permissions';

/** Admins, machine credentials and the user who started a run may mark, cancel or re-run it. */
export function assertCanControl(
  actor: Actor,
  run: { createdBy: string },
  what: string,
  acts = 'mark, cancel or re-run it',
) {
  if (isPrivileged(actor) || run.createdBy === actor.id) return;
  throw forbidden(
    `Only admins and the user who started ${what} may ${acts}; you are a ${actor.role} and did not start it`,
  );
}

interface RunState {
  identifier: string;
  status: RunStatus;
  result: RunResult | null;
  completedAt: Date | null;
}

/** A completed run takes no manual completion or cancel: 422 naming how and when it ended. */
export function assertRunOpen(run: RunState) {
  if (run.status === 'COMPLETED') {
    const at = run.completedAt ? ` at ${run.completedAt.toISOString()}` : '';
    throw runExhausted(
      `Workflow run "${run.identifier}" already completed with result ${run.result}${at}; a completed run cannot be changed`,
    );
  }
}

/** A completed node run takes no further report: 422 naming how and when it ended. */
export function assertNodeRunOpen(nodeRun: {
  identifier: string;
  status: string;
  result: RunResult | null;
  completedAt: Date | null;
}) {
  if (nodeRun.status === 'COMPLETED') {
    const at = nodeRun.completedAt ? ` at ${nodeRun.completedAt.toISOString()}` : '';
    throw runExhausted(
      `Node run "${nodeRun.identifier}" already completed with result ${nodeRun.result}${at}; a completed node run cannot be changed`,
    );
  }
}

/** The audited line of a run (or node run, or action run) marked complete by hand. */
export const markedLine = (result: string, who: string, reason: string) =>
  `Marked ${result} by ${who}: ${reason}`;

export type CancelPlan =
  /** Nothing to change: the run is already cancelling and no force was asked. */
  | { kind: 'unchanged' }
  /** The run becomes CANCELLING; in-progress node runs may still finish. */
  | { kind: 'cancelling' }
  /** Every in-progress node run ends CANCELLED and the run completes CANCELLED now. */
  | { kind: 'force' };

export function planCancel(run: RunState, force: boolean): CancelPlan {
  assertRunOpen(run);
  if (force) return { kind: 'force' };
  return run.status === 'CANCELLING' ? { kind: 'unchanged' } : { kind: 'cancelling' };
}

/** The nodes with a path to `node` (its ancestors), in the graph's node order. */
export function ancestorsOf(graph: Graph, node: string): string[] {
  const predecessors = new Map<string, string[]>();
  for (const c of graph.connections) {
    predecessors.set(c.targetIdentifier, [
      ...(predecessors.get(c.targetIdentifier) ?? []),
      c.sourceIdentifier,
    ]);
  }
  const seen = new Set<string>();
  const stack = [...(predecessors.get(node) ?? [])];
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(predecessors.get(id) ?? []));
  }
  return graph.nodes.map((n) => n.identifier).filter((id) => seen.has(id));
}

export interface OriginalNodeRun {
  identifier: string;
  nodeIdentifier: string;
  status: 'IN_PROGRESS' | 'COMPLETED';
  result: RunResult | null;
}

export interface RerunPlan<N extends OriginalNodeRun> {
  /** Node runs of the original whose result and output the re-run copies, ancestors first. */
  reuse: N[];
  /** The node the re-run starts at; null starts it from the trigger like a new run. */
  start: string | null;
}

/**
 * Which node runs a re-run from `fromNode` reuses: the latest node run of every ancestor, each of
 * which must have completed SUCCESS in the original (else the re-run could not have reached the
 * node). A re-run from the trigger, or without fromNode, runs everything again.
 */
export function planRerun<N extends OriginalNodeRun>(
  graph: Graph,
  original: N[],
  fromNode: string | undefined,
): RerunPlan<N> {
  if (fromNode === undefined || fromNode === triggerNode(graph).identifier) {
    return { reuse: [], start: null };
  }
  if (!graph.nodes.some((n) => n.identifier === fromNode)) {
    throw invalid(`body.fromNode: "${fromNode}" is not a node of this run's workflow version`);
  }
  const ancestors = ancestorsOf(graph, fromNode);
  if (ancestors.length === 0) {
    throw invalid(
      `body.fromNode: "${fromNode}" has no incoming connection, so no run ever reaches it`,
    );
  }
  const latest = new Map(original.map((r) => [r.nodeIdentifier, r]));
  const reuse = ancestors.map((id) => {
    const run = latest.get(id);
    if (run?.status !== 'COMPLETED' || run.result !== 'SUCCESS') {
      const state = !run
        ? 'never ran'
        : run.result
          ? `ended ${run.result}`
          : 'is still in progress';
      throw invalid(
        `body.fromNode: cannot re-run from "${fromNode}": its upstream node "${id}" ${state} in the original run, so there is no successful output to reuse`,
      );
    }
    return run;
  });
  return { reuse, start: fromNode };
}
