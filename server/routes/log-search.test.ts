import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { LogLine } from '../../contract/workflows';
import { selectRows } from '../db/client';
import { CHUNK_LINES } from '../db/log-chunks';
import { sealLogChunks } from '../services/log-chunks';
import { sweepRetention } from '../services/retention';
import { bearerToken, startTestServer, type TestServer } from '../test/harness';
import { until } from '../test/until';
import { completeNode, createLinearWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';

/**
 * The log search through the chunk index (db/log-chunks.ts): answers must be the same whether a
 * line sits in a sealed chunk or in the unsealed tail, and whatever the sealer has done so far.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'search');
});
afterAll(async () => t.close());

interface Page {
  logs: LogLine[];
  nextCursor: string | null;
  total?: number;
}

async function nodeLogs(nodeRun: string, query: string): Promise<Page> {
  const res = await t.api('admin', 'GET', `/workflows/nodes/runs/${nodeRun}/logs?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Page;
}

async function runLogs(run: string, query: string): Promise<Page> {
  const res = await t.api('admin', 'GET', `/workflows/runs/${run}/logs?${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Page;
}

/**
 * A node run with `n` lines "line <seq> ok", except the ones `special` gives (by seq), posted in
 * batches of up to 10 000.
 */
async function nodeRunWith(n: number, special: Record<number, string> = {}) {
  const run = await startRun(t, 'search');
  const work = nodeRunOf(run, 'work').identifier;
  for (let from = 1; from <= n; from += 10_000) {
    const to = Math.min(n, from + 9_999);
    const logs = [];
    for (let seq = from; seq <= to; seq++) {
      logs.push({
        level: seq % 50 === 0 ? 'ERROR' : 'INFO',
        message: special[seq] ?? `line ${seq} ok`,
      });
    }
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, { logs });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  return { run: run.identifier, work };
}

async function chunksOf(work: string) {
  return selectRows<{ first: number; last: number }>(
    t.database.db,
    sql`SELECT first_seq AS first, last_seq AS last FROM log_chunks
        WHERE node_key = (SELECT log_key FROM node_runs WHERE identifier = ${work})
        ORDER BY first_seq`,
  );
}

const seqs = (page: Page) => page.logs.map((l) => l.seq);

// Two full chunks and a tail of 808 lines.
const LINES = 2 * CHUNK_LINES + 808;
const IN_FIRST = 5;
const IN_SECOND = CHUNK_LINES + 10;
const IN_TAIL = 2 * CHUNK_LINES + 500;

describe('log search over sealed chunks and the unsealed tail', () => {
  let work: string;
  let run: string;
  beforeAll(async () => {
    ({ work, run } = await nodeRunWith(LINES, {
      [IN_FIRST]: 'Found the Needle here',
      [IN_SECOND]: 'another NEEDLE, second chunk',
      [IN_TAIL]: 'needle in the tail',
      20: '\u001b[31mred\u001b[0m Alert raised',
      30: 'alpha',
      31: 'beta',
      [CHUNK_LINES]: 'boundary left',
      [CHUNK_LINES + 1]: 'right of the boundary',
      40: 'path a_b%c\\d',
    }));
  });

  it('finds the same lines before and after the sealer, with the same total', async () => {
    const before = await nodeLogs(work, 'q=needle');
    expect(await sealLogChunks(t.database.db)).toEqual({ chunks: 2, skipped: false });
    expect(await chunksOf(work)).toEqual([
      { first: 1, last: CHUNK_LINES },
      { first: CHUNK_LINES + 1, last: 2 * CHUNK_LINES },
    ]);
    const after = await nodeLogs(work, 'q=needle');
    expect(seqs(after)).toEqual([IN_FIRST, IN_SECOND, IN_TAIL]);
    expect(after.total).toBe(3);
    expect(after).toEqual(before);
  });

  it('ignores case and colour codes: the text as a person sees it', async () => {
    await sealLogChunks(t.database.db);
    expect(seqs(await nodeLogs(work, 'q=RED%20alert'))).toEqual([20]);
    expect((await nodeLogs(work, 'q=31m')).total).toBe(0);
    expect(seqs(await nodeLogs(work, 'q=nEeDlE%20HERE'))).toEqual([IN_FIRST]);
  });

  it('never matches a term spanning two lines, inside a chunk or across two chunks', async () => {
    await sealLogChunks(t.database.db);
    expect((await nodeLogs(work, 'q=alpha%20beta')).total).toBe(0);
    expect((await nodeLogs(work, 'q=alphabeta')).total).toBe(0);
    expect((await nodeLogs(work, 'q=left%20right')).total).toBe(0);
    expect(seqs(await nodeLogs(work, 'q=boundary'))).toEqual([CHUNK_LINES, CHUNK_LINES + 1]);
  });

  it('keeps %, _ and backslash literal', async () => {
    await sealLogChunks(t.database.db);
    expect(seqs(await nodeLogs(work, `q=${encodeURIComponent('a_b%c\\d')}`))).toEqual([40]);
    expect((await nodeLogs(work, `q=${encodeURIComponent('a%b')}`)).total).toBe(0);
  });

  it('pages a common term in order across chunks and the tail, by cursor and by tail', async () => {
    await sealLogChunks(t.database.db);
    const common = LINES - 9; // every "line <seq> ok": all but the 9 special lines
    const first = await nodeLogs(work, 'q=ok&limit=300');
    expect(first.total).toBe(common);
    expect(seqs(first).slice(0, 5)).toEqual([1, 2, 3, 4, 6]);
    const across = await nodeLogs(work, `q=ok&limit=10&cursor=${CHUNK_LINES - 3}`);
    expect(seqs(across)).toEqual([
      CHUNK_LINES - 2,
      CHUNK_LINES - 1,
      CHUNK_LINES + 2,
      CHUNK_LINES + 3,
      CHUNK_LINES + 4,
      CHUNK_LINES + 5,
      CHUNK_LINES + 6,
      CHUNK_LINES + 7,
      CHUNK_LINES + 8,
      CHUNK_LINES + 9,
    ]);
    expect(across.total).toBe(common);
    const last = await nodeLogs(work, 'q=line&tail=true&limit=3');
    expect(seqs(last)).toEqual([LINES - 2, LINES - 1, LINES]);
    // Short terms (no word of 3 characters for the index) and level filters answer alike.
    const errors = await nodeLogs(work, 'q=ok&level=ERROR&limit=1000');
    expect(errors.logs.every((l) => l.logLevel === 'ERROR' && l.log.includes('ok'))).toBe(true);
    expect(errors.total).toBe(Math.floor(LINES / 50));
    expect((await nodeLogs(work, 'q=0%20o&limit=5')).logs.map((l) => l.log)).toEqual([
      'line 10 ok',
      'line 50 ok',
      'line 60 ok',
      'line 70 ok',
      'line 80 ok',
    ]);
  });

  it('answers the page without its total (total=false) and the total alone (total=only)', async () => {
    await sealLogChunks(t.database.db);
    const page = await nodeLogs(work, 'q=needle&total=false');
    expect(seqs(page)).toEqual([IN_FIRST, IN_SECOND, IN_TAIL]);
    expect(page.total).toBeUndefined();
    expect(await nodeLogs(work, 'q=needle&total=only')).toEqual({
      ok: true,
      logs: [],
      nextCursor: null,
      total: 3,
      // Every log page carries the scope's lines per level (s5reads), the count alone too.
      counts: {
        DEBUG: 0,
        INFO: LINES - Math.floor(LINES / 50),
        WARN: 0,
        ERROR: Math.floor(LINES / 50),
      },
    });
    expect((await nodeLogs(work, 'q=ok&total=only&cursor=100')).total).toBe(LINES - 9);
    expect((await nodeLogs(work, 'level=ERROR&total=only')).total).toBe(Math.floor(LINES / 50));
    expect((await nodeLogs(work, 'total=false&limit=1')).total).toBeUndefined();
  });

  it('walks a rare term one match at a time (limit=1), across chunks and into the tail', async () => {
    await sealLogChunks(t.database.db);
    const found: number[] = [];
    let cursor = '0';
    for (let guard = 0; guard < 5; guard++) {
      const page = await nodeLogs(work, `q=needle&total=false&limit=1&cursor=${cursor}`);
      if (page.logs.length === 0) break;
      found.push(...seqs(page));
      cursor = page.nextCursor!;
    }
    expect(found).toEqual([IN_FIRST, IN_SECOND, IN_TAIL]);
    const fromSecond = await nodeLogs(work, `q=needle&total=false&limit=1&cursor=${IN_FIRST}`);
    expect(seqs(fromSecond)).toEqual([IN_SECOND]);
  });

  it('counts in steps with upTo: the matches after the cursor up to a seq, and where to go on', async () => {
    await sealLogChunks(t.database.db);
    const steps: [number | undefined, string | null][] = [];
    for (let cursor = '0', upTo = 1000; ; upTo *= 4) {
      const page = await nodeLogs(work, `q=needle&total=only&cursor=${cursor}&upTo=${upTo}`);
      expect(page.logs).toEqual([]);
      steps.push([page.total, page.nextCursor]);
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    // (0, 1000]: IN_FIRST; (1000, 4000]: none; (4000, 16000]: IN_SECOND and IN_TAIL; the end.
    expect(steps).toEqual([
      [1, '1000'],
      [0, '4000'],
      [2, null],
    ]);
    expect(
      (await nodeLogs(work, `q=ok&total=only&cursor=${CHUNK_LINES}&upTo=${CHUNK_LINES + 100}`))
        .total,
    ).toBe(98); // 100 lines, 2 of them special (CHUNK_LINES + 1, IN_SECOND)
    expect((await nodeLogs(work, 'total=only&cursor=10&upTo=20')).total).toBe(10);
    const refused = await t.api('admin', 'GET', `/workflows/nodes/runs/${work}/logs?q=ok&upTo=5`);
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ ok: false, error: 'invalid_request' });
  });

  it('searches a whole run through the same index', async () => {
    await sealLogChunks(t.database.db);
    const page = await runLogs(run, 'q=needle');
    expect(page.logs.map((l) => l.log)).toEqual([
      'Found the Needle here',
      'another NEEDLE, second chunk',
      'needle in the tail',
    ]);
    expect(page.total).toBe(3);
    expect((await runLogs(run, 'q=needle&tail=true&limit=1')).logs.map((l) => l.log)).toEqual([
      'needle in the tail',
    ]);
  });
});

