import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteWorkflowRuns } from '../db/retention';
import { logLineCacheStats } from '../services/log-line-cache';
import { roleToken, startTestServer, type TestServer } from '../test/harness';
import {
  completeNode,
  createQuietWorkflow,
  createWorkflow,
  nodeRunOf,
  patchNode,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  const quiet = (identifier: string, extra = {}) => createQuietWorkflow(t, identifier, extra);
  await quiet('polled');
  await quiet('private-polled', { allowAnyoneToViewRuns: false });
});
afterAll(() => t.close());

const post = (nodeRun: string, ...messages: string[]) =>
  t.api('admin', 'POST', `/workflows/nodes/runs/${nodeRun}/logs`, {
    logs: messages.map((message) => ({ level: 'INFO', message })),
  });

describe('run polls read in one statement', () => {
  it('answer what the transactional read (includeLogs) answers, in both forms', async () => {
    const run = await startRun(t, 'polled', 'admin', { inputs: { n: 1 } });
    const work = nodeRunOf(run, 'work').identifier;
    await patchNode(t, work, { output: { rows: [1, 2, 3] } });
    await post(work, 'a line');
    await completeNode(t, work, 'FAILED');
    const rerun = await t.api('admin', 'POST', `/workflows/runs/${run.identifier}/rerun`, {});
    expect(rerun.status).toBe(201);
    for (const view of ['full', 'summary']) {
      const polled = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}?view=${view}`);
      const reference = await t.api(
        'admin',
        'GET',
        `/workflows/runs/${run.identifier}?view=${view}&includeLogs=true`,
      );
      expect(polled.status).toBe(200);
      for (const n of reference.body.workflowRun.nodeRuns) delete n.nodeRunLogs;
      expect(polled.body).toEqual(reference.body);
      expect(polled.body.workflowRun.reruns).toEqual([rerun.body.workflowRun.identifier]);
    }
    const full = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`);
    expect(full.body.workflowRun.nodeRuns[1]).toMatchObject({
      output: { rows: [1, 2, 3] },
      status: 'COMPLETED',
      result: 'FAILED',
      logCounts: { INFO: 1 },
    });
  });

  it('gives each user a tag of their own and a 304 for it, and 200 after a change', async () => {
    const run = await startRun(t, 'polled', 'admin');
    const path = `/workflows/runs/${run.identifier}?view=summary`;
    const adminTag = (await t.api('admin', 'GET', path)).headers.get('etag')!;
    const memberFirst = await t.api('member', 'GET', path, undefined, {
      'if-none-match': adminTag,
    });
    expect(memberFirst.status).toBe(200);
    const memberTag = memberFirst.headers.get('etag')!;
    expect(memberTag).not.toBe(adminTag);
    const again = await t.api('member', 'GET', path, undefined, { 'if-none-match': memberTag });
    expect(again.status).toBe(304);
    expect(again.headers.get('etag')).toBe(memberTag);
    await post(nodeRunOf(run, 'work').identifier, 'moved');
    const moved = await t.api('member', 'GET', path, undefined, { 'if-none-match': memberTag });
    expect(moved.status).toBe(200);
    expect(moved.body.workflowRun.nodeRuns[1].logCounts.INFO).toBe(1);
  });
});

