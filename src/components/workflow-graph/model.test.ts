import { describe, expect, it } from 'vitest';
import { assignLayers, layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './model';

const graph = (ids: string[], edges: [string, string][]) => ({
  nodes: ids.map((identifier) => ({ identifier })),
  connections: edges.map(([sourceIdentifier, targetIdentifier]) => ({
    sourceIdentifier,
    targetIdentifier,
  })),
});

describe('assignLayers', () => {
  it('puts a chain in consecutive columns starting at the trigger', () => {
    const layers = assignLayers(
      graph(
        ['t', 'a', 'b'],
        [
          ['t', 'a'],
          ['a', 'b'],
        ],
      ),
    );
    expect(Object.fromEntries(layers)).toEqual({ t: 0, a: 1, b: 2 });
  });

  it('uses the longest path, so a shortcut edge still points right', () => {
    const layers = assignLayers(
      graph(
        ['t', 'a', 'c'],
        [
          ['t', 'a'],
          ['a', 'c'],
          ['t', 'c'],
        ],
      ),
    );
    expect(layers.get('c')).toBe(2);
  });

  it('ignores connections to unknown nodes and keeps nodes of a cycle after the last layer', () => {
    const layers = assignLayers(
      graph(
        ['t', 'x', 'y'],
        [
          ['t', 'ghost'],
          ['x', 'y'],
          ['y', 'x'],
        ],
      ),
    );
    expect(layers.get('t')).toBe(0);
    expect(layers.get('x')).toBe(1);
    expect(layers.get('y')).toBe(1);
  });
});

describe('layoutGraph', () => {
  it('places a diamond in three columns with the branches stacked and centered joins', () => {
    const layout = layoutGraph(
      graph(
        ['t', 'a', 'b', 'j'],
        [
          ['t', 'a'],
          ['t', 'b'],
          ['a', 'j'],
          ['b', 'j'],
        ],
      ),
    );
    const at = Object.fromEntries(layout.nodes.map((n) => [n.id, n]));
    expect(at.a!.layer).toBe(1);
    expect(at.b!.layer).toBe(1);
    expect(at.a!.y).toBeLessThan(at.b!.y);
    expect(at.t!.y).toBe((at.a!.y + at.b!.y) / 2);
    expect(at.j!.y).toBe(at.t!.y);
    expect(layout.width).toBe(3 * NODE_WIDTH + 2 * 56);
    expect(layout.height).toBe(2 * NODE_HEIGHT + 20);
    expect(layout.edges).toHaveLength(4);
  });

  it('draws each edge from the right side of its source to the left side of its target', () => {
    const layout = layoutGraph(graph(['t', 'a'], [['t', 'a']]));
    const a = layout.nodes.find((n) => n.id === 'a')!;
    expect(layout.edges[0]!.path.startsWith(`M${NODE_WIDTH},${NODE_HEIGHT / 2}`)).toBe(true);
    expect(layout.edges[0]!.path.endsWith(`${a.x},${NODE_HEIGHT / 2}`)).toBe(true);
  });

  it('orders a column by the rows of its predecessors to avoid crossings', () => {
    const layout = layoutGraph(
      graph(
        ['t', 'p', 'q', 'late', 'early'],
        [
          ['t', 'p'],
          ['t', 'q'],
          ['q', 'late'],
          ['p', 'early'],
        ],
      ),
    );
    const row = (id: string) => layout.nodes.find((n) => n.id === id)!.row;
    expect(row('early')).toBeLessThan(row('late'));
  });

  it('lays out an empty graph as nothing', () => {
    expect(layoutGraph(graph([], []))).toEqual({ nodes: [], edges: [], width: 0, height: 0 });
  });
});
