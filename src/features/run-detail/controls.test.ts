import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../contract/entities';
import { canRerunFrom, parseOutput, previewMark, runCancelOf } from './controls';

// trigger → build → (test, lint) → deploy; lint may fail without ending the run.
const graph = {
  nodes: [
    { identifier: 'trigger', onFailure: 'terminate' as const },
    { identifier: 'build', onFailure: 'terminate' as const },
    { identifier: 'test', onFailure: 'terminate' as const },
    { identifier: 'lint', onFailure: 'continue' as const },
    { identifier: 'deploy', onFailure: 'terminate' as const },
  ],
  connections: [
    { sourceIdentifier: 'trigger', targetIdentifier: 'build' },
    { sourceIdentifier: 'build', targetIdentifier: 'test' },
    { sourceIdentifier: 'build', targetIdentifier: 'lint' },
    { sourceIdentifier: 'test', targetIdentifier: 'deploy' },
    { sourceIdentifier: 'lint', targetIdentifier: 'deploy' },
  ],
};
const done = (nodeIdentifier: string, result: 'SUCCESS' | 'FAILED' = 'SUCCESS') => ({
  nodeIdentifier,
  status: 'COMPLETED' as const,
  result,
});
const running = (nodeIdentifier: string) => ({
  nodeIdentifier,
  status: 'IN_PROGRESS' as const,
  result: null,
});
const live = (...nodeRuns: ReturnType<typeof done | typeof running>[]) => ({
  status: 'IN_PROGRESS' as const,
  nodeRuns,
});

describe('previewMark', () => {
  it('starts every node whose predecessors will all have succeeded', () => {
    const run = live(done('trigger'), running('build'));
    expect(previewMark(graph, run, 'build', 'SUCCESS')).toEqual({
      kind: 'start',
      nodes: ['test', 'lint'],
    });
  });

  it('waits for a sibling still in progress before a join node starts', () => {
    const run = live(done('trigger'), done('build'), running('test'), running('lint'));
    expect(previewMark(graph, run, 'test', 'SUCCESS')).toEqual({ kind: 'wait' });
  });

  it('starts the join node once the last predecessor succeeds', () => {
    const run = live(done('trigger'), done('build'), done('test'), running('lint'));
    expect(previewMark(graph, run, 'lint', 'SUCCESS')).toEqual({
      kind: 'start',
      nodes: ['deploy'],
    });
  });

  it('ends the run with the result when a terminating node fails or is cancelled', () => {
    const run = live(done('trigger'), running('build'));
    expect(previewMark(graph, run, 'build', 'FAILED')).toEqual({ kind: 'end', result: 'FAILED' });
    expect(previewMark(graph, run, 'build', 'CANCELLED')).toEqual({
      kind: 'end',
      result: 'CANCELLED',
    });
  });

  it('keeps going past a failed node whose onFailure is continue, and ends SUCCESS when nothing is left', () => {
    const run = live(done('trigger'), done('build'), done('test'), running('lint'));
    expect(previewMark(graph, run, 'lint', 'FAILED')).toEqual({ kind: 'end', result: 'SUCCESS' });
  });

  it('ends SUCCESS after the last node', () => {
    const run = live(done('trigger'), done('build'), done('test'), done('lint'), running('deploy'));
    expect(previewMark(graph, run, 'deploy', 'SUCCESS')).toEqual({
      kind: 'end',
      result: 'SUCCESS',
    });
  });

  it('starts nothing in a cancelling run and ends it CANCELLED with the last node run', () => {
    const run = { status: 'CANCELLING' as const, nodeRuns: [done('trigger'), running('build')] };
    expect(previewMark(graph, run, 'build', 'SUCCESS')).toEqual({
      kind: 'end',
      result: 'CANCELLED',
    });
    const two = { status: 'CANCELLING' as const, nodeRuns: [running('test'), running('lint')] };
    expect(previewMark(graph, two, 'test', 'SUCCESS')).toEqual({ kind: 'wait' });
  });

  it('cannot tell without the graph', () => {
    expect(previewMark(undefined, live(running('build')), 'build', 'SUCCESS')).toEqual({
      kind: 'unknown',
    });
  });
});

describe('parseOutput', () => {
  it('reads blank as no output and an object as the output', () => {
    expect(parseOutput('  ')).toEqual({ ok: true, value: undefined });
    expect(parseOutput('{"url": "https://x"}')).toEqual({ ok: true, value: { url: 'https://x' } });
  });

  it('names what is wrong with anything else', () => {
    expect(parseOutput('{url:')).toMatchObject({ ok: false, error: /^Not valid JSON/ });
    expect(parseOutput('[1]')).toEqual({
      ok: false,
      error: 'The output must be a JSON object ({…}), not an array',
    });
    expect(parseOutput('null')).toMatchObject({ ok: false, error: /not null$/ });
    expect(parseOutput('"x"')).toMatchObject({ ok: false, error: /not a string$/ });
  });
});

describe('canRerunFrom', () => {
  const nr = (status: 'IN_PROGRESS' | 'COMPLETED', result: 'SUCCESS' | 'FAILED' | null) =>
    ({ status, result }) as Parameters<typeof canRerunFrom>[0];
  it('offers a node run that ended without success', () => {
    expect(canRerunFrom(nr('COMPLETED', 'FAILED'))).toBe(true);
    expect(canRerunFrom(nr('COMPLETED', 'SUCCESS'))).toBe(false);
    expect(canRerunFrom(nr('IN_PROGRESS', null))).toBe(false);
    expect(canRerunFrom(null)).toBe(false);
  });
});

describe('runCancelOf (the header\'s "Cancelled by")', () => {
  const entry = (by: string, after: Record<string, unknown>) =>
    ({
      identifier: `aud_${by}`,
      action: 'UPDATE',
      resourceType: 'run',
      status: 'SUCCESS',
      trigger: { by: { userId: by }, origin: 'UI', at: '2026-11-30T10:00:00Z' },
      context: { runId: 'wfr_1' },
      diff: { before: {}, after },
    }) as unknown as AuditEntry;
  const forced = entry('admin', { status: 'COMPLETED', result: 'CANCELLED', reason: 'Wrong' });
  const requested = entry('member', { status: 'CANCELLING', reason: 'Not needed' });
  const nodeMarked = entry('other', {
    nodeRun: 'wfnr_1',
    status: 'COMPLETED',
    result: 'CANCELLED',
    reason: 'not this node',
  });

  it('is the newest change that cancelled the run itself, not one of its node runs', () => {
    expect(runCancelOf([nodeMarked, forced, requested])).toBe(forced);
    expect(runCancelOf([requested])).toBe(requested);
  });

  it('is null when only node runs were marked CANCELLED, or nothing cancelled', () => {
    expect(runCancelOf([nodeMarked])).toBeNull();
    expect(runCancelOf([entry('x', { status: 'COMPLETED', result: 'SUCCESS' })])).toBeNull();
    expect(runCancelOf([])).toBeNull();
  });
});
