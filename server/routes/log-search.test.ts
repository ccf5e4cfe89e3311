import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { stripAnsi } from '../../contract/log-text';
import type { LogLine } from '../../contract/workflows';
import { selectRows } from '../db/client';
import { CHUNK_LINES } from '../db/log-chunks';
import {
  decodeLineEntries,
  ENTRY_LEVELS,
  entryLevel,
  entryLine,
  lineEntry,
  NUMBER_LINE_ENDS,
  PAIR_LINES,
} from '../domain/log-words';
import { LOG_COUNT_CACHE_ROWS } from '../db/log-search-counts';
import { SPLIT_HERE_MAX_BYTES, sealLogChunks } from '../services/log-chunks';
import { ANSI_PATTERN } from '../db/log-filter';
import { sweepRetention } from '../services/retention';
import { bearerToken, startTestServer, type TestServer } from '../test/harness';
import { until } from '../test/until';
import {
  completeNode,
  createLinearWorkflow,
  createWorkflow,
  nodeRunOf,
  startRun,
  workflowBody,
} from '../test/workflow-fixtures';

/**
 * The log search through the chunk index (db/log-chunks.ts): answers must be the same whether a
 * line sits in a sealed chunk or in the unsealed tail, and whatever the sealer has done so far.
 */
let t: TestServer;

/** Posts `lines` to node run `work` in batches of 5 000, each accepted. */
async function postLines(work: string, lines: { level: string; message: string }[]) {
  for (let from = 0; from < lines.length; from += 5_000) {
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: lines.slice(from, from + 5_000),
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}
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

/** A node run holding exactly these lines (seq = index + 1). */
async function nodeRunOfLines(lines: { level: string; message: string }[]) {
  const run = await startRun(t, 'search');
  const work = nodeRunOf(run, 'work').identifier;
  await postLines(work, lines);
  return work;
}

/**
 * A node run of `chunks` chunks of lines and 100 more (line i, from 0: `message(i)` at `level(i)`,
 * INFO but every third line WARN unless given), its full chunks sealed.
 */
async function sealedNodeRun(
  chunks: number,
  message: (i: number) => string,
  level: (i: number) => string = (i) => (i % 3 ? 'INFO' : 'WARN'),
) {
  const logs = Array.from({ length: chunks * CHUNK_LINES + 100 }, (_, i) => ({
    level: level(i),
    message: message(i),
  }));
  const work = await nodeRunOfLines(logs);
  await sealLogChunks(t.database.db);
  return { logs, work };
}

/** A count as a first look: no count of the term kept from before. */
async function firstCount(work: string, query: string) {
  await t.database.db.execute(sql`DELETE FROM log_search_counts`);
  return (await nodeLogs(work, `${query}&total=only`)).total;
}

/** The query of a search for `term` at `levels` (comma-joined, '' for every level). */
const searchQuery = (term: string, levels: string) =>
  `q=${encodeURIComponent(term)}` +
  levels
    .split(',')
    .filter(Boolean)
    .map((l) => `&level=${l}`)
    .join('');

/**
 * A search's count as the viewer makes it: after `cursor` up to `upTo` (from the start to the end
 * when `upTo` is not given), then on from where each step stopped to the end, the steps added up.
 */
async function countInSteps(work: string, query: string, cursor: number, upTo?: number) {
  let sum = 0;
  for (let q = upTo === undefined ? query : `${query}&cursor=${cursor}&upTo=${upTo}`; ;) {
    const page = await nodeLogs(work, `${q}&total=only`);
    sum += page.total ?? 0;
    if (page.nextCursor === null) return sum;
    q = `${query}&cursor=${page.nextCursor}&upTo=2147483647`;
  }
}

/**
 * What a case-insensitive substring scan of `lines` (seq = index + 1, colour codes stripped)
 * finds: the lines after `cursor` at `levels` (comma-joined, '' for every level) holding `term`.
 * (ILIKE compares lower() of both sides; PostgreSQL's lower() folds é and É as JavaScript does.)
 */
const scanCount = (
  lines: readonly { level: string; message: string }[],
  term: string,
  levels: string,
  cursor: number,
) =>
  lines.filter(
    (l, i) =>
      i + 1 > cursor &&
      (!levels || levels.split(',').includes(l.level)) &&
      stripAnsi(l.message).toLowerCase().includes(term.toLowerCase()),
  ).length;

/** A node run's key, in SQL. */
const keyOf = (work: string) => sql`(SELECT log_key FROM node_runs WHERE identifier = ${work})`;

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
    // A term too short for the index by tail: read from the end in stretches of blocks, each
    // line once, the same lines as the pages from the start.
    const all = seqs(await nodeLogs(work, 'q=ok&limit=10000'));
    expect(all).toHaveLength(common);
    expect(seqs(await nodeLogs(work, 'q=ok&tail=true&limit=5000'))).toEqual(all.slice(-5000));
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
    const inSteps = async () => {
      // Steps as they go when no count of the term is kept (a kept one answers at once, below).
      await t.database.db.execute(sql`DELETE FROM log_search_counts`);
      const steps: [number | undefined, string | null][] = [];
      for (let cursor = '0', upTo = 1000; ; upTo *= 4) {
        const page = await nodeLogs(work, `q=needle&total=only&cursor=${cursor}&upTo=${upTo}`);
        expect(page.logs).toEqual([]);
        steps.push([page.total, page.nextCursor]);
        if (page.nextCursor === null) return steps;
        cursor = page.nextCursor;
      }
    };
    // A rare word: counted from its listed lines (both chunks), so to the end at once.
    expect(await inSteps()).toEqual([[3, null]]);
    // As chunks sealed before listed words: both chunks read, so in steps. (0, 1000]: IN_FIRST;
    // (1000, 4000]: none; (4000, 16000]: IN_SECOND and IN_TAIL; the end.
    const key = sql`(SELECT log_key FROM node_runs WHERE identifier = ${work})`;
    await t.database.db.execute(sql`UPDATE log_chunks SET listed = false WHERE node_key = ${key}`);
    try {
      expect(await inSteps()).toEqual([
        [1, '1000'],
        [0, '4000'],
        [2, null],
      ]);
    } finally {
      await t.database.db.execute(sql`UPDATE log_chunks SET listed = true WHERE node_key = ${key}`);
    }
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
    // 5 sealed chunks, 2 hold "needle": counted from their listed lines, to the end at once…
    const listed = await nodeLogs(work, 'q=needle&total=only&cursor=0&upTo=100');
    expect([listed.total, listed.nextCursor]).toEqual([3, null]);
    // …but as chunks sealed before listed words, not few enough to read (more than a quarter):
    // counted in steps.
    await t.database.db.execute(sql`DELETE FROM log_search_counts`);
    const key = sql`(SELECT log_key FROM node_runs WHERE identifier = ${work})`;
    await t.database.db.execute(sql`UPDATE log_chunks SET listed = false WHERE node_key = ${key}`);
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

  it('goes in steps while the lines are not sealed yet: the tail is read line by line', async () => {
    // A sealer behind a fresh ingest (it waits up to 5 s between passes): no chunk to count from.
    const { run, work } = await nodeRunWith(3 * CHUNK_LINES, { 10: 'needle one' });
    expect(await chunksOf(work)).toEqual([]);
    const step = await nodeLogs(work, 'q=needle&total=only&cursor=0&upTo=100');
    expect([step.total, step.nextCursor]).toEqual([1, '100']);
    const runStep = await runLogs(run, 'q=needle&total=only&cursor=0&upTo=100');
    expect([runStep.total, runStep.nextCursor]).toEqual([1, '100']);
    // Sealed, the same word's count goes to the end at once.
    await sealLogChunks(t.database.db);
    const sealed = await nodeLogs(work, 'q=needle&total=only&cursor=0&upTo=100');
    expect([sealed.total, sealed.nextCursor]).toEqual([1, null]);
    const runSealed = await runLogs(run, 'q=needle&total=only&cursor=0&upTo=100');
    expect([runSealed.total, runSealed.nextCursor]).toEqual([1, null]);
    // A burst of lines after the count was kept: the kept count leaves them to read, in steps.
    const more = Array.from({ length: 3 * CHUNK_LINES }, (_, i) => ({
      level: 'INFO',
      message: i === 5 ? 'one more needle' : `more ${i}`,
    }));
    for (let i = 0; i < more.length; i += 10_000) {
      const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
        logs: more.slice(i, i + 10_000),
      });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    }
    const burst = await nodeLogs(work, 'q=needle&total=only&cursor=0&upTo=100');
    expect([burst.total, burst.nextCursor]).toEqual([1, '100']);
    const rest = await nodeLogs(work, 'q=needle&total=only&cursor=100&upTo=2147483647');
    expect([rest.total, rest.nextCursor]).toEqual([1, null]);
    // A count to the end (no upTo) still answers at once.
    expect((await nodeLogs(work, 'q=needle&total=only')).total).toBe(2);
    expect((await runLogs(run, 'q=needle&total=only')).total).toBe(2);
    // Nothing left unsealed for the tests after this one (a sealer takes the oldest node run first).
    await sealLogChunks(t.database.db);
  });
});

