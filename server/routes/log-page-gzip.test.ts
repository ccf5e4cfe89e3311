import http from 'node:http';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BLOCK_LINES, logPageGzipStats } from '../services/log-page-gzip';
import { roleToken, startTestServer, type TestServer } from '../test/harness';
import { createLinearWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';

let t: TestServer;
let adminAuth: string;
let node: string;
const LINES = 3_000;

/** The raw answer (bytes as sent, not decoded), as an HTTP client that takes gzip or not sees it. */
function raw(path: string, headers: Record<string, string>) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>(
    (resolve, reject) => {
      const req = http.get(
        new URL(`${t.baseUrl}/v1${path}`),
        { headers: { authorization: adminAuth, ...headers } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
    },
  );
}

const logsPath = (cursor: number, limit: number) =>
  `/workflows/nodes/runs/${node}/logs?cursor=${cursor}&limit=${limit}`;

async function post(messages: string[]) {
  const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${node}/logs`, {
    logs: messages.map((message, i) => ({ level: i % 7 === 0 ? 'WARN' : 'INFO', message })),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
}

beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  await createLinearWorkflow(t, 'gzpages');
  adminAuth = await roleToken(t.baseUrl, 'admin');
  node = nodeRunOf(await startRun(t, 'gzpages'), 'work').identifier;
  for (let at = 0; at < LINES; at += 500) {
    await post(
      Array.from({ length: 500 }, (_, i) => `line ${at + i + 1} ${'é✓'.repeat((at + i) % 13)}`),
    );
  }
});
afterAll(async () => t.close());

interface Page {
  logs: { seq: number; log: string }[];
  nextCursor: string | null;
}

describe('gzipped log pages with aligned blocks compressed once', () => {
  it('chains pages from random cursors and limits: every line once, in order, gzip = identity text', async () => {
    const full = await raw(logsPath(0, 10_000), { 'accept-encoding': 'identity' });
    expect(full.headers['content-encoding']).toBeUndefined();
    const all = (JSON.parse(full.body.toString('utf8')) as Page).logs;
    expect(all.map((l) => l.seq)).toEqual(Array.from({ length: LINES }, (_, i) => i + 1));
    // A fixed pseudo-random sequence, so a failure reproduces.
    let seed = 17;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let trial = 0; trial < 6; trial++) {
      const start = rand(LINES);
      let cursor = start;
      const got: Page['logs'] = [];
      while (cursor < LINES) {
        const limit = 1 + rand(trial % 2 ? 300 : 1500);
        const zipped = await raw(logsPath(cursor, limit), { 'accept-encoding': 'gzip' });
        const plain = await raw(logsPath(cursor, limit), { 'accept-encoding': 'identity' });
        expect(zipped.status).toBe(200);
        const gzipped = zipped.headers['content-encoding'] === 'gzip';
        const text = (gzipped ? zlib.gunzipSync(zipped.body) : zipped.body).toString('utf8');
        expect(text).toBe(plain.body.toString('utf8'));
        // Small pages go as they are (gzip's header is not worth it), like every JSON answer.
        if (text.length > 1100 || text.length < 1000) expect(gzipped).toBe(text.length > 1100);
        if (gzipped) expect(zipped.headers.vary).toMatch(/accept-encoding/i);
        const page = JSON.parse(text) as Page;
        expect(page.logs.length).toBe(Math.min(limit, LINES - cursor));
        got.push(...page.logs);
        expect(Number(page.nextCursor)).toBe(cursor + page.logs.length);
        cursor = Number(page.nextCursor);
      }
      expect(got).toEqual(all.slice(start));
    }
  });

  it('serves a block once compressed to every viewer: the same bytes whatever the cursor', async () => {
    const before = logPageGzipStats();
    const a = await raw(logsPath(2 * BLOCK_LINES, 4 * BLOCK_LINES), { 'accept-encoding': 'gzip' });
    const b = await raw(logsPath(2 * BLOCK_LINES, 4 * BLOCK_LINES), { 'accept-encoding': 'gzip' });
    // Same state, same cursor: byte-identical, and the second built no block.
    expect(b.body.equals(a.body)).toBe(true);
    const after = logPageGzipStats();
    expect(after.reused - before.reused).toBeGreaterThanOrEqual(4);
    expect(after.built - before.built).toBeLessThanOrEqual(4);
    // A viewer 100 lines behind, up to the same line: its page carries the same compressed
    // blocks (what follows its own first 156 lines), byte for byte.
    const c = await raw(logsPath(2 * BLOCK_LINES - 100, 4 * BLOCK_LINES + 100), {
      'accept-encoding': 'gzip',
    });
    expect(logPageGzipStats().built).toBe(after.built);
    const middle = a.body.subarray(a.body.length / 2 - 2000, a.body.length / 2 + 2000);
    expect(c.body.includes(middle)).toBe(true);
    expect(zlib.gunzipSync(c.body).toString('utf8')).toContain(
      zlib.gunzipSync(a.body).toString('utf8').slice('{"ok":true,"logs":['.length, -200),
    );
  });

  it('answers 304 to a gzip client whose ETag names the page, and the new page after a write', async () => {
    const first = await raw(logsPath(LINES - 10, 10_000), { 'accept-encoding': 'gzip' });
    expect(first.status).toBe(200);
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^W\//);
    const again = await raw(logsPath(LINES - 10, 10_000), {
      'accept-encoding': 'gzip',
      'if-none-match': etag,
    });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    await post(['one more']);
    const moved = await raw(logsPath(LINES - 10, 10_000), {
      'accept-encoding': 'gzip',
      'if-none-match': etag,
    });
    expect(moved.status).toBe(200);
    const page = JSON.parse(zlib.gunzipSync(moved.body).toString('utf8')) as Page;
    expect(page.logs.map((l) => l.log).at(-1)).toBe('one more');
    expect(page.logs).toHaveLength(11);
  });
});
