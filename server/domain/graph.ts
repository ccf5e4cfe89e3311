import { TRIGGER_TYPES, type Connection, type WorkflowNode } from '../../contract/workflows';

export interface Graph {
  nodes: WorkflowNode[];
  connections: Connection[];
}

/** Returns the first problem with a workflow graph, in words a person can fix, or null. */
export function graphProblem({ nodes, connections }: Graph): string | null {
  const ids = new Set<string>();
  for (const node of nodes) {
    if (ids.has(node.identifier)) return `node "${node.identifier}" appears twice in nodes`;
    ids.add(node.identifier);
  }
  const triggers = nodes.filter((n) => TRIGGER_TYPES.includes(n.config.type));
  if (triggers.length === 0) {
    return `the workflow has no trigger node (a node whose config.type is ${TRIGGER_TYPES.join(' or ')})`;
  }
  if (triggers.length > 1) {
    return `the workflow has ${triggers.length} trigger nodes (${triggers.map((t) => t.identifier).join(', ')}); it needs exactly one`;
  }
  const seen = new Set<string>();
  for (const [i, c] of connections.entries()) {
    for (const end of ['sourceIdentifier', 'targetIdentifier'] as const) {
      if (!ids.has(c[end])) {
        return `connections[${i}].${end} "${c[end]}" is not a node of this workflow`;
      }
    }
    if (c.sourceIdentifier === c.targetIdentifier) {
      return `connections[${i}] connects "${c.sourceIdentifier}" to itself`;
    }
    const key = `${c.sourceIdentifier}\u0000${c.targetIdentifier}`;
    if (seen.has(key)) {
      return `connections[${i}] repeats the connection ${c.sourceIdentifier} → ${c.targetIdentifier}`;
    }
    seen.add(key);
  }
  const trigger = triggers[0]!;
  if (connections.some((c) => c.targetIdentifier === trigger.identifier)) {
    return `the trigger node "${trigger.identifier}" cannot be the target of a connection`;
  }
  const cycle = findCycle(nodes, connections);
  if (cycle) return `the connections form a cycle: ${cycle.join(' → ')}`;
  return null;
}

function findCycle(nodes: WorkflowNode[], connections: Connection[]): string[] | null {
  const next = successorsMap(connections);
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | null => {
    if (state.get(id) === 'done') return null;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    for (const target of next.get(id) ?? []) {
      const found = visit(target);
      if (found) return found;
    }
    path.pop();
    state.set(id, 'done');
    return null;
  };
  for (const node of nodes) {
    const found = visit(node.identifier);
    if (found) return found;
  }
  return null;
}

function successorsMap(connections: Connection[]): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const c of connections) {
    map.set(c.sourceIdentifier, [...(map.get(c.sourceIdentifier) ?? []), c.targetIdentifier]);
  }
  return map;
}

export function triggerNode(graph: Graph): WorkflowNode {
  const trigger = graph.nodes.find((n) => TRIGGER_TYPES.includes(n.config.type));
  if (!trigger) throw new Error('workflow without trigger passed validation');
  return trigger;
}