describe('a search or a level’s page the client gave up on', () => {
  it.each([
    ['a search', 'q=needle'],
    ['a level’s page', 'level=INFO&cursor=0&limit=10000'],
  ])('has its query cancelled in PostgreSQL, not left to run: %s', async (_, query) => {
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
      await holder.query('LOCK TABLE log_blocks IN ACCESS EXCLUSIVE MODE');
      const waiting = () =>
        selectRows<{ pid: number }>(
          t.database.db,
          sql`SELECT pid FROM pg_stat_activity
              WHERE wait_event_type = 'Lock' AND query LIKE '%log_lines%'
                AND datname = current_database()`,
        );
      const controller = new AbortController();
      const request = fetch(`${t.baseUrl}/v1/workflows/nodes/runs/${work}/logs?${query}`, {
        headers: { authorization: await bearerToken(t.baseUrl, 'test-admin', 'test-admin-secret') },
        signal: controller.signal,
      }).catch((err: unknown) => err);
      await until('the search waits on the lock', async () => (await waiting()).length > 0, {
        timeoutMs: 10_000,
      });
      const [searching] = await waiting();
      controller.abort();
      expect(await request).toBeInstanceOf(Error);
      await until('the search is cancelled', async () => (await waiting()).length === 0, {
        timeoutMs: 5_000,
      });
      // Its connection goes back to the pool, idle and outside a transaction, not closed: the
      // next search does not pay for a new backend.
      await until(
        'the cancelled connection is idle again',
        async () =>
          (
            await selectRows<{ state: string }>(
              t.database.db,
              sql`SELECT state FROM pg_stat_activity WHERE pid = ${searching!.pid}`,
            )
          )[0]?.state === 'idle',
        { timeoutMs: 5_000 },
      );
    } finally {
      await holder.query('ROLLBACK');
      await holder.end();
    }
    // The server answers searches as before, on every connection of its pool (a cancel left
    // pending on one would fail a search sent on it).
    const answers = await Promise.all(
      Array.from({ length: 12 }, () => nodeLogs(work, 'q=line%205%20ok')),
    );
    expect(answers.map((a) => a.total)).toEqual(Array(12).fill(1));
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

describe('counts kept for sealed lines (log_search_counts)', () => {
  const kept = (work: string) =>
    selectRows<{ term: string; levels: string; sealedTo: number; matches: number }>(
      t.database.db,
      sql`SELECT term, levels, sealed_to AS "sealedTo", matches FROM log_search_counts
          WHERE node_key = (SELECT log_key FROM node_runs WHERE identifier = ${work})
          ORDER BY term, levels`,
    );

  it('keeps a count of the sealed lines and reads only the lines after it next time', async () => {
    const needles = {
      7: 'needle a',
      [CHUNK_LINES + 9]: 'needle b',
      [2 * CHUNK_LINES + 3]: 'needle c',
    };
    const { work } = await nodeRunWith(2 * CHUNK_LINES + 10, needles);
    await sealLogChunks(t.database.db);
    expect((await nodeLogs(work, 'q=needle&total=only')).total).toBe(3);
    // Two chunks sealed: the two matches in them are kept; the tail's is counted each time.
    expect(await kept(work)).toEqual([
      { term: 'needle', levels: '', sealedTo: 2 * CHUNK_LINES, matches: 2 },
    ]);
    // A kept count is what is answered for its lines: change it behind the server's back and
    // the answer follows, proof that those lines were not read again.
    await t.database.db.execute(
      sql`UPDATE log_search_counts SET matches = 100 WHERE term = 'needle'
          AND node_key = (SELECT log_key FROM node_runs WHERE identifier = ${work})`,
    );
    expect((await nodeLogs(work, 'q=needle&total=only')).total).toBe(101);
    await t.database.db.execute(
      sql`UPDATE log_search_counts SET matches = 2 WHERE term = 'needle'
          AND node_key = (SELECT log_key FROM node_runs WHERE identifier = ${work})`,
    );
    // More lines, one more chunk sealed: the count goes on from the kept one and is kept further.
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, {
      logs: Array.from({ length: CHUNK_LINES }, (_, i) => ({
        level: 'INFO',
        message: i === 100 ? 'NEEDLE d' : `more ${i}`,
      })),
    });
    expect(res.status).toBe(201);
    await sealLogChunks(t.database.db);
    // The viewer's first step (upTo) is answered to the end at once from the kept count.
    const step = await nodeLogs(work, 'q=needle&total=only&cursor=0&upTo=65536');
    expect([step.total, step.nextCursor]).toEqual([4, null]);
    expect(await kept(work)).toEqual([
      { term: 'needle', levels: '', sealedTo: 3 * CHUNK_LINES, matches: 4 },
    ]);
    // Another level filter or another case of the term is another count.
    expect((await nodeLogs(work, 'q=Needle&total=only')).total).toBe(4);
    expect((await nodeLogs(work, 'q=needle&level=ERROR&level=INFO&total=only')).total).toBe(4);
    expect((await nodeLogs(work, 'q=needle&level=ERROR&total=only')).total).toBe(0);
    expect((await kept(work)).map((r) => [r.term, r.levels, r.matches])).toEqual([
      ['Needle', '', 4],
      ['needle', '', 4],
      ['needle', 'ERROR', 0],
      ['needle', 'ERROR,INFO', 4],
    ]);
  });

  it('keeps the first step of a count in steps and extends it with the second', async () => {
    // " ok" is in every line: counted in steps (a word under 3 characters: the chunk index
    // rules out no chunk, and its word counts cannot count it).
    const { work } = await nodeRunWith(3 * CHUNK_LINES + 5);
    await sealLogChunks(t.database.db);
    const first = await nodeLogs(work, `q=%20ok&total=only&cursor=0&upTo=${CHUNK_LINES}`);
    expect([first.total, first.nextCursor]).toEqual([CHUNK_LINES, String(CHUNK_LINES)]);
    expect(await kept(work)).toMatchObject([{ sealedTo: CHUNK_LINES, matches: CHUNK_LINES }]);
    const rest = await nodeLogs(work, `q=%20ok&total=only&cursor=${CHUNK_LINES}&upTo=2147483647`);
    expect([rest.total, rest.nextCursor]).toEqual([2 * CHUNK_LINES + 5, null]);
    expect(await kept(work)).toMatchObject([
      { sealedTo: 3 * CHUNK_LINES, matches: 3 * CHUNK_LINES },
    ]);
    // From then on the first step answers the whole count.
    const again = await nodeLogs(work, `q=%20ok&total=only&cursor=0&upTo=${CHUNK_LINES}`);
    expect([again.total, again.nextCursor]).toEqual([3 * CHUNK_LINES + 5, null]);
  });

  it('keeps at most LOG_COUNT_CACHE_ROWS counts, dropping the oldest', async () => {
    const { work } = await nodeRunWith(CHUNK_LINES + 1, { 3: 'needle' });
    await sealLogChunks(t.database.db);
    await t.database.db.execute(sql`DELETE FROM log_search_counts`);
    // The newest row's id minus the bound: every row at or below it goes with the next store.
    await t.database.db.execute(
      sql`SELECT setval(pg_get_serial_sequence('log_search_counts', 'id'), ${LOG_COUNT_CACHE_ROWS + 10})`,
    );
    await t.database.db.execute(
      sql`INSERT INTO log_search_counts (id, node_key, term, levels, run_key, sealed_to, matches)
          VALUES (1, -1, 'old', '', -1, 1, 0), (12, -1, 'newer', '', -1, 1, 0)`,
    );
    expect((await nodeLogs(work, 'q=needle&total=only')).total).toBe(1);
    const rows = await selectRows<{ term: string }>(
      t.database.db,
      sql`SELECT term FROM log_search_counts ORDER BY id`,
    );
    expect(rows.map((r) => r.term)).toEqual(['newer', 'needle']);
  });
});

describe('exactness on random terms', () => {
  it('answers what a case-insensitive substring scan of every line answers, kept or not', async () => {
    let seed = 17;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const vocabulary = ['Disk', 'full', 'retry', 'ok', 'a_b', '50%', 'x-y', 'QUEUE', 'id=42', 'é'];
    const n = 2 * CHUNK_LINES + 300;
    const messages: Record<number, string> = {};
    for (let seq = 1; seq <= n; seq++) {
      const words = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        random() < 0.7 ? pick(vocabulary) : Math.floor(random() * 100_000).toString(36),
      );
      messages[seq] = words.join(pick([' ', ', ', ':', '']));
    }
    const { work } = await nodeRunWith(n, messages);
    await sealLogChunks(t.database.db);
    const levelOf = (seq: number) => (seq % 50 === 0 ? 'ERROR' : 'INFO');
    const terms = ['ok', 'DISK FULL', 'retry', 'a_b', '50%', 'id=4', 'queue', 'zzzz', 'é'];
    for (let i = 0; i < 12; i++) {
      const line = messages[1 + Math.floor(random() * n)]!;
      const at = Math.floor(random() * line.length);
      const term = line.slice(at, at + 2 + Math.floor(random() * 8));
      terms.push(random() < 0.5 ? term.toUpperCase() : term);
    }
    for (const term of terms.filter((x) => x.trim() !== '')) {
      for (const level of ['', 'ERROR']) {
        // PostgreSQL's lower() in this database (C locale) folds ASCII letters only, as here.
        const fold = (text: string) => text.replace(/[A-Z]/g, (c) => c.toLowerCase());
        const want = Object.entries(messages)
          .filter(
            ([seq, text]) =>
              (!level || levelOf(Number(seq)) === level) && fold(text).includes(fold(term)),
          )
          .map(([seq]) => Number(seq));
        const query = `q=${encodeURIComponent(term)}${level ? `&level=${level}` : ''}`;
        const label = `${term} ${level}`;
        for (let round = 0; round < 2; round++) {
          expect((await nodeLogs(work, `${query}&total=only`)).total, label).toBe(want.length);
        }
        const page = await nodeLogs(work, `${query}&limit=1000&total=false`);
        expect(seqs(page), label).toEqual(want.slice(0, 1000));
        const first = await nodeLogs(work, `${query}&limit=1&total=false`);
        expect(seqs(first), label).toEqual(want.slice(0, 1));
      }
    }
  });
});

describe('counts from the chunks’ word counts', () => {
  const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

  it('stores each chunk’s frequent words with their lines per level, apart from the others', async () => {
    const lines = Array.from({ length: CHUNK_LINES + 3 }, (_, i) => ({
      level: LEVELS[i % 4]!,
      message: i % 10 === 0 ? `Request ${i} FAILED, failed again` : `item ${i} ok`,
    }));
    const work = await nodeRunOfLines(lines);
    await sealLogChunks(t.database.db);
    const [chunk] = await selectRows<{
      counted: string;
      counts: number[][];
      words: string;
      numbers: string;
    }>(
      t.database.db,
      sql`SELECT counted, counts, words, numbers FROM log_chunks WHERE node_key = ${keyOf(work)}`,
    );
    // 410 lines say "failed" (twice: one line each), at every 10th i: levels of i % 4 = 0 or 2.
    expect(chunk!.counted.split(' ')).toEqual(['again', 'failed', 'item', 'ok', 'request']);
    expect(chunk!.counts[1]).toEqual([205, 0, 205, 0]);
    expect(chunk!.counts[2]).toEqual([819, 1024, 819, 1024]);
    // The numbers, each in one line, stay uncounted (in `numbers`: digits alone), by line, each
    // line's followed by its entry (its offset in the chunk and its level: i · 4 + i % 4).
    const first = Array.from(
      { length: 10 },
      (_, i) => `${i}${lineEntry(i * ENTRY_LEVELS + (i % 4))}`,
    );
    expect(chunk!.numbers.slice(0, first.join('').length)).toBe(first.join(''));
    expect(chunk!.words).toBe('');
    expect(chunk!.numbers).not.toMatch(/\b(failed|item)\b/);
  });

  it('reads the counts, not the lines: a wrong count changes the answer', async () => {
    const lines = Array.from({ length: 2 * CHUNK_LINES + 100 }, (_, i) => ({
      level: 'INFO',
      message: i % 10 === 0 ? `request ${i} failed` : `item ${i} ok`,
    }));
    const work = await nodeRunOfLines(lines);
    await sealLogChunks(t.database.db);
    const want = lines.filter((l) => l.message.includes('failed')).length;
    expect(await firstCount(work, 'q=failed')).toBe(want);
    // Each chunk's count of "failed" (its first counted word) one more than its lines at INFO:
    // answered from the counts.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET counts[1][2] = counts[1][2] + 1 WHERE node_key = ${keyOf(work)}`,
    );
    expect(await firstCount(work, 'q=failed')).toBe(want + 2);
    expect(await firstCount(work, 'q=FAIL')).toBe(want + 2);
    // A term with a space after the word reads the lines ("failed" ends them: its chunks' edges
    // cannot say what follows it); one with a space before it is counted from the counts too,
    // every "failed" having a space before it (s21edge).
    expect(await firstCount(work, 'q=failed%20')).toBe(0);
    expect(await firstCount(work, 'q=%20failed')).toBe(want + 2);
  });

  it('sums a term inside several counted words less the lines saying two of them: a wrong overlap changes the answer', async () => {
    // "took <d>ms" (0ms…40ms, counted); every 7th line also "after 10ms", every 11th line
    // "retry 20ms 30ms 40ms"; "x900ms" (uncounted) in 2 lines a chunk, one beside "10ms".
    const lines = Array.from({ length: 2 * CHUNK_LINES + 100 }, (_, i) => {
      let message = `request ${i} took ${(i % 5) * 10}ms`;
      if (i % 7 === 0) message += ' after 10ms';
      if (i % 11 === 0) message += ' retry 20ms 30ms 40ms';
      if (i % CHUNK_LINES === 100) message = `stalled x900ms`;
      if (i % CHUNK_LINES === 200) message = `stalled x900ms then 10ms`;
      return { level: i % 3 ? 'INFO' : 'WARN', message };
    });
    const work = await nodeRunOfLines(lines);
    await sealLogChunks(t.database.db);
    const want = (term: string, level?: string) =>
      lines.filter((l) => l.message.includes(term) && (!level || l.level === level)).length;
    expect(await firstCount(work, 'q=0ms')).toBe(want('0ms'));
    expect(await firstCount(work, 'q=0ms&level=WARN')).toBe(want('0ms', 'WARN'));
    expect(await firstCount(work, 'q=0MS&level=INFO')).toBe(want('0ms', 'INFO'));
    expect(await firstCount(work, 'q=10ms')).toBe(want('10ms'));
    // Read from the counts, not the lines: one more line of "20ms" at INFO in each chunk…
    const twentyMs = sql`array_position(string_to_array(counted, ' '), '20ms')`;
    await t.database.db.execute(
      sql`UPDATE log_chunks SET counts[${twentyMs}][2] = counts[${twentyMs}][2] + 1
          WHERE node_key = ${keyOf(work)}`,
    );
    expect(await firstCount(work, 'q=0ms')).toBe(want('0ms') + 2);
    // …and less the lines saying two of those words: without them, each such line once more
    // for every word past the first.
    const twice = lines
      .slice(0, 2 * CHUNK_LINES)
      .map((l) => new Set(l.message.split(' ').filter((w) => /^\d*0ms$/.test(w))).size)
      .reduce((sum, words) => sum + Math.max(0, words - 1), 0);
    expect(twice).toBeGreaterThan(500);
    await t.database.db.execute(
      sql`UPDATE log_chunks SET word_overlaps = '' WHERE node_key = ${keyOf(work)}`,
    );
    expect(await firstCount(work, 'q=0ms')).toBe(want('0ms') + 2 + twice);
    // A chunk without them (sealed before them, or too many such lines) is read.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET word_overlaps = NULL WHERE node_key = ${keyOf(work)}`,
    );
    expect(await firstCount(work, 'q=0ms')).toBe(want('0ms'));
  });

  it('reads a chunk whose uncounted words holding the term have many lines, instead of each line', async () => {
    // "failed" (counted) in every 3rd line; "job<i>fail" (uncounted, listed) in every line of
    // the first chunk and in 10 lines of the second.
    const lines = Array.from({ length: 2 * CHUNK_LINES + 50 }, (_, i) => {
      const words = [i % 3 ? 'ok' : 'failed'];
      if (i < CHUNK_LINES || i % 400 === 7) words.push(`job${i}fail`);
      return { level: i % 2 ? 'INFO' : 'ERROR', message: words.join(' ') };
    });
    const work = await nodeRunOfLines(lines);
    await sealLogChunks(t.database.db);
    const want = (level?: string) =>
      lines.filter((l) => l.message.includes('fail') && (!level || l.level === level)).length;
    expect(await firstCount(work, 'q=fail')).toBe(want());
    expect(await firstCount(work, 'q=FAIL&level=ERROR')).toBe(want('ERROR'));
    // One more line of "failed" at INFO in each chunk: the second chunk's count is summed (and
    // its 10 listed lines read one by one), the first chunk is read.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET counts[1][2] = counts[1][2] + 1 WHERE node_key = ${keyOf(work)}`,
    );
    expect(await firstCount(work, 'q=fail')).toBe(want() + 1);
  });

  it('counts digits inside numbers from the numbers by line: a wrong entry or line end changes the answer', async () => {
    // An id in every line, "<i>4123" in every 13th; "x<i>4123" (listed) in every 65th (lines
    // holding such an id too); "4123" counted in every 8th line of the second chunk; in every
    // 29th, "74123<i>" and more numbers after it than the first characters after a match hold.
    const lines = Array.from({ length: 2 * CHUNK_LINES + 50 }, (_, i) => ({
      level: LEVELS[i % 4]!,
      message: [
        `request ${i % 13 === 0 ? `${i}4123` : 10_000 + i} ok`,
        i % 65 === 0 ? `x${i}4123` : '',
        i > CHUNK_LINES && i % 8 === 0 ? '4123' : '',
        i % 29 === 0
          ? `at 74123${i} ${[1, 2, 3, 4, 5].map((k) => k * 10_000_000 + i).join(' ')}`
          : '',
      ].join(' '),
    }));
    const work = await nodeRunOfLines(lines);
    await sealLogChunks(t.database.db);
    const want = (term: string, level?: string) =>
      lines.filter((l) => l.message.includes(term) && (!level || l.level === level)).length;
    const count = (term: string, level?: string) =>
      firstCount(work, `q=${term}${level ? `&level=${level}` : ''}`);
    for (const term of ['4123', '123', '041', '14123'])
      for (const level of [undefined, 'INFO', 'ERROR'])
        expect(await count(term, level), `${term} ${level}`).toBe(want(term, level));
    // Read from the row, not the lines. Each chunk's numbers line by line, as sealed…
    const chunk = (k: number) =>
      sql`node_key = ${keyOf(work)} AND first_seq = ${k * CHUNK_LINES + 1}`;
    const sealed = await selectRows<{ numbers: string; listed: boolean }>(
      t.database.db,
      sql`SELECT numbers, numbers_listed AS listed FROM log_chunks
          WHERE node_key = ${keyOf(work)} ORDER BY first_seq`,
    );
    expect(sealed.map((c) => c.listed)).toEqual([true, true]);
    const said = sealed.map((c) =>
      [...c.numbers.matchAll(/([0-9 ]+)([^0-9 ]{3})/g)].map(([, numbers, entry]) => {
        const [e] = [...decodeLineEntries(entry!)];
        return { numbers: numbers!, line: entryLine(e!), level: entryLevel(e!) };
      }),
    );
    const write = (k: number, numbers: string, listed: boolean) =>
      t.database.db.execute(
        sql`UPDATE log_chunks SET numbers = ${numbers}, numbers_listed = ${listed} WHERE ${chunk(k)}`,
      );
    type Said = (typeof said)[number];
    const listedForm = (lines: Said) =>
      lines.map((l) => l.numbers + lineEntry(l.line * ENTRY_LEVELS + l.level)).join('');
    // …the first chunk's INFO lines made DEBUG…
    const debug = said[0]!.map((l) => ({ ...l, level: l.level === 1 ? 0 : l.level }));
    await write(0, listedForm(debug), true);
    expect(await count('4123', 'INFO')).toBeLessThan(want('4123', 'INFO'));
    expect(await count('4123', 'DEBUG')).toBeGreaterThan(want('4123', 'DEBUG'));
    // …and its lines each taken for the next one: those listed for "x<i>4123" counted twice.
    await write(0, listedForm(said[0]!.map((l) => ({ ...l, line: l.line + 1 }))), true);
    const listed = lines.filter((l, i) => i < CHUNK_LINES && i % 65 === 0).length;
    expect(await count('4123')).toBe(want('4123') + listed);
    // As chunks sealed from s19search to s21numbers (the comma form: every line ends with ",",
    // after its numbers and its level's mark but at INFO): right again, from their rows too.
    const commaForm = (lines: Said) => {
      const out = Array.from({ length: CHUNK_LINES }, () => ',');
      for (const l of lines)
        out[l.line] = `${l.numbers}${l.level === 1 ? '' : NUMBER_LINE_ENDS[l.level]},`;
      return out.join('');
    };
    for (const k of [0, 1]) await write(k, commaForm(said[k]!), false);
    for (const term of ['4123', '14123'])
      for (const level of [undefined, 'INFO', 'ERROR'])
        expect(await count(term, level), `${term} ${level}`).toBe(want(term, level));
    await t.database.db.execute(
      sql`UPDATE log_chunks SET numbers = regexp_replace(numbers, '([0-9]),', '\\1.,', 'g')
          WHERE ${chunk(0)}`,
    );
    expect(await count('4123', 'INFO')).toBeLessThan(want('4123', 'INFO'));
    expect(await count('4123', 'DEBUG')).toBeGreaterThan(want('4123', 'DEBUG'));
    // As chunks sealed before numbers by line: read, right again.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET numbers_by_line = false WHERE node_key = ${keyOf(work)}`,
    );
    for (const level of [undefined, 'INFO', 'DEBUG'])
      expect(await count('4123', level)).toBe(want('4123', level));
  });

  it('answers what a case-insensitive substring scan of every line answers, for any term, level and cursor', async () => {
    let seed = 9;
    // mulberry32: a seeded generator whose products stay exact in doubles.
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
      return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
    };
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    // Frequent words (counted in every chunk) that contain each other, rarer ones, ANSI colours.
    const frequent = [
      'failed',
      'FAIL',
      'failover',
      'Disk',
      'diskette',
      'queue',
      'id42',
      'é',
      'e5021',
      // Durations and a word inside another: a line may say two of them (s18search).
      '10ms',
      '20ms',
      '100ms',
      'Timeout',
      'timeouts',
    ];
    const colour = (w: string) => `\u001b[3${Math.floor(random() * 8)}m${w}\u001b[0m`;
    const n = 3 * CHUNK_LINES + 700;
    /**
     * Phrases of counted words, a line every so often. "upstream returned" kept as a pair in
     * every chunk (so its count is summed from the pairs), also with an ANSI colour, two spaces
     * or a newline between the words; "user=alice" twice in a line. "proxy refused" kept in the
     * first and third chunks, in 3 lines of the second (its words counted there from other
     * lines: a pair not kept), beside "xproxy refused" in the third (a second candidate), and
     * in the first beside a rare word ending with "proxy" and one starting with "refused".
     */
    const phrase = (i: number): string | null => {
      const chunk = Math.floor(i / CHUNK_LINES);
      if (i === 3000) return 'superproxy refused';
      if (i === 3001) return 'proxy refusedness';
      if (i % 97 === 1)
        return chunk !== 1
          ? `Proxy refused ${i}`
          : Math.floor(i / 97) % 14 === 0
            ? `proxy refused ${i}`
            : `${i % 2 ? 'proxy' : 'refused'} ${i}`;
      if (i % 89 === 2) return `user=alice ${i} USER=Alice`;
      if (i % 83 === 3 && chunk === 2) return `xproxy refused ${i}`;
      if (i % 79 === 4) return `upstream  returned ${i}`;
      if (i % 73 === 5) return `${colour('upstream')} returned, disk${i % 3 ? ' ' : '\n'}queue`;
      if (i % 71 === 6) return `upstream returned ${i} upstream\nreturned`;
      // Three words or more (s19search): kept pairs that meet at a middle word said once a line
      // (twice in some lines of the third chunk, which hold both pairs but not the phrase), and
      // in the second chunk lines saying "pool" and "drained" apart, so no pair holds every line
      // of its middle word there.
      if (i % 61 === 7)
        return chunk === 2 && i % 5 === 0
          ? 'Worker pool drained x drained: 502 tasks left'
          : 'Worker pool drained: 502 tasks left';
      if (i % 127 === 9 && chunk === 1) return `pool x drained ${i}`;
      // A separator before or after a phrase (s20search): "gateway" after a space in every line
      // of the first chunk (": " or " " before it), at a line's start in some lines of the second;
      // "503" before a space in the first chunk, before ", " in the second, ending the line in
      // the third (there "gateway" in a colour, a space before it).
      if (i % 67 === 8)
        return chunk === 0
          ? `req ${i}${i % 2 ? ':' : ''} gateway answered 503 now`
          : chunk === 1
            ? `${i % 5 === 0 ? '' : `req ${i}, `}gateway answered 503, now`
            : `req ${i} ${colour('gateway')} answered 503`;
      // A counted number said at ERROR alone (lines.map below), in some lines beside an
      // uncounted number holding the same digits; those digits inside numbers at every level.
      if (i % 59 === 10) return `code 7502${i % 2 ? ` id ${i}750` : ''}`;
      return null;
    };
    const lines = Array.from({ length: n }, (_, i) => {
      const said = phrase(i);
      const level = pick(LEVELS);
      if (said !== null) return { level: i % 59 === 10 ? 'ERROR' : level, message: said };
      const words = Array.from({ length: 1 + Math.floor(random() * 4) }, () => {
        const r = random();
        const w =
          r < 0.5
            ? pick(frequent)
            : r < 0.55
              ? 'unfailedx'
              : r < 0.56 // a rare word (a few lines a chunk) holding frequent ones
                ? `Failed${Math.floor(random() * 300)}`
                : Math.floor(random() * 1e6).toString(36);
        return random() < 0.1 ? colour(w) : w;
      });
      // Numbers (uncounted, in `numbers` by line, s19search): an id in every third line, one
      // said twice in a line, in a colour, across a newline inside the message.
      if (i % 3 === 0) words.push(String((i * 7919) % 100_000));
      if (i % 29 === 0) words.push(`n=${i % 1000}4123 ${i % 1000}4123`);
      if (i % 31 === 0) words.push(`\u001b[32m${i}4123\u001b[0m`);
      if (i % 37 === 0) words.push(`41\n23${i}`);
      return { level: pick(LEVELS), message: words.join(pick([' ', ', ', ':', '-', '  '])) };
    });
    const work = await nodeRunOfLines(lines);
    await sealLogChunks(t.database.db);
    expect((await chunksOf(work)).length).toBe(3);
    const [row] = await selectRows<{ counted: string }>(
      t.database.db,
      sql`SELECT counted FROM log_chunks WHERE node_key = ${keyOf(work)} ORDER BY first_seq LIMIT 1`,
    );
    expect(row!.counted.split(' ')).toEqual(expect.arrayContaining(['failed', 'fail', 'id42']));
    const pairs = await selectRows<{ pairs: string }>(
      t.database.db,
      sql`SELECT pairs FROM log_chunks WHERE node_key = ${keyOf(work)} ORDER BY first_seq`,
    );
    const kept = (pair: string) => pairs.map((c) => c.pairs.split('\n').includes(pair));
    expect(kept('upstream returned')).toEqual([true, true, true]);
    expect(kept('proxy refused')).toEqual([true, false, true]);
    // The lines holding counted words that share three characters, in the first two chunks;
    // the third as a chunk sealed before them (NULL): read when a term is in two counted words.
    const overlaps = await selectRows<{ o: string }>(
      t.database.db,
      sql`SELECT word_overlaps AS o FROM log_chunks WHERE node_key = ${keyOf(work)} ORDER BY first_seq`,
    );
    for (const { o } of overlaps)
      expect(o.split('\n')).toEqual(
        expect.arrayContaining([
          expect.stringMatching(/^10ms 20ms!/),
          expect.stringMatching(/^timeout timeouts!/),
        ]),
      );
    await t.database.db.execute(
      sql`UPDATE log_chunks SET word_overlaps = NULL
          WHERE node_key = ${keyOf(work)} AND first_seq = ${2 * CHUNK_LINES + 1}`,
    );
    // The second chunk as one sealed before s19search: its numbers sorted and space-joined, no
    // words said twice known (a phrase of three words or more there is read).
    const [second] = await selectRows<{ numbers: string }>(
      t.database.db,
      sql`UPDATE log_chunks
          SET numbers_by_line = false, repeated = NULL,
              numbers = (SELECT string_agg(n, ' ' ORDER BY n COLLATE "C")
                         FROM (SELECT DISTINCT n
                               FROM unnest(regexp_split_to_array(numbers, '[^0-9]+')) n
                               WHERE n <> '') d)
          WHERE node_key = ${keyOf(work)} AND first_seq = ${CHUNK_LINES + 1} RETURNING numbers`,
    );
    expect(second!.numbers).toMatch(/^[0-9]+( [0-9]+){500,}$/);

    const terms = ['failed', 'FAILED', 'fail', 'Fai', 'ail', 'over', 'disk', 'DISKETTE', 'queue'];
    terms.push(
      'ueu',
      'id42',
      'd42',
      '42',
      '502',
      'unfailedx',
      'zzz',
      'failed fail',
      'é',
      'ok',
      '31m',
      // Inside several counted words that a line may say together (s18search).
      '0ms',
      '0MS',
      '10ms',
      'ms',
      'timeout',
      'imeo',
      'outs',
      'ail',
    );
    // Phrases of counted words (from their pairs where a chunk's candidates are one kept pair),
    // and terms like them that the pairs cannot count.
    terms.push(
      'upstream returned',
      'UPSTREAM RETURNED',
      'stream returned',
      'upstream ret',
      'upstream  returned',
      'user=alice',
      'ser=ali',
      'proxy refused',
      'roxy refuse',
      'disk queue',
      'DISK, QUEUE',
      'disk  queue',
      'kette:queue',
      'queue-id42',
      'disk queue failed',
      ' upstream returned',
      'upstream returned ',
      'returned upstream',
    );
    for (let i = 0; i < 8; i++) {
      const text = stripAnsi(lines[Math.floor(random() * n)]!.message);
      const at = Math.floor(random() * text.length);
      const term = text.slice(at, at + 3 + Math.floor(random() * 5));
      if (term.trim()) terms.push(random() < 0.5 ? term.toUpperCase() : term);
    }
    // Phrases of three words or more, and a last word of digits (s19search).
    terms.push(
      'worker pool drained',
      'WORKER POOL DRAINED: 502',
      'pool drained: 502',
      'orker pool drained: 50',
      'drained: 502 tasks left',
      'pool drained: 502 tasks',
      'pool drained:502',
      'drained: 502',
      'upstream returned 123',
      'disk, queue failed',
    );
    // A separator before or after a phrase (s20search): counted from the pairs where every
    // occurrence of its edge word has it, else read.
    terms.push(
      ' gateway answered',
      ' GATEWAY Answered 503',
      ': gateway answered',
      ', gateway answered',
      '  gateway answered',
      '\tgateway answered',
      ' ateway answered',
      'gateway answered 503 ',
      'gateway answered 503,',
      'answered 503, ',
      ' gateway answered 503 ',
      ' gateway answered 503, ',
      ' answered 503',
      'answered 50 ',
      ' pool drained: 502',
      'worker pool drained: ',
      ' returned, disk',
      '=alice ',
    );
    // One word with separators around it (s21edge): counted from its counted words' edges where
    // every occurrence has them, else read.
    terms.push(
      ' failed',
      'failed ',
      'failed:',
      ' fail',
      'ailed, ',
      ' gateway',
      'gateway ',
      ' 503',
      '503,',
      ' 7502',
      '750 ',
      ' timeouts',
      ' 10ms ',
      '\tqueue',
      '-id42',
    );
    // Digits inside numbers (counted from the numbers by line, s19search), inside a counted word
    // too ("5021" in "e5021"), across a newline; and terms of them the words' lines narrow.
    terms.push('4123', '412', '123', '5021', '021', '000', '99999', '4123 ', '=14123', 'n=2');
    // A counted number at one level and numbers holding it at every level (s20search).
    terms.push('750', '7502', '502 ', 'code 750');
    for (let i = 0; i < 8; i++) {
      const numbers = stripAnsi(lines[3 * Math.floor((random() * n) / 3)]!.message).match(
        /\d{3,}/g,
      );
      const number = numbers?.[Math.floor(random() * numbers.length)];
      const at = Math.floor(random() * ((number?.length ?? 3) - 2));
      if (number) terms.push(number.slice(at, at + 3 + Math.floor(random() * 3)));
    }
    const filters = ['', 'ERROR', 'DEBUG,WARN'];
    const cursors = [
      [0, undefined],
      [CHUNK_LINES, 2 * CHUNK_LINES],
      [CHUNK_LINES + 77, CHUNK_LINES + 200],
    ] as const;
    for (const term of terms) {
      for (const levels of filters) {
        for (const [cursor, upTo] of cursors) {
          const want = scanCount(lines, term, levels, cursor);
          const query = searchQuery(term, levels);
          const label = `${JSON.stringify(term)} ${levels} ${cursor}`;
          // A count in steps may stop at upTo (then it says where to go on): add the steps up.
          const total = () => countInSteps(work, query, cursor, upTo);
          if (cursor === 0) await t.database.db.execute(sql`DELETE FROM log_search_counts`);
          expect(await total(), `${label} first`).toBe(want);
          expect(await total(), `${label} again`).toBe(want);
          if (upTo === undefined) {
            // A page with its total (Port's default) counts the same way.
            const page = await nodeLogs(work, `${query}&limit=5`);
            expect([page.total, page.logs.length], `${label} with a page`).toEqual([
              want,
              Math.min(5, want),
            ]);
          }
        }
      }
    }
  }, 240_000);
});

