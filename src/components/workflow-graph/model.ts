/** Layers of a workflow DAG (columns by longest path from the trigger), known without loading dagre. */

export interface GraphInput {
  nodes: { identifier: string }[];
  connections: { sourceIdentifier: string; targetIdentifier: string }[];
}

/**
 * Layer of each node = length of the longest path to it from a node without incoming edges (the
 * trigger), so every edge points right. Connections naming unknown nodes are ignored; nodes left
 * in a cycle (the server rejects those) go after the last layer rather than vanish.
 */
export function assignLayers(graph: GraphInput): Map<string, number> {
  const ids = new Set(graph.nodes.map((n) => n.identifier));
  const edges = graph.connections.filter(
    (c) => ids.has(c.sourceIdentifier) && ids.has(c.targetIdentifier),
  );
  const indegree = new Map([...ids].map((id) => [id, 0]));
  const out = new Map<string, string[]>([...ids].map((id) => [id, []]));
  for (const e of edges) {
    indegree.set(e.targetIdentifier, (indegree.get(e.targetIdentifier) ?? 0) + 1);
    out.get(e.sourceIdentifier)?.push(e.targetIdentifier);
  }
  const layer = new Map<string, number>();
  const queue = [...ids].filter((id) => indegree.get(id) === 0);
  for (const id of queue) layer.set(id, 0);
  while (queue.length > 0) {
    const id = queue.shift()!;
    const next = (layer.get(id) ?? 0) + 1;
    for (const target of out.get(id) ?? []) {
      layer.set(target, Math.max(layer.get(target) ?? 0, next));
      const left = (indegree.get(target) ?? 0) - 1;
      indegree.set(target, left);
      if (left === 0) queue.push(target);
    }
  }
  const last = Math.max(-1, ...layer.values());
  for (const id of ids) if (indegree.get(id)! > 0) layer.set(id, last + 1);
  return layer;
}
