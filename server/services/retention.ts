import type { Db } from '../db/client';
import {
  deleteExpiredActionRuns,
  deleteWorkflowRunLogBatch,
  deleteWorkflowRuns,
  expiredWorkflowRuns,
  tryRetentionLock,
} from '../db/retention';

/** What one sweep deleted; `skipped` when another server held the sweep's lock. */
export interface RetentionReport {
  workflowRuns: number;
  logLines: number;
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
}

const DAY_MS = 86_400_000;

/**
 * Deletes finished workflow runs (node runs, log lines, work items) and finished action runs
 * (log lines, work items) that finished more than `days` days before `now`. Every batch is its
 * own short transaction holding a transaction-level advisory lock, so with several servers on
 * one database only one sweeps at a time (the others stop at their first batch) and nothing is
 * locked for long: a run's log lines go `lineBatch` at a time before the run row itself. Audit
 * entries stay: they are the record of who did what, kept whatever happened to the run.
 */
export async function sweepRetention(
  db: Db,
  now: Date,
  options: RetentionOptions,
): Promise<RetentionReport> {
  const cutoff = new Date(now.getTime() - options.days * DAY_MS);
  const runBatch = options.runBatch ?? 50;
  const lineBatch = options.lineBatch ?? 5_000;
  const report: RetentionReport = { workflowRuns: 0, logLines: 0, actionRuns: 0, skipped: false };

  for (;;) {
    const step = await db.transaction(async (tx) => {
      if (!(await tryRetentionLock(tx))) return 'locked' as const;
      const runs = await expiredWorkflowRuns(tx, cutoff, runBatch);
      if (!runs.length) return 'done' as const;
      const lines = await deleteWorkflowRunLogBatch(tx, runs, lineBatch);
      report.logLines += lines;
      // A full batch of lines: more may be left, so the runs wait for the next transaction.
      if (lines < lineBatch) report.workflowRuns += await deleteWorkflowRuns(tx, runs);
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
