import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogLine } from '../../contract/workflows';
import { createApp } from '../app';
import { openPostgres, selectRows } from '../db/client';
import type { Actor } from '../domain/permissions';
import { postNodeRunLogs } from '../services/node-runs';
import { startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createWorkflow,
  nodeRunOf,
  startRun,
  unknownId,
  workflowBody,
} from '../test/workflow-fixtures';

// The log ingest writes the batches of concurrent requests in one transaction
// (services/log-ingest.ts); every request must still be answered as if it were alone.

let t: TestServer;
let admin: Actor;
beforeAll(async () => {
  t = await startTestServer({ withoutDispatcher: true });
  // trigger → a and trigger → b: two node runs of one run, both in progress.
  await createWorkflow(
    t,
    workflowBody(
      'ingest',
      ['trigger', { identifier: 'a', type: 'KAFKA' }, { identifier: 'b', type: 'KAFKA' }],
      [
        ['trigger', 'a'],
        ['trigger', 'b'],
      ],
    ),
  );
  admin = (await t.api('admin', 'GET', '/me')).body.user as Actor;
});
afterAll(async () => t.close());

async function freshRun() {
  const run = await startRun(t, 'ingest');
  return {
    run: run.identifier,
    a: nodeRunOf(run, 'a').identifier,
    b: nodeRunOf(run, 'b').identifier,
  };
}

