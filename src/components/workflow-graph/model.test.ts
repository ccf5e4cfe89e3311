import { describe, expect, it } from 'vitest';
import { assignLayers } from './model';

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
