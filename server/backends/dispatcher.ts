import { and, asc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { actionRuns, nodeRuns } from '../db/schema';
import { executeActionRun } from './action-runs';
import type { DeliveryOptions } from './http';
import { organizationSecret } from './signing';
import { executeNodeRun, type BackendContext } from './workflow-nodes';

export interface BackendOptions extends DeliveryOptions {
  /** Signs requests instead of the secret stored for the organization. */
  secret?: string | undefined;
  /** Requests in flight at once; more wait their turn. */
  concurrency: number;
  /** How often work started outside a request (the simulator) is looked for. */
  pollMs: number;
}

export const DEFAULT_BACKEND_OPTIONS: BackendOptions = {
  timeoutMs: 10_000,
  retries: 2,
  backoffMs: 500,
  concurrency: 8,
  pollMs: 1000,
};

const BATCH = 50;
const UNDISPATCHED = (t: typeof nodeRuns | typeof actionRuns) =>
  sql`${t.status} = 'IN_PROGRESS' AND ${t.dispatchedAt} IS NULL`;

export interface Dispatcher {
  /** Looks for node runs and action runs to invoke now (after a request committed). */
  kick: () => void;
  stop: () => Promise<void>;
}

/**
 * Invokes backends outside any transaction: node runs and action runs that started are claimed
 * in the database (so each is invoked once, even with several servers), then sent through a
 * small queue; results come back through the same services the API uses.
 */
export function startDispatcher(
  db: Db,
  clock: () => Date,
  options: BackendOptions = DEFAULT_BACKEND_OPTIONS,
): Dispatcher {
  let secret: Promise<string> | null = null;
  const ctx: BackendContext = {
    db,
    clock,
    delivery: options,
    secret: () =>
      (secret ??= options.secret ? Promise.resolve(options.secret) : organizationSecret(db)),
  };
  const queue: (() => Promise<void>)[] = [];
  const running = new Set<Promise<void>>();
  let stopped = false;
  let scanning: Promise<void> | null = null;
  let again = false;

  const pump = () => {
    while (!stopped && running.size < options.concurrency && queue.length > 0) {
      const task = queue.shift()!;
      const p: Promise<void> = task()
        .catch((err: unknown) => console.error('backend invocation failed:', err))
        .finally(() => {
          running.delete(p);
          pump();
        });
      running.add(p);
    }
  };

  async function claimNodeRuns() {
    const now = clock();
    const candidates = db
      .select({ id: nodeRuns.identifier })
      .from(nodeRuns)
      .where(
        and(UNDISPATCHED(nodeRuns), inArray(nodeRuns.nodeConfigType, ['WEBHOOK', 'UPSERT_ENTITY'])),
      )
      .orderBy(asc(nodeRuns.ord))
      .limit(BATCH);
    return db
      .update(nodeRuns)
      .set({ dispatchedAt: now })
      .where(and(inArray(nodeRuns.identifier, candidates), UNDISPATCHED(nodeRuns)))
      .returning();
  }

  async function claimActionRuns() {
    const now = clock();
    const candidates = db
      .select({ id: actionRuns.id })
      .from(actionRuns)
      .where(UNDISPATCHED(actionRuns))
      .orderBy(asc(actionRuns.createdAt))
      .limit(BATCH);
    return db
      .update(actionRuns)
      .set({ dispatchedAt: now })
      .where(and(inArray(actionRuns.id, candidates), UNDISPATCHED(actionRuns)))
      .returning();
  }

  async function scan() {
    do {
      again = false;
      const [nodes, runs] = [await claimNodeRuns(), await claimActionRuns()];
      for (const n of nodes) queue.push(() => executeNodeRun(ctx, n));
      for (const r of runs) queue.push(() => executeActionRun(ctx, r));
      pump();
      if (nodes.length === BATCH || runs.length === BATCH) again = true;
    } while (again && !stopped);
  }

  const kick = () => {
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
  };

  const timer = setInterval(kick, options.pollMs);
  timer.unref();
  kick();

  return {
    kick,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await scanning;
      await Promise.allSettled([...running]);
    },
  };
}
