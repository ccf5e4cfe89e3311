import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from '../../lib/api';
import { stubNetwork, stubSessionStorage } from '../../lib/test-stubs';
import { actionRunLogsPage } from './action-run-source';
import { logView } from './store';

const line = (seq: number) => ({
  id: seq,
  seq,
  nodeRunIdentifier: 'wfnr_a',
  logLevel: 'INFO',
  log: `line ${seq}`,
  tags: {},
  createdAt: '2026-01-01T00:00:00.000Z',
});

describe('log caches across sign-out', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it('drops every log view on sign-out: the next viewer fetches its lines again', async () => {
    const seen = stubNetwork(() => ({
      body: { ok: true, logs: [line(1)], nextCursor: '1', total: 1 },
    }));
    const filter = { levels: [], q: '' };
    const view = logView({ nodeRunId: 'wfnr_a' }, filter);
    await view.open('head');
    expect(view.total).toBe(1);
    expect(logView({ nodeRunId: 'wfnr_a' }, filter)).toBe(view);

    session.clear();

    const after = logView({ nodeRunId: 'wfnr_a' }, filter);
    expect(after).not.toBe(view);
    expect(after.total).toBeNull();
    await after.open('head');
    expect(seen).toHaveLength(2);
  });

  it('forgets an action run’s fetched lines on sign-out: they are read from the start again', async () => {
    const seen = stubNetwork(() => ({
      body: {
        ok: true,
        runLogs: [
          {
            id: 1,
            seq: 1,
            runId: 'r_a',
            level: 'INFO',
            message: 'hello',
            createdAt: '2026-01-01T00:00:00.000Z',
          },
        ],
        nextCursor: null,
      },
    }));
    await actionRunLogsPage('r_a', {});
    await actionRunLogsPage('r_a', {});
    expect(seen).toHaveLength(1);

    session.clear();

    const page = await actionRunLogsPage('r_a', {});
    expect(page.body.logs.map((l) => l.log)).toEqual(['hello']);
    expect(seen.map((r) => r.search.get('cursor'))).toEqual(['0', '0']);
  });
});
