import { describe, expect, it } from 'vitest';
import type { NodeType, RunResult, WorkflowNode } from '../../contract/workflows';
import { decideAdvance, type NodeRunState } from '../../contract/graph';
import type { Graph } from './graph';
import type { Actor } from './permissions';
import {
  ancestorsOf,
  assertCanControl,
  planCancel,
  planRerun,
  type OriginalNodeRun,
} from './run-controls';

const node = (
  identifier: string,
  type: NodeType = 'WEBHOOK',
  onFailure: 'terminate' | 'continue' = 'terminate',
): WorkflowNode => ({ identifier, config: { type }, onFailure });

/** t → a → c, t → b → c, c → d, plus e hanging off b. */
const diamond: Graph = {
  nodes: [
    node('t', 'SELF_SERVE_TRIGGER'),
    node('a'),
    node('b', 'WEBHOOK', 'continue'),
    node('c'),
    node('d'),
    node('e'),
  ],
  connections: [
    ['t', 'a'],
    ['t', 'b'],
    ['a', 'c'],
    ['b', 'c'],
    ['c', 'd'],
    ['b', 'e'],
  ].map(([sourceIdentifier, targetIdentifier]) => ({
    sourceIdentifier: sourceIdentifier!,
    targetIdentifier: targetIdentifier!,
  })),
};

const done = (nodeIdentifier: string, result: RunResult = 'SUCCESS'): NodeRunState => ({
  nodeIdentifier,
  status: 'COMPLETED',
  result,
  completedAt: new Date(0),
});
const running = (nodeIdentifier: string): NodeRunState => ({
  nodeIdentifier,
  status: 'IN_PROGRESS',
  result: null,
  completedAt: null,
});

describe('decideAdvanceFor a CANCELLING run', () => {
  it('starts nothing and waits while a node run is still in progress', () => {
    const runs = [done('t'), done('a'), running('b')];
    expect(decideAdvance(diamond, runs, 'CANCELLING')).toEqual({ start: [], complete: null });
  });

  it('completes CANCELLED once the last in-progress node run finishes, starting no successor', () => {
    const runs = [done('t'), done('a'), done('b')];
    expect(decideAdvance(diamond, runs, 'IN_PROGRESS')).toEqual({
      start: ['c', 'e'],
      complete: null,
    });
    expect(decideAdvance(diamond, runs, 'CANCELLING')).toEqual({
      start: [],
      complete: 'CANCELLED',
    });
  });

  it('completes CANCELLED at once when a terminating node fails while cancelling', () => {
    const runs = [done('t'), done('a', 'FAILED'), running('b')];
    expect(decideAdvance(diamond, runs, 'CANCELLING')).toEqual({
      start: [],
      complete: 'CANCELLED',
    });
  });

  it('leaves the rules of an IN_PROGRESS run unchanged', () => {
    const runs = [done('t'), done('a', 'FAILED'), running('b')];
    expect(decideAdvance(diamond, runs, 'IN_PROGRESS')).toEqual({
      start: [],
      complete: 'FAILED',
    });
  });
});

const open = { identifier: 'wfr_1', result: null, completedAt: null };

describe('planCancel', () => {
  it('moves an in-progress run to CANCELLING, or ends it now with force', () => {
    expect(planCancel({ ...open, status: 'IN_PROGRESS' }, false)).toEqual({ kind: 'cancelling' });
    expect(planCancel({ ...open, status: 'IN_PROGRESS' }, true)).toEqual({ kind: 'force' });
  });

  it('leaves a cancelling run as it is unless forced', () => {
    expect(planCancel({ ...open, status: 'CANCELLING' }, false)).toEqual({ kind: 'unchanged' });
    expect(planCancel({ ...open, status: 'CANCELLING' }, true)).toEqual({ kind: 'force' });
  });

  it('refuses a completed run with run_exhausted naming its result and time', () => {
    const run = {
      identifier: 'wfr_1',
      status: 'COMPLETED' as const,
      result: 'SUCCESS' as const,
      completedAt: new Date('2026-03-01T10:00:00Z'),
    };
    expect(() => planCancel(run, true)).toThrow(
      expect.objectContaining({
        status: 422,
        code: 'run_exhausted',
        message: expect.stringContaining(
          'already completed with result SUCCESS at 2026-03-01T10:00:00.000Z',
        ),
      }),
    );
  });
});

