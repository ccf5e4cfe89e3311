import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubSessionStorage } from '../../lib/test-stubs';
import { logView, openLog } from './store';

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
    requests[0]!.answer({ ok: true, logs: head, nextCursor: '20000', total: 40_000 });
    await opened;

    let notified = 0;
    view.subscribe(() => notified++);
    // Far from the head and from the end: only a walk from the last known line reaches it.
    void view.ensureRange(15_000, 15_100);
    await settle();
    expect(requests).toHaveLength(2);
    expect(requests[1]!.url.searchParams.get('cursor')).toBe('20000');

    // The viewport moves before the walk lands: the walk is dropped and started again.
    void view.ensureRange(14_000, 14_100);
    await settle();
    expect(requests[1]!.aborted()).toBe(true);
    expect(requests).toHaveLength(3);
    expect(notified).toBe(0);

    const walked = Array.from({ length: 10_000 }, (_, i) => errorLine(20_000 + (i + 1) * 100));
    requests[2]!.answer({ ok: true, logs: walked, nextCursor: '1020000', total: 40_000 });
    await settle();
    expect(notified).toBe(1);
    expect(view.lineAt(10_199)?.seq).toBe(1_020_000);
  });
});

describe('opening a log before its viewer mounts', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it("sends one first request: the run page's loader opens the log and the viewer joins it", async () => {
    const requests = pendingNetwork();
    const source = { nodeRunId: 'wfnr_early' };
    const early = openLog(source, { levels: [], line: null, follow: true }, true);
    const view = logView(source, { levels: [], q: '' });
    const viewers = view.open('tail');
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url.searchParams.get('tail')).toBe('true');

    const tail = Array.from({ length: 200 }, (_, i) => ({
      ...errorLine(801 + i),
      logLevel: 'INFO',
    }));
    requests[0]!.answer({ ok: true, logs: tail, nextCursor: null, total: 1000 });
    await Promise.all([early, viewers]);
    expect(view.total).toBe(1000);
    expect(view.lineAt(999)?.seq).toBe(1000);
  });

  it('opens at the head when a line is asked for, even in a followed live log', async () => {
    const requests = pendingNetwork();
    void openLog({ nodeRunId: 'wfnr_line' }, { levels: ['ERROR'], line: 40, follow: true }, true);
    await settle();
    expect(requests).toHaveLength(1);
    expect(requests[0]!.url.searchParams.get('cursor')).toBe('0');
    expect(requests[0]!.url.searchParams.get('level')).toBe('ERROR');
  });
});

const line = (seq: number, level: 'WARN' | 'ERROR' = seq % 3 === 0 ? 'ERROR' : 'WARN') => ({
  ...errorLine(seq),
  logLevel: level,
});

/** Every line the view holds, by position: none twice, and in the log's order. */
function expectEachLineOnceInOrder(view: ReturnType<typeof logView>) {
  const seqs: number[] = [];
  for (let position = 0; position < (view.total ?? 0); position++) {
    const at = view.lineAt(position);
    if (at) seqs.push(at.seq);
  }
  expect(new Set(seqs).size, `a line shown twice: ${seqs.join(' ')}`).toBe(seqs.length);
  expect(seqs, 'lines out of order').toEqual([...seqs].sort((a, b) => a - b));
  return seqs;
}