describe('a count in steps (upTo) of a term in few chunks', () => {
  it('counts to the end at once and says so (nextCursor null)', async () => {
    const needles = {
      10: 'needle one',
      [3 * CHUNK_LINES + 5]: 'needle two',
      [5 * CHUNK_LINES + 3]: 'needle in the tail',
    };
    const { work } = await nodeRunWith(5 * CHUNK_LINES + 20, needles);
    await sealLogChunks(t.database.db);
    // 5 sealed chunks, 2 hold "needle": not few enough (more than a quarter), counted in steps.
    const step = await nodeLogs(work, 'q=needle&total=only&cursor=0&upTo=100');
    expect([step.total, step.nextCursor]).toEqual([1, '100']);
    // "needle two": 1 chunk of 5 (the tail is read too), counted to the end from the cursor.
    const few = await nodeLogs(work, 'q=needle%20two&total=only&cursor=0&upTo=100');
    expect([few.total, few.nextCursor]).toEqual([1, null]);
    const fromCursor = await nodeLogs(
      work,
      `q=needle%20two&total=only&cursor=${3 * CHUNK_LINES + 5}&upTo=${3 * CHUNK_LINES + 6}`,
    );
    expect([fromCursor.total, fromCursor.nextCursor]).toEqual([0, null]);
  });
});

