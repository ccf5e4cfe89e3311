import { describe, expect, it } from 'vitest';
import { openPostgres } from './client';
import { upgradeFrom } from '../test/upgrade';

/**
 * The upgrade to partitioned log lines (custom migration h17part_partitioned_lines) on a
 * database migrated up to 0018 that holds runs over three weeks and their lines.
 */
const BEFORE_PARTITIONS = '0018_drop_node_run_logs';
const DAY = 86_400_000;

const upgrade = upgradeFrom(BEFORE_PARTITIONS);

describe('upgrading to partitioned log lines', () => {
  it('copies every line into weekly partitions by run key and goes on numbering', async () => {
    await upgrade(async ({ url, q, migrateBefore, migrateAll }) => {
      await migrateBefore();
      expect(await q(`SELECT to_regclass('log_partitions') AS t`)).toEqual([{ t: null }]);
      // 30 runs, one every 12 hours from 20 days ago (three calendar weeks or four), each with a
      // node run of 50 lines (every 10th an ERROR).
      const start = Date.now() - 20 * DAY;
      for (let i = 0; i < 30; i++) {
        const at = new Date(start + i * DAY * 0.5).toISOString();
        await q(
          `INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status,
             result, created_by, created_at, updated_at, completed_at)
           VALUES ($1, 'wf', 1, 'COMPLETED', 'SUCCESS', 'u', $2, $2, $2)`,
          [`wfr_Upgrade${String(i).padStart(9, '0')}`, at],
        );
        await q(
          `INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier,
             node_config_type, status, created_at, updated_at, log_seq)
           VALUES ($1, $2, 'work', 'WEBHOOK', 'COMPLETED', $3, $3, 50)`,
          [
            `wfnr_Upgrade${String(i).padStart(8, '0')}`,
            `wfr_Upgrade${String(i).padStart(9, '0')}`,
            at,
          ],
        );
        await q(
          `INSERT INTO node_run_lines (node_key, seq, run_key, run_seq, created_at, level, message)
           SELECT n.log_key, g, r.log_key, g, $2, CASE WHEN g % 10 = 0 THEN 'ERROR' ELSE 'INFO' END,
                  'line ' || g
           FROM node_runs n JOIN workflow_runs r ON r.identifier = n.workflow_run_identifier,
                generate_series(1, 50) g
           WHERE n.identifier = $1`,
          [`wfnr_Upgrade${String(i).padStart(8, '0')}`, at],
        );
      }
      // The lines as a person reads them (their ids are renumbered by s19blocks' blocks).
      const linesOf = (table: string) =>
        `SELECT count(*)::int AS n, md5(string_agg(concat_ws(':', run_key, node_key, seq, run_seq,
           level, message, created_at), ',' ORDER BY run_key, seq)) AS lines FROM ${table}`;
      const [before] = await q<{ n: number; lines: string }>(linesOf('node_run_lines'));
      expect(before!.n).toBe(1500);
      const weeks = await q<{ n: number }>(
        `SELECT count(DISTINCT date_trunc('week', created_at))::int AS n FROM workflow_runs`,
      );

      await migrateAll();

      expect(
        await q(`SELECT partstrat FROM pg_partitioned_table
                 WHERE partrelid = 'log_blocks'::regclass`),
      ).toEqual([{ partstrat: 'r' }]);
      const [after] = await q<{ n: number; lines: string }>(linesOf('log_lines'));
      expect(after).toEqual(before);
      // One partition per week of runs, and the current one for the runs to come.
      const parts = await q<{ name: string; lo: number; hi: number; started: string | null }>(
        `SELECT name, lo, hi, started_at AS started FROM log_partitions ORDER BY lo`,
      );
      expect(parts).toHaveLength(weeks[0]!.n);
      for (let i = 1; i < parts.length; i++) expect(parts[i]!.lo).toBe(parts[i - 1]!.hi);
      expect(parts.every((p) => p.started !== null)).toBe(true);
      expect(parts.every((p) => p.name.startsWith('log_blocks_'))).toBe(true);
      // Every line sits in the partition whose keys hold its run's key, and every run's lines
      // in one partition.
      const misplaced = await q(
        `SELECT l.run_key, l.tableoid::regclass::text AS t FROM log_blocks l
         JOIN log_partitions p ON p.name = l.tableoid::regclass::text
         WHERE NOT (l.run_key >= p.lo AND l.run_key < p.hi)`,
      );
      expect(misplaced).toEqual([]);
      const split = await q(
        `SELECT run_key FROM log_blocks GROUP BY run_key HAVING count(DISTINCT tableoid) > 1`,
      );
      expect(split).toEqual([]);
      // The indexes are there (on every partition), the ids go on after the copied ones.
      const indexes = await q<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename = 'log_blocks' ORDER BY 1`,
      );
      expect(indexes.map((i) => i.indexname)).toEqual([
        'log_blocks_chunk_end_idx', // the sealer's chunk ends
        'log_blocks_marked_idx',
      ]);
      const [{ maxId }] = (await q<{ maxId: string }>(
        `SELECT max(id)::text AS "maxId" FROM log_lines`,
      )) as [{ maxId: string }];
      await q(
        `INSERT INTO log_lines_in (node_key, seq, run_key, run_seq, created_at, level, message)
         SELECT n.log_key, 51, r.log_key, 51, now(), 'INFO', 'after the upgrade'
         FROM node_runs n JOIN workflow_runs r ON r.identifier = n.workflow_run_identifier
         WHERE n.identifier = 'wfnr_Upgrade00000029'`,
      );
      const [added] = await q<{ id: string }>(
        `SELECT id::text FROM log_lines WHERE message = 'after the upgrade'`,
      );
      expect(BigInt(added!.id)).toBeGreaterThan(BigInt(maxId));
      // (node_key, first_seq) is unique: each partition's primary key.
      await expect(
        q(
          `INSERT INTO log_lines_in (node_key, seq, run_key, run_seq, created_at, level, message)
           SELECT n.log_key, 51, r.log_key, 52, now(), 'INFO', 'a second line 51'
           FROM node_runs n JOIN workflow_runs r ON r.identifier = n.workflow_run_identifier
           WHERE n.identifier = 'wfnr_Upgrade00000029'`,
        ),
      ).rejects.toThrow(/duplicate key/);
      // And the server opens it as it is (nothing left to migrate).
      const database = await openPostgres(url);
      await database.close();
    });
  });
});
