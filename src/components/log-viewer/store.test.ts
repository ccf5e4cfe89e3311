import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubSessionStorage } from '../../lib/test-stubs';
import { logView } from './store';

const errorLine = (seq: number) => ({
  id: seq,
  seq,
  nodeRunIdentifier: 'wfnr_walk',
  logLevel: 'ERROR',
  log: `line ${seq}`,
  tags: {},
  createdAt: '2026-01-01T00:00:00.000Z',
});

/** A network whose answers wait until `answer` is called; an aborted request fails at once. */
function pendingNetwork() {
  const requests: { url: URL; answer: (body: unknown) => void; aborted: () => boolean }[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    const signal = init?.signal;
    return new Promise<Response>((resolve, reject) => {
      signal?.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
      requests.push({
        url: new URL(url, 'http://runboard.test'),
        answer: (body) =>
          resolve(
            new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } }),
          ),
        aborted: () => signal?.aborted ?? false,
      });
    });
  });
  return requests;
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('a filtered log view walking toward the viewport', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it('does not tell its viewers about a walk it aborted: they would start it again, forever', async () => {
    const requests = pendingNetwork();
    const view = logView({ nodeRunId: 'wfnr_walk' }, { levels: ['ERROR'], q: '' });
    const opened = view.open('head');
    await settle();
    const head = Array.from({ length: 200 }, (_, i) => errorLine((i + 1) * 100));
    requests[0]!.answer({ ok: true, logs: head, nextCursor: '20000', total: 20_000 });
    await opened;

    let notified = 0;
    view.subscribe(() => notified++);
    // The end of the view: only a walk from the last known line reaches it.
    void view.ensureRange(19_900, 19_999);
    await settle();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.url.searchParams.get('cursor')).toBe('20000');

    // The viewport moves before the walk lands: the walk is dropped and started again.
    void view.ensureRange(19_000, 19_100);
    await settle();
    expect(requests[1]!.aborted()).toBe(true);
    expect(requests).toHaveLength(3);
    expect(notified).toBe(0);

    const walked = Array.from({ length: 10_000 }, (_, i) => errorLine(20_000 + (i + 1) * 100));
    requests[2]!.answer({ ok: true, logs: walked, nextCursor: '1020000', total: 20_000 });
    await settle();
    expect(notified).toBe(1);
    expect(view.lineAt(10_199)?.seq).toBe(1_020_000);
  });
});

describe('a search view whose count is held (holdCount)', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it('asks for the first match alone, and counts only once startCount is called', async () => {
    const requests = pendingNetwork();
    const view = logView({ nodeRunId: 'wfnr_held' }, { levels: [], q: 'needle' });
    view.holdCount();
    const opened = view.open('head');
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url.searchParams.get('limit')).toBe('1');
    expect(requests[0]!.url.searchParams.get('total')).toBe('false');
    requests[0]!.answer({ ok: true, logs: [errorLine(50_000)], nextCursor: '50000' });
    await opened;
    // Opened again (the search hook's effect after the keystroke's handler): still no count.
    await view.open('head');
    await settle();
    expect(requests).toHaveLength(1);
    expect(view.total).toBeNull();

    view.startCount();
    await settle();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.url.searchParams.get('total')).toBe('only');
    requests[1]!.answer({ ok: true, logs: [], nextCursor: null, total: 20 });
    await settle();
    expect(view.total).toBe(20);
    // Counted: a second call starts nothing.
    view.startCount();
    await settle();
    expect(requests).toHaveLength(2);
  });

  it('counts nothing once let go (disposed) before startCount', async () => {
    const requests = pendingNetwork();
    const view = logView({ nodeRunId: 'wfnr_gone' }, { levels: [], q: 'needle' });
    view.holdCount();
    const opened = view.open('head');
    await settle();
    requests[0]!.answer({ ok: true, logs: [errorLine(7)], nextCursor: '7' });
    await opened;
    view.dispose();
    view.startCount();
    await settle();
    expect(requests).toHaveLength(1);
  });
});
