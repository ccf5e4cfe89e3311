import { sql } from 'drizzle-orm';
import { selectRows, type DbOrTx, type Tx } from './client';

/**
 * Queries behind log_blocks' partitions (custom migration h17part_partitioned_lines): the
 * table is partitioned by RANGE (run_key), one partition per stretch of run keys, recorded in
 * log_partitions. services/log-partitions.ts opens them ahead and closes them by time;
 * services/retention.ts drops the expired ones.
 */

/** Taken by the maintainer and by `runboard_open_log_partition` (the same number in SQL). */
export const LOG_PARTITION_LOCK_KEY = 1280266068; // 'LOGT'

export interface LogPartition {
  name: string;
  /** Run keys `[lo, hi)`. */
  lo: number;
  hi: number;
  startedAt: Date | null;
  closedAt: Date | null;
}

/** True when this transaction holds the maintainer's lock (false: another server maintains). */
export async function tryLogPartitionLock(tx: Tx): Promise<boolean> {
  const [row] = await selectRows<{ ok: boolean }>(
    tx,
    sql`SELECT pg_try_advisory_xact_lock(${LOG_PARTITION_LOCK_KEY}) AS ok`,
  );
  return row?.ok === true;
}

/** The key the next workflow run will get. */
export async function nextRunKey(db: DbOrTx): Promise<number> {
  const [row] = await selectRows<{ k: string }>(
    db,
    sql`SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END AS k
        FROM workflow_runs_log_key_seq`,
  );
  return Number(row!.k);
}

/** The partitions not dropped, by key. */
export async function livePartitions(db: DbOrTx): Promise<LogPartition[]> {
  const rows = await selectRows<{
    name: string;
    lo: number;
    hi: number;
    started_at: string | null;
    closed_at: string | null;
  }>(
    db,
    sql`SELECT name, lo, hi, started_at, closed_at FROM log_partitions
        WHERE dropped_at IS NULL ORDER BY lo`,
  );
  const at = (v: string | null) => (v === null ? null : new Date(v));
  return rows.map((r) => ({
    name: r.name,
    lo: r.lo,
    hi: r.hi,
    startedAt: at(r.started_at),
    closedAt: at(r.closed_at),
  }));
}

/**
 * Records what the keys say at `now`: a partition starts when a key in it has been handed out
 * (`next` is past its first key) and closes when every key in it has (`next` is past its end).
 */
export async function markPartitionSpans(tx: Tx, next: number, now: Date) {
  await tx.execute(
    sql`UPDATE log_partitions SET started_at = ${now.toISOString()}
        WHERE started_at IS NULL AND lo < ${next}`,
  );
  await tx.execute(
    sql`UPDATE log_partitions SET closed_at = ${now.toISOString()}
        WHERE closed_at IS NULL AND hi <= ${next}`,
  );
}

/**
 * Moves the run key sequence up to `to` (the next run gets `to`), closing the partition below
 * it before it is full. The first ALTER SEQUENCE changes nothing but takes the sequence's lock,
 * which nextval also takes (ALTER SEQUENCE blocks it until this transaction ends, and waits for
 * transactions that drew a key), so the key read next cannot move before the restart: keys only
 * ever go up. Answers false when the sequence is at `to` or past it already.
 */
export async function skipRunKeysTo(tx: Tx, to: number): Promise<boolean> {
  await tx.execute(sql`ALTER SEQUENCE workflow_runs_log_key_seq MAXVALUE 2147483647`);
  if ((await nextRunKey(tx)) >= to) return false;
  await tx.execute(sql.raw(`ALTER SEQUENCE workflow_runs_log_key_seq RESTART WITH ${to}`));
  return true;
}

/** Opens the partition holding run key `want` (`span` keys or more) if none does; see the SQL. */
export async function openLogPartition(tx: Tx, want: number, span: number): Promise<boolean> {
  const [row] = await selectRows<{ opened: boolean }>(
    tx,
    sql`SELECT runboard_open_log_partition(${want}::int, ${span}::int) AS opened`,
  );
  return row?.opened === true;
}

/** Workflow runs created since `since` (by the runs list's index on created_at). */
export async function runsCreatedSince(db: DbOrTx, since: Date): Promise<number> {
  const [row] = await selectRows<{ n: number }>(
    db,
    sql`SELECT count(*)::int AS n FROM workflow_runs WHERE created_at > ${since.toISOString()}`,
  );
  return row?.n ?? 0;
}

/**
 * Partitions retention may drop whole: closed before `cutoff` (no run can join them any more;
 * a run whose key was drawn then has long committed) and every run with a key in them completed
 * before `cutoff` or gone. With the lines they hold (their blocks' line counts). One
 * whose detach was cut short comes first: while a partition of log_blocks is pending detach,
 * PostgreSQL refuses to start detaching any other ("already pending detach").
 */
