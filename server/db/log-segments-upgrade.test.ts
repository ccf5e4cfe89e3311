import { describe, expect, it } from 'vitest';
import { upgradeFrom } from '../test/upgrade';

/**
 * The upgrade that reads a whole run's lines through log_segments instead of an index of every
 * line by (run_key, run_seq) (migration s18ingest_log_segments), on a database migrated up to
 * 0032 whose lines were written without segments.
 */
const BEFORE = '0032_s17server_audit_workflow_backfill';

const upgrade = upgradeFrom(BEFORE);

describe("upgrading a run's lines to be read through segments", () => {
  it('finds every stretch of one node run in its run, and drops the index of every line', async () => {
    await upgrade(async ({ q, migrateBefore, migrateAll, run, node }) => {
      await migrateBefore();
      const r1 = await run('wfr_SegUpgrade00001');
      const a = await node('wfnr_SegA0000000001', 'wfr_SegUpgrade00001');
      const b = await node('wfnr_SegB0000000001', 'wfr_SegUpgrade00001');
      const r2 = await run('wfr_SegUpgrade00002');
      const c = await node('wfnr_SegC0000000001', 'wfr_SegUpgrade00002');
      // Run 1: a 1–3, b 4–5, a 6–9 (a's seq 4–7), b 10; run 2: c alone, 1–5.
      const lines: [number, number, number, number][] = [
        [r1, a, 1, 1],
        [r1, a, 2, 2],
        [r1, a, 3, 3],
        [r1, b, 1, 4],
        [r1, b, 2, 5],
        [r1, a, 4, 6],
        [r1, a, 5, 7],
        [r1, a, 6, 8],
        [r1, a, 7, 9],
        [r1, b, 3, 10],
        ...[1, 2, 3, 4, 5].map((k): [number, number, number, number] => [r2, c, k, k]),
      ];
      for (const [runKey, nodeKey, seq, runSeq] of lines) {
        await q(
          `INSERT INTO node_run_lines (run_key, node_key, seq, run_seq, level, message, created_at)
           VALUES ($1, $2, $3, $4, 'INFO', 'line', now())`,
          [runKey, nodeKey, seq, runSeq],
        );
      }

      await migrateAll();

      const segments = await q<{
        run: number;
        runSeq: number;
        node: number;
        seq: number;
        n: number;
      }>(
        `SELECT run_key AS run, run_seq AS "runSeq", node_key AS node, seq, lines AS n
         FROM log_segments ORDER BY run_key, run_seq`,
      );
      expect(segments).toEqual([
        { run: r1, runSeq: 1, node: a, seq: 1, n: 3 },
        { run: r1, runSeq: 4, node: b, seq: 1, n: 2 },
        { run: r1, runSeq: 6, node: a, seq: 4, n: 4 },
        { run: r1, runSeq: 10, node: b, seq: 3, n: 1 },
        { run: r2, runSeq: 1, node: c, seq: 1, n: 5 },
      ]);
      // (node_run_lines, whose index by (run_key, run_seq) 0033 dropped, became blocks in 0036:
      // one a segment here.)
      expect(await q(`SELECT count(*)::int AS n FROM log_blocks`)).toEqual([
        { n: segments.length },
      ]);
    });
  });
});