describe('counts of two words from the chunks’ kept pairs', () => {
  // 4 or 5 chunks of 21 read: few enough that the count reads them alone, not the whole node run.
  const CHUNKS = 21;
  /**
   * Chunks read whatever their pairs say: two candidates for the first word (both pairs kept, or
   * the second one's pair not kept), no pairs, two candidates for the second word. (A single
   * candidate whose pair is not kept: the scan comparison's "proxy refused" chunk.) A candidate
   * in a rare word: its listed lines read beside the pair's count.
   */
  const TWO_KEPT = 2;
  const TWO_FIRSTS_ONE_KEPT = 5;
  const NO_PAIRS = 9;
  const IN_RARE_WORDS = 13;
  const TWO_SECONDS = 17;

  /**
   * Line i (0-based): "upstream returned" in every 10th line of every chunk; beside it, in one
   * chunk "xupstream returned" in every 97th line (a second kept pair ending the same way), in
   * another "xupstream" in every 50th line and "xupstream returned" in 4 (a second counted word
   * ending with the first word, its pair with the second not kept), in another "superupstream returned" and
   * "upstream returnedness" twice each (candidates in uncounted words), in another "upstream
   * returnedx" in every 97th line (a second kept pair starting the same way).
   */
  const message = (i: number) => {
    const chunk = Math.floor(i / CHUNK_LINES);
    if (i % 10 === 0) return `upstream returned ${i}`;
    if (chunk === TWO_KEPT && i % 97 === 1) return `xupstream returned ${i}`;
    if (chunk === TWO_FIRSTS_ONE_KEPT && i % 50 === 1)
      return i % 1000 === 1 ? `xupstream returned ${i}` : `xupstream ok ${i}`;
    if (chunk === IN_RARE_WORDS && i % 1000 === 1)
      return i % 2000 === 1 ? `superupstream returned ${i}` : `upstream returnedness ${i}`;
    if (chunk === TWO_SECONDS && i % 97 === 1) return `upstream returnedx ${i}`;
    return `item ${i} ok`;
  };

  it('sums a kept pair where it is the only candidate, and reads the other chunks', async () => {
    const { logs, work } = await sealedNodeRun(CHUNKS, message);
    // A chunk sealed before the pairs were kept has none.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET pairs = NULL, pair_counts = '{}'
          WHERE node_key = ${keyOf(work)} AND first_seq = ${NO_PAIRS * CHUNK_LINES + 1}`,
    );
    const count = (q: string) => firstCount(work, `q=${q}`);
    const want = (term: string, level?: string) =>
      logs.filter((l) => l.message.includes(term) && (!level || l.level === level)).length;
    for (const q of ['upstream returned', 'stream returned', 'upstream ret'])
      expect(await count(encodeURIComponent(q)), q).toBe(want(q));
    expect(await count('upstream%20returned&level=WARN')).toBe(want('upstream returned', 'WARN'));
    // One more line at INFO in every chunk's count of the pair: the answer follows in the
    // chunks where it is the only counted candidate (in the one with candidates in rare words
    // too, whose listed lines are read beside it: s19search), and not in the four read.
    await t.database.db.execute(
      sql`UPDATE log_chunks
          SET pair_counts[array_position(string_to_array(pairs, E'\n'), 'upstream returned')][2] =
              pair_counts[array_position(string_to_array(pairs, E'\n'), 'upstream returned')][2] + 1
          WHERE node_key = ${keyOf(work)} AND pairs IS NOT NULL`,
    );
    for (const q of ['upstream returned', 'stream returned', 'upstream ret'])
      expect(await count(encodeURIComponent(q)), q).toBe(want(q) + CHUNKS - 4);
    expect(await count('upstream%20returned&level=WARN')).toBe(want('upstream returned', 'WARN'));
    // Terms the pairs cannot answer read the lines: a separator before a first word that starts
    // its line (nothing before it there), a third word.
    expect(await count('%20upstream%20returned')).toBe(want(' upstream returned'));
    expect(await count('upstream%20returned%201')).toBe(want('upstream returned 1'));
  }, 120_000);
});

describe('counts of two rare words from the chunks’ listed pairs', () => {
  // 1 chunk of 12 read (its lines the listed words name): few enough that the count reads it alone.
  const CHUNKS = 12;
  /** "connection" said in every 100th line here too: counted, while "reset" is not. */
  const COUNTED_FIRST = 3;
  /** Its listed pairs as a chunk sealed before s22pairs (NULL): its listed words' lines read. */
  const SEALED_BEFORE = 4;
  /** The phrase in every 200th line: both words counted, the kept pairs count it. */
  const BOTH_COUNTED = 5;
  /** The offset of a line of each chunk that never holds the phrase. */
  const NEVER = CHUNK_LINES - 1;
  const message = (i: number) => {
    const chunk = Math.floor(i / CHUNK_LINES);
    const offset = i % CHUNK_LINES;
    if (offset === NEVER) return `item ${i} ok`;
    // (At most 3 lines of each: a chunk's words stay under COUNTED_MIN_LINES lines.)
    if (i % 1500 === 7) return `connection reset by peer ${i}`;
    if (chunk === BOTH_COUNTED && i % 200 === 3) return `connection reset ${i}`;
    if (chunk === COUNTED_FIRST && i % 100 === 3) return `connection ok ${i}`;
    if (i % 2000 === 11) {
      // Around the phrase: inside longer words (a match), said twice in a line, another
      // separator, a newline between the words (no match).
      const k = (i / 2000) % 4;
      return [
        `xconnection resety ${i}`,
        `connection reset then connection reset ${i}`,
        `connection, reset  by ${i}`,
        `connection\nreset ${i}`,
      ][Math.floor(k)]!;
    }
    return `item ${i} ok`;
  };

  it('counts a phrase whose first word ends no counted word, or whose last starts none, from the listed pairs', async () => {
    const { logs, work } = await sealedNodeRun(CHUNKS, message);
    await t.database.db.execute(
      sql`DELETE FROM log_chunk_pairs
          WHERE node_key = ${keyOf(work)} AND first_seq = ${SEALED_BEFORE * CHUNK_LINES + 1}`,
    );
    const terms = ['connection reset', 'nection res', 'reset by', 'connection, reset', 'reset  by'];
    for (const term of terms)
      for (const levels of ['', 'WARN'])
        for (const [cursor, upTo] of [
          [0, undefined],
          [CHUNK_LINES + 500, 3 * CHUNK_LINES],
        ] as const)
          expect(
            await countInSteps(work, searchQuery(term, levels), cursor, upTo),
            `${term} ${levels} ${cursor}`,
          ).toBe(scanCount(logs, term, levels, cursor));
    // One more line at INFO in each chunk's listed pair "connection reset": the count follows in
    // the chunks its listed pairs answer (all but the one sealed before them and the one whose
    // kept pairs count it), at INFO alone.
    const want = (levels: string) => scanCount(logs, 'connection reset', levels, 0);
    for (let c = 0; c < CHUNKS; c++)
      expect(message(c * CHUNK_LINES + NEVER)).not.toContain('connection reset');
    await t.database.db.execute(
      sql`UPDATE log_chunk_pairs
          SET listed_pairs = replace(listed_pairs, ${`connection reset${PAIR_LINES}`},
                                     ${`connection reset${PAIR_LINES}${lineEntry(NEVER * ENTRY_LEVELS + 1)}`})
          WHERE node_key = ${keyOf(work)}`,
    );
    const count = (levels: string) => firstCount(work, searchQuery('connection reset', levels));
    expect(await count('')).toBe(want('') + CHUNKS - 2);
    expect(await count('INFO')).toBe(want('INFO') + CHUNKS - 2);
    expect(await count('WARN')).toBe(want('WARN'));
  }, 120_000);
});

describe('counts of phrases with a separator before or after from the chunks’ edges', () => {
  // 1 or 2 chunks of 8 read: few enough that the count reads them alone.
  const CHUNKS = 8;
  /** "upstream" starts some of its lines here, and "returned" ends them. */
  const AT_START = 3;
  /** Its edges as a chunk sealed before s20search (NULL). */
  const SEALED_BEFORE = 5;
  const message = (i: number) => {
    if (i % 10 !== 0) return `item ${i} ok`;
    if (Math.floor(i / CHUNK_LINES) === AT_START && i % 1000 === 0) return `upstream returned`;
    return i % 20 ? `req ${i}: upstream returned, ${i}` : `req ${i} upstream returned, ${i}`;
  };

  it('sums a kept pair where every occurrence of its edge word has the separator, and reads the other chunks', async () => {
    const { logs, work } = await sealedNodeRun(CHUNKS, message);
    const count = (q: string, level = '') =>
      firstCount(work, `q=${encodeURIComponent(q)}${level && `&level=${level}`}`);
    const want = (term: string, level?: string) =>
      logs.filter((l) => l.message.includes(term) && (!level || l.level === level)).length;
    const terms = [
      ' upstream returned',
      'upstream returned,',
      ' upstream returned, ',
      'upstream returned, ',
    ];
    for (const q of terms) {
      expect(await count(q), q).toBe(want(q));
      expect(await count(q, 'WARN'), `${q} WARN`).toBe(want(q, 'WARN'));
    }
    // Said with ": " in some lines, " " in others: what every occurrence has is the space alone.
    expect(await count(': upstream returned')).toBe(want(': upstream returned'));
    // A separator before a word that ends "upstream" and after one that starts "returned": no
    // line holds such a word whole (the pairs' words are not the edge words).
    expect(await count(' pstream returned')).toBe(0);
    expect(await count('upstream return, ')).toBe(0);
    // One more line at INFO in every chunk's count of the pair: the answer follows where the
    // chunk's edges say every "upstream" has a space before it (every "returned" ", " after it),
    // and not in the chunk where some start or end their line (read).
    const more = async () =>
      t.database.db.execute(
        sql`UPDATE log_chunks
            SET pair_counts[array_position(string_to_array(pairs, E'\n'), 'upstream returned')][2] =
                pair_counts[array_position(string_to_array(pairs, E'\n'), 'upstream returned')][2] + 1
            WHERE node_key = ${keyOf(work)}`,
      );
    await more();
    for (const q of terms) {
      expect(await count(q), q).toBe(want(q) + CHUNKS - 1);
      expect(await count(q, 'WARN'), `${q} WARN`).toBe(want(q, 'WARN'));
    }
    expect(await count(': upstream returned')).toBe(want(': upstream returned'));
    // A chunk sealed before its edges were kept is read.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET edges = NULL
          WHERE node_key = ${keyOf(work)} AND first_seq = ${SEALED_BEFORE * CHUNK_LINES + 1}`,
    );
    for (const q of terms) expect(await count(q), q).toBe(want(q) + CHUNKS - 2);
  }, 120_000);
});

