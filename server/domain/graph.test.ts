import { describe, expect, it } from 'vitest';
import type { Connection, NodeType, WorkflowNode } from '../../contract/workflows';
import { decideAdvance, type NodeRunState } from '../../contract/graph';
import { graphProblem, triggerNode, type Graph } from './graph';

const node = (
  identifier: string,
  type: NodeType = 'WEBHOOK',
  onFailure: 'terminate' | 'continue' = 'terminate',
): WorkflowNode => ({ identifier, config: { type }, onFailure });

const edge = (sourceIdentifier: string, targetIdentifier: string): Connection => ({
  sourceIdentifier,
  targetIdentifier,
});

const graph = (nodes: WorkflowNode[], connections: [string, string][]): Graph => ({
  nodes,
  connections: connections.map(([s, t]) => edge(s, t)),
});

const done = (
  nodeIdentifier: string,
  result: 'SUCCESS' | 'FAILED' | 'CANCELLED' = 'SUCCESS',
  at = 0,
): NodeRunState => ({ nodeIdentifier, status: 'COMPLETED', result, completedAt: new Date(at) });

const running = (nodeIdentifier: string): NodeRunState => ({
  nodeIdentifier,
  status: 'IN_PROGRESS',
  result: null,
  completedAt: null,
});

describe('graphProblem', () => {
  it('accepts a trigger followed by a diamond', () => {
    const g = graph(
      [node('t', 'SELF_SERVE_TRIGGER'), node('a'), node('b'), node('join')],
      [
        ['t', 'a'],
        ['t', 'b'],
        ['a', 'join'],
        ['b', 'join'],
      ],
    );
    expect(graphProblem(g)).toBeNull();
  });

  it('names a node that appears twice', () => {
    expect(graphProblem(graph([node('t', 'SELF_SERVE_TRIGGER'), node('a'), node('a')], []))).toBe(
      'node "a" appears twice in nodes',
    );
  });

  it('rejects a graph without a trigger node', () => {
    expect(graphProblem(graph([node('a'), node('b')], [['a', 'b']]))).toMatch(
      /has no trigger node/,
    );
  });

  it('rejects a graph with two trigger nodes, naming both', () => {
    const problem = graphProblem(
      graph([node('t1', 'SELF_SERVE_TRIGGER'), node('t2', 'EVENT_TRIGGER')], []),
    );
    expect(problem).toMatch(/2 trigger nodes \(t1, t2\)/);
  });

  it('names the end of a connection that is not a node', () => {
    expect(graphProblem(graph([node('t', 'SELF_SERVE_TRIGGER')], [['t', 'ghost']]))).toBe(
      'connections[0].targetIdentifier "ghost" is not a node of this workflow',
    );
    expect(graphProblem(graph([node('t', 'SELF_SERVE_TRIGGER')], [['ghost', 't']]))).toBe(
      'connections[0].sourceIdentifier "ghost" is not a node of this workflow',
    );
  });

  it('rejects a node connected to itself', () => {
    expect(graphProblem(graph([node('t', 'SELF_SERVE_TRIGGER'), node('a')], [['a', 'a']]))).toMatch(
      /connects "a" to itself/,
    );
  });

  it('rejects a repeated connection', () => {
    expect(
      graphProblem(
        graph(
          [node('t', 'SELF_SERVE_TRIGGER'), node('a')],
          [
            ['t', 'a'],
            ['t', 'a'],
          ],
        ),
      ),
    ).toMatch(/connections\[1\] repeats the connection t → a/);
  });

  it('rejects a connection into the trigger', () => {
    expect(
      graphProblem(
        graph(
          [node('t', 'SELF_SERVE_TRIGGER'), node('a')],
          [
            ['t', 'a'],
            ['a', 't'],
          ],
        ),
      ),
    ).toMatch(/trigger node "t" cannot be the target/);
  });

  it('names the nodes of a cycle', () => {
    const problem = graphProblem(
      graph(
        [node('t', 'SELF_SERVE_TRIGGER'), node('a'), node('b'), node('c')],
        [
          ['t', 'a'],
          ['a', 'b'],
          ['b', 'c'],
          ['c', 'a'],
        ],
      ),
    );
    expect(problem).toBe('the connections form a cycle: a → b → c → a');
  });
});

describe('triggerNode', () => {
  it('finds the trigger wherever it is listed', () => {
    expect(triggerNode(graph([node('a'), node('t', 'EVENT_TRIGGER')], [])).identifier).toBe('t');
  });
});

describe('decideAdvance', () => {
  const diamond = graph(
    [node('t', 'SELF_SERVE_TRIGGER'), node('a'), node('b', 'WEBHOOK', 'continue'), node('join')],
    [
      ['t', 'a'],
      ['t', 'b'],
      ['a', 'join'],
      ['b', 'join'],
    ],
  );

  it('starts every successor of a completed trigger', () => {
    expect(decideAdvance(diamond, [done('t')])).toEqual({ start: ['a', 'b'], complete: null });
  });

  it('does not start a node that already has a node run', () => {
    expect(decideAdvance(diamond, [done('t'), running('a'), running('b')])).toEqual({
      start: [],
      complete: null,
    });
  });

  it('makes a join node wait for all of its predecessors', () => {
    expect(decideAdvance(diamond, [done('t'), done('a'), running('b')])).toEqual({
      start: [],
      complete: null,
    });
    expect(decideAdvance(diamond, [done('t'), done('a'), done('b')])).toEqual({
      start: ['join'],
      complete: null,
    });
  });

  it('completes the run SUCCESS when nothing is left to run', () => {
    expect(decideAdvance(diamond, [done('t'), done('a'), done('b'), done('join')])).toEqual({
      start: [],
      complete: 'SUCCESS',
    });
  });

  it('ends the run with the result of a failed terminate node and starts nothing', () => {
    const g = graph(
      [node('t', 'SELF_SERVE_TRIGGER'), node('a'), node('b'), node('after')],
      [
        ['t', 'a'],
        ['t', 'b'],
        ['b', 'after'],
      ],
    );
    expect(decideAdvance(g, [done('t'), done('a', 'FAILED'), done('b')])).toEqual({
      start: [],
      complete: 'FAILED',
    });
    expect(decideAdvance(g, [done('t'), done('a', 'CANCELLED'), running('b')])).toEqual({
      start: [],
      complete: 'CANCELLED',
    });
  });

  it('takes the result of the terminate node that failed first', () => {
    const g = graph(
      [node('t', 'SELF_SERVE_TRIGGER'), node('a'), node('b')],
      [
        ['t', 'a'],
        ['t', 'b'],
      ],
    );
    expect(
      decideAdvance(g, [done('t'), done('b', 'FAILED', 20), done('a', 'CANCELLED', 10)]),
    ).toEqual({ start: [], complete: 'CANCELLED' });
  });

  it('keeps the run going after a failed continue node, without starting its successors', () => {
    expect(decideAdvance(diamond, [done('t'), done('b', 'FAILED'), running('a')])).toEqual({
      start: [],
      complete: null,
    });
    expect(decideAdvance(diamond, [done('t'), done('b', 'FAILED'), done('a')])).toEqual({
      start: [],
      complete: 'SUCCESS',
    });
  });

  it('treats a node missing from the graph as terminate when it fails', () => {
    expect(decideAdvance(diamond, [done('t'), done('gone', 'FAILED')]).complete).toBe('FAILED');
  });
});
