import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectRows } from '../db/client';
import {
  CHUNK_LINES,
  COUNT_LEVELS,
  COUNTED_MIN_LINES,
  SEPARATORS,
  unsealedNodeRunsQuery,
} from '../db/log-chunks';
import { ANSI_PATTERN } from '../db/log-filter';
import { LINE_ALPHABET } from '../domain/log-words';
import { startTestServer, type TestServer } from '../test/harness';
import { until } from '../test/until';
import { createLinearWorkflow, nodeRunOf, startRun } from '../test/workflow-fixtures';
import { SEAL_PACE, SPLIT_HERE_MAX_BYTES, sealLogChunks, startLogSealer } from './log-chunks';
import { ingestLinesPerSecond } from './log-ingest';

/**
 * The background sealer (services/log-chunks.ts) finds its work through the chunk-end index
 * (db/log-chunks.ts `unsealedNodeRuns`), not by reading every node run: it must still seal every
 * full chunk, of every node run, and pick up where a stopped server left off.
 */
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
  await createLinearWorkflow(t, 'sealer');
});
afterAll(async () => t.close());

async function postLines(work: string, n: number) {
  for (let done = 0; done < n; done += 10_000) {
    const logs = Array.from({ length: Math.min(10_000, n - done) }, (_, i) => ({
      level: 'INFO',
      message: `line ${done + i + 1} ok`,
    }));
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, { logs });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
}

async function nodeRunWith(n: number) {
  const run = await startRun(t, 'sealer');
  const work = nodeRunOf(run, 'work').identifier;
  await postLines(work, n);
  return work;
}

async function sealedOf(work: string) {
  const rows = await selectRows<{ first: number }>(
    t.database.db,
    sql`SELECT first_seq AS first FROM log_chunks
        WHERE node_key = (SELECT log_key FROM node_runs WHERE identifier = ${work})
        ORDER BY first_seq`,
  );
  return rows.map((r) => r.first);
}

const firsts = (chunks: number) => Array.from({ length: chunks }, (_, k) => k * CHUNK_LINES + 1);