describe('counts of one word with separators around it from the chunks’ edges', () => {
  // Up to 4 chunks of 20 read for a term: few enough that the count reads them alone, not the
  // whole node run (readsFew), so the chunks the edges answer are answered from their rows.
  const CHUNKS = 20;
  /** "failed" and "failedover" (both counted, both after a space), some lines saying both. */
  const TWO_WORDS = 1;
  /** One line starts with "failed:" (no separator before it there: its chunk is read). */
  const AT_START = 2;
  /** One line ends with "failed" (nothing after it: read for a separator after). */
  const AT_END = 3;
  /** One line says "failed" after a newline inside the message. */
  const NEWLINE = 4;
  /** Rare words holding "failed" (listed, their lines read one by one), one beside "failed". */
  const LISTED = 5;
  /** Its edges as a chunk sealed before s20search (NULL). */
  const SEALED_BEFORE = 6;
  /** As TWO_WORDS, its overlaps NULL (a chunk sealed before s18search). */
  const NO_OVERLAPS = 7;
  /** "failed " with a space after it, never ": ". */
  const SPACE_AFTER = 8;
  /** "failed" starts every line saying it: its edge before is LINE_EDGE (none for " failed"). */
  const LINE_START = 9;
  const colour = (w: string) => `\u001b[31m${w}\u001b[0m`;

  /**
   * Line i (0-based): in every 10th, "req <i> failed: upstream 502 now" (a colour around
   * "failed" in some, a newline before " failed" in others, "unfailed" instead in every 110th),
   * varied by chunk as above; "item <i> ok" in the others. Ids are uncounted numbers (by line):
   * those holding "502" are listed for " 502" and "502 ".
   */
  const message = (i: number) => {
    const chunk = Math.floor(i / CHUNK_LINES);
    const k = i % CHUNK_LINES;
    if (i % 10 !== 0) return `item ${i} ok`;
    if (chunk === TWO_WORDS || chunk === NO_OVERLAPS) {
      if (i % 20 === 0) return `req ${i} failed: failedover now`;
      return i % 3 ? `req ${i} failedover now` : `req ${i} failed: upstream 502 now`;
    }
    // (One line of every 10 is such a line: the one in [2000, 2010) of the chunk.)
    const once = Math.floor(k / 10) === 200;
    if (chunk === AT_START && once) return `failed: at the start ${i}`;
    if (chunk === AT_END && once) return `req ${i} it failed`;
    if (chunk === NEWLINE && once) return `req ${i}\nfailed: upstream`;
    if (chunk === LISTED && Math.floor(k / 10) % 100 === 0) {
      const rare = [`job ${i} failedx now`, `job ${i} xfailed: now`, `req ${i} failed: failedx`];
      return rare[Math.floor(k / 1000) % 3]!;
    }
    if (chunk === SPACE_AFTER) return `job ${i} failed now 502`;
    if (chunk === LINE_START) return `failed: upstream 502 now ${i}`;
    if (i % 110 === 0) return `req ${i} unfailed again`;
    if (i % 70 === 0) return `req ${i}\n failed: upstream 502 now`;
    if (i % 30 === 0) return `req ${i} ${colour('failed')}: upstream 502 now`;
    return `req ${i} failed: upstream 502 now`;
  };
  const level = (i: number) => (i % 100 === 0 ? 'ERROR' : i % 3 === 0 ? 'WARN' : 'INFO');

  it('sums the counted words whose edges say every occurrence has the separators, reads the rest, as a scan answers', async () => {
    const { logs, work } = await sealedNodeRun(CHUNKS, message, level);
    const chunk = async (at: number) => {
      const [row] = await selectRows<{ counted: string; words: string; overlaps: string }>(
        t.database.db,
        sql`SELECT counted, words, word_overlaps AS overlaps FROM log_chunks
            WHERE node_key = ${keyOf(work)} AND first_seq = ${at * CHUNK_LINES + 1}`,
      );
      return row!;
    };
    // The words as this test means them: counted, or listed (rare).
    expect((await chunk(0)).counted.split(' ')).toEqual(
      expect.arrayContaining(['failed', 'unfailed', '502']),
    );
    expect((await chunk(TWO_WORDS)).counted.split(' ')).toEqual(
      expect.arrayContaining(['failed', 'failedover']),
    );
    expect((await chunk(TWO_WORDS)).overlaps).toMatch(/^failed failedover!/m);
    expect((await chunk(LISTED)).words).toMatch(/(^| )failedx!.* xfailed!/);
    await t.database.db.execute(
      sql`UPDATE log_chunks SET edges = NULL
          WHERE node_key = ${keyOf(work)} AND first_seq = ${SEALED_BEFORE * CHUNK_LINES + 1}`,
    );
    await t.database.db.execute(
      sql`UPDATE log_chunks SET word_overlaps = NULL
          WHERE node_key = ${keyOf(work)} AND first_seq = ${NO_OVERLAPS * CHUNK_LINES + 1}`,
    );
    const terms = [
      ' failed',
      'failed ',
      'failed:',
      ' failed:',
      ' failed: ',
      'FAILED:',
      ' Failed',
      ':failed',
      '\tfailed',
      '  failed',
      '\n failed',
      ' fail',
      'ailed ',
      'ailed:',
      ' ailed',
      'failedover ',
      ' failedover',
      ' failedx',
      'failedx ',
      ' unfailed ',
      ' 502',
      '502 ',
      ' 502 ',
      '502,',
      ' now',
      'now ',
      ' req',
      ' item ',
    ];
    const filters = ['', 'ERROR', 'WARN,INFO'];
    // From the start, and from a cursor cutting AT_START (read from the cursor, whatever its
    // edges say) in steps: to the end at once where few chunks are read.
    const cursors = [
      [0, undefined],
      [AT_START * CHUNK_LINES + 77, 4 * CHUNK_LINES],
    ] as const;
    const want = (term: string, levels: string, cursor: number) =>
      scanCount(logs, term, levels, cursor);
    const total = (term: string, levels: string, cursor: number, upTo?: number) =>
      countInSteps(work, searchQuery(term, levels), cursor, upTo);
    for (const term of terms)
      for (const levels of filters)
        for (const [cursor, upTo] of cursors) {
          const label = `${JSON.stringify(term)} ${levels} ${cursor}`;
          await t.database.db.execute(sql`DELETE FROM log_search_counts`);
          expect(await total(term, levels, cursor, upTo), `${label} first`).toBe(
            want(term, levels, cursor),
          );
          expect(await total(term, levels, cursor, upTo), `${label} again`).toBe(
            want(term, levels, cursor),
          );
        }
    // One more line at INFO in every chunk's count of "failed": the answer follows in the chunks
    // whose edges say every "failed" has the separator (and that are not read for another
    // reason), not in those read nor in those whose edges say none has it.
    const [{ n } = { n: 0 }] = await selectRows<{ n: number }>(
      t.database.db,
      sql`WITH u AS (
            UPDATE log_chunks
            SET counts[array_position(string_to_array(counted, ' '), 'failed')][2] =
                counts[array_position(string_to_array(counted, ' '), 'failed')][2] + 1
            WHERE node_key = ${keyOf(work)} RETURNING 1)
          SELECT count(*)::int AS n FROM u`,
    );
    expect(n).toBe(CHUNKS);
    const follows = async (term: string, more: number) => {
      await t.database.db.execute(sql`DELETE FROM log_search_counts`);
      expect(await total(term, '', 0), term).toBe(want(term, '', 0) + more);
      await t.database.db.execute(sql`DELETE FROM log_search_counts`);
      expect(await total(term, 'WARN', 0), `${term} WARN`).toBe(want(term, 'WARN', 0));
    };
    // " failed": read in AT_START, NEWLINE, SEALED_BEFORE, NO_OVERLAPS (two words summed); none
    // in LINE_START (every "failed" starts its line).
    await follows(' failed', CHUNKS - 5);
    // "failed:": read in AT_END, SEALED_BEFORE; none in SPACE_AFTER.
    await follows('failed:', CHUNKS - 3);
    // "failed ": every "failed" but SPACE_AFTER's has ": " after it (none); AT_END, SEALED_BEFORE read.
    await follows('failed ', 1);
    // A word starting with "failed" too, "failedover" (TWO_WORDS, less the lines holding both).
    await follows(' fail', CHUNKS - 5);
    // LINE_START is answered from its row, not read: its lines made to say " failed" change
    // nothing (a scan would find every one of them).
    const [{ changed } = { changed: 0 }] = await selectRows<{ changed: number }>(
      t.database.db,
      sql`WITH u AS (
            UPDATE log_blocks
            SET messages = ARRAY(SELECT replace(m, 'failed:', 'now failed:')
                                 FROM unnest(messages) WITH ORDINALITY x(m, o) ORDER BY o)
            WHERE node_key = ${keyOf(work)} AND first_seq > ${LINE_START * CHUNK_LINES}
              AND last_seq <= ${(LINE_START + 1) * CHUNK_LINES}
              AND array_to_string(messages, E'\n') LIKE '%failed:%'
            RETURNING 1)
          SELECT count(*)::int AS changed FROM u`,
    );
    expect(changed).toBeGreaterThan(0);
    await t.database.db.execute(sql`DELETE FROM log_search_counts`);
    expect(await total(' failed', '', 0)).toBe(want(' failed', '', 0) + CHUNKS - 5);
  }, 240_000);
});

