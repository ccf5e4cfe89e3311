import { MutationObserver, QueryClient, QueryObserver } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ActionRunV2, RunLog } from '../../../contract/actions';
import { logPollQueryOptions } from '../../components/log-viewer/use-log-polling';
import { logKeys } from '../../components/log-viewer';
import { logView } from '../../components/log-viewer/store';
import { stubSessionStorage } from '../../lib/test-stubs';
import { actionRunChangesQueryOptions, actionRunKeys } from './api';
import { markActionRunCompleteOptions } from './controls-api';

interface Pending {
  method: string;
  url: URL;
  answer: (body: unknown) => void;
}

/** A network whose answers wait until the test gives them, in the order it chooses. */
function pendingNetwork() {
  const requests: Pending[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    return new Promise<Response>((resolve) => {
      requests.push({
        method: init?.method ?? 'GET',
        url: new URL(url, 'http://runboard.test'),
        answer: (body) =>
          resolve(
            new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }),
          ),
      });
    });
  });
  return requests;
}

const settle = async () => {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

const RUN_ID = 'r_markrace';
const logLine = (seq: number, message: string): RunLog => ({
  id: seq,
  seq,
  runId: RUN_ID,
  level: 'INFO',
  message,
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'u_ada',
});

const run = (status: ActionRunV2['status']) =>
  ({
    id: RUN_ID,
    status,
    statusLabel: null,
    endedAt: null,
    updatedAt: '',
  }) as unknown as ActionRunV2;

const isLogRead = (r: Pending) =>
  r.method === 'GET' && r.url.pathname === `/v1/actions/runs/${RUN_ID}/logs`;

describe('marking an action run complete while its log viewer is open', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it("shows the server's Marked line even when the viewer's last poll read before the mark was written", async () => {
    const requests = pendingNetwork();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(actionRunKeys.detail(RUN_ID), run('IN_PROGRESS'));
    const source = { actionRunId: RUN_ID };

    // The viewer is open on the run's log, one line so far, its poll query mounted.
    const view = logView(source, { levels: [], q: '' });
    const opened = view.open('head');
    await settle();
    requests.find(isLogRead)!.answer({ runLogs: [logLine(1, 'Deploying')], nextCursor: '1' });
    await opened;
    const poll = new QueryObserver(client, logPollQueryOptions(source, [], '', false));
    const stopPolling = poll.subscribe(() => undefined);

    // Marked: the run shows FAILURE at once, before the server has answered.
    const mutation = new MutationObserver(client, markActionRunCompleteOptions(client, RUN_ID));
    const marked = mutation.mutate({
      status: 'FAILURE',
      statusLabel: 'Rolled back by hand',
      reason: 'The backend crashed mid-rollout',
    });
    await settle();
    expect(client.getQueryData<ActionRunV2>(actionRunKeys.detail(RUN_ID))?.status).toBe('FAILURE');
    const post = requests.find((r) => r.method === 'POST')!;
    expect(post.url.pathname).toBe(`/v1/actions/runs/${RUN_ID}/complete`);

    // The viewer saw the run stop being live and polled once more (use-log-polling.ts): that read
    // reaches the server before the mark's transaction commits, so it finds nothing new.
    void client.invalidateQueries({ queryKey: logKeys.source(source) });
    await settle();
    const early = requests.filter(isLogRead);
    expect(early).toHaveLength(2);
    early[1]!.answer({ runLogs: [], nextCursor: '1' });
    await settle();

    // The mark commits and answers; only a read started after that is sure to see its line.
    const beforeAnswer = requests.length;
    post.answer({ ok: true, run: run('FAILURE') });
    await settle();
    const after = requests.slice(beforeAnswer).filter(isLogRead);
    expect(after).toHaveLength(1);
    expect(after[0]!.url.searchParams.get('cursor')).toBe('1');
    after[0]!.answer({
      runLogs: [logLine(2, 'Marked FAILURE by ada@example.com: The backend crashed mid-rollout')],
      nextCursor: null,
    });
    await marked;
    await settle();

    expect(view.total).toBe(2);
    expect(view.lineAt(1)?.log).toBe(
      'Marked FAILURE by ada@example.com: The backend crashed mid-rollout',
    );
    stopPolling();
    client.clear();
  });

  it('reads the entity changes again once the server has answered the mark', async () => {
    const requests = pendingNetwork();
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    client.setQueryData(actionRunKeys.detail(RUN_ID), run('IN_PROGRESS'));
    const isChangesRead = (r: Pending) => r.method === 'GET' && r.url.pathname === '/v1/audit-log';

    const mutation = new MutationObserver(client, markActionRunCompleteOptions(client, RUN_ID));
    const marked = mutation.mutate({ status: 'SUCCESS', statusLabel: '', reason: 'Done by hand' });
    await settle();
    // The page turned finished at once and read the changes as a finished run's, early.
    const changes = new QueryObserver(client, actionRunChangesQueryOptions(RUN_ID, true));
    const stop = changes.subscribe(() => undefined);
    await settle();
    const early = requests.filter(isChangesRead);
    expect(early).toHaveLength(1);
    early[0]!.answer({ ok: true, audits: [] });
    await settle();

    const beforeAnswer = requests.length;
    requests.find((r) => r.method === 'POST')!.answer({ ok: true, run: run('SUCCESS') });
    await settle();
    expect(requests.slice(beforeAnswer).filter(isChangesRead)).toHaveLength(1);
    for (const r of requests.slice(beforeAnswer)) r.answer({ ok: true, audits: [], runLogs: [] });
    await marked;
    stop();
    client.clear();
  });
});