async function linesOf(path: string): Promise<LogLine[]> {
  const res = await t.api('admin', 'GET', `${path}?limit=10000`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.logs as LogLine[];
}

const batch = (tag: string, n: number) =>
  Array.from({ length: n }, (_, k) => ({ level: 'INFO' as const, message: `${tag} ${k}` }));

/** Each batch's lines, found by their tag: consecutive numbers, in the order they were sent. */
function expectBatchesWhole(lines: LogLine[], tags: string[], perBatch: number) {
  for (const tag of tags) {
    const mine = lines.filter((l) => l.log.startsWith(`${tag} `));
    expect(mine.map((l) => l.log)).toEqual(batch(tag, perBatch).map((l) => l.message));
    const first = mine[0]!.seq;
    expect(mine.map((l) => l.seq)).toEqual(mine.map((_, k) => first + k));
  }
}

describe('batches of concurrent requests written together', () => {
  it('answers each request on its own: a completed node run and an unknown one are refused, the rest stored whole', async () => {
    const open = await freshRun();
    const done = await freshRun();
    await completeNode(t, done.a);
    const alone = await t.api('admin', 'POST', `/workflows/nodes/runs/${done.a}/logs`, {
      logs: batch('late', 1),
    });
    expect(alone.status).toBe(422);

    // Called without waiting, the service queues them: all but the first two share a write.
    const sent = Array.from({ length: 12 }, (_, k) => ({
      tag: `req${k}`,
      node: k % 2 ? open.a : open.b,
    }));
    const writes = [
      ...sent.map(({ tag, node }) =>
        postNodeRunLogs(t.database.db, node, batch(tag, 7), { actor: admin }, new Date()),
      ),
      postNodeRunLogs(t.database.db, done.a, batch('late', 1), { actor: admin }, new Date()),
      postNodeRunLogs(
        t.database.db,
        unknownId('wfnr_'),
        batch('lost', 1),
        { actor: admin },
        new Date(),
      ),
    ];
    const outcomes = await Promise.allSettled(writes);
    expect(outcomes.slice(0, 12).every((o) => o.status === 'fulfilled')).toBe(true);
    const [late, lost] = outcomes.slice(12).map((o) => (o.status === 'rejected' ? o.reason : o));
    expect(late).toMatchObject({ status: 422, code: 'run_exhausted', message: alone.body.message });
    expect(lost).toMatchObject({
      status: 404,
      message: `Node run "${unknownId('wfnr_')}" was not found`,
    });

    const a = await linesOf(`/workflows/nodes/runs/${open.a}/logs`);
    const b = await linesOf(`/workflows/nodes/runs/${open.b}/logs`);
    expect(a.map((l) => l.seq)).toEqual(Array.from({ length: 42 }, (_, k) => k + 1));
    expect(b.map((l) => l.seq)).toEqual(Array.from({ length: 42 }, (_, k) => k + 1));
    expectBatchesWhole(
      a,
      sent.filter((s) => s.node === open.a).map((s) => s.tag),
      7,
    );
    expectBatchesWhole(
      b,
      sent.filter((s) => s.node === open.b).map((s) => s.tag),
      7,
    );
    expect(await linesOf(`/workflows/nodes/runs/${done.a}/logs`)).not.toContainEqual(
      expect.objectContaining({ log: 'late 0' }),
    );
  });

  it('keeps the other batches of a write the database refuses, and its connections working', async () => {
    const open = await freshRun();
    // A line PostgreSQL itself refuses (a fault injected in the database, not in our code): the
    // write holding it fails as a whole, inside the pipelined append + COMMIT.
    await t.database.db.execute(sql`
      CREATE FUNCTION test_refuse_line() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF 'refuse me' = ANY(NEW.messages) THEN RAISE EXCEPTION 'refused by the test'; END IF;
        RETURN NEW;
      END $$`);
    await t.database.db.execute(sql`
      CREATE TRIGGER test_refuse_line BEFORE INSERT ON log_blocks
      FOR EACH ROW EXECUTE FUNCTION test_refuse_line()`);
    try {
      for (let round = 0; round < 3; round++) {
        const sent = Array.from({ length: 10 }, (_, k) => ({
          tag: `r${round}q${k}`,
          node: k % 2 ? open.a : open.b,
        }));
        const outcomes = await Promise.allSettled([
          ...sent.map(({ tag, node }) =>
            postNodeRunLogs(t.database.db, node, batch(tag, 5), { actor: admin }, new Date()),
          ),
          postNodeRunLogs(
            t.database.db,
            open.a,
            [{ level: 'INFO', message: 'refuse me' }],
            { actor: admin },
            new Date(),
          ),
        ]);
        expect(outcomes.slice(0, 10).map((o) => o.status)).toEqual(Array(10).fill('fulfilled'));
        expect(outcomes[10]).toMatchObject({
          status: 'rejected',
          reason: expect.objectContaining({ message: 'refused by the test' }),
        });
      }
    } finally {
      await t.database.db.execute(sql`DROP TRIGGER test_refuse_line ON log_blocks`);
      await t.database.db.execute(sql`DROP FUNCTION test_refuse_line()`);
    }
    // The connections that rolled back still write (their prepared statements outlive it).
    await Promise.all(
      ['after0', 'after1', 'after2'].map((tag) =>
        postNodeRunLogs(t.database.db, open.a, batch(tag, 5), { actor: admin }, new Date()),
      ),
    );
    const a = await linesOf(`/workflows/nodes/runs/${open.a}/logs`);
    const b = await linesOf(`/workflows/nodes/runs/${open.b}/logs`);
    expect(a.map((l) => l.seq)).toEqual(Array.from({ length: 90 }, (_, k) => k + 1));
    expect(b.map((l) => l.seq)).toEqual(Array.from({ length: 75 }, (_, k) => k + 1));
    expect(a.some((l) => l.log === 'refuse me')).toBe(false);
    expectBatchesWhole(a, ['r0q1', 'r1q3', 'r2q9', 'after0', 'after1', 'after2'], 5);
    const counted = (await t.api('admin', 'GET', `/workflows/runs/${open.run}`)).body.workflowRun;
    expect(nodeRunOf(counted, 'a').logCounts).toMatchObject({ INFO: 90, WARN: 0 });
    expect(nodeRunOf(counted, 'b').logCounts).toMatchObject({ INFO: 75, WARN: 0 });
    const run = await linesOf(`/workflows/runs/${open.run}/logs`);
    expect(run.map((l) => l.seq)).toEqual(Array.from({ length: 165 }, (_, k) => k + 1));
  });

  it('goes on writing on new connections when PostgreSQL ends its sessions', async () => {
    const open = await freshRun();
    // The ingest on a pool of its own, named, so only its sessions are ended below.
    const url = new URL(
      (t.database.db as unknown as { $client: { options: { connectionString: string } } }).$client
        .options.connectionString,
    );
    url.searchParams.set('application_name', 'ingest-under-test');
    const own = await openPostgres(url.toString());
    const write = (tag: string) =>
      postNodeRunLogs(own.db, open.a, batch(tag, 4), { actor: admin }, new Date());
    try {
      await Promise.all(['w0', 'w1', 'w2'].map(write));
      // Its sessions end (with their prepared statements), as when an admin terminates them.
      const [ended] = await selectRows<{ n: number }>(
        t.database.db,
        sql`SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE application_name = 'ingest-under-test'`,
      );
      expect(ended!.n).toBeGreaterThan(0);
      let written = 0;
      for (let attempt = 0; written < 3 && attempt < 10; attempt++) {
        const outcomes = await Promise.allSettled([`x${attempt}a`, `x${attempt}b`].map(write));
        written += outcomes.filter((o) => o.status === 'fulfilled').length;
      }
      expect(written).toBeGreaterThanOrEqual(3);
    } finally {
      await own.close();
    }
    const lines = await linesOf(`/workflows/nodes/runs/${open.a}/logs`);
    // Gap-free whatever failed: a write that did not commit took no numbers.
    expect(lines.map((l) => l.seq)).toEqual(lines.map((_, k) => k + 1));
    expectBatchesWhole(lines, ['w0', 'w1', 'w2'], 4);
    expect(lines.length).toBeGreaterThanOrEqual(24);
  });

  it('stores blocks in the order of their numbers, so the indexes fill their pages', async () => {
    const open = await freshRun();
    // More writes than PostgreSQL plans a prepared statement for before it may switch to a
    // generic plan (5), of several batches each.
    for (let round = 0; round < 12; round++) {
      await Promise.all(
        [0, 1, 2, 3].map((k) =>
          postNodeRunLogs(
            t.database.db,
            k % 2 ? open.a : open.b,
            batch(`o${round}.${k}`, 50),
            { actor: admin },
            new Date(),
          ),
        ),
      );
    }
    const rows = await selectRows<{ page: number; runSeq: number }>(
      t.database.db,
      sql`SELECT (l.ctid::text::point)[0]::int AS page, l.run_seq AS "runSeq"
        FROM log_blocks l JOIN workflow_runs r ON r.log_key = l.run_key
        WHERE r.identifier = ${open.run} ORDER BY l.ctid`,
    );
    // A block a batch (db/log-blocks.ts).
    expect(rows).toHaveLength(48);
    // Within a heap page (the two write slots' backends fill pages of their own), the order of
    // the rows is the order they were inserted in: each run number above the one before.
    const outOfOrder = rows.filter(
      (r, k) => k > 0 && rows[k - 1]!.page === r.page && rows[k - 1]!.runSeq > r.runSeq,
    );
    expect(outOfOrder).toEqual([]);
  });

  it('starts a second write beside one in flight only for a long queue: a few lines wait for the next', async () => {
    const transactionsOf = async (run: string) => {
      const [row] = await selectRows<{ n: number }>(
        t.database.db,
        sql`SELECT count(DISTINCT l.xmin::text)::int AS n
            FROM log_blocks l JOIN workflow_runs r ON r.log_key = l.run_key
            WHERE r.identifier = ${run}`,
      );
      return row!.n;
    };
    const post = (node: string, tag: string, n: number) =>
      postNodeRunLogs(t.database.db, node, batch(tag, n), { actor: admin }, new Date());
    // 8 batches of 10 lines at once: the first is written at once, the other 70 lines wait for
    // it and go together in one more write.
    const small = await freshRun();
    await Promise.all(
      Array.from({ length: 8 }, (_, k) => post(k % 2 ? small.a : small.b, `s${k}`, 10)),
    );
    expect(await transactionsOf(small.run)).toBe(2);
    // 8 batches of 100: the fifth makes 400 lines wait, which start a second write beside the
    // first; the last three wait for one of them.
    const big = await freshRun();
    await Promise.all(
      Array.from({ length: 8 }, (_, k) => post(k % 2 ? big.a : big.b, `b${k}`, 100)),
    );
    expect(await transactionsOf(big.run)).toBe(3);
    expectBatchesWhole(await linesOf(`/workflows/runs/${big.run}/logs`), ['b0', 'b4', 'b7'], 100);
  });

  it('numbers a run’s lines 1..N without gaps across its node runs when many requests race', async () => {
    const { run, a, b } = await freshRun();
    const results = await Promise.all(
      Array.from({ length: 24 }, (_, k) =>
        t.api('admin', 'POST', `/workflows/nodes/runs/${k % 2 ? a : b}/logs`, {
          logs: batch(`r${k}`, 5),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
    const all = await linesOf(`/workflows/runs/${run}/logs`);
    expect(all.map((l) => l.seq)).toEqual(Array.from({ length: 120 }, (_, k) => k + 1));
    const counted = (await t.api('admin', 'GET', `/workflows/runs/${run}`)).body.workflowRun;
    expect(nodeRunOf(counted, 'a').logCounts).toMatchObject({ INFO: 60, WARN: 0 });
    expectBatchesWhole(
      await linesOf(`/workflows/nodes/runs/${a}/logs`),
      Array.from({ length: 12 }, (_, k) => `r${2 * k + 1}`),
      5,
    );
  });

  it('keeps a run hidden from a writer who may not view it (404), while the same write stores others', async () => {
    await createWorkflow(
      t,
      workflowBody('private', ['trigger', { identifier: 'a', type: 'KAFKA' }], [['trigger', 'a']], {
        allowAnyoneToViewRuns: false,
      }),
    );
    const hidden = await startRun(t, 'private'); // the admin's, not shared
    const mine = await startRun(t, 'private', 'member');
    const [refused, stored] = await Promise.all([
      t.api('member', 'POST', `/workflows/nodes/runs/${nodeRunOf(hidden, 'a').identifier}/logs`, {
        logs: batch('peek', 1),
      }),
      t.api('member', 'POST', `/workflows/nodes/runs/${nodeRunOf(mine, 'a').identifier}/logs`, {
        logs: batch('own', 1),
      }),
    ]);
    expect(refused.status).toBe(404);
    expect(stored.status).toBe(201);
    expect(
      await linesOf(`/workflows/nodes/runs/${nodeRunOf(hidden, 'a').identifier}/logs`),
    ).toEqual([]);
  });
});

describe('what a batch holds', () => {
  it('stores text and tags exactly as sent, whatever characters they hold', async () => {
    const { a } = await freshRun();
    const tricky = [
      `it's "quoted", {braced}, back\\slash \\" and \\\\`,
      'NULL',
      '',
      '$L$ $L0$ $$ dollar-quote tags',
      'tab\tnew\nline, émoji 🚀, 中文',
    ];
    const res = await t.api('admin', 'PATCH', `/workflows/nodes/runs/${a}`, {
      logs: tricky.map((log, k) => ({ logLevel: 'INFO', log, tags: { k: `${k}`, q: tricky[k]! } })),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const stored = await linesOf(`/workflows/nodes/runs/${a}/logs`);
    expect(stored.map((l) => l.log)).toEqual(tricky);
    expect(stored.map((l) => l.tags.q)).toEqual(tricky);
  });
});

describe('the token of a log append, checked by the write', () => {
  async function credential(name: string) {
    const made = (await t.api('admin', 'POST', '/credentials', { name })).body;
    const res = await fetch(`${t.baseUrl}/v1/auth/access_token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: made.credential.clientId, clientSecret: made.clientSecret }),
    });
    const { accessToken } = (await res.json()) as { accessToken: string };
    return { id: made.credential.id as string, auth: { authorization: `Bearer ${accessToken}` } };
  }

  it('refuses a revoked token at once, on every server of the database, and writes nothing', async () => {
    const { a } = await freshRun();
    const { id, auth } = await credential('ingest-revoked');
    const path = `/workflows/nodes/runs/${a}/logs`;
    const post = (tag: string) => t.api('anonymous', 'POST', path, { logs: batch(tag, 3) }, auth);
    expect((await post('before')).status).toBe(201);

    // A second server on the same database, as behind a load balancer.
    const other = serve({
      fetch: createApp({ db: t.database.db }).fetch,
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) => other.once('listening', () => resolve()));
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/v1${path}`;
    const postThere = () =>
      fetch(otherUrl, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ logs: batch('there', 3) }),
      });
    try {
      expect((await postThere()).status).toBe(201);
      expect((await t.api('admin', 'DELETE', `/credentials/${id}`)).status).toBe(200);
      const refused = await post('after');
      expect(refused.status).toBe(401);
      expect(refused.body).toEqual({
        ok: false,
        error: 'unauthorized',
        message: 'The access token is unknown or expired; request a new one',
      });
      expect((await postThere()).status).toBe(401);
    } finally {
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
    const stored = (await linesOf(path)).map((l) => l.log);
    expect(stored).toEqual([...batch('before', 3), ...batch('there', 3)].map((l) => l.message));
  });

  it('refuses a token once it expires, though it was accepted before', async () => {
    const { a } = await freshRun();
    const { auth } = await credential('ingest-expiring');
    let now = new Date();
    // A second server on the same database whose clock this test moves.
    const other = serve({
      fetch: createApp({ db: t.database.db, clock: () => now }).fetch,
      port: 0,
      hostname: '127.0.0.1',
    });
    await new Promise<void>((resolve) => other.once('listening', () => resolve()));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}/v1/workflows/nodes/runs/${a}/logs`;
    const post = (tag: string) =>
      fetch(url, {
        method: 'POST',
        headers: { ...auth, 'content-type': 'application/json' },
        body: JSON.stringify({ logs: batch(tag, 2) }),
      });
    try {
      expect((await post('fresh')).status).toBe(201);
      expect((await post('again')).status).toBe(201);
      now = new Date(Date.now() + 400 * 24 * 3600 * 1000);
      const expired = await post('expired');
      expect(expired.status).toBe(401);
      expect(await expired.json()).toMatchObject({ ok: false, error: 'unauthorized' });
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
    const lines = await linesOf(`/workflows/nodes/runs/${a}/logs`);
    expect(lines.map((l) => l.log)).toEqual(['fresh 0', 'fresh 1', 'again 0', 'again 1']);
  });

  it('tells a revoked token 401 before any fault in its request, as the lookup did', async () => {
    const { a } = await freshRun();
    const { id, auth } = await credential('ingest-revoked-early');
    await t.api('admin', 'DELETE', `/credentials/${id}`);
    const path = `/workflows/nodes/runs/${a}/logs`;
    for (const [target, body] of [
      [path, { logs: [{ level: 'LOUD', message: 'x' }] }],
      [path, 'not json'],
      ['/workflows/nodes/runs/not-an-id/logs', { logs: batch('x', 1) }],
      [`/workflows/nodes/runs/${unknownId('wfnr_')}/logs`, { logs: batch('x', 1) }],
    ] as const) {
      const res = await t.api('anonymous', 'POST', target, body, auth);
      expect(res.status, `${target} ${JSON.stringify(body)}`).toBe(401);
    }
  });

  it('still refuses a forged or expired token before reading the body', async () => {
    const { a } = await freshRun();
    const res = await t.api(
      'anonymous',
      'POST',
      `/workflows/nodes/runs/${a}/logs`,
      { logs: batch('x', 1) },
      { authorization: 'Bearer a.b.c' },
    );
    expect(res.status).toBe(401);
  });
});

describe('the log batch body', () => {
  it('stores a valid batch as sent and refuses a bad one with the line and the field, storing nothing', async () => {
    const { a } = await freshRun();
    const path = `/workflows/nodes/runs/${a}/logs`;
    const good = [
      { level: 'INFO', message: 'é🙂 <b>not html</b>' },
      { message: '', level: 'ERROR' },
      { level: 'DEBUG', message: 'x'.repeat(65536) },
    ];
    expect((await t.api('admin', 'POST', path, { logs: good })).status).toBe(201);
    const refusals: [unknown, RegExp][] = [
      [{ logs: [...good, { level: 'TRACE', message: 'x' }] }, /^body\.logs\.3\.level: /],
      [
        { logs: [good[0], { level: 'INFO', message: 'a\u0000b' }] },
        /^body\.logs\.1\.message: must not contain the character U\+0000/,
      ],
      [{ logs: [{ level: 'INFO', message: 'x'.repeat(65537) }] }, /^body\.logs\.0\.message: /],
      [{ logs: [{ level: 'INFO', message: 7 }] }, /^body\.logs\.0\.message: /],
      [
        { logs: [{ level: 'INFO', message: 'x', tags: {} }] },
        /^body\.logs\.0: unknown field\(s\) "tags"/,
      ],
      [{ logs: [good[0]], more: 1 }, /^body: unknown field\(s\) "more"/],
      [{ logs: [] }, /^body\.logs: /],
    ];
    for (const [body, message] of refusals) {
      const res = await t.api('admin', 'POST', path, body);
      expect(res.status, JSON.stringify(body).slice(0, 100)).toBe(422);
      expect(res.body).toMatchObject({ ok: false, error: 'invalid_request', message });
    }
    const stored = await linesOf(path);
    expect(stored.map((l) => [l.logLevel, l.log])).toEqual(good.map((l) => [l.level, l.message]));
  });
});