describe('a level-filtered log view taking new lines while a page is fetched', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  /**
   * WARN+ERROR lines are every 10th seq: 450 of them at first, positions 0–449. The head page
   * and the tail are loaded, page 1's first 50 positions (200–249) are not. Two lines arrive
   * (seqs 4510, 4520) while a poll from the last line and the fetch of positions 200–249 are
   * both under way; the fetch's answer counts them (total 452) but does not carry them.
   */
  async function viewWithAGapAndAPoll(id: string) {
    const requests = pendingNetwork();
    const view = logView({ nodeRunId: id }, { levels: ['WARN', 'ERROR'], q: '' });
    const seqAt = (position: number) => (position + 1) * 10;
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => line(seqAt(from + i)));
    const opened = view.open('head');
    await settle();
    requests[0]!.answer({ ok: true, logs: lines(0, 199), nextCursor: '2000', total: 450 });
    await opened;
    const last = view.lineAtAsync(449);
    await settle();
    expect(requests[1]!.url.searchParams.get('tail')).toBe('true');
    requests[1]!.answer({ ok: true, logs: lines(250, 449), nextCursor: null, total: 450 });
    expect((await last)?.seq).toBe(4500);

    const polled = view.poll();
    await settle();
    const poll = requests[2]!;
    expect(poll.url.searchParams.get('cursor')).toBe('4500');
    const fetched = view.ensureRange(200, 249);
    await settle();
    const page = requests[3]!;
    expect(page.url.searchParams.get('cursor')).toBe('2000');
    return {
      view,
      answerPoll: () =>
        poll.answer({ ok: true, logs: [line(4510), line(4520)], nextCursor: null, total: 452 }),
      answerPage: (total = 452) =>
        page.answer({ ok: true, logs: lines(200, 399), nextCursor: '4000', total }),
      done: () => Promise.all([polled, fetched]),
    };
  }

  it('places the polled lines after the last one whether the poll or the page answers first', async () => {
    for (const order of ['poll first', 'page first'] as const) {
      const race = await viewWithAGapAndAPoll(`wfnr_race_${order.replace(' ', '_')}`);
      if (order === 'poll first') {
        race.answerPoll();
        await settle();
        race.answerPage();
      } else {
        race.answerPage();
        await settle();
        race.answerPoll();
      }
      await race.done();
      expect(race.view.total, order).toBe(452);
      const seqs = expectEachLineOnceInOrder(race.view);
      expect(seqs.slice(-3), order).toEqual([4500, 4510, 4520]);
      expect(race.view.lineAt(450)?.seq, order).toBe(4510);
      expect(race.view.lineAt(451)?.seq, order).toBe(4520);
      // Nothing left to fetch: every position up to the end holds its line.
      await race.view.ensureRange(0, 451);
      expect(seqs).toHaveLength(452);
    }
  });

  it('shows each streamed line once, after the last, when a page answered meanwhile counts lines it did not carry', async () => {
    const streams = fakeEventSources();
    const race = await viewWithAGapAndAPoll('wfnr_race_stream');
    race.answerPoll();
    await settle();
    const stop = race.view.follow();
    expect(streams).toHaveLength(1);
    expect(new URL(streams[0]!.url, 'http://runboard.test').searchParams.get('cursor')).toBe(
      '4520',
    );
    streams[0]!.emit('open');
    // Two more lines (4530, 4540) are written; the page fetched meanwhile counts them.
    race.answerPage(454);
    await race.done();
    streams[0]!.emit('lines', { logs: [line(4530), line(4540)] });
    // The stream hands its lines over in a timer and an animation frame (tail-stream.ts): wait
    // for them to land, not for a fixed time, which a loaded machine can outrun.
    await vi.waitFor(() => expect(race.view.lineAt(453)?.seq).toBe(4540));
    stop();
    const seqs = expectEachLineOnceInOrder(race.view);
    expect(race.view.total).toBe(454);
    expect(seqs.slice(-5)).toEqual([4500, 4510, 4520, 4530, 4540]);
  });
});

describe('a searched log view taking new matches while its count is under way', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it('places the polled matches after the first one although the count answered meanwhile includes them', async () => {
    const requests = pendingNetwork();
    const view = logView({ nodeRunId: 'wfnr_count_race' }, { levels: [], q: 'disk' });
    const opened = view.open('head');
    await settle();
    expect(requests[0]!.url.searchParams.get('limit')).toBe('1');
    requests[0]!.answer({ ok: true, logs: [line(10)], nextCursor: '10' });
    await opened;
    await settle();
    const count = requests[1]!;
    expect(count.url.searchParams.get('total')).toBe('only');
    // Two more matches are written; a poll from the first match and the count are both out.
    const polled = view.poll();
    await settle();
    const poll = requests[2]!;
    expect(poll.url.searchParams.get('cursor')).toBe('10');
    count.answer({ ok: true, logs: [], nextCursor: null, total: 3 });
    await settle();
    poll.answer({ ok: true, logs: [line(20), line(30)], nextCursor: null });
    await polled;
    expect(view.total).toBe(3);
    expect(expectEachLineOnceInOrder(view)).toEqual([10, 20, 30]);
  });
});

