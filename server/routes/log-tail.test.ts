import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app';
import type { LogLine } from '../../contract/workflows';
import { roleToken, startTestServer, type TestServer } from '../test/harness';
import { until } from '../test/until';
import {
  completeNode,
  createLinearWorkflow,
  nodeRunOf,
  startRun,
  unknownId,
} from '../test/workflow-fixtures';
import { logTailStateReads, openLogTails } from '../services/log-tail';

let t: TestServer;
let adminAuth: string;
let memberAuth: string;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  await createLinearWorkflow(t, 'tail');
  await createLinearWorkflow(t, 'tail_private', { allowAnyoneToViewRuns: false });
  adminAuth = await roleToken(t.baseUrl, 'admin');
  memberAuth = await roleToken(t.baseUrl, 'member');
});
afterAll(async () => t.close());

interface Event {
  event: string;
  id: string | undefined;
  data: string;
}

/**
 * An open event stream read as it arrives: `next(pred)` waits (bounded) for an event that
 * satisfies it, `ended` resolves when the server closed the response.
 */
async function openStream(path: string, headers: Record<string, string> = {}, baseUrl = t.baseUrl) {
  const controller = new AbortController();
  const res = await fetch(`${baseUrl}/v1${path}`, {
    headers: { authorization: adminAuth, ...headers },
    signal: controller.signal,
  });
  const events: Event[] = [];
  let closed = false;
  let wake: () => void = () => {};
  if (res.ok) {
    void (async () => {
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let cut: number;
          while ((cut = buffer.indexOf('\n\n')) >= 0) {
            const block = buffer.slice(0, cut);
            buffer = buffer.slice(cut + 2);
            const fields = block.split('\n').filter((l) => !l.startsWith(':'));
            if (fields.length === 0) continue;
            const get = (name: string) =>
              fields.filter((l) => l.startsWith(`${name}: `)).map((l) => l.slice(name.length + 2));
            events.push({
              event: get('event')[0] ?? 'message',
              id: get('id')[0],
              data: get('data').join('\n'),
            });
            wake();
          }
        }
      } catch {
        // aborted by the test
      }
      closed = true;
      wake();
    })();
  }
  const lines = () =>
    events
      .filter((e) => e.event === 'lines')
      .flatMap((e) => (JSON.parse(e.data) as { logs: LogLine[] }).logs);
  return {
    res,
    events,
    lines,
    get closed() {
      return closed;
    },
    async waitFor(pred: () => boolean, what: string) {
      const deadline = Date.now() + 10_000;
      while (!pred()) {
        if (closed) throw new Error(`stream closed before ${what}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, 100);
        });
      }
    },
    close: () => controller.abort(),
  };
}

async function post(nodeRun: string, messages: string[], level = 'INFO') {
  const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${nodeRun}/logs`, {
    logs: messages.map((message) => ({ level, message })),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

async function freshNode(workflow = 'tail') {
  const run = await startRun(t, workflow);
  return nodeRunOf(run, 'work').identifier;
}

const streamPath = (node: string, query = '') =>
  `/workflows/nodes/runs/${node}/logs/stream${query ? `?${query}` : ''}`;

describe('GET /workflows/nodes/runs/{id}/logs/stream', () => {
  it('sends only the lines after the cursor, new ones as they are written, in order', async () => {
    const node = await freshNode();
    await post(node, ['one', 'two', 'three']);
    const s = await openStream(streamPath(node, 'cursor=1'));
    expect(s.res.status).toBe(200);
    expect(s.res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await s.waitFor(() => s.lines().length >= 2, 'the backlog');
    await post(node, ['four', 'five']);
    await post(node, ['six']);
    await s.waitFor(() => s.lines().length >= 5, 'the new lines');
    expect(s.lines().map((l) => [l.seq, l.log])).toEqual([
      [2, 'two'],
      [3, 'three'],
      [4, 'four'],
      [5, 'five'],
      [6, 'six'],
    ]);
    // Every lines event names the seq it read up to: the cursor a reconnect resumes from.
    expect(s.events.filter((e) => e.event === 'lines').at(-1)?.id).toBe('6');
    expect(s.closed).toBe(false);
    s.close();
    await until('the stream slot given back', async () => openLogTails() === 0, {
      timeoutMs: 10_000,
    });
  });

  it('compresses the stream when the client takes gzip, each event flushed as it is made', async () => {
    const node = await freshNode();
    const zipped = await openStream(streamPath(node), { 'accept-encoding': 'gzip' });
    const plain = await openStream(streamPath(node), { 'accept-encoding': 'identity' });
    expect(zipped.res.headers.get('content-encoding')).toBe('gzip');
    expect(plain.res.headers.get('content-encoding')).toBeNull();
    await post(node, ['compressed or not']);
    // Arrives while the stream stays open: the compressor does not hold it back.
    await zipped.waitFor(() => zipped.lines().length === 1, 'the line, gzipped');
    await plain.waitFor(() => plain.lines().length === 1, 'the line, plain');
    expect(zipped.lines()[0]?.log).toBe('compressed or not');
    expect(plain.lines()[0]?.log).toBe('compressed or not');
    zipped.close();
    plain.close();
  });

  it('is one whole gzip member once it ends (CRC and length checked), the same text as uncompressed', async () => {
    const node = await freshNode();
    const url = new URL(`${t.baseUrl}/v1${streamPath(node)}`);
    const raw = (encoding: string) =>
      new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
        const req = http.get(
          url,
          { headers: { authorization: adminAuth, 'accept-encoding': encoding } },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
            res.on('error', reject);
          },
        );
        req.on('error', reject);
      });
    const zipped = raw('gzip');
    const plain = raw('identity');
    await until('both streams open', async () => openLogTails() === 2, { timeoutMs: 10_000 });
    await post(node, ['one', 'two']);
    await post(
      node,
      Array.from({ length: 500 }, (_, i) => `line ${i} of a bigger batch`),
    );
    await t.api('admin', 'PATCH', `/workflows/nodes/runs/${node}`, {
      logs: [{ logLevel: 'WARN', log: 'last words' }],
      status: 'COMPLETED',
      result: 'SUCCESS',
    });
    const [z, p] = await Promise.all([zipped, plain]);
    expect(z.headers['content-encoding']).toBe('gzip');
    expect(p.headers['content-encoding']).toBeUndefined();
    const text = zlib.gunzipSync(z.body).toString('utf8');
    expect(text).toContain('data: {"logs":[{');
    expect(text).toContain('"log":"last words"');
    expect(text.endsWith('event: end\ndata: {}\n\n')).toBe(true);
    // Both read the same pages at the same cursors (what is sent depends on tick timing, not
    // on the encoding): the same lines, each once, in order.
    const seqs = (body: string) => [...body.matchAll(/"seq":(\d+)/g)].map((m) => Number(m[1]));
    expect(seqs(text)).toEqual(Array.from({ length: 503 }, (_, i) => i + 1));
    expect(seqs(p.body.toString('utf8'))).toEqual(seqs(text));
  });

  it('carries the node run’s counts per level with its lines, and alone when only other levels moved', async () => {
    const node = await freshNode();
    const s = await openStream(streamPath(node, 'cursor=0&level=ERROR'));
    const counts = () =>
      s.events
        .filter((e) => e.event === 'lines')
        .map((e) => (JSON.parse(e.data) as { counts: Record<string, number> }).counts);
    await post(node, ['fine', 'fine too']);
    await s.waitFor(() => counts().at(-1)?.INFO === 2, 'the INFO count, without a line');
    expect(s.lines()).toEqual([]);
    expect(counts().at(-1)).toEqual({ DEBUG: 0, INFO: 2, WARN: 0, ERROR: 0 });
    await post(node, ['broken'], 'ERROR');
    await s.waitFor(() => s.lines().length === 1, 'the ERROR line');
    expect(counts().at(-1)).toEqual({ DEBUG: 0, INFO: 2, WARN: 0, ERROR: 1 });
    s.close();
  });

  it('resumes after Last-Event-ID (over the URL cursor) without sending a line twice', async () => {
    const node = await freshNode();
    await post(node, ['a', 'b', 'c', 'd']);
    const s = await openStream(streamPath(node, 'cursor=0'), { 'last-event-id': '3' });
    await s.waitFor(() => s.lines().length >= 1, 'the line after the resumed id');
    await post(node, ['e']);
    await s.waitFor(() => s.lines().length >= 2, 'the new line');
    expect(s.lines().map((l) => l.log)).toEqual(['d', 'e']);
    s.close();
  });

  it('resumes on another server over the same database: nothing of a stream lives in one process', async () => {
    const other = serve({
      fetch: createApp({ db: t.database.db }).fetch,
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) => other.once('listening', () => resolve()));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const node = await freshNode();
      await post(node, ['first', 'second']);
      const onA = await openStream(streamPath(node));
      await onA.waitFor(() => onA.lines().length >= 2, 'the lines on server A');
      const lastId = onA.events.filter((e) => e.event === 'lines').at(-1)!.id!;
      onA.close();
      await post(node, ['third']);
      const onB = await openStream(
        streamPath(node, 'cursor=0'),
        { 'last-event-id': lastId },
        otherUrl,
      );
      await onB.waitFor(() => onB.lines().length >= 1, 'the line after the id, on server B');
      await post(node, ['fourth']);
      await onB.waitFor(() => onB.lines().length >= 2, 'the next line on server B');
      expect(onB.lines().map((l) => l.log)).toEqual(['third', 'fourth']);
      onB.close();
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('sends only the levels asked for and moves past the others', async () => {
    const node = await freshNode();
    const s = await openStream(streamPath(node, 'cursor=0&level=ERROR'));
    await post(node, ['fine', 'fine too']);
    await post(node, ['broken'], 'ERROR');
    await s.waitFor(() => s.lines().length >= 1, 'the ERROR line');
    expect(s.lines().map((l) => [l.seq, l.logLevel, l.log])).toEqual([[3, 'ERROR', 'broken']]);
    expect(s.events.filter((e) => e.event === 'lines').at(-1)?.id).toBe('3');
    s.close();
  });

  it('sends the last lines, then `end`, and closes once the node run completes', async () => {
    const node = await freshNode();
    const s = await openStream(streamPath(node));
    await post(node, ['working']);
    await s.waitFor(() => s.lines().length >= 1, 'the first line');
    await t.api('admin', 'PATCH', `/workflows/nodes/runs/${node}`, {
      logs: [{ logLevel: 'INFO', log: 'last words' }],
      status: 'COMPLETED',
      result: 'SUCCESS',
    });
    await s.waitFor(() => s.closed, 'the stream to close');
    expect(s.lines().map((l) => l.log)).toEqual(['working', 'last words']);
    expect(s.events.at(-1)?.event).toBe('end');

    // Opening the tail of a finished node run after its last line ends at once.
    const again = await openStream(streamPath(node, 'cursor=2'));
    await again.waitFor(() => again.closed, 'the finished stream to close');
    expect(again.lines()).toEqual([]);
    expect(again.events.map((e) => e.event)).toEqual(['start', 'end']);
    await until('every stream slot given back', async () => openLogTails() === 0, {
      timeoutMs: 10_000,
    });
  });

  it('sends a backlog larger than one event as several, in order', async () => {
    const node = await freshNode();
    const n = 6000;
    for (let i = 0; i < n; i += 1000) {
      await post(
        node,
        Array.from({ length: 1000 }, (_, k) => `line ${i + k + 1}`),
      );
    }
    await completeNode(t, node);
    const s = await openStream(streamPath(node));
    await s.waitFor(() => s.closed, 'the whole backlog and the end');
    const seqs = s.lines().map((l) => l.seq);
    expect(seqs.length).toBe(n);
    expect(seqs.every((seq, i) => seq === i + 1)).toBe(true);
    expect(s.events.filter((e) => e.event === 'lines').length).toBeGreaterThan(1);
  });

  it('refuses a request without credentials', async () => {
    const node = await freshNode();
    const res = await fetch(`${t.baseUrl}/v1${streamPath(node)}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ ok: false, error: 'unauthorized' });
  });

  it('answers 404 for a node run the user may not see, as for one that does not exist', async () => {
    const node = await freshNode('tail_private'); // started by admin, not shared
    for (const id of [node, unknownId('wfnr_')]) {
      const res = await fetch(`${t.baseUrl}/v1${streamPath(id)}`, {
        headers: { authorization: memberAuth },
      });
      if (res.status === 200) await res.body?.cancel();
      expect(res.status, id).toBe(404);
      expect(await res.json()).toMatchObject({ ok: false, error: 'not_found' });
    }
  });

  it('answers 429 past the open streams a user may hold, and takes one again once closed', async () => {
    const node = await freshNode();
    const streams = [];
    for (let i = 0; i < 8; i++) streams.push(await openStream(streamPath(node)));
    expect(streams.map((s) => s.res.status)).toEqual(Array(8).fill(200));
    const refused = await fetch(`${t.baseUrl}/v1${streamPath(node)}`, {
      headers: { authorization: adminAuth },
    });
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ ok: false, error: 'rate_limited' });
    for (const s of streams) s.close();
    await until('the slots given back', async () => openLogTails() === 0, { timeoutMs: 10_000 });
    const s = await openStream(streamPath(node));
    expect(s.res.status).toBe(200);
    s.close();
  });

  it("streams of one node run share the server's reads of it, and each gets every line", async () => {
    const node = await freshNode();
    await post(node, ['before']);
    const memberStream = (path: string) => openStream(path, { authorization: memberAuth });
    const streams = await Promise.all([
      ...Array.from({ length: 6 }, () => openStream(streamPath(node))),
      ...Array.from({ length: 6 }, () => memberStream(streamPath(node))),
    ]);
    try {
      expect(streams.map((s) => s.res.status)).toEqual(Array(12).fill(200));
      await Promise.all(streams.map((s) => s.waitFor(() => s.lines().length >= 1, 'the backlog')));
      const reads = logTailStateReads();
      const from = Date.now();
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await post(node, ['after one', 'after two']);
      await Promise.all(streams.map((s) => s.waitFor(() => s.lines().length >= 3, 'new lines')));
      const elapsed = Date.now() - from;
      for (const s of streams) {
        expect(s.lines().map((l) => l.log)).toEqual(['before', 'after one', 'after two']);
      }
      // One read per half tick (100 ms) at most, however many streams: unshared, 12 streams
      // ticking every 200 ms would make about six times as many.
      expect(logTailStateReads() - reads).toBeLessThanOrEqual(Math.ceil(elapsed / 100) + 2);
    } finally {
      for (const s of streams) s.close();
    }
  });

  it('refuses a cursor that is not a line seq', async () => {
    const node = await freshNode();
    const res = await t.api('admin', 'GET', streamPath(node, 'cursor=abc'));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.body).toMatchObject({ ok: false });
  });
});
