/**
 * The advance rules, the one copy both sides run: the server's engine decides with them what
 * starts and when a run ends, and the dashboard previews them before a person marks a node run
 * complete, so the preview cannot disagree with what the server will do. Pure, so contract/
 * stays free of either side.
 */
export type AdvanceResult = 'SUCCESS' | 'FAILED' | 'CANCELLED';

export interface GraphEdges {
  nodes: { identifier: string; onFailure?: 'terminate' | 'continue' | undefined }[];
  connections: { sourceIdentifier: string; targetIdentifier: string }[];
}

export interface NodeRunOutcome {
  nodeIdentifier: string;
  status: string;
  result: string | null;
}

export interface NodeRunState extends NodeRunOutcome {
  status: 'IN_PROGRESS' | 'COMPLETED';
  result: AdvanceResult | null;
  /** Orders terminating failures; a Date (server) or an ISO string (dashboard). */
  completedAt?: Date | string | null | undefined;
}

export interface Advance {
  /** Nodes that get a new IN_PROGRESS node run. */
  start: string[];
  /** Set when the workflow run completes now. */
  complete: AdvanceResult | null;
}

/**
 * Nodes that have no node run yet and whose every incoming connection comes from a node run that
 * completed SUCCESS (a node with several incoming connections waits for all of them).
 */
export function readyNodes(graph: GraphEdges, runs: NodeRunOutcome[]): string[] {
  const byNode = new Map(runs.map((r) => [r.nodeIdentifier, r]));
  const predecessors = new Map<string, string[]>();
  for (const c of graph.connections) {
    predecessors.set(c.targetIdentifier, [
      ...(predecessors.get(c.targetIdentifier) ?? []),
      c.sourceIdentifier,
    ]);
  }
  return graph.nodes
    .filter((n) => !byNode.has(n.identifier))
    .filter((n) => {
      const preds = predecessors.get(n.identifier) ?? [];
      return (
        preds.length > 0 &&
        preds.every((p) => {
          const r = byNode.get(p);
          return r?.status === 'COMPLETED' && r.result === 'SUCCESS';
        })
      );
    })
    .map((n) => n.identifier);
}

const timeOf = (at: Date | string | null | undefined) => (at ? new Date(at).getTime() : 0);

/**
 * The advance rules, evaluated over the whole state of a run (so the answer is the same however
 * many times it is asked):
 * - a node run that ended FAILED or CANCELLED on a node whose onFailure is `terminate` ends the
 *   run with that result, and nothing starts;
 * - a node starts once every node connected to it has a node run that completed SUCCESS
 *   (a node with several incoming connections waits for all of them);
 * - when nothing is in progress and nothing can start, the run completes SUCCESS;
 * - a CANCELLING run starts nothing; it completes CANCELLED once no node run is left in
 *   progress, or at once when a node run ends the run as a terminating failure would.
 */
export function decideAdvance(
  graph: GraphEdges,
  runs: NodeRunState[],
  status: 'IN_PROGRESS' | 'CANCELLING' | 'COMPLETED' = 'IN_PROGRESS',
): Advance {
  const inProgress = runs.some((r) => r.status === 'IN_PROGRESS');
  const onFailure = new Map(graph.nodes.map((n) => [n.identifier, n.onFailure]));
  const terminating = runs
    .filter(
      (r) =>
        r.status === 'COMPLETED' &&
        r.result !== 'SUCCESS' &&
        (onFailure.get(r.nodeIdentifier) ?? 'terminate') === 'terminate',
    )
    .sort((a, b) => timeOf(a.completedAt) - timeOf(b.completedAt))[0];
  if (status === 'CANCELLING') {
    return { start: [], complete: terminating || !inProgress ? 'CANCELLED' : null };
  }
  if (terminating) return { start: [], complete: terminating.result };

  const start = readyNodes(graph, runs);
  return { start, complete: start.length === 0 && !inProgress ? 'SUCCESS' : null };
}