describe('counts of phrases of three words or more from the chunks’ kept pairs', () => {
  // 3 chunks of 13 read: few enough that the count reads them alone, not the whole node run.
  const CHUNKS = 13;
  /**
   * Read whatever their pairs say: a middle word said twice in a line, said apart from the
   * pairs. Counted from the pairs and 9 lines read: a number starting with the last word after
   * the phrase's other words (in 9 lines).
   */
  const TWICE = 3;
  const APART = 5;
  const A_NUMBER = 7;
  /** Read: its pair "upstream returned" not kept, but "upstream returnedx" is. */
  const NOT_KEPT = 11;
  const message = (i: number) => {
    const chunk = Math.floor(i / CHUNK_LINES);
    const id = 1_000_000 + i;
    if (chunk === NOT_KEPT && i % 10 === 0 && i % 1000 !== 0)
      return `request ${id} failed: upstream returnedx 502 after ${id}`;
    if (chunk === NOT_KEPT && i % 97 === 1) return `returned 502 ${id}`;
    if (i % 10 === 0)
      return `request ${id} failed: upstream returned 502 after ${id}${chunk === TWICE && i % 100 === 50 ? ' returned' : ''}`;
    if (chunk === APART && i % 97 === 1) return `returned ${id}`;
    // (Half of them hold the phrase through the counted words too: counted once.)
    if (chunk === A_NUMBER && i % 500 === 3)
      return i % 1000 === 3
        ? `upstream returned 502${id} after`
        : `upstream returned 502 and 502${id}`;
    return `item ${id} ok`;
  };

  it('counts a phrase where its kept pairs meet, and reads the other chunks', async () => {
    const { logs, work } = await sealedNodeRun(CHUNKS, message);
    const count = (q: string, level?: string) =>
      firstCount(work, `q=${encodeURIComponent(q)}${level ? `&level=${level}` : ''}`);
    const want = (term: string, level?: string) =>
      logs.filter(
        (l) =>
          l.message.toLowerCase().includes(term.toLowerCase()) && (!level || l.level === level),
      ).length;
    const terms = [
      'upstream returned 502',
      'failed: upstream returned 502',
      'Failed: Upstream Returned 50',
      'iled: upstream returned',
      'upstream returned 502 after',
      'returned 502',
      'upstream returned  502',
    ];
    for (const q of terms)
      for (const level of [undefined, 'WARN'])
        expect(await count(q, level), q).toBe(want(q, level));
    // One more line at INFO in every chunk's pair "returned 502": the answer follows in the
    // chunks its pairs answer, not in the three read.
    const pair = sql`array_position(string_to_array(pairs, E'\n'), 'returned 502')`;
    await t.database.db.execute(
      sql`UPDATE log_chunks SET pair_counts[${pair}][2] = pair_counts[${pair}][2] + 1
          WHERE node_key = ${keyOf(work)}`,
    );
    expect(await count('upstream returned 502')).toBe(want('upstream returned 502') + CHUNKS - 3);
    expect(await count('upstream returned 502', 'WARN')).toBe(
      want('upstream returned 502', 'WARN'),
    );
    // As chunks sealed before s19search (no word said twice known): read, right again.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET repeated = NULL WHERE node_key = ${keyOf(work)}`,
    );
    expect(await count('upstream returned 502')).toBe(want('upstream returned 502'));
    // Two words counted from their pair in every chunk (a word said twice, or apart, does not
    // matter to one pair; the lines of numbers starting with 502 read as above).
    expect(await count('returned 502')).toBe(want('returned 502') + CHUNKS);
  }, 120_000);
});