/** EventSources that emit what the test says, recorded in the order they were opened. */
function fakeEventSources() {
  const opened: { url: string; emit: (type: string, data?: unknown) => void }[] = [];
  class FakeEventSource extends EventTarget {
    static readonly CLOSED = 2;
    readyState = 1;
    constructor(readonly url: string) {
      super();
      opened.push({
        url,
        emit: (type, data) =>
          this.dispatchEvent(
            data === undefined
              ? new Event(type)
              : new MessageEvent(type, { data: JSON.stringify(data) }),
          ),
      });
    }
    close() {
      this.readyState = FakeEventSource.CLOSED;
    }
  }
  vi.stubGlobal('EventSource', FakeEventSource);
  vi.stubGlobal('requestAnimationFrame', (f: () => void) => setTimeout(f, 0));
  vi.stubGlobal('cancelAnimationFrame', (id: number) => clearTimeout(id));
  return opened;
}

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

describe('a live log view scrolled away from its end', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it('polls the count alone, shows the new positions as rows to fetch, and polls lines again once its end is in view', async () => {
    const requests = pendingNetwork();
    const view = logView({ nodeRunId: 'wfnr_scrolled' }, { levels: ['WARN', 'ERROR'], q: '' });
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => line((from + i + 1) * 10));
    const opened = view.open('head');
    await settle();
    requests[0]!.answer({ ok: true, logs: lines(0, 199), nextCursor: '2000', total: 1000 });
    await opened;
    // The viewer shows the head; the end (position 999) is far below.
    await view.ensureRange(0, 150);

    const polled = view.poll();
    await settle();
    const count = requests[1]!.url.searchParams;
    expect(count.get('total')).toBe('only');
    expect(count.get('limit')).toBeNull();
    expect(count.getAll('level')).toEqual(['WARN', 'ERROR']);
    requests[1]!.answer({ ok: true, logs: [], nextCursor: null, total: 1010 });
    expect(await polled).toBe(true);
    expect(view.total).toBe(1010);
    expect(view.lineAt(1009)).toBeUndefined();

    // Scrolled to the end: the positions it does not have are the view's last ones, asked for
    // in one tail request (not walked to from the last line it knows, position 199, seq 2000),
    // then the polls ask for the lines after the end.
    const fetched = view.ensureRange(900, 1009);
    await settle();
    const tail = requests[requests.length - 1]!;
    expect(tail.url.searchParams.get('tail')).toBe('true');
    expect(tail.url.searchParams.get('limit')).toBe('210');
    expect(tail.url.searchParams.get('cursor')).toBeNull();
    tail.answer({ ok: true, logs: lines(800, 1009), nextCursor: null, total: 1010 });
    await fetched;
    expect(view.lineAt(800)?.seq).toBe(8010);
    expect(view.lineAt(1009)?.seq).toBe(10_100);
    const next = view.poll();
    await settle();
    const poll = requests[requests.length - 1]!.url.searchParams;
    expect(poll.get('cursor')).toBe('10100');
    expect(poll.get('total')).toBeNull();
    requests[requests.length - 1]!.answer({
      ok: true,
      logs: [line(10_110)],
      nextCursor: '10110',
      total: 1011,
    });
    await next;
    expect(view.lineAt(1010)?.seq).toBe(10_110);
    // Scrolled back up between the head and the tail: walked to from the last line it knows
    // before them (the tail would fetch the known lines after them again).
    for (let guard = 0; guard < 10 && view.lineAt(799) === undefined; guard++) {
      const walked = view.ensureRange(700, 799);
      await settle();
      const walk = requests[requests.length - 1]!;
      expect(walk.url.searchParams.get('tail')).toBeNull();
      const from = Number(walk.url.searchParams.get('cursor')) / 10;
      const limit = Number(walk.url.searchParams.get('limit'));
      walk.answer({
        ok: true,
        logs: lines(from, Math.min(1010, from + limit - 1)),
        nextCursor: String(Math.min(1011, from + limit) * 10),
        total: 1011,
      });
      await walked;
    }
    await view.ensureRange(0, 1010);
    expect(expectEachLineOnceInOrder(view)).toHaveLength(1011);
  });
});

/**
 * A network that answers each request with the next answer the test queued (a body with its
 * ETag, a 304 or a failure) and records the query and the If-None-Match of each.
 */
function scriptedNetwork() {
  const seen: { search: URLSearchParams; ifNoneMatch: string | null }[] = [];
  const queued: (() => Response)[] = [];
  vi.stubGlobal('fetch', (url: string, init?: RequestInit) => {
    const parsed = new URL(url, 'http://runboard.test');
    seen.push({
      search: parsed.searchParams,
      ifNoneMatch: new Headers(init?.headers).get('if-none-match'),
    });
    const answer = queued.shift();
    if (!answer) throw new Error(`No answer queued for ${parsed.search}`);
    return Promise.resolve(answer());
  });
  return { seen, queue: (answer: () => Response) => queued.push(answer) };
}