describe('a search the client gave up on', () => {
  it('has its query cancelled in PostgreSQL, not left to run', async () => {
    const { work } = await nodeRunWith(10);
    // The lines locked away: the search's read waits on the lock until it is cancelled (without
    // the cancel, it would wait for as long as the lock is held).
    const url = new URL(inject('testDatabase').adminUrl);
    const [here] = await selectRows<{ db: string }>(
      t.database.db,
      sql`SELECT current_database() AS db`,
    );
    url.pathname = `/${here!.db}`;
    const holder = new pg.Client({ connectionString: url.toString() });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE node_run_lines IN ACCESS EXCLUSIVE MODE');
      const waiting = () =>
        selectRows<{ pid: number }>(
          t.database.db,
          sql`SELECT pid FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND query LIKE '%node_run_lines%'
                AND datname = current_database()`,
        );
      const controller = new AbortController();
      const request = fetch(`${t.baseUrl}/v1/workflows/nodes/runs/${work}/logs?q=needle`, {
        headers: { authorization: await bearerToken(t.baseUrl, 'test-admin', 'test-admin-secret') },
        signal: controller.signal,
      }).catch((err: unknown) => err);
      await until('the search waits on the lock', async () => (await waiting()).length > 0, {
        timeoutMs: 10_000,
      });
      controller.abort();
      expect(await request).toBeInstanceOf(Error);
      await until('the search is cancelled', async () => (await waiting()).length === 0, {
        timeoutMs: 5_000,
      });
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The server answers searches as before.
    expect((await nodeLogs(work, 'q=line%205%20ok')).total).toBe(1);
  });
});