describe('counts from listed lines (a term inside uncounted words)', () => {
  const LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

  /**
   * Line i (0-based) of the node run: rare words ("reset" and a longer word it starts,
   * "resetting"; digits apart and inside a word; a colour code; a newline) in a few lines of
   * every chunk, a counted word ("item") in every other line and its longer form in a few.
   */
  const message = (i: number) => {
    if (i % 499 === 7) return `connection RESET by peer ${i}`;
    if (i % 613 === 11) return `Resetting \u001b[31mreset\u001b[0m pool`;
    if (i % 701 === 3) return `resetting\nreq4123 done`;
    if (i % 997 === 5) return `job 41234 and 4123: items`;
    if (i % 1409 === 9) return `peer\u001b[1mreset\u001b[0m=ok`;
    if (i % 823 === 13) return `Spooled spoolroom pool-side`;
    return `item ${i} done`;
  };

  it('answers what PostgreSQL’s ILIKE answers, for listed chunks, a chunk split by PostgreSQL and the tail', async () => {
    const run = await startRun(t, 'search');
    const work = nodeRunOf(run, 'work').identifier;
    const n = 3 * CHUNK_LINES + 300;
    const post = async (from: number, to: number) => {
      const logs = [];
      for (let i = from; i < to; i++)
        logs.push({ level: LEVELS[(i * 7) % 4]!, message: message(i) });
      const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, { logs });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
    };
    // Two chunks sealed here (their words listed), the third split by PostgreSQL (too big for
    // the server: its words are not listed, so it is read), then a tail.
    await post(0, 2 * CHUNK_LINES);
    await sealLogChunks(t.database.db);
    await post(2 * CHUNK_LINES, n);
    const limit = SPLIT_HERE_MAX_BYTES.value;
    SPLIT_HERE_MAX_BYTES.value = 1_000;
    try {
      await sealLogChunks(t.database.db);
    } finally {
      SPLIT_HERE_MAX_BYTES.value = limit;
    }
    const chunks = await selectRows<{ listed: boolean }>(
      t.database.db,
      sql`SELECT listed FROM log_chunks WHERE node_key = ${keyOf(work)} ORDER BY first_seq`,
    );
    expect(chunks.map((c) => c.listed)).toEqual([true, true, false]);

    /** PostgreSQL's own count: ILIKE over the message without its colour codes. */
    const ilike = async (term: string, levels: string[], after: number) => {
      const [row] = await selectRows<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM log_lines
            WHERE node_key = ${keyOf(work)} AND seq > ${after}
              AND regexp_replace(message, ${ANSI_PATTERN}, '', 'g') ILIKE ${`%${term}%`}
              ${levels.length ? sql`AND level = ANY(${sql.param(levels)}::text[])` : sql``}`,
      );
      return row!.n;
    };
    const terms = ['reset', 'RESET', 'rese', 'eset', 'resetting', 'setting', 'peer', '4123'];
    terms.push('412', '123', '41234', 'req4', 'items', 'item', 'zzzq', 'reset by', 'peer reset');
    // Terms of several words or with punctuation, some of whose words are listed only.
    terms.push('reset pool', 'req4123 done', '4123:', 'JOB 41234', 'pool ', ' 4123');
    // One word with separators around it (s21edge): a counted word's edges, listed lines, and
    // the chunk split by PostgreSQL (no edges, nothing listed) read.
    terms.push(' reset', 'reset ', 'reset=', ' resetting', 'item ', ' done', 'done ', ' spool');
    // Rare words only (listed), one line holding three of them.
    terms.push('spool', 'SPOO', 'oom', 'q4123');
    for (const term of terms) {
      for (const levels of [[], ['WARN'], ['DEBUG', 'ERROR']]) {
        for (const after of [0, CHUNK_LINES + 77]) {
          const query =
            `q=${encodeURIComponent(term)}&total=only` +
            levels.map((l) => `&level=${l}`).join('') +
            (after ? `&cursor=${after}&upTo=2147483647` : '');
          const want = await ilike(term, levels, after);
          const label = `${JSON.stringify(term)} ${levels.join()} ${after}`;
          await t.database.db.execute(sql`DELETE FROM log_search_counts`);
          expect((await nodeLogs(work, query)).total, `${label} first`).toBe(want);
          expect((await nodeLogs(work, query)).total, `${label} again`).toBe(want);
        }
      }
    }
    expect(await ilike('reset', [], 0)).toBeGreaterThan(20);
  }, 120_000);

  it('reads the listed lines, not the lines: a wrong list changes the answer', async () => {
    const logs = Array.from({ length: 2 * CHUNK_LINES + 5 }, (_, i) => ({
      level: 'INFO',
      message: message(i),
    }));
    const work = await nodeRunOfLines(logs);
    await sealLogChunks(t.database.db);
    const count = (q: string) => firstCount(work, `q=${q}`);
    const want = logs.filter((l) => l.message.includes('spoolroom')).length;
    expect(await count('spoolroom')).toBe(want);
    // "spoolroom" (in 4 or 5 lines of a chunk: listed) listed in one line more in each sealed
    // chunk (its first line, which does not hold it, at DEBUG): counted from the lists, so the
    // answer follows; at INFO alone it does not.
    await t.database.db.execute(
      sql`UPDATE log_chunks SET words = regexp_replace(words, '(^| )spoolroom!', '\\1spoolroom!"""')
          WHERE node_key = ${keyOf(work)}`,
    );
    expect(await count('spoolroom')).toBe(want + 2);
    expect(await count('POOLROO')).toBe(want + 2);
    expect(await count('spoolroom&level=INFO')).toBe(want);
    // A term with a space reads the lines as before.
    expect(await count('%20spoolroom')).toBe(want);
  });
});

describe('a whole run’s count', () => {
  it('sums its node runs’ counts from their chunks’ rows, as PostgreSQL’s ILIKE counts the run', async () => {
    await createWorkflow(
      t,
      workflowBody(
        'search-fan-out',
        ['trigger', 'a', 'b'],
        [
          ['trigger', 'a'],
          ['trigger', 'b'],
        ],
      ),
    );
    const run = await startRun(t, 'search-fan-out');
    const nodes = ['a', 'b'].map((n) => nodeRunOf(run, n).identifier);
    const message = (node: number, i: number) =>
      i % 611 === node ? `connection RESET by peer ${i} on node ${node}` : `item ${i} done, fine`;
    for (const [node, work] of nodes.entries()) {
      const n = (2 + node) * CHUNK_LINES + 100 * node;
      for (let from = 0; from < n; from += 5_000) {
        const logs = [];
        for (let i = from; i < Math.min(n, from + 5_000); i++)
          logs.push({ level: i % 3 ? 'INFO' : 'WARN', message: message(node, i) });
        const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, { logs });
        expect(res.status, JSON.stringify(res.body)).toBe(201);
      }
    }
    await sealLogChunks(t.database.db);
    const key = sql`(SELECT log_key FROM workflow_runs WHERE identifier = ${run.identifier})`;
    const ilike = async (term: string, level?: string) => {
      const [row] = await selectRows<{ n: number }>(
        t.database.db,
        sql`SELECT count(*)::int AS n FROM log_lines
            WHERE run_key = ${key} AND message ILIKE ${`%${term}%`}
              ${level ? sql`AND level = ${level}` : sql``}`,
      );
      return row!.n;
    };
    // ("done, fine": a kept pair of every chunk, summed from the pairs.)
    const terms = ['reset', 'RESE', 'connection reset', 'peer 1', 'node 1', 'item', 'zzzq'];
    for (const term of [...terms, 'done, fine', 'ONE, FIN']) {
      for (const level of [undefined, 'WARN']) {
        const query = `q=${encodeURIComponent(term)}${level ? `&level=${level}` : ''}&total=only`;
        const want = await ilike(term, level);
        // The viewer's first step (cursor 0, upTo) is answered to the end at once.
        const step = await runLogs(run.identifier, `${query}&cursor=0&upTo=1000`);
        expect([step.total, step.nextCursor], `${term} ${level}`).toEqual([want, null]);
        expect((await runLogs(run.identifier, query)).total, `${term} ${level}`).toBe(want);
      }
    }
    // From the rows: a line more listed for "reset" in every chunk changes the answer.
    const want = await ilike('reset');
    await t.database.db.execute(
      sql`UPDATE log_chunks SET words = regexp_replace(words, '(^| )reset!', '\\1reset!"""')
          WHERE run_key = ${key}`,
    );
    expect((await runLogs(run.identifier, 'q=reset&total=only')).total).toBe(want + 5);
    // And a line more at INFO in every chunk's count of the pair "done, fine".
    const pairs = await ilike('done, fine');
    await t.database.db.execute(
      sql`UPDATE log_chunks
          SET pair_counts[array_position(string_to_array(pairs, E'\n'), 'done, fine')][2] =
              pair_counts[array_position(string_to_array(pairs, E'\n'), 'done, fine')][2] + 1
          WHERE run_key = ${key}`,
    );
    expect((await runLogs(run.identifier, 'q=done%2C%20fine&total=only')).total).toBe(pairs + 5);
  });
});

describe('retention', () => {
  it('deletes a run’s chunks, listed pairs and kept counts with its lines', async () => {
    const { run, work } = await nodeRunWith(CHUNK_LINES + 5, { 7: 'a rare needle here' });
    await sealLogChunks(t.database.db);
    const [row] = await selectRows<{ key: number }>(
      t.database.db,
      sql`SELECT log_key AS key FROM workflow_runs WHERE identifier = ${run}`,
    );
    // (The node run's key taken now: it goes with the run.)
    const [node] = await selectRows<{ key: number }>(
      t.database.db,
      sql`SELECT log_key AS key FROM node_runs WHERE identifier = ${work}`,
    );
    const pairs = async () =>
      (
        await selectRows<{ n: number }>(
          t.database.db,
          sql`SELECT count(*)::int AS n FROM log_chunk_pairs WHERE node_key = ${node!.key}`,
        )
      )[0]!.n;
    expect(await chunksOf(work)).toHaveLength(1);
    expect(await pairs()).toBe(1);
    expect((await nodeLogs(work, 'q=line&total=only')).total).toBe(CHUNK_LINES + 4);
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
    expect(await pairs()).toBe(0);
    const [counts] = await selectRows<{ n: number }>(
      t.database.db,
      sql`SELECT count(*)::int AS n FROM log_search_counts WHERE run_key = ${row!.key}`,
    );
    expect(counts!.n).toBe(0);
  });
});