const answerJson = (body: unknown, etag?: string) => () =>
  new Response(JSON.stringify(body), {
    headers: { 'content-type': 'application/json', ...(etag ? { etag } : {}) },
  });
const notModified = () => new Response(null, { status: 304 });
const serverError = () =>
  new Response(
    JSON.stringify({ ok: false, error: 'internal_error', message: 'The database is away' }),
    { status: 500, headers: { 'content-type': 'application/json' } },
  );

/**
 * The view's next three polls, answered 304, with a failure, then 304, all asked with `etag`: the
 * first changes nothing and tells no viewer, the second shows the failure as the view's error,
 * the third ends it.
 */
async function expectUnchangedThenFailed(
  view: ReturnType<typeof logView>,
  net: ReturnType<typeof scriptedNetwork>,
  etag: string,
) {
  let notified = 0;
  const unsubscribe = view.subscribe(() => notified++);
  net.queue(notModified);
  expect(await view.poll()).toBe(false);
  expect(notified).toBe(0);
  net.queue(serverError);
  expect(await view.poll()).toBe(false);
  expect(view.error?.message).toBe('The database is away');
  expect(notified).toBe(1);
  expect(net.seen.slice(-2).map((r) => r.ifNoneMatch)).toEqual([etag, etag]);
  // The server answers again, unchanged: the error goes (the viewer is told), the ETag stays.
  net.queue(notModified);
  expect(await view.poll()).toBe(false);
  expect(view.error).toBeNull();
  expect(notified).toBe(2);
  expect(net.seen.at(-1)!.ifNoneMatch).toBe(etag);
  unsubscribe();
}

describe('a live log view polling with ETags', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it('asks for lines after its last one with the ETag of that poll: a 304 changes nothing, a failure shows and keeps the ETag', async () => {
    const net = scriptedNetwork();
    const view = logView({ nodeRunId: 'wfnr_etag_lines' }, { levels: [], q: '' });
    net.queue(answerJson({ ok: true, logs: [errorLine(1)], nextCursor: '1', total: 1 }));
    await view.open('head');

    net.queue(answerJson({ ok: true, logs: [], nextCursor: '1', total: 1 }, '"e1"'));
    expect(await view.poll()).toBe(false);
    expect(net.seen[1]!.search.get('cursor')).toBe('1');
    expect(net.seen[1]!.ifNoneMatch).toBeNull();

    await expectUnchangedThenFailed(view, net, '"e1"');

    net.queue(answerJson({ ok: true, logs: [errorLine(2)], nextCursor: '2', total: 2 }, '"e2"'));
    expect(await view.poll()).toBe(true);
    expect(net.seen[5]!.ifNoneMatch).toBe('"e1"');
    expect(view.error).toBeNull();
    expect([view.total, view.lineAt(1)?.seq]).toEqual([2, 2]);

    // From the new last line: another request, whose answer the old ETag does not name.
    net.queue(notModified);
    expect(await view.poll()).toBe(false);
    expect(net.seen[6]!.search.get('cursor')).toBe('2');
    expect(net.seen[6]!.ifNoneMatch).toBeNull();
  });

  it('polls the count alone (total=only) with its own ETag while the end is far from what is shown', async () => {
    const net = scriptedNetwork();
    const view = logView({ nodeRunId: 'wfnr_etag_count' }, { levels: [], q: '' });
    const head = Array.from({ length: 200 }, (_, i) => errorLine(i + 1));
    net.queue(answerJson({ ok: true, logs: head, nextCursor: '200', total: 1000 }));
    await view.open('head');
    await view.ensureRange(0, 150);

    net.queue(answerJson({ ok: true, logs: [], nextCursor: null, total: 1000 }, '"c1"'));
    expect(await view.poll()).toBe(false);
    expect(net.seen[1]!.search.get('total')).toBe('only');
    expect(net.seen[1]!.search.get('cursor')).toBeNull();
    expect(net.seen[1]!.ifNoneMatch).toBeNull();

    await expectUnchangedThenFailed(view, net, '"c1"');

    net.queue(answerJson({ ok: true, logs: [], nextCursor: null, total: 1010 }, '"c2"'));
    expect(await view.poll()).toBe(true);
    expect(net.seen[5]!.ifNoneMatch).toBe('"c1"');
    expect([view.error, view.total]).toEqual([null, 1010]);
    expect(net.seen).toHaveLength(6);
  });
});