describe('[ext] rerunOfDeleted: a re-run whose original is gone', () => {
  it('says so in both forms and in the transactional read, and its tag moves when it goes', async () => {
    const run = await startRun(t, 'polled', 'admin');
    await completeNode(t, nodeRunOf(run, 'work').identifier, 'FAILED');
    const rerun = await t.api('admin', 'POST', `/workflows/runs/${run.identifier}/rerun`, {});
    expect(rerun.status, JSON.stringify(rerun.body)).toBe(201);
    expect(rerun.body.workflowRun).toMatchObject({
      rerunOf: run.identifier,
      rerunOfDeleted: false,
    });
    const copy = rerun.body.workflowRun.identifier as string;
    const path = `/workflows/runs/${copy}?view=summary`;
    const before = await t.api('admin', 'GET', path);
    expect(before.body.workflowRun.rerunOfDeleted).toBe(false);
    // A run that re-ran nothing says nothing about it.
    const original = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}`);
    expect(original.body.workflowRun).not.toHaveProperty('rerunOfDeleted');

    // Retention deletes the finished original (as the sweep does).
    await t.database.db.transaction((tx) => deleteWorkflowRuns(tx, [run.identifier]));
    const tag = before.headers.get('etag')!;
    const after = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
    expect(after.status).toBe(200);
    expect(after.body.workflowRun).toMatchObject({ rerunOf: run.identifier, rerunOfDeleted: true });
    for (const view of ['full', 'summary']) {
      const polled = await t.api('admin', 'GET', `/workflows/runs/${copy}?view=${view}`);
      expect(polled.body.workflowRun.rerunOfDeleted).toBe(true);
      const reference = await t.api(
        'admin',
        'GET',
        `/workflows/runs/${copy}?view=${view}&includeLogs=true`,
      );
      expect(reference.body.workflowRun.rerunOfDeleted).toBe(true);
    }
    const again = await t.api('admin', 'GET', path, undefined, {
      'if-none-match': after.headers.get('etag')!,
    });
    expect(again.status).toBe(304);
  });
});

describe('[ext] ignoreLogCounts: a run poll that takes the level counts from the log', () => {
  const tagOf = (res: { headers: Headers }) => res.headers.get('etag')!;

  it('answers 304 while only lines were added, and 200 once anything else changed', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    const path = `/workflows/runs/${run.identifier}?view=summary&ignoreLogCounts=true`;
    const first = await t.api('admin', 'GET', path);
    expect(first.status).toBe(200);
    await post(work, 'one', 'two');
    await patchNode(t, work, { logs: [{ logLevel: 'WARN', log: 'three' }] });
    const same = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tagOf(first) });
    expect(same.status).toBe(304);

    await patchNode(t, work, { externalRunId: 'ext-1' });
    const patched = await t.api('admin', 'GET', path, undefined, {
      'if-none-match': tagOf(first),
    });
    expect(patched.status).toBe(200);
    // A 200 carries the counts as they are now.
    expect(patched.body.workflowRun.nodeRuns[1]).toMatchObject({
      externalRunId: 'ext-1',
      logCounts: { INFO: 2, WARN: 1 },
    });

    await completeNode(t, work);
    const done = await t.api('admin', 'GET', path, undefined, {
      'if-none-match': tagOf(patched),
    });
    expect(done.status).toBe(200);
    expect(done.body.workflowRun).toMatchObject({ status: 'COMPLETED' });
  });

  it('moves the tag when one update adds lines and finishes the node run', async () => {
    // No statement of ours does both today; the trigger must not let a future one through.
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    const path = `/workflows/runs/${run.identifier}?view=summary&ignoreLogCounts=true`;
    const first = await t.api('admin', 'GET', path);
    await t.database.db.execute(
      sql`UPDATE node_runs SET log_seq = log_seq + 1, info_count = info_count + 1,
            status = 'COMPLETED', result = 'SUCCESS' WHERE identifier = ${work}`,
    );
    const after = await t.api('admin', 'GET', path, undefined, {
      'if-none-match': tagOf(first),
    });
    expect(after.status).toBe(200);
    expect(after.body.workflowRun.nodeRuns[1]).toMatchObject({ status: 'COMPLETED' });
  });

  it('leaves Port’s poll as it was: a new line moves its tag, with or without view=summary', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    for (const query of ['', '?view=summary', '?includeLogs=true&ignoreLogCounts=true']) {
      const path = `/workflows/runs/${run.identifier}${query}`;
      const before = await t.api('admin', 'GET', path);
      await post(work, `a line after ${query}`);
      const after = await t.api('admin', 'GET', path, undefined, {
        'if-none-match': tagOf(before),
      });
      expect(after.status, query).toBe(200);
    }
  });

  it('does not answer the plain poll with the tag of the one that ignores the counts', async () => {
    const run = await startRun(t, 'polled');
    const base = `/workflows/runs/${run.identifier}?view=summary`;
    const ignoring = await t.api('admin', 'GET', `${base}&ignoreLogCounts=true`);
    const plain = await t.api('admin', 'GET', base, undefined, {
      'if-none-match': tagOf(ignoring),
    });
    expect(plain.status).toBe(200);
    expect(tagOf(plain)).not.toBe(tagOf(ignoring));
  });

  it('gives a log page the scope’s counts per level, whatever its filter', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'i1', 'i2');
    await patchNode(t, work, { logs: [{ logLevel: 'ERROR', log: 'e1' }] });
    const counts = { DEBUG: 0, INFO: 2, WARN: 0, ERROR: 1 };
    const node = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?level=ERROR`);
    expect(node.body).toMatchObject({ total: 1, counts });
    const wide = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}/logs?cursor=3`);
    expect(wide.body).toMatchObject({ logs: [], total: 3, counts });
  });
});

describe('log pages built from lines serialized once (log-line-cache)', () => {
  const lines = (body: { logs: { seq: number; log: string }[] }) =>
    body.logs.map((l) => [l.seq, l.log]);

  it('answers from kept lines what the database answers, for a node run and for its run', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, ...Array.from({ length: 30 }, (_, i) => `line ${i + 1}`));
    const before = logLineCacheStats();
    for (const base of [
      `/workflows/nodes/runs/${work}/logs`,
      `/workflows/runs/${run.identifier}/logs`,
    ]) {
      // Every level asked by name: a filtered page, always read from the database.
      const db = (query: string) =>
        t.api('admin', 'GET', `${base}?${query}&level=DEBUG&level=INFO&level=WARN&level=ERROR`);
      const all = await t.api('admin', 'GET', `${base}?cursor=0`);
      expect(all.body.logs).toHaveLength(30);
      for (const query of ['cursor=10&limit=5', 'cursor=25', 'cursor=30', 'cursor=0&total=false']) {
        const kept = await t.api('admin', 'GET', `${base}?${query}`);
        const read = await db(query);
        expect(kept.status, query).toBe(200);
        expect(kept.body, query).toEqual(read.body);
      }
      const page = await t.api('admin', 'GET', `${base}?cursor=10&limit=5`);
      expect(lines(page.body)).toEqual([11, 12, 13, 14, 15].map((n) => [n, `line ${n}`]));
      expect(page.body).toMatchObject({ nextCursor: '15', total: 30 });
    }
    const after = logLineCacheStats();
    expect(after.hits - before.hits).toBeGreaterThanOrEqual(6);

    // A line written since is read and kept after the others; a finished log ends its cursor.
    await post(work, 'line 31');
    await completeNode(t, work);
    const last = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?cursor=29`);
    expect(lines(last.body)).toEqual([
      [30, 'line 30'],
      [31, 'line 31'],
    ]);
    expect(last.body).toMatchObject({ nextCursor: null, total: 31 });
  });

  it('keeps a bounded number of characters, and still answers every page as the database does', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    // 60 lines of 60 000 characters (3.6 MB): more than a window keeps, so its oldest go.
    for (let b = 0; b < 4; b++) {
      await post(
        work,
        ...Array.from({ length: 15 }, (_, i) => `${b * 15 + i + 1} `.padEnd(60_000, 'x')),
      );
    }
    const base = `/workflows/nodes/runs/${work}/logs`;
    expect((await t.api('admin', 'GET', `${base}?cursor=0`)).body.logs).toHaveLength(60);
    const before = logLineCacheStats();
    for (const cursor of [0, 5, 30, 45, 59]) {
      const kept = await t.api('admin', 'GET', `${base}?cursor=${cursor}&limit=7`);
      const read = await t.api(
        'admin',
        'GET',
        `${base}?cursor=${cursor}&limit=7&level=DEBUG&level=INFO&level=WARN&level=ERROR`,
      );
      expect(kept.body, `cursor ${cursor}`).toEqual(read.body);
      expect(kept.body.logs[0].log.startsWith(`${cursor + 1} `)).toBe(true);
    }
    // The newest ~2 MB were kept (lines 28 on), the oldest read again.
    const after = logLineCacheStats();
    expect(after.hits - before.hits).toBe(3);
    expect(after.misses - before.misses).toBe(2);
  });
});

