import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { newDeliveryId } from '../domain/ids';
import type { Db, DbOrTx, Tx } from './client';
import { actionRuns, nodeRuns, workItems } from './schema';

export type WorkItem = typeof workItems.$inferSelect;
export type WorkKind = WorkItem['kind'];

/** Node types whose node runs the server may owe a backend something. */
const INVOKED_NODE_TYPES = ['WEBHOOK', 'UPSERT_ENTITY'];
const TRANSFER_BATCH = 500;

/**
 * Moves owed work onto the queue: node runs and action runs that started (in progress,
 * `dispatched_at IS NULL`) get a queued work item in the same transaction that marks them
 * dispatched, so a crash can never lose one in between. Rows another transaction holds are
 * skipped and moved on a later call. Returns how many items were added.
 */
export async function enqueueOwedWork(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const nodeIds = await tx
      .select({ id: nodeRuns.identifier })
      .from(nodeRuns)
      .where(
        and(
          sql`${nodeRuns.status} = 'IN_PROGRESS' AND ${nodeRuns.dispatchedAt} IS NULL`,
          inArray(nodeRuns.nodeConfigType, INVOKED_NODE_TYPES),
        ),
      )
      .orderBy(asc(nodeRuns.ord))
      .limit(TRANSFER_BATCH)
      .for('update', { skipLocked: true });
    const actionIds = await tx
      .select({ id: actionRuns.id })
      .from(actionRuns)
      .where(sql`${actionRuns.status} = 'IN_PROGRESS' AND ${actionRuns.dispatchedAt} IS NULL`)
      .orderBy(asc(actionRuns.createdAt))
      .limit(TRANSFER_BATCH)
      .for('update', { skipLocked: true });
    if (nodeIds.length) {
      await tx
        .update(nodeRuns)
        .set({ dispatchedAt: now })
        .where(
          inArray(
            nodeRuns.identifier,
            nodeIds.map((r) => r.id),
          ),
        );
    }
    if (actionIds.length) {
      await tx
        .update(actionRuns)
        .set({ dispatchedAt: now })
        .where(
          inArray(
            actionRuns.id,
            actionIds.map((r) => r.id),
          ),
        );
    }
    const items = [
      ...nodeIds.map((r) => ({ kind: 'node_run' as const, subjectId: r.id })),
      ...actionIds.map((r) => ({ kind: 'action_run' as const, subjectId: r.id })),
    ].map((i) => ({
      ...i,
      id: newDeliveryId(),
      state: 'queued' as const,
      nextAttemptAt: now,
      createdAt: now,
      updatedAt: now,
    }));
    if (items.length) await tx.insert(workItems).values(items).onConflictDoNothing();
    return items.length;
  });
}

/**
 * Claims up to `limit` items that are due (queued and their time has come) or whose lease ran out
 * (a server died holding them), for `owner` until `until`. SKIP LOCKED lets any number of servers
 * claim at once without waiting on each other or taking the same item. Each claim is an attempt.
 */
export async function claimWork(
  db: Db,
  owner: string,
  limit: number,
  now: Date,
  until: Date,
): Promise<WorkItem[]> {
  if (limit <= 0) return [];
  const due = db
    .select({ id: workItems.id })
    .from(workItems)
    .where(
      sql`(${workItems.state} = 'queued' AND ${workItems.nextAttemptAt} <= ${now})
        OR (${workItems.state} = 'claimed' AND ${workItems.claimedUntil} < ${now})`,
    )
    .orderBy(asc(workItems.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  return db
    .update(workItems)
    .set({
      state: 'claimed',
      claimedBy: owner,
      claimedUntil: until,
      attempts: sql`${workItems.attempts} + 1`,
      updatedAt: now,
    })
    .where(inArray(workItems.id, due))
    .returning();
}

/** Extends the lease on items `owner` still holds; those it lost are left alone. */
export async function renewLeases(db: Db, owner: string, ids: string[], until: Date) {
  if (ids.length === 0) return;
  await db
    .update(workItems)
    .set({ claimedUntil: until })
    .where(
      and(
        inArray(workItems.id, ids),
        eq(workItems.claimedBy, owner),
        eq(workItems.state, 'claimed'),
      ),
    );
}

const held = (id: string, owner: string) =>
  and(eq(workItems.id, id), eq(workItems.claimedBy, owner), eq(workItems.state, 'claimed'));

/** The executor is finished with the item: delivered, or failed for good and reported. */
export async function finishWork(
  db: DbOrTx,
  id: string,
  owner: string,
  state: 'done' | 'failed',
  now: Date,
  error: string | null = null,
) {
  await db
    .update(workItems)
    .set({
      state,
      claimedBy: null,
      claimedUntil: null,
      ...(error !== null ? { lastError: error } : {}),
      updatedAt: now,
    })
    .where(held(id, owner));
}

/** A retryable failure: the item waits until `at`, then any server may claim it again. */
export async function retryWorkAt(db: Db, id: string, owner: string, at: Date, error: string) {
  await db
    .update(workItems)
    .set({
      state: 'queued',
      claimedBy: null,
      claimedUntil: null,
      nextAttemptAt: at,
      lastError: error,
      updatedAt: at,
    })
    .where(held(id, owner));
}

/**
 * Hands items back to the queue at once (a server stopping). `unsent` ones never started an
 * attempt, so their claim is not counted; the others are delivered again (at least once).
 */
export async function releaseWork(
  db: Db,
  owner: string,
  ids: string[],
  now: Date,
  unsent: boolean,
) {
  if (ids.length === 0) return;
  await db
    .update(workItems)
    .set({
      state: 'queued',
      claimedBy: null,
      claimedUntil: null,
      nextAttemptAt: now,
      ...(unsent ? { attempts: sql`greatest(${workItems.attempts} - 1, 0)` } : {}),
      updatedAt: now,
    })
    .where(
      and(
        inArray(workItems.id, ids),
        eq(workItems.claimedBy, owner),
        eq(workItems.state, 'claimed'),
      ),
    );
}

/** The queue's view of one run's work, for the dashboard ("attempt 2 of 5, next in 8 s"). */
export async function workItemsFor(db: DbOrTx, kind: WorkKind, subjectIds: string[]) {
  if (subjectIds.length === 0) return [];
  return db
    .select()
    .from(workItems)
    .where(and(eq(workItems.kind, kind), inArray(workItems.subjectId, subjectIds)));
}

/** One subject's work item under a row lock (waiting for a claim in flight to commit), or none. */
export async function lockWorkItem(tx: Tx, kind: WorkKind, subjectId: string) {
  const [item] = await tx
    .select()
    .from(workItems)
    .where(and(eq(workItems.kind, kind), eq(workItems.subjectId, subjectId)))
    .for('update');
  return item;
}

/** Queues an item to be claimed at once, optionally counting its attempts anew; returns it. */
export async function makeWorkDueNow(tx: Tx, id: string, now: Date, resetAttempts: boolean) {
  const [item] = await tx
    .update(workItems)
    .set({
      state: 'queued',
      claimedBy: null,
      claimedUntil: null,
      nextAttemptAt: now,
      ...(resetAttempts ? { attempts: 0 } : {}),
      updatedAt: now,
    })
    .where(eq(workItems.id, id))
    .returning();
  return item;
}
