import { hostname } from 'node:os';
import type { Db } from '../db/client';
import {
  claimWork,
  enqueueOwedWork,
  finishWork,
  releaseWork,
  renewLeases,
  retryWorkAt,
  type WorkItem,
} from '../db/work-queue';
import { randomId16 } from '../domain/ids';
import { retryDelayMs, type AttemptOutcome, type RetryPolicy } from '../domain/work-queue';
import { executeActionRun } from './action-runs';
import type { DeliveryAttempt, DeliveryOptions } from './http';
import { organizationSecret } from './signing';
import { executeNodeRun, type BackendContext } from './workflow-nodes';

export interface BackendOptions extends DeliveryOptions {
  /** Signs requests instead of the secret stored for the organization. */
  secret?: string | undefined;
  /** Requests in flight at once on this server; the queue holds the rest. */
  concurrency: number;
  /**
   * Requests in flight to one host at once, across the servers sharing the database: items of a
   * host at its cap wait, so a slow or dead backend cannot take every slot from the others.
   */
  hostConcurrency: number;
  /** How often the queue is looked at for due work (besides after every write request). */
  pollMs: number;
  /** How long a claim holds before any server may take the item again; renewed while in flight. */
  leaseMs: number;
  /** Longest wait between two attempts. */
  maxBackoffMs: number;
  /** On stop, how long requests in flight may take before their items are handed back. */
  graceMs: number;
}

export const DEFAULT_BACKEND_OPTIONS: BackendOptions = {
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 500,
  maxBackoffMs: 60_000,
  concurrency: 8,
  hostConcurrency: 4,
  pollMs: 1000,
  leaseMs: 30_000,
  graceMs: 10_000,
};

export interface Dispatcher {
  /** Looks for work to do now (after a request committed). */
  kick: () => void;
  /**
   * Stops claiming, waits for requests in flight up to the grace period, and hands back to the
   * queue what is still unfinished, so another server (or the next start) delivers it.
   */
  stop: () => Promise<void>;
  /** This server's name on the leases it holds. */
  owner: string;
  /** Attempts per delivery in all (WEBHOOK_RETRIES + 1), as runs show them. */
  maxAttempts: number;
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Runs the durable work queue (server/db/work-queue.ts): moves owed node runs and action runs
 * onto it, claims as many items as it has free slots, executes each outside any transaction, and
 * settles each item from the attempt's outcome (done, or retried later with back-off and jitter
 * until the policy gives up, when the executor has already failed the run with the reason).
 * Nothing owed lives only in memory: a crash leaves leases that run out and any server reclaims.
 */
export function startDispatcher(
  db: Db,
  clock: () => Date,
  options: BackendOptions = DEFAULT_BACKEND_OPTIONS,
): Dispatcher {
  const owner = `${hostname()}:${process.pid}:${randomId16().slice(0, 6)}`;
  const policy: RetryPolicy = {
    maxAttempts: options.retries + 1,
    backoffMs: options.backoffMs,
    maxBackoffMs: options.maxBackoffMs,
  };
  let secret: Promise<string> | null = null;
  const ctx: BackendContext = {
    db,
    clock,
    delivery: options,
    secret: () =>
      (secret ??= options.secret ? Promise.resolve(options.secret) : organizationSecret(db)),
  };
  const inFlight = new Map<string, Promise<void>>();
  let stopped = false;
  let scanning: Promise<void> | null = null;
  let again = false;
  const leaseEnd = () => new Date(clock().getTime() + options.leaseMs);

  async function settle(item: WorkItem, outcome: AttemptOutcome) {
    if (outcome.kind === 'done') return finishWork(db, item.id, owner, 'done', clock());
    if (outcome.kind === 'failed') {
      return finishWork(db, item.id, owner, 'failed', clock(), outcome.reason);
    }
    const now = clock();
    const at = new Date(now.getTime() + retryDelayMs(policy, item.attempts, Math.random()));
    await retryWorkAt(db, item.id, owner, now, at, outcome.reason);
    // Come back when it is due rather than at the next poll.
    setTimeout(kick, at.getTime() - now.getTime()).unref();
  }

  function execute(item: WorkItem): Promise<AttemptOutcome> {
    const attempt: DeliveryAttempt = { id: item.id, number: item.attempts, of: policy.maxAttempts };
    return item.kind === 'node_run'
      ? executeNodeRun(ctx, item.subjectId, attempt)
      : executeActionRun(ctx, item.subjectId, attempt);
  }

  function start(item: WorkItem) {
    const run = execute(item)
      .then((outcome) => settle(item, outcome))
      .catch(async (err: unknown) => {
        console.error(`backend invocation ${item.id} failed:`, err);
        // An unexpected error is retried like a failed delivery, so the work is not dropped.
        const reason = err instanceof Error ? err.message : String(err);
        await settle(item, { kind: 'retry', reason }).catch(() => undefined);
      })
      .finally(() => {
        inFlight.delete(item.id);
        kick();
      });
    inFlight.set(item.id, run);
  }

  async function scan() {
    do {
      again = false;
      await enqueueOwedWork(db, clock());
      const free = options.concurrency - inFlight.size;
      if (stopped || free <= 0) return;
      const { items, skipped } = await claimWork(
        db,
        owner,
        free,
        clock(),
        leaseEnd(),
        options.hostConcurrency,
      );
      if (stopped) {
        await releaseWork(
          db,
          owner,
          items.map((i) => i.id),
          clock(),
          true,
        );
        return;
      }
      items.forEach(start);
      // Slots left and due work passed over for a busy host: other hosts' work may be next.
      if (items.length === free || (skipped && items.length > 0)) again = true;
    } while (again && !stopped);
  }

  function kick() {
    if (stopped) return;
    if (scanning) {
      again = true;
      return;
    }
    scanning = scan()
      .catch((err: unknown) => {
        if (!stopped) console.error('backend dispatcher scan failed:', err);
      })
      .finally(() => {
        scanning = null;
      });
  }

  const poll = setInterval(kick, options.pollMs);
  poll.unref();
  const renew = setInterval(
    () => {
      renewLeases(db, owner, [...inFlight.keys()], leaseEnd()).catch((err: unknown) =>
        console.error('renewing work leases failed:', err),
      );
    },
    Math.max(50, Math.floor(options.leaseMs / 3)),
  );
  renew.unref();
  kick();

  return {
    kick,
    owner,
    maxAttempts: policy.maxAttempts,
    async stop() {
      stopped = true;
      clearInterval(poll);
      await scanning;
      const settled = Promise.allSettled([...inFlight.values()]);
      await Promise.race([settled, sleep(options.graceMs)]);
      clearInterval(renew);
      // Whatever is still in flight is handed back and delivered again (at least once).
      await releaseWork(db, owner, [...inFlight.keys()], clock(), false).catch((err: unknown) =>
        console.error('handing back work on stop failed:', err),
      );
    },
  };
}
