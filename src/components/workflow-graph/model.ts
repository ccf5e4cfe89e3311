/** Layered layout of a workflow DAG: columns by longest path from the trigger, SVG edge paths. */

export interface GraphInput {
  nodes: { identifier: string }[];
  connections: { sourceIdentifier: string; targetIdentifier: string }[];
}

export interface PlacedNode {
  id: string;
  layer: number;
  row: number;
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  path: string;
}

export interface GraphLayout {
  nodes: PlacedNode[];
  edges: PlacedEdge[];
  width: number;
  height: number;
}

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 60;
const GAP_X = 56;
const GAP_Y = 20;

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

export function layoutGraph(graph: GraphInput): GraphLayout {
  const layers = assignLayers(graph);
  const columns: string[][] = [];
  for (const n of graph.nodes) {
    const l = layers.get(n.identifier) ?? 0;
    (columns[l] ??= []).push(n.identifier);
  }
  const preds = new Map<string, string[]>();
  for (const c of graph.connections) {
    (
      preds.get(c.targetIdentifier) ?? preds.set(c.targetIdentifier, []).get(c.targetIdentifier)!
    ).push(c.sourceIdentifier);
  }
  // One barycenter pass: a node sits near the average row of what feeds it, fewer crossings.
  const rowOf = new Map<string, number>();
  columns.forEach((column, l) => {
    const ordered =
      l === 0
        ? column
        : column
            .map((id, i) => {
              const rows = (preds.get(id) ?? [])
                .map((p) => rowOf.get(p))
                .filter((r): r is number => r !== undefined);
              const center = rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : i;
              return { id, center, i };
            })
            .sort((a, b) => a.center - b.center || a.i - b.i)
            .map((e) => e.id);
    columns[l] = ordered;
    ordered.forEach((id, row) => rowOf.set(id, row));
  });

  const tallest = Math.max(0, ...columns.map((c) => c?.length ?? 0));
  const height = tallest === 0 ? 0 : tallest * NODE_HEIGHT + (tallest - 1) * GAP_Y;
  const nodes: PlacedNode[] = [];
  columns.forEach((column, layer) => {
    const columnHeight = column.length * NODE_HEIGHT + (column.length - 1) * GAP_Y;
    const top = (height - columnHeight) / 2;
    column.forEach((id, row) =>
      nodes.push({
        id,
        layer,
        row,
        x: layer * (NODE_WIDTH + GAP_X),
        y: top + row * (NODE_HEIGHT + GAP_Y),
      }),
    );
  });
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const edges: PlacedEdge[] = [];
  for (const c of graph.connections) {
    const a = byId.get(c.sourceIdentifier);
    const b = byId.get(c.targetIdentifier);
    if (!a || !b) continue;
    const x1 = a.x + NODE_WIDTH;
    const y1 = a.y + NODE_HEIGHT / 2;
    const x2 = b.x;
    const y2 = b.y + NODE_HEIGHT / 2;
    const mid = (x1 + x2) / 2;
    edges.push({
      from: a.id,
      to: b.id,
      path: `M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`,
    });
  }
  const width =
    columns.length === 0 ? 0 : columns.length * NODE_WIDTH + (columns.length - 1) * GAP_X;
  return { nodes, edges, width, height };
}