describe('the chunk sealer', () => {
  it('seals every full chunk of every node run, and a sealer started later resumes', async () => {
    const big = await nodeRunWith(3 * CHUNK_LINES + 3);
    const exact = await nodeRunWith(CHUNK_LINES);
    const small = await nodeRunWith(CHUNK_LINES - 1);

    // A server that stops after its first transaction: one chunk of one node run sealed.
    const first = await sealLogChunks(t.database.db, {
      nodeBatch: 1,
      chunkBatch: 1,
      isStopped: () => true,
    });
    expect(first.chunks).toBe(1);

    // The next server's background sealer seals the rest.
    const sealer = startLogSealer(t.database.db, { intervalMs: 10, idleMs: 10, chunkBatch: 1 });
    try {
      await until('every full chunk is sealed', async () => (await sealedOf(big)).length === 3, {
        timeoutMs: 30_000,
      });
      expect(await sealedOf(big)).toEqual(firsts(3));
      expect(await sealedOf(exact)).toEqual(firsts(1));
      expect(await sealedOf(small)).toEqual([]);

      // Lines that fill a chunk later are sealed by the running sealer too.
      await postLines(small, 1);
      await postLines(big, CHUNK_LINES);
      await until('the newly filled chunks are sealed', async () => {
        return (await sealedOf(small)).length === 1 && (await sealedOf(big)).length === 4;
      });
    } finally {
      await sealer.stop();
    }
    expect(await sealedOf(big)).toEqual(firsts(4));
    expect(await sealedOf(small)).toEqual(firsts(1));
    expect(await sealLogChunks(t.database.db)).toEqual({ chunks: 0, skipped: false });
  });

  /**
   * Runs `body` while a sealer ticks every 10 ms, paced by `options.ingestRate` with its bound
   * lowered to 3 chunks behind; the bound and the sealer are put back after.
   */
  async function withPacedSealer(
    options: Parameters<typeof startLogSealer>[1],
    body: () => Promise<void>,
  ) {
    const bound = SEAL_PACE.maxBehind;
    SEAL_PACE.maxBehind = 3;
    const sealer = startLogSealer(t.database.db, { intervalMs: 10, idleMs: 10, ...options });
    try {
      await body();
    } finally {
      SEAL_PACE.maxBehind = bound;
      await sealer.stop();
    }
  }

  it('waits while the ingest is busy, stays under its bound behind, and seals all once it slows', async () => {
    const work = await nodeRunWith(5 * CHUNK_LINES);
    let rate = 1_000_000;
    await withPacedSealer({ chunkBatch: 1, ingestRate: () => rate }, async () => {
      // 5 chunks behind, bound 3: sealed one at a time until 2 are left, then paced.
      await until('sealed down under the bound', async () => (await sealedOf(work)).length === 3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await sealedOf(work)).toEqual(firsts(3));
      // A chunk more puts it at the bound again: one is sealed, and the other two wait…
      await postLines(work, CHUNK_LINES);
      await until('back under the bound', async () => (await sealedOf(work)).length === 4);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await sealedOf(work)).toEqual(firsts(4));
      // …and when the ingest slows, everything is.
      rate = 0;
      await until('every chunk sealed', async () => (await sealedOf(work)).length === 6);
    });
    expect(await sealedOf(work)).toEqual(firsts(6));
  });

  it('paced, seals only the chunks past its bound, of the node runs past it', async () => {
    // Before s14ingest a node run at the bound had every node run's chunks sealed, up to
    // chunkBatch each: bursts that took the cores from the writes.
    const far = await nodeRunWith(5 * CHUNK_LINES);
    const near = await nodeRunWith(2 * CHUNK_LINES);
    let rate = 1_000_000;
    await withPacedSealer({ ingestRate: () => rate }, async () => {
      await until('the far one under the bound', async () => (await sealedOf(far)).length === 3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await sealedOf(far)).toEqual(firsts(3));
      expect(await sealedOf(near)).toEqual([]);
      rate = 0;
      await until('every chunk sealed', async () => (await sealedOf(near)).length === 2);
    });
    expect(await sealedOf(far)).toEqual(firsts(5));
    expect(await sealedOf(near)).toEqual(firsts(2));
  });

  it("paces by this process's ingest rate", async () => {
    const work = await nodeRunWith(1);
    await postLines(work, 5_000);
    expect(ingestLinesPerSecond()).toBeGreaterThanOrEqual(5_000);
    expect(ingestLinesPerSecond(Date.now() + 2_000)).toBe(0);
  });

  interface Counted {
    word: string;
    counts: number[][];
    expected: Record<string, number>;
  }
  // The sealer lower-cases ASCII itself and hands anything else to PostgreSQL; a search term is
  // lower-cased and split in PostgreSQL: both must give the same words.
  const asciiLines = [
    'UPPER lower MiXeD 0xDEADBEEF 3.14e-10 under_score a-b a.b a,b "quoted" [br] {cb} ~til`de',
    'tab\there; del\u007fsplit, back\\slash 100% done|piped @at #hash $dollar ^caret',
    'two\nlines in one message, UPPER again',
    '',
    '   ',
  ];
  const otherLines = [
    'Step 1: Done — ÄÖÜ İstanbul ẞtraße naïve café',
    '\u001b[31mERROR\u001b[0m disk_full at /var/lib/pg (98%)',
    'emoji 😀 and 日本語テキスト, nbsp\u00a0joined',
    ...asciiLines,
  ];
  it.each([
    ['ASCII lines (lower-cased by the sealer)', asciiLines, ['upper', 'mixed', '0xdeadbeef'], 0],
    ['colour codes and other scripts (by PostgreSQL)', otherLines, ['istanbul', 'error', '😀'], 0],
    ['a chunk too big to split here (split by PostgreSQL)', otherLines, ['istanbul', 'upper'], 1],
  ])("seals the word set PostgreSQL's own split gives: %s", async (_, lines, some, tooBig) => {
    const run = await startRun(t, 'sealer');
    const work = nodeRunOf(run, 'work').identifier;
    // Levels in a cycle that is not the lines' (7 and 4 share no factor with every length).
    const logs = Array.from({ length: CHUNK_LINES }, (_, i) => ({
      level: COUNT_LEVELS[(i * 7) % 3 === 0 ? 3 : i % 3]!,
      // A few numbers said in fewer lines than counted, one said twice in its line.
      message: `${lines[i % lines.length]} #${i % 7}${i % 300 === 5 ? ` id=${i} of ${i}, ${i % 2}` : ''}`,
    }));
    const res = await t.api('admin', 'POST', `/workflows/nodes/runs/${work}/logs`, { logs });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const limit = SPLIT_HERE_MAX_BYTES.value;
    if (tooBig) SPLIT_HERE_MAX_BYTES.value = 1_000;
    try {
      expect((await sealLogChunks(t.database.db)).chunks).toBeGreaterThanOrEqual(1);
    } finally {
      SPLIT_HERE_MAX_BYTES.value = limit;
    }
    const [row] = await selectRows<{
      sealed: string[];
      split: string[];
      counted: Counted[];
      numbers: string;
      byLine: string;
    }>(
      t.database.db,
      sql`WITH k AS (SELECT log_key FROM node_runs WHERE identifier = ${work}),
          c AS (SELECT * FROM log_chunks WHERE node_key = (SELECT log_key FROM k)),
          lw AS (SELECT seq, level, w
                 FROM log_lines,
                   unnest(regexp_split_to_array(
                     lower(regexp_replace(message, ${ANSI_PATTERN}, '', 'g')), ${SEPARATORS})) w
                 WHERE node_key = (SELECT log_key FROM k) AND w <> ''),
          -- PostgreSQL's own count of the lines holding each word, per level
          per AS (SELECT w, level, count(DISTINCT seq)::int AS n FROM lw GROUP BY 1, 2),
          -- Each line's uncounted numbers, once, in the order said, then its level's line end
          nums AS (SELECT l.seq, (SELECT string_agg(w, ' ' ORDER BY o) FROM (
                                    SELECT w, min(o) AS o
                                    FROM unnest(regexp_split_to_array(
                                      lower(regexp_replace(l.message, ${ANSI_PATTERN}, '', 'g')),
                                      ${SEPARATORS})) WITH ORDINALITY u(w, o)
                                    WHERE w ~ '^[0-9]+$'
                                      AND NOT w = ANY(string_to_array((SELECT counted FROM c), ' '))
                                    GROUP BY w) n) AS ns,
                          -- its entry: (offset · 4 + level) in three characters of LINE_ALPHABET
                          (SELECT string_agg(substr(${LINE_ALPHABET}, (x.n / d)::int % 31 + 1, 1), '' ORDER BY d DESC)
                           FROM (SELECT (l.seq - 1) * 4 + array_position(${sql.param([...COUNT_LEVELS])}::text[], l.level::text) - 1 AS n) x,
                                unnest(ARRAY[961, 31, 1]) d) AS e
                   FROM log_lines l WHERE node_key = (SELECT log_key FROM k))
          SELECT (SELECT array_remove(string_to_array(
                     regexp_replace(words, '![^ ]*', '', 'g') || ' ' ||
                     (CASE WHEN numbers_by_line
                           THEN (SELECT string_agg(DISTINCT n, ' ')
                                 FROM unnest(regexp_split_to_array(numbers, '[^0-9]+')) n)
                           ELSE numbers END)
                     || ' ' || counted, ' '), '') FROM c)
                   AS sealed,
            (SELECT numbers FROM c) AS numbers,
            (SELECT coalesce(string_agg(ns || e, '' ORDER BY seq), '') FROM nums) AS "byLine",
            (SELECT array_agg(DISTINCT w) FROM lw) AS split,
            (SELECT coalesce(json_agg(json_build_object('word', u.w, 'counts', c.counts[u.i:u.i][1:4],
                       'expected', (SELECT json_object_agg(level, n) FROM per WHERE per.w = u.w))), '[]')
             FROM c, unnest(string_to_array(nullif(c.counted, ''), ' ')) WITH ORDINALITY u(w, i))
              AS counted`,
    );
    expect(row!.sealed.length).toBeGreaterThan(30);
    expect([...row!.sealed].sort()).toEqual([...row!.split].sort());
    expect(row!.sealed).toEqual(expect.arrayContaining(some));
    // Words held by COUNTED_MIN_LINES lines or more carry their lines per level, as PostgreSQL
    // counts them (a chunk split by PostgreSQL, too big for the server, counts none).
    if (tooBig) expect(row!.counted).toEqual([]);
    else {
      expect(row!.counted.length).toBeGreaterThan(20);
      for (const { word, counts, expected } of row!.counted) {
        const want = COUNT_LEVELS.map((l) => expected[l] ?? 0);
        expect({ word, counts: counts[0] }).toEqual({ word, counts: want });
        expect(want.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(COUNTED_MIN_LINES);
      }
    }
    expect(row!.sealed).not.toContain('31m');
    // The uncounted numbers by line (each line's in the order said, then its entry: its offset
    // and level), as PostgreSQL splits the lines (a chunk split by PostgreSQL has none).
    if (!tooBig) {
      expect(row!.numbers).toBe(row!.byLine);
      // "id=305 of 305": once (the line's other numbers are counted, "5" among them: "#5").
      expect(row!.numbers.match(/[0-9 ]+/g)).toEqual(
        Array.from({ length: CHUNK_LINES }, (_, i) => i)
          .filter((i) => i % 300 === 5 && i > 5)
          .map(String),
      );
    }
  });

  it('finds its work through the chunk-end index, without reading node_runs', async () => {
    await nodeRunWith(CHUNK_LINES + 1);
    const plan = await t.database.db.transaction(async (tx) => {
      // With the table scans priced out, a plan still holding one means no index can serve it
      // (the index's predicate must match the query's literally).
      await tx.execute(sql`SET LOCAL enable_seqscan = off`);
      const rows = await selectRows<{ 'QUERY PLAN': unknown }>(
        tx,
        sql`EXPLAIN (FORMAT JSON) ${unsealedNodeRunsQuery(8)}`,
      );
      return JSON.stringify(rows[0]?.['QUERY PLAN']);
    });
    const relations = [...plan.matchAll(/"Relation Name":"([^"]+)"/g)].map((m) => m[1]);
    expect(relations).not.toContain('node_runs');
    expect(relations.some((r) => r?.startsWith('log_blocks'))).toBe(true);
    expect(plan).not.toContain('Seq Scan');
    expect(plan).toMatch(/Index (Only )?Scan/);
  });
});
