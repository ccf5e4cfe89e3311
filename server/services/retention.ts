import { withSession, type Db } from '../db/client';
import {
  cancelDetach,
  detachLogPartition,
  dropDetachedLogPartition,
  expiredLogPartitions,
  sessionPid,
  setSessionLockTimeout,
  trySessionLock,
  unlockSession,
  watchDetach,
  type SessionQuery,
} from '../db/log-partitions';
import {
  deleteExpiredActionRuns,
  deleteWorkflowRunLogBatch,
  deleteWorkflowRuns,
  expiredWorkflowRuns,
  RETENTION_LOCK_KEY,
  tryRetentionLock,
} from '../db/retention';
import { detachHeadroom, ensureLogHeadroom } from './log-partitions';

/** What one sweep deleted; `skipped` when another server held the sweep's lock. */
export interface RetentionReport {
  workflowRuns: number;
  /** Lines deleted in batches (not those of dropped partitions). */
  logLines: number;
  /** log_blocks partitions dropped whole, and about how many lines they held. */
  logPartitions: number;
  partitionLines: number;
  actionRuns: number;
  skipped: boolean;
}

export interface RetentionOptions {
  days: number;
  /** Runs taken per batch, and log lines deleted per transaction. */
  runBatch?: number;
  lineBatch?: number;
  /** Checked between batches: a server shutting down stops sweeping. */
  isStopped?: () => boolean;
  /** How long a partition's detach may wait for a lock before it is left for a later try. */
  lockTimeoutMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * Deletes finished workflow runs (node runs, log lines, work items) and finished action runs
 * (log lines, work items) that finished more than `days` days before `now`. First whole
 * partitions of log_blocks whose runs have all expired are detached (CONCURRENTLY: ingest
 * and reads go on) and dropped, which costs next to nothing whatever they hold; what is left
 * (expired runs in a partition that also holds live ones, and the run rows themselves) goes in
 * batches, each its own short transaction holding a transaction-level advisory lock, so with
 * several servers on one database only one sweeps at a time (the others stop at their first
 * batch) and nothing is locked for long: a run's log lines go `lineBatch` at a time before the
 * run row itself. Audit entries stay: they are the record of who did what, kept whatever
 * happened to the run.
 */
export async function sweepRetention(
  db: Db,
  now: Date,
  options: RetentionOptions,
): Promise<RetentionReport> {
  const cutoff = new Date(now.getTime() - options.days * DAY_MS);
  const runBatch = options.runBatch ?? 50;
  const lineBatch = options.lineBatch ?? 5_000;
  const report: RetentionReport = {
    workflowRuns: 0,
    logLines: 0,
    logPartitions: 0,
    partitionLines: 0,
    actionRuns: 0,
    skipped: false,
  };

  const dropped = await dropExpiredLogPartitions(db, now, cutoff, options);
  if (dropped === 'locked') return { ...report, skipped: true };
  report.logPartitions = dropped.partitions;
  report.partitionLines = dropped.lines;
  for (;;) {
    const step = await db.transaction(async (tx) => {
      if (!(await tryRetentionLock(tx))) return 'locked' as const;
      const runs = await expiredWorkflowRuns(tx, cutoff, runBatch);
      if (!runs.length) return 'done' as const;
      const lines = await deleteWorkflowRunLogBatch(
        tx,
        runs.map((r) => r.key),
        lineBatch,
      );
      report.logLines += lines;
      // A full batch of lines: more may be left, so the runs wait for the next transaction.
      if (lines < lineBatch) {
        report.workflowRuns += await deleteWorkflowRuns(
          tx,
          runs.map((r) => r.identifier),
        );
      }
      return 'more' as const;
    });
    if (step === 'locked') return { ...report, skipped: true };
    if (step === 'done' || options.isStopped?.()) break;
    await yieldToOthers();
  }
  for (;;) {
    const step = await db.transaction(async (tx) => {
      if (!(await tryRetentionLock(tx))) return 'locked' as const;
      const n = await deleteExpiredActionRuns(tx, cutoff, runBatch);
      report.actionRuns += n;
      return n ? ('more' as const) : ('done' as const);
    });
    if (step === 'locked') return { ...report, skipped: true };
    if (step === 'done' || options.isStopped?.()) break;
    await yieldToOthers();
  }
  return report;
}

/** Tries at a detach that runs into its lock timeout before leaving it for the next sweep. */
const DETACH_TRIES = 3;

/**
 * Drops the partitions whose runs have all expired, on one held connection (DETACH …
 * CONCURRENTLY refuses a transaction) holding the sweep's advisory lock at session level, so no
 * other server sweeps meanwhile. A detach that cannot get its locks within `lockTimeoutMs` is
 * tried again a little later, then left (pending, finished by the next sweep).
 */
async function dropExpiredLogPartitions(
  db: Db,
  now: Date,
  cutoff: Date,
  options: RetentionOptions,
): Promise<{ partitions: number; lines: number } | 'locked'> {
  return withSession(db, async (q) => {
    if (!(await trySessionLock(q, RETENTION_LOCK_KEY))) return 'locked' as const;
    const done = { partitions: 0, lines: 0 };
    try {
      await setSessionLockTimeout(q, options.lockTimeoutMs ?? 5_000);
      for (const partition of await expiredLogPartitions(db, cutoff)) {
        if (options.isStopped?.()) break;
        if (!(await detachWithRetries(db, q, partition.name, now))) break;
        await dropDetachedLogPartition(q, partition.name, now);
        done.partitions++;
        done.lines += partition.lines;
      }
    } finally {
      await setSessionLockTimeout(q, null);
      await unlockSession(q, RETENTION_LOCK_KEY);
    }
    return done;
  });
}

async function detachWithRetries(
  db: Db,
  q: SessionQuery,
  name: string,
  now: Date,
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    // Never detach with few run keys open ahead (see ensureLogHeadroom), before each try: runs
    // went on starting while the last one waited.
    const headroom = await detachHeadroom(db, now);
    if (!(await ensureLogHeadroom(db, headroom))) return false;
    try {
      if ((await watchedDetach(db, q, name, headroom / 4)) === 'gave way') {
        console.warn(
          `retention: detaching ${name} gave way to a burst of new runs; left for later`,
        );
        return false;
      }
      return true;
    } catch (err) {
      const lockTimeout = (err as { code?: string }).code === '55P03';
      if (!lockTimeout) throw err;
      if (attempt >= DETACH_TRIES) {
        console.warn(`retention: detaching ${name} timed out ${attempt} times; left for later`);
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
    }
  }
}

/** How often a detach under way is looked at (see watchedDetach). */
const DETACH_WATCH_MS = 100;

/**
 * Detaches while watching from another connection: should the run keys open ahead fall under
 * `floor` while the detach holds log_blocks' lock (DETACH … FINALIZE waiting for an old
 * snapshot, or the second step of CONCURRENTLY for the partition's readers), the detach is
 * cancelled — left pending, finished by a later sweep — before a new run's key needs the
 * trigger to open a partition, which takes that lock: starting a run never waits on a detach.
 */
async function watchedDetach(
  db: Db,
  q: SessionQuery,
  name: string,
  floor: number,
): Promise<'detached' | 'gave way'> {
  const pid = await sessionPid(q);
  let done = false;
  let gaveWay = false;
  const watch = (async () => {
    while (!done) {
      await new Promise((resolve) => setTimeout(resolve, DETACH_WATCH_MS));
      if (done) return;
      const seen = await watchDetach(db, pid);
      if (seen.holding && seen.ahead < floor) {
        // Before the cancel goes: the detach fails with it before the cancel's own answer comes.
        gaveWay = true;
        if (await cancelDetach(db, pid)) return;
        gaveWay = false;
      }
    }
  })().catch((err: unknown) => console.error('retention: watching a detach failed:', err));
  try {
    await detachLogPartition(q, name);
    return 'detached';
  } catch (err) {
    if (gaveWay && (err as { code?: string }).code === '57014') return 'gave way';
    throw err;
  } finally {
    done = true;
    await watch;
  }
}

/** Lets requests waiting on the pool go between two batches. */
const yieldToOthers = () => new Promise((resolve) => setTimeout(resolve, 10));

/**
 * Sweeps shortly after start and then every `intervalMs` until stopped; a failed sweep is
 * reported and tried again at the next tick.
 */
export function startRetention(
  db: Db,
  clock: () => Date,
  options: RetentionOptions & { intervalMs?: number; firstDelayMs?: number },
): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  const tick = () => {
    if (stopped) return;
    running = sweepRetention(db, clock(), { ...options, isStopped: () => stopped })
      .then((r) => {
        if (r.logPartitions) {
          console.log(
            `retention: dropped ${r.logPartitions} log partitions (about ${r.partitionLines} lines) whose runs all finished over ${options.days} days ago`,
          );
        }
        if (r.workflowRuns || r.actionRuns) {
          console.log(
            `retention: deleted ${r.workflowRuns} workflow runs (${r.logLines} log lines) and ${r.actionRuns} action runs finished over ${options.days} days ago`,
          );
        }
      })
      .catch((err: unknown) => {
        if (!stopped) console.error('retention sweep failed:', err);
      })
      .finally(() => {
        running = null;
        if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 3_600_000).unref();
      });
  };
  timer = setTimeout(tick, options.firstDelayMs ?? 30_000).unref();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