describe('the sealer', () => {
  it('resumes where it stopped, and two sealers at once seal each chunk once', async () => {
    const { work } = await nodeRunWith(3 * CHUNK_LINES + 1, { [2 * CHUNK_LINES + 7]: 'needle' });
    // A server stopping after its first transaction: one chunk sealed, the rest left.
    const stopped = await sealLogChunks(t.database.db, {
      nodeBatch: 1,
      chunkBatch: 1,
      isStopped: () => true,
    });
    expect(stopped.chunks).toBe(1);
    expect((await chunksOf(work)).map((c) => c.first)).toEqual([1]);
    expect(seqs(await nodeLogs(work, 'q=needle'))).toEqual([2 * CHUNK_LINES + 7]);

    const [a, b] = await Promise.all([
      sealLogChunks(t.database.db, { chunkBatch: 1 }),
      sealLogChunks(t.database.db, { chunkBatch: 1 }),
    ]);
    expect(a.skipped || b.skipped || a.chunks + b.chunks === 2).toBe(true);
    await sealLogChunks(t.database.db);
    expect((await chunksOf(work)).map((c) => c.first)).toEqual([
      1,
      CHUNK_LINES + 1,
      2 * CHUNK_LINES + 1,
    ]);
    expect(seqs(await nodeLogs(work, 'q=needle'))).toEqual([2 * CHUNK_LINES + 7]);
  });

  it('leaves a chunk whose lines are not all there unsealed', async () => {
    const { work } = await nodeRunWith(CHUNK_LINES - 1);
    await sealLogChunks(t.database.db);
    expect(await chunksOf(work)).toEqual([]);
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: [{ level: 'INFO', message: 'the last line of the chunk' }],
    });
    expect(res.status).toBe(201);
    await sealLogChunks(t.database.db);
    expect(await chunksOf(work)).toEqual([{ first: 1, last: CHUNK_LINES }]);
    expect(seqs(await nodeLogs(work, 'q=last%20line'))).toEqual([CHUNK_LINES]);
  });
});

describe('retention', () => {
  it('deletes a run’s chunks with its lines', async () => {
    const { run, work } = await nodeRunWith(CHUNK_LINES + 5);
    await sealLogChunks(t.database.db);
    const [row] = await selectRows<{ key: number }>(
      t.database.db,
      sql`SELECT log_key AS key FROM workflow_runs WHERE identifier = ${run}`,
    );
    expect(await chunksOf(work)).toHaveLength(1);
    await completeNode(t, work);
    const at = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await t.database.db.execute(
      sql`UPDATE workflow_runs SET completed_at = ${at} WHERE identifier = ${run}`,
    );
    const report = await sweepRetention(t.database.db, new Date(), { days: 30 });
    expect(report.workflowRuns).toBeGreaterThanOrEqual(1);
    const [left] = await selectRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM log_chunks WHERE run_key = ${row!.key}`,
    );
    expect(left!.n).toBe(0);
  });
});
