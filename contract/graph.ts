/**
 * The one advance rule both sides need: the server starts these nodes, and the dashboard previews
 * them before a person marks a node run complete. Pure, so contract/ stays free of either side.
 */
export interface GraphEdges {
  nodes: { identifier: string }[];
  connections: { sourceIdentifier: string; targetIdentifier: string }[];
}

export interface NodeRunOutcome {
  nodeIdentifier: string;
  status: string;
  result: string | null;
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
