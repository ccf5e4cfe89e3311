import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { WorkflowRun } from '../../../contract/workflows';
import {
  inProgressIds,
  newRunsSince,
  patchPages,
  runsQueryParams,
  statusParams,
  type RunsPage,
} from './model';

const run = (
  id: string,
  createdAt: string,
  status: WorkflowRun['status'] = 'COMPLETED',
  updatedAt = createdAt,
) =>
  ({
    identifier: id,
    createdAt,
    updatedAt,
    status,
    result: status === 'COMPLETED' ? 'SUCCESS' : null,
  }) as WorkflowRun;

const pages = (...p: WorkflowRun[][]): InfiniteData<RunsPage, string | null> => ({
  pages: p.map((workflowRuns, i) => ({
    workflowRuns,
    nextCursor: i < p.length - 1 ? `c${i}` : null,
  })),
  pageParams: p.map((_, i) => (i === 0 ? null : `c${i - 1}`)),
});

describe('statusParams', () => {
  it('maps in progress to statuses and outcomes to results of completed runs', () => {
    expect(statusParams(undefined)).toEqual({});
    expect(statusParams('IN_PROGRESS')).toEqual({ statuses: ['IN_PROGRESS', 'CANCELLING'] });
    expect(statusParams('FAILED')).toEqual({ statuses: ['COMPLETED'], results: ['FAILED'] });
  });
});

describe('runsQueryParams', () => {
  it('turns a preset range into a from relative to now and ignores explicit bounds then', () => {
    const now = Date.parse('2026-03-10T12:00:00Z');
    expect(
      runsQueryParams('deploy', { range: '24h', to: '2020-01-01T00:00:00Z' }, now),
    ).toMatchObject({
      workflowIdentifiers: ['deploy'],
      from: '2026-03-09T12:00:00.000Z',
      to: undefined,
    });
    expect(
      runsQueryParams('deploy', { from: '2026-01-01T00:00:00Z', createdBy: 'u' }, now),
    ).toMatchObject({
      from: '2026-01-01T00:00:00Z',
      createdBy: 'u',
    });
  });
});

describe('patchPages', () => {
  it('replaces changed runs in place and keeps untouched pages identical', () => {
    const data = pages([run('a', '3', 'IN_PROGRESS'), run('b', '2')], [run('c', '1')]);
    const done = run('a', '3', 'COMPLETED', '4');
    const next = patchPages(data, [done])!;
    expect(next.pages[0]!.workflowRuns.map((r) => r.identifier)).toEqual(['a', 'b']);
    expect(next.pages[0]!.workflowRuns[0]).toBe(done);
    expect(next.pages[1]).toBe(data.pages[1]);
  });

  it('returns the same object when nothing changed', () => {
    const data = pages([run('a', '3', 'IN_PROGRESS')]);
    expect(patchPages(data, [run('a', '3', 'IN_PROGRESS')])).toBe(data);
    expect(patchPages(data, [])).toBe(data);
  });
});

describe('inProgressIds', () => {
  it('lists only runs that are not completed', () => {
    expect(
      inProgressIds([run('a', '1', 'IN_PROGRESS'), run('b', '1'), run('c', '1', 'CANCELLING')]),
    ).toEqual(['a', 'c']);
  });
});

describe('newRunsSince', () => {
  it('counts runs of the latest page that are newer than the top row and not shown', () => {
    const shown = [run('b', '2026-01-01T00:00:02Z'), run('a', '2026-01-01T00:00:01Z')];
    const latest = [run('d', '2026-01-01T00:00:04Z'), run('c', '2026-01-01T00:00:03Z'), ...shown];
    expect(newRunsSince(shown, latest)).toBe(2);
    expect(newRunsSince(shown, shown)).toBe(0);
  });
  it('counts everything when the list was empty', () => {
    expect(newRunsSince([], [run('a', '1')])).toBe(1);
  });
});
