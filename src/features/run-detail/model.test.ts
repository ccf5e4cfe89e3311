import { describe, expect, it } from 'vitest';
import type { NodeRun } from '../../../contract/workflows';
import {
  defaultNode,
  ganttBars,
  ganttRowCount,
  nodeStates,
  shownNode,
  sumLogCounts,
} from './model';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

function nodeRun(
  node: string,
  startS: number,
  endS: number | null,
  result: NodeRun['result'] = null,
): NodeRun {
  return {
    identifier: `wfnr_${node.padEnd(16, '0').slice(0, 16)}`,
    node: { identifier: node },
    nodeIdentifier: node,
    nodeTitle: node,
    nodeIcon: null,
    nodeConfigType: 'WEBHOOK',
    status: endS === null ? 'IN_PROGRESS' : 'COMPLETED',
    result: endS === null ? null : (result ?? 'SUCCESS'),
    output: {},
    logCounts: { DEBUG: 1, INFO: 2, WARN: 0, ERROR: endS === null ? 0 : 1 },
    createdAt: at(startS),
    updatedAt: at(endS ?? startS),
    completedAt: endS === null ? null : at(endS),
  };
}

describe('defaultNode', () => {
  it('picks the first failed node run', () => {
    const runs = [nodeRun('b', 2, 5, 'FAILED'), nodeRun('t', 0, 1), nodeRun('c', 3, 4, 'FAILED')];
    expect(defaultNode(runs)).toBe('b');
  });
  it('else the first in progress, else the last started, else nothing', () => {
    expect(defaultNode([nodeRun('t', 0, 1), nodeRun('a', 1, null), nodeRun('b', 2, null)])).toBe(
      'a',
    );
    expect(defaultNode([nodeRun('t', 0, 1), nodeRun('z', 3, 4), nodeRun('a', 1, 2)])).toBe('z');
    expect(defaultNode([])).toBeNull();
  });
});

describe('shownNode', () => {
  const runs = [nodeRun('t', 0, 1), nodeRun('a', 1, null)];
  const nodes = ['t', 'a', 'b'];
  it('is the URL’s node, even one that has not run yet, else the default one', () => {
    expect(shownNode(runs, 'b', nodes)).toBe('b');
    expect(shownNode(runs, undefined, nodes)).toBe('a');
  });
  it('takes a node run id of the run as its node', () => {
    expect(shownNode(runs, runs[0]!.identifier, nodes)).toBe('t');
    expect(shownNode(runs, runs[0]!.identifier, null)).toBe('t');
  });
  it('shows the default node for a name that is no node of the graph', () => {
    expect(shownNode(runs, 'wfnr_AAAAAAAAAAAAAAAA', nodes)).toBe('a');
    expect(shownNode(runs, 'nope', nodes)).toBe('a');
  });
});

describe('nodeStates', () => {
  it('colors each node by its node run', () => {
    const nodeRuns = [nodeRun('t', 0, 1), nodeRun('a', 1, null), nodeRun('b', 1, 3, 'CANCELLED')];
    expect(nodeStates({ status: 'IN_PROGRESS', nodeRuns }, ['t', 'a', 'b', 'c'])).toEqual({
      t: 'success',
      a: 'in-progress',
      b: 'cancelled',
      c: 'not-started',
    });
  });
  it('says a node did not run once the run is over', () => {
    const nodeRuns = [nodeRun('t', 0, 1), nodeRun('a', 1, 2, 'FAILED')];
    expect(nodeStates({ status: 'COMPLETED', nodeRuns }, ['t', 'a', 'b']).b).toBe('skipped');
  });
});

describe('ganttBars', () => {
  it('places finished node runs relative to the run span', () => {
    const run = {
      status: 'COMPLETED' as const,
      createdAt: at(0),
      completedAt: at(10),
      nodeRuns: [nodeRun('a', 5, 10), nodeRun('t', 0, 1)],
    };
    const bars = ganttBars(run, ['t', 'a'], T0 + 99_000);
    expect(bars.map((b) => b.nodeIdentifier)).toEqual(['t', 'a']);
    expect(ganttBars(run, ['t', 'a', 'never'], T0)[2]).toMatchObject({ state: 'skipped' });
    expect(bars[0]).toMatchObject({ offset: 0, width: 0.1, durationMs: 1000, state: 'success' });
    expect(bars[1]).toMatchObject({ offset: 0.5, width: 0.5, durationMs: 5000 });
  });

  it('stretches a running node run to now and lists nodes that have not run', () => {
    const run = {
      status: 'IN_PROGRESS' as const,
      createdAt: at(0),
      completedAt: null,
      nodeRuns: [nodeRun('t', 0, 2), nodeRun('a', 2, null)],
    };
    const bars = ganttBars(run, ['t', 'a', 'later'], T0 + 4_000);
    expect(bars[1]).toMatchObject({
      offset: 0.5,
      width: 0.5,
      durationMs: 2000,
      state: 'in-progress',
    });
    expect(bars[2]).toMatchObject({
      nodeIdentifier: 'later',
      nodeRunId: null,
      state: 'not-started',
      width: 0,
    });
  });
});

describe('ganttRowCount', () => {
  it('counts the rows ganttBars gives: a node run each (a node re-run twice), a node not run yet', () => {
    const run = {
      status: 'IN_PROGRESS' as const,
      createdAt: at(0),
      completedAt: null,
      nodeRuns: [nodeRun('t', 0, 1), nodeRun('a', 1, 2, 'FAILED'), nodeRun('a', 2, null)],
    };
    for (const order of [['t', 'a', 'later', 'last'], ['t', 'a'], []]) {
      expect(ganttRowCount(run, order)).toBe(ganttBars(run, order, T0 + 3_000).length);
    }
    expect(ganttRowCount(run, ['t', 'a', 'later', 'last'])).toBe(5);
  });
});

describe('sumLogCounts', () => {
  it('adds up the per-level counts of all node runs', () => {
    expect(sumLogCounts([nodeRun('t', 0, 1), nodeRun('a', 1, null)])).toEqual({
      DEBUG: 2,
      INFO: 4,
      WARN: 0,
      ERROR: 1,
    });
  });
});