export async function expiredLogPartitions(
  db: DbOrTx,
  cutoff: Date,
): Promise<(LogPartition & { lines: number })[]> {
  const rows = await selectRows<{ name: string; lo: number; hi: number; lines: number | null }>(
    db,
    sql`SELECT p.name, p.lo, p.hi,
          (SELECT sum(b.last_seq - b.first_seq + 1) FROM log_blocks b
           WHERE b.run_key >= p.lo AND b.run_key < p.hi)::float8 AS lines
        FROM log_partitions p LEFT JOIN pg_class c ON c.oid = to_regclass(p.name)
          LEFT JOIN pg_inherits i ON i.inhrelid = c.oid
        WHERE p.dropped_at IS NULL AND p.closed_at < ${cutoff.toISOString()}
          AND NOT EXISTS (
            SELECT 1 FROM workflow_runs r WHERE r.log_key >= p.lo AND r.log_key < p.hi
              AND NOT (r.status = 'COMPLETED' AND r.completed_at < ${cutoff.toISOString()}))
        ORDER BY i.inhdetachpending IS TRUE DESC, p.lo`,
  );
  return rows.map((r) => ({
    name: r.name,
    lo: r.lo,
    hi: r.hi,
    startedAt: null,
    closedAt: null,
    lines: Math.max(0, Math.round(r.lines ?? 0)),
  }));
}

/** A query on one held connection, outside a transaction (client.ts `withSession`). */
export type SessionQuery = (text: string, values?: unknown[]) => Promise<unknown[]>;

/** Partition names are made by the SQL function: log_blocks_<lo> (m for a minus); node_run_lines_<lo> before s19blocks. */
function partitionIdent(name: string) {
  if (!/^(log_blocks|log_blocks)_m?\d+$/.test(name))
    throw new Error(`Not a log partition: ${name}`);
  return `"${name}"`;
}

export async function setSessionLockTimeout(q: SessionQuery, ms: number | null) {
  await q(`SELECT set_config('lock_timeout', $1, false)`, [ms === null ? '0' : `${ms}ms`]);
}

/** A session-level advisory lock (the retention sweep's, held across the detach's two steps). */
export async function trySessionLock(q: SessionQuery, key: number): Promise<boolean> {
  const [row] = (await q(`SELECT pg_try_advisory_lock($1) AS ok`, [key])) as { ok: boolean }[];
  return row?.ok === true;
}

export async function unlockSession(q: SessionQuery, key: number) {
  await q(`SELECT pg_advisory_unlock($1)`, [key]);
}

/**
 * Detaches a partition from log_blocks with `DETACH PARTITION … CONCURRENTLY`: readers and
 * writers of log_blocks are never blocked (SHARE UPDATE EXCLUSIVE on the parent); it waits
 * for the transactions that could see the partition, then takes it alone. A detach cut short
 * (lock timeout, crash) leaves it pending, and the next call completes it with FINALIZE; one
 * detached already is left as it is.
 */
export async function detachLogPartition(q: SessionQuery, name: string) {
  const [row] = (await q(
    `SELECT inhdetachpending AS pending FROM pg_inherits
     WHERE inhrelid = to_regclass($1) AND inhparent = 'log_blocks'::regclass`,
    [name],
  )) as { pending: boolean }[];
  if (!row) return;
  await q(
    `ALTER TABLE log_blocks DETACH PARTITION ${partitionIdent(name)} ${row.pending ? 'FINALIZE' : 'CONCURRENTLY'}`,
  );
}

/** Drops a detached partition (its files go at once, little WAL) and records when. */
export async function dropDetachedLogPartition(q: SessionQuery, name: string, now: Date) {
  await q(`DROP TABLE IF EXISTS ${partitionIdent(name)}`);
  await q(`UPDATE log_partitions SET dropped_at = $2 WHERE name = $1`, [name, now.toISOString()]);
}

/** The backend serving a held session, to watch or cancel what it runs from another connection. */
export async function sessionPid(q: SessionQuery): Promise<number> {
  const [row] = (await q(`SELECT pg_backend_pid() AS pid`)) as { pid: number }[];
  return row!.pid;
}

/**
 * While backend `pid` detaches a partition: how many run keys the open partitions still hold
 * after the next run's (the trigger on workflow_runs opens a partition, which needs
 * log_blocks' lock, once they are used up), and whether the detach holds that lock now.
 */
export async function watchDetach(
  db: DbOrTx,
  pid: number,
): Promise<{ ahead: number; holding: boolean }> {
  const [row] = await selectRows<{ ahead: number | null; holding: boolean }>(
    db,
    sql`SELECT (SELECT max(hi) FROM log_partitions WHERE dropped_at IS NULL)
               - (SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END
                  FROM workflow_runs_log_key_seq) AS ahead,
               EXISTS (SELECT 1 FROM pg_locks WHERE pid = ${pid} AND granted
                       AND locktype = 'relation' AND relation = 'log_blocks'::regclass) AS holding`,
  );
  return { ahead: Number(row?.ahead ?? 0), holding: row?.holding === true };
}

/**
 * Cancels the detach backend `pid` is running, if it still is (checked in the same statement,
 * so a cancel never reaches a statement of the session's that came after). Answers whether it
 * sent one.
 */
export async function cancelDetach(db: DbOrTx, pid: number): Promise<boolean> {
  const rows = await selectRows<{ sent: boolean }>(
    db,
    sql`SELECT pg_cancel_backend(pid) AS sent FROM pg_stat_activity
        WHERE pid = ${pid} AND state = 'active'
          AND query LIKE 'ALTER TABLE log_blocks DETACH PARTITION %'`,
  );
  return rows[0]?.sent === true;
}
