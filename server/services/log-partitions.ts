import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  livePartitions,
  markPartitionSpans,
  nextRunKey,
  openLogPartition,
  runsCreatedSince,
  skipRunKeysTo,
  tryLogPartitionLock,
} from '../db/log-partitions';

/**
 * The maintainer of log_blocks' partitions (by run key; see db/log-partitions.ts). Each
 * partition covers about one `period` of runs: the partition that takes new runs (the current
 * one) is closed once it has taken runs for a period, by moving the run key sequence to the next
 * partition's first key (keys skipped are never used; 4-byte keys leave room for that), and one
 * partition is always open ahead of the current one, sized for twice the runs of the last period
 * (at least `minSpan` keys). Every server runs it; one at a time does the work (advisory lock),
 * and the SQL behind it is idempotent. If it falls behind, the trigger on workflow_runs opens
 * the partition a new run needs itself, so lines never lack one.
 */
export interface LogPartitionOptions {
  /** How long a partition takes new runs. */
  periodMs: number;
  /** Fewest run keys a partition opened ahead covers. */
  minSpan?: number;
}

export interface LogPartitionReport {
  opened: number;
  /** The current partition was closed by time. */
  closed: boolean;
  /** Another server held the maintainer's lock. */
  skipped: boolean;
}

/** The partition period: a quarter of RETENTION_DAYS (1 to 7 days), 7 days without retention. */
export function partitionPeriodDays(retentionDays: number | undefined, configured?: number) {
  if (configured) return configured;
  if (!retentionDays) return 7;
  return Math.min(7, Math.max(1, Math.round(retentionDays / 4)));
}

export async function maintainLogPartitions(
  db: Db,
  now: Date,
  options: LogPartitionOptions,
): Promise<LogPartitionReport> {
  const minSpan = options.minSpan ?? 1000;
  // Closing by time takes the run key sequence's lock (run creation waits for it): a
  // transaction of its own, as short as it can be, that gives up after 1 s of waiting for the
  // lock (its queued request would hold up run creation meanwhile) and tries next round.
  const closed = await closeIfDue(db, now, options).catch((err: unknown) => {
    if ((err as { code?: string }).code === '55P03') return false; // lock timeout: next round
    throw err;
  });
  if (closed === null) return { opened: 0, closed: false, skipped: true };
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL lock_timeout = '5s'`);
    if (!(await tryLogPartitionLock(tx))) return { opened: 0, closed, skipped: true };
    const next = await nextRunKey(tx);
    await markPartitionSpans(tx, next, now);
    const recent = await runsCreatedSince(tx, new Date(now.getTime() - options.periodMs));
    const span = Math.max(minSpan, 2 * recent);
    const holding = async () => (await livePartitions(tx)).find((p) => p.lo <= next && next < p.hi);
    let opened = 0;
    // The current partition (if keys outran the partitions, e.g. a run creation rolled back),
    // then one after it.
    if (!(await holding()) && (await openLogPartition(tx, next, span))) opened++;
    const current = await holding();
    if (current && (await openLogPartition(tx, current.hi, span))) opened++;
    return { opened, closed, skipped: false };
  });
}

/**
 * Run keys a detach leaves open ahead of the next run (at least): while retention detaches a
 * partition, no run started meanwhile needs the trigger to open one.
 */
export const DETACH_HEADROOM_KEYS = 1000;

/** The stretch of recent runs the headroom before a detach is sized by. */
const HEADROOM_WINDOW_MS = 600_000;

/**
 * Run keys to leave open ahead before a detach: as many as runs were started in the last ten
 * minutes, and at least DETACH_HEADROOM_KEYS. A detach holds log_blocks' lock for up to its
 * lock timeout (5 s) per try, so this covers a burst of over a hundred times the recent rate;
 * past that the sweep's watch gives way (services/retention.ts). Keys cost nothing until a
 * partition is closed by time with keys unused, and a partition opened ahead is sized for twice
 * a period's runs anyway.
 */
export async function detachHeadroom(db: Db, now: Date): Promise<number> {
  const recent = await runsCreatedSince(db, new Date(now.getTime() - HEADROOM_WINDOW_MS));
  return Math.max(DETACH_HEADROOM_KEYS, recent);
}

/**
 * Opens a partition ahead unless the open ones hold `keys` more run keys after the next run's.
 * Retention calls it before each detach: DETACH … FINALIZE holds log_blocks' SHARE UPDATE
 * EXCLUSIVE lock while it waits for every older snapshot (a long report, a backup: seconds, up
 * to its lock timeout), and opening a partition (ATTACH) needs that lock too, so a run whose key
 * had no partition would wait behind the detach inside its own INSERT (the trigger), and fail
 * after the function's 10 s lock timeout. Answers false when it could not make sure of it
 * (another server opening partitions kept it waiting over `lockTimeoutMs`): then no detach
 * should start.
 */
export async function ensureLogHeadroom(
  db: Db,
  keys: number,
  lockTimeoutMs = 5_000,
): Promise<boolean> {
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql.raw(`SET LOCAL lock_timeout = '${Math.round(lockTimeoutMs)}ms'`));
      const next = await nextRunKey(tx);
      const top = (await livePartitions(tx)).at(-1)?.hi ?? next;
      if (top - next < keys) await openLogPartition(tx, next + keys - 1, keys);
    });
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') return false; // lock timeout
    throw err;
  }
}

/**
 * Closes the current partition if it has taken runs for a period (null: another server holds
 * the maintainer's lock).
 */
async function closeIfDue(db: Db, now: Date, options: LogPartitionOptions) {
  return db.transaction(async (tx) => {
    await tx.execute(sql`SET LOCAL lock_timeout = '1s'`);
    if (!(await tryLogPartitionLock(tx))) return null;
    const next = await nextRunKey(tx);
    const current = (await livePartitions(tx)).find((p) => p.lo <= next && next < p.hi);
    const due =
      current?.startedAt && next > current.lo
        ? now.getTime() - current.startedAt.getTime() >= options.periodMs
        : false;
    return due && current ? skipRunKeysTo(tx, current.hi) : false;
  });
}

/**
 * Maintains once now (so a new database has its partitions before anything is written) and
 * then every `intervalMs` until stopped; a failed round is reported and tried again.
 */
export async function startLogPartitionMaintainer(
  db: Db,
  clock: () => Date,
  options: LogPartitionOptions & { intervalMs?: number },
): Promise<{ stop(): Promise<void> }> {
  let stopped = false;
  let running: Promise<unknown> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const round = () =>
    maintainLogPartitions(db, clock(), options).catch((err: unknown) => {
      if (!stopped) console.error('log partition maintenance failed:', err);
    });
  await round();
  const tick = () => {
    if (stopped) return;
    running = round().finally(() => {
      running = null;
      if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 600_000).unref();
    });
  };
  timer = setTimeout(tick, options.intervalMs ?? 600_000).unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