describe('assertCanControl', () => {
  const actor = (role: Actor['role'], id = 'u_other'): Actor => ({ id, email: `${id}@x`, role });
  it('lets admins, machine credentials and the starter through', () => {
    for (const a of [actor('admin'), actor('machine'), actor('member', 'u_starter')]) {
      expect(() => assertCanControl(a, { createdBy: 'u_starter' }, 'run "r"')).not.toThrow();
    }
  });

  it('refuses other members with 403 naming the rule', () => {
    expect(() => assertCanControl(actor('member'), { createdBy: 'u_starter' }, 'run "r"')).toThrow(
      expect.objectContaining({
        status: 403,
        message: expect.stringContaining('Only admins and the user who started run "r"'),
      }),
    );
  });
});

describe('ancestorsOf', () => {
  it('lists every node with a path to the node, in graph order', () => {
    expect(ancestorsOf(diamond, 'd')).toEqual(['t', 'a', 'b', 'c']);
    expect(ancestorsOf(diamond, 'e')).toEqual(['t', 'b']);
    expect(ancestorsOf(diamond, 't')).toEqual([]);
  });
});

describe('planRerun', () => {
  const nodeRun = (
    nodeIdentifier: string,
    result: RunResult | null = 'SUCCESS',
    identifier = `wfnr_${nodeIdentifier}`,
  ): OriginalNodeRun => ({
    identifier,
    nodeIdentifier,
    status: result ? 'COMPLETED' : 'IN_PROGRESS',
    result,
  });
  const original = [nodeRun('t'), nodeRun('a'), nodeRun('b'), nodeRun('c', 'FAILED'), nodeRun('e')];

  it('runs everything again without fromNode or from the trigger', () => {
    expect(planRerun(diamond, original, undefined)).toEqual({ reuse: [], start: null });
    expect(planRerun(diamond, original, 't')).toEqual({ reuse: [], start: null });
  });

  it('reuses exactly the ancestors of fromNode', () => {
    expect(planRerun(diamond, original, 'c')).toEqual({
      reuse: [original[0], original[1], original[2]],
      start: 'c',
    });
    expect(planRerun(diamond, original, 'e').reuse.map((r) => r.nodeIdentifier)).toEqual([
      't',
      'b',
    ]);
  });

  it('reuses the latest node run of a node that ran twice', () => {
    const twice = [...original, nodeRun('b', 'SUCCESS', 'wfnr_b2')];
    expect(planRerun(diamond, twice, 'e').reuse.map((r) => r.identifier)).toEqual([
      'wfnr_t',
      'wfnr_b2',
    ]);
  });

  it('refuses an unknown node, and an ancestor that did not succeed, naming it', () => {
    expect(() => planRerun(diamond, original, 'nope')).toThrow(/"nope" is not a node/);
    expect(() => planRerun(diamond, original, 'd')).toThrow(/upstream node "c" ended FAILED/);
    const unfinished = [nodeRun('t'), nodeRun('a', null), nodeRun('b')];
    expect(() => planRerun(diamond, unfinished, 'c')).toThrow(/"a" is still in progress/);
    expect(() => planRerun(diamond, [nodeRun('t')], 'e')).toThrow(/"b" never ran/);
    const orphan = { ...diamond, nodes: [...diamond.nodes, node('orphan')] };
    expect(() => planRerun(orphan, original, 'orphan')).toThrow(/no incoming connection/);
  });
});
