import { sql } from 'drizzle-orm';
import { selectRows, type Tx } from './client';
import { deleteRunChunks } from './log-chunks';

/**
 * Queries of the retention sweep (services/retention.ts): each one is a short statement the
 * caller runs in its own small transaction, so no lock is held for long.
 */

/** Taken per batch with pg_try_advisory_xact_lock: one server sweeps at a time. */
export const RETENTION_LOCK_KEY = 0x52554e42; // 'RUNB'

/** True when this transaction holds the sweep's lock (false: another server is sweeping). */
export async function tryRetentionLock(tx: Tx): Promise<boolean> {
  const [row] = await selectRows<{ ok: boolean }>(
    tx,
    sql`SELECT pg_try_advisory_xact_lock(${RETENTION_LOCK_KEY}) AS ok`,
  );
  return row?.ok === true;
}

/**
 * Up to `limit` finished workflow runs completed before `cutoff`, oldest first, locked (rows a
 * writer holds are skipped and come up on a later batch), with their log keys.
 */
export async function expiredWorkflowRuns(
  tx: Tx,
  cutoff: Date,
  limit: number,
): Promise<{ identifier: string; key: number }[]> {
  return selectRows<{ identifier: string; key: number }>(
    tx,
    sql`SELECT identifier, log_key AS key FROM workflow_runs
        WHERE status = 'COMPLETED' AND completed_at < ${cutoff.toISOString()}
        ORDER BY completed_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  );
}

/**
 * Deletes up to `limit` log lines of the runs with these log keys; answers how many it deleted.
 * Both statements name the run keys, so only the partitions holding them are read.
 */
export async function deleteWorkflowRunLogBatch(
  tx: Tx,
  runKeys: number[],
  limit: number,
): Promise<number> {
  const keys = sql`${sql.param(runKeys)}::int[]`;
  const rows = await selectRows<{ n: number }>(
    tx,
    sql`WITH nodes AS (
          SELECT n.log_key FROM node_runs n JOIN workflow_runs r
            ON r.identifier = n.workflow_run_identifier WHERE r.log_key = ANY(${keys})
        ), doomed AS (
          -- Whole blocks (db/log-blocks.ts), as many as begin within the first (limit) lines.
          SELECT node_key, first_seq FROM (
            SELECT node_key, first_seq,
              sum(last_seq - first_seq + 1) OVER (ORDER BY node_key, first_seq)
                - (last_seq - first_seq + 1) AS before
            FROM log_blocks
            WHERE run_key = ANY(${keys}) AND node_key IN (SELECT log_key FROM nodes)) b
          WHERE before < ${limit}
        ), gone AS (
          DELETE FROM log_blocks l USING doomed d
          WHERE l.run_key = ANY(${keys}) AND l.node_key = d.node_key AND l.first_seq = d.first_seq
          RETURNING l.last_seq - l.first_seq + 1 AS n
        ) SELECT coalesce(sum(n), 0)::int AS n FROM gone`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Deletes these workflow runs (their node runs cascade), their log search chunks and segments and
 * the work items owed for their node runs; their log lines must be gone already. Answers how many runs it
 * deleted.
 */
export async function deleteWorkflowRuns(tx: Tx, runs: string[]): Promise<number> {
  await deleteRunChunks(tx, runs);
  await tx.execute(
    sql`DELETE FROM log_segments WHERE run_key IN (
          SELECT log_key FROM workflow_runs WHERE identifier = ANY(${sql.param(runs)}::text[]))`,
  );
  await tx.execute(
    sql`DELETE FROM work_items WHERE kind IN ('node_run', 'agent_node_run')
        AND subject_id IN (SELECT identifier FROM node_runs
                           WHERE workflow_run_identifier = ANY(${sql.param(runs)}::text[]))`,
  );
  const rows = await selectRows<{ n: number }>(
    tx,
    sql`WITH gone AS (
          DELETE FROM workflow_runs WHERE identifier = ANY(${sql.param(runs)}::text[]) RETURNING 1
        ) SELECT count(*)::int AS n FROM gone`,
  );
  return rows[0]?.n ?? 0;
}

/**
 * Deletes up to `limit` action runs that ended before `cutoff` (their log lines cascade) and the
 * work items owed for them. Answers how many runs it deleted.
 */
export async function deleteExpiredActionRuns(
  tx: Tx,
  cutoff: Date,
  limit: number,
): Promise<number> {
  const rows = await selectRows<{ id: string }>(
    tx,
    sql`SELECT id FROM action_runs
        WHERE status IN ('SUCCESS', 'FAILURE', 'DECLINED') AND ended_at < ${cutoff.toISOString()}
        ORDER BY ended_at LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
  );
  if (!rows.length) return 0;
  const ids = rows.map((r) => r.id);
  await tx.execute(
    sql`DELETE FROM work_items WHERE kind IN ('action_run', 'agent_action_run')
        AND subject_id = ANY(${sql.param(ids)}::text[])`,
  );
  await tx.execute(sql`DELETE FROM action_runs WHERE id = ANY(${sql.param(ids)}::text[])`);
  return ids.length;
}
