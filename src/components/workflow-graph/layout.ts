import { graphlib, layout } from '@dagrejs/dagre';
import type { GraphInput } from './model';

export const NODE_WIDTH = 190;
export const NODE_HEIGHT = 60;

export interface FlowLayout {
  /** Top-left corner of each node. */
  positions: Map<string, { x: number; y: number }>;
  width: number;
  height: number;
}

/**
 * Left-to-right layered layout by dagre (fewer crossings than one barycenter pass, and edges
 * routed around nodes). Connections naming unknown nodes are ignored.
 */
export function dagreLayout(graph: GraphInput): FlowLayout {
  const g = new graphlib.Graph();
  g.setGraph({ rankdir: 'LR', nodesep: 20, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  const ids = new Set(graph.nodes.map((n) => n.identifier));
  for (const id of ids) g.setNode(id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const c of graph.connections) {
    if (ids.has(c.sourceIdentifier) && ids.has(c.targetIdentifier)) {
      g.setEdge(c.sourceIdentifier, c.targetIdentifier);
    }
  }
  layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const id of ids) {
    const n = g.node(id);
    positions.set(id, { x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 });
  }
  const { width = 0, height = 0 } = g.graph();
  return { positions, width, height };
}

/**
 * Small graphs laid out before the page's graph, each in a task of its own, so dagre's code is
 * compiled before that layout: a first layout of even a few nodes was 8–13 ms of CPU in cold
 * loads of the run page (V8 compiling dagre's functions as they first run), inside the graph's
 * render task; one warm-up layout of four nodes in a task of its own was still 7.4–9.8 ms of CPU
 * (s15boot2, 16 traced loads in Chromium without DevTools' Runtime domain), these three tasks
 * 3.7–4.4, 2.1–3.3 and 2.1–4.0 ms (about 1 ms more in all). Growing graphs split that compiling: a lone node runs
 * every pass of the layout once (most of its functions), a chain adds the edges' code, a diamond
 * the ordering's and the positioning's handling of a layer of several nodes.
 */
export const WARM_GRAPHS: GraphInput[] = [
  { nodes: [{ identifier: 'a' }], connections: [] },
  {
    nodes: [{ identifier: 'a' }, { identifier: 'b' }],
    connections: [{ sourceIdentifier: 'a', targetIdentifier: 'b' }],
  },
  {
    nodes: [{ identifier: 'a' }, { identifier: 'b' }, { identifier: 'c' }, { identifier: 'd' }],
    connections: [
      { sourceIdentifier: 'a', targetIdentifier: 'b' },
      { sourceIdentifier: 'a', targetIdentifier: 'c' },
      { sourceIdentifier: 'b', targetIdentifier: 'd' },
      { sourceIdentifier: 'c', targetIdentifier: 'd' },
    ],
  },
];
