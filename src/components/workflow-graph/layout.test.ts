import { describe, expect, it } from 'vitest';
import { dagreLayout, NODE_HEIGHT, NODE_WIDTH } from './layout';

const graph = (ids: string[], edges: [string, string][]) => ({
  nodes: ids.map((identifier) => ({ identifier })),
  connections: edges.map(([sourceIdentifier, targetIdentifier]) => ({
    sourceIdentifier,
    targetIdentifier,
  })),
});

const overlap = (a: { x: number; y: number }, b: { x: number; y: number }) =>
  Math.abs(a.x - b.x) < NODE_WIDTH && Math.abs(a.y - b.y) < NODE_HEIGHT;

describe('dagreLayout', () => {
  it('lays a fan-out and fan-in left to right, every edge pointing right, nothing overlapping', () => {
    const sources = ['a', 'b', 'c', 'd', 'e'];
    const { positions, width, height } = dagreLayout(
      graph(
        ['t', ...sources, 'join'],
        [
          ...sources.map((s): [string, string] => ['t', s]),
          ...sources.map((s): [string, string] => [s, 'join']),
        ],
      ),
    );
    const t = positions.get('t')!;
    const join = positions.get('join')!;
    for (const s of sources) {
      const p = positions.get(s)!;
      expect(p.x).toBeGreaterThan(t.x + NODE_WIDTH);
      expect(join.x).toBeGreaterThan(p.x + NODE_WIDTH);
    }
    const all = [...positions.values()];
    for (let i = 0; i < all.length; i++)
      for (let j = i + 1; j < all.length; j++) expect(overlap(all[i]!, all[j]!)).toBe(false);
    for (const p of all) {
      expect(p.x).toBeGreaterThanOrEqual(0);
      expect(p.y).toBeGreaterThanOrEqual(0);
      expect(p.x + NODE_WIDTH).toBeLessThanOrEqual(width);
      expect(p.y + NODE_HEIGHT).toBeLessThanOrEqual(height);
    }
  });

  it('ignores connections to unknown nodes and places unconnected ones', () => {
    const { positions } = dagreLayout(graph(['t', 'x'], [['t', 'gone']]));
    expect([...positions.keys()].sort()).toEqual(['t', 'x']);
  });
});
