import { describe, expect, it } from 'vitest';
import { upgradeFrom } from '../test/upgrade';
import { openPostgres } from './client';
import { readLogPage } from './workflow-runs';

/**
 * The upgrade that stores a node run's lines as blocks (migration s19blocks_log_blocks), on a
 * database migrated up to 0034 whose lines are rows of node_run_lines with their segments.
 */
const BEFORE = '0034_s18search_chunk_overlaps';

const upgrade = upgradeFrom(BEFORE);

/** A line as a person reads it, whatever stores it. */
interface Line {
  node: number;
  seq: number;
  run: number;
  runSeq: number;
  level: string;
  message: string;
  tags: unknown;
  at: string;
}

const LINES = `SELECT node_key AS node, seq, run_key AS run, run_seq AS "runSeq", level, message, tags,
                 to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') AS at`;

describe('upgrading log lines to blocks', () => {
  it('converts every line into blocks by its segments, cut every 4 096 lines, and reads them the same', async () => {
    await upgrade(async ({ url, q, migrateBefore, migrateAll, run, node }) => {
      await migrateBefore();
      const r1 = await run('wfr_BlkUpgrade00001');
      const a = await node('wfnr_BlkA0000000001', 'wfr_BlkUpgrade00001');
      const b = await node('wfnr_BlkB0000000001', 'wfr_BlkUpgrade00001');
      const r2 = await run('wfr_BlkUpgrade00002');
      const c = await node('wfnr_BlkC0000000001', 'wfr_BlkUpgrade00002');
      // Run 1: a 1–3, b 4–5, a 6–5 005 (a's seq 4–5 003: one segment longer than a block), b
      // 5 006; run 2: c alone, 1–5. Each line its own time; tags on some; every level.
      const stretches: [run: number, node: number, seq: number, runSeq: number, n: number][] = [
        [r1, a, 1, 1, 3],
        [r1, b, 1, 4, 2],
        [r1, a, 4, 6, 5000],
        [r1, b, 3, 5006, 1],
        [r2, c, 1, 1, 5],
      ];
      for (const [runKey, nodeKey, seq, runSeq, n] of stretches) {
        await q(
          `INSERT INTO node_run_lines (run_key, node_key, seq, run_seq, level, message, tags,
             created_at)
           SELECT $1, $2, $3 + g, $4 + g,
             (ARRAY['DEBUG', 'INFO', 'WARN', 'ERROR'])[1 + ($4 + g) % 4],
             'line ' || ($4 + g) || CASE WHEN g % 7 = 0 THEN E'\\nsecond "row" \\\\ é' ELSE '' END,
             CASE WHEN g % 5 = 0 THEN jsonb_build_object('k', g::text) END,
             '2026-11-01T00:00:00Z'::timestamptz + ($4 + g) * interval '1 millisecond'
           FROM generate_series(0, $5 - 1) g`,
          [runKey, nodeKey, seq, runSeq, n],
        );
      }
      await q(`UPDATE node_runs SET log_seq = (SELECT count(*) FROM node_run_lines
                 WHERE node_key = node_runs.log_key)`);
      await q(`UPDATE workflow_runs SET log_seq = (SELECT count(*) FROM node_run_lines
                 WHERE run_key = workflow_runs.log_key)`);
      await q(`SELECT runboard_rebuild_log_segments(ARRAY[${r1}, ${r2}])`);
      const before = await q<Line>(`${LINES} FROM node_run_lines ORDER BY run, "runSeq"`);
      expect(before).toHaveLength(5011);

      await migrateAll();

      expect(await q(`SELECT to_regclass('node_run_lines') AS t`)).toEqual([{ t: null }]);
      expect(await q<Line>(`${LINES} FROM log_lines ORDER BY run, "runSeq"`)).toEqual(before);
      // One block a segment, the long one cut at a's seq 4 096: each block's lines numbered
      // first_seq…last_seq and run_seq… without a gap.
      const blocks = await q<{ node: number; first: number; last: number; n: number }>(
        `SELECT node_key AS node, first_seq AS first, last_seq AS last,
           cardinality(messages) AS n FROM log_blocks ORDER BY run_key, run_seq`,
      );
      expect(blocks).toEqual([
        { node: a, first: 1, last: 3, n: 3 },
        { node: b, first: 1, last: 2, n: 2 },
        { node: a, first: 4, last: 4096, n: 4093 },
        { node: a, first: 4097, last: 5003, n: 907 },
        { node: b, first: 3, last: 3, n: 1 },
        { node: c, first: 1, last: 5, n: 5 },
      ]);
      // Every line's id is new and unique.
      expect(await q(`SELECT count(DISTINCT id)::int AS n FROM log_lines`)).toEqual([{ n: 5011 }]);

      // The server reads them as before: a node run's page after a cursor and its tail, a whole
      // run's page, each across the cut.
      const database = await openPostgres(url);
      try {
        const db = database.db;
        const pageOf = async (
          of: { nodeRun: string } | { run: string },
          query: Record<string, string | number>,
        ) => {
          const page = await readLogPage(db, { of, finished: false, counts: null }, {
            limit: 100,
            ...query,
          } as Parameters<typeof readLogPage>[2]);
          return page.rows.map((r) => `${r.seq}/${r.runSeq} ${r.level} ${r.message}`);
        };
        const show = (l: Line) => `${l.seq}/${l.runSeq} ${l.level} ${l.message}`;
        const ofA = before.filter((l) => l.node === a);
        expect(await pageOf({ nodeRun: 'wfnr_BlkA0000000001' }, { cursor: '4050' })).toEqual(
          ofA.slice(4050, 4150).map(show),
        );
        expect(await pageOf({ nodeRun: 'wfnr_BlkA0000000001' }, { tail: 'true' })).toEqual(
          ofA.slice(-100).map(show),
        );
        const ofR1 = before.filter((l) => l.run === r1);
        expect(
          await pageOf({ run: 'wfr_BlkUpgrade00001' }, { cursor: '4000', limit: 1000 }),
        ).toEqual(ofR1.slice(4000, 5000).map(show));
      } finally {
        await database.close();
      }
      // New blocks get ids after the converted ones.
      const [{ max }] = (await q<{ max: string }>(
        `SELECT max(id)::text AS max FROM log_lines`,
      )) as [{ max: string }];
      await q(
        `INSERT INTO log_lines_in (node_key, seq, run_key, run_seq, created_at, level, message)
         VALUES (${c}, 6, ${r2}, 6, now(), 'INFO', 'after the upgrade')`,
      );
      const [added] = await q<{ id: string }>(
        `SELECT id::text FROM log_lines WHERE message = 'after the upgrade'`,
      );
      expect(BigInt(added!.id)).toBeGreaterThan(BigInt(max));
    });
  });
});