describe('run poll tags and roles', () => {
  it('does not answer 304 to a tag taken under another role: what a role may view differs', async () => {
    const s = await startTestServer();
    try {
      await createWorkflow(
        s,
        workflowBody(
          'roled',
          ['trigger', { identifier: 'work', type: 'KAFKA' }],
          [['trigger', 'work']],
        ),
      );
      const run = await startRun(s, 'roled', 'admin');
      const get = (authorization: string, etag?: string) =>
        fetch(`${s.baseUrl}/v1/workflows/runs/${run.identifier}?view=summary`, {
          headers: { authorization, ...(etag ? { 'if-none-match': etag } : {}) },
        });
      const memberToken = () => roleToken(s.baseUrl, 'member');
      const asMember = await memberToken();
      const tag = (await get(asMember)).headers.get('etag')!;
      expect((await get(asMember, tag)).status).toBe(304);
      // The member becomes an admin (their tokens end with it); the run itself did not change.
      expect((await s.api('admin', 'PATCH', '/users/user_member', { role: 'admin' })).status).toBe(
        200,
      );
      expect((await get(await memberToken(), tag)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});

describe('log polls answered from the line count', () => {
  it('gives 304 to an unchanged poll from a cursor, and 200 with the new line once one is written', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'one', 'two');
    const tail = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?tail=true`);
    const path = `/workflows/nodes/runs/${work}/logs?cursor=${tail.body.nextCursor}&limit=10000`;
    const first = await t.api('admin', 'GET', path);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      ok: true,
      logs: [],
      nextCursor: '2',
      total: 2,
      counts: { DEBUG: 0, INFO: 2, WARN: 0, ERROR: 0 },
    });
    const tag = first.headers.get('etag')!;
    expect(tag).toMatch(/^W\/"l-/);
    expect(first.headers.get('cache-control')).toBe('private, no-cache');

    const same = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
    expect(same.status).toBe(304);
    expect(same.headers.get('etag')).toBe(tag);

    await post(work, 'three');
    const moved = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
    expect(moved.status).toBe(200);
    expect(moved.body.logs.map((l: { log: string }) => l.log)).toEqual(['three']);
    expect(moved.body).toMatchObject({ nextCursor: '3', total: 3 });
    expect(moved.headers.get('etag')).not.toBe(tag);
  });

  it('gives 200 once the node run completes, with no cursor left to poll', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'only');
    const path = `/workflows/nodes/runs/${work}/logs?cursor=1`;
    const open = await t.api('admin', 'GET', path);
    expect(open.body).toMatchObject({ logs: [], nextCursor: '1', total: 1 });
    await completeNode(t, work);
    const done = await t.api('admin', 'GET', path, undefined, {
      'if-none-match': open.headers.get('etag')!,
    });
    expect(done.status).toBe(200);
    // Marking the node complete writes no line here; the page only says nothing can follow.
    expect(done.body).toMatchObject({ nextCursor: null });
  });

  it('answers a run-wide log poll the same way, counting every node run’s lines', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'a', 'b');
    const path = `/workflows/runs/${run.identifier}/logs?cursor=2`;
    const first = await t.api('admin', 'GET', path);
    expect(first.body).toMatchObject({ logs: [], nextCursor: '2', total: 2 });
    const tag = first.headers.get('etag')!;
    expect((await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag })).status).toBe(
      304,
    );
    await patchNode(t, work, { logs: [{ logLevel: 'WARN', log: 'c' }] });
    const moved = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ logs: [{ log: 'c' }], total: 3 });
    const warn = await t.api('admin', 'GET', `/workflows/runs/${run.identifier}/logs?level=WARN`);
    expect(warn.body).toMatchObject({ total: 1 });
  });

  it('does not answer another query with the tag of one', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'x');
    const base = `/workflows/nodes/runs/${work}/logs`;
    const all = await t.api('admin', 'GET', `${base}?cursor=0`);
    const warn = await t.api('admin', 'GET', `${base}?cursor=0&level=WARN`, undefined, {
      'if-none-match': all.headers.get('etag')!,
    });
    expect(warn.status).toBe(200);
    expect(warn.body).toMatchObject({ logs: [], total: 0 });
  });

  it('answers 404, not 304, to a user who may not view the run, and gives each user a tag of their own', async () => {
    const run = await startRun(t, 'private-polled', 'admin');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'secret');
    const path = `/workflows/nodes/runs/${work}/logs?cursor=1`;
    const tag = (await t.api('admin', 'GET', path)).headers.get('etag')!;
    const member = await t.api('member', 'GET', path, undefined, { 'if-none-match': tag });
    expect(member.status).toBe(404);
    const runWide = await t.api('member', 'GET', `/workflows/runs/${run.identifier}/logs`);
    expect(runWide.status).toBe(404);

    const open = await startRun(t, 'polled', 'admin');
    const openPath = `/workflows/nodes/runs/${nodeRunOf(open, 'work').identifier}/logs?cursor=0`;
    const adminTag = (await t.api('admin', 'GET', openPath)).headers.get('etag');
    const memberTag = (await t.api('member', 'GET', openPath)).headers.get('etag');
    expect(memberTag).not.toBe(adminTag);
  });
});

describe('[ext] total=only: the log poll of a view scrolled away from its end', () => {
  it('answers 304 while nothing was written, then the new total and level counts without a line', async () => {
    const run = await startRun(t, 'polled');
    const work = nodeRunOf(run, 'work').identifier;
    await post(work, 'one', 'two');
    const path = `/workflows/nodes/runs/${work}/logs?total=only`;
    const first = await t.api('admin', 'GET', path);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({
      ok: true,
      logs: [],
      nextCursor: null,
      total: 2,
      counts: { DEBUG: 0, INFO: 2, WARN: 0, ERROR: 0 },
    });
    const tag = first.headers.get('etag')!;
    const same = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
    expect(same.status).toBe(304);

    await patchNode(t, work, { logs: [{ logLevel: 'WARN', log: 'a new line, not sent' }] });
    const grown = await t.api('admin', 'GET', path, undefined, { 'if-none-match': tag });
    expect(grown.status).toBe(200);
    expect(grown.body).toEqual({
      ok: true,
      logs: [],
      nextCursor: null,
      total: 3,
      counts: { DEBUG: 0, INFO: 2, WARN: 1, ERROR: 0 },
    });
    expect(JSON.stringify(grown.body)).not.toContain('not sent');
    // A level's view counts its own lines.
    const warn = await t.api('admin', 'GET', `${path}&level=WARN`);
    expect(warn.body).toMatchObject({ logs: [], total: 1 });
  });
});
