import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { nodeUidOf } from '../domain/agent-work';
import { newDeliveryId } from '../domain/ids';
import { selectRows, type Db, type DbOrTx, type Tx } from './client';
import { actionRuns, nodeRuns, workflowRuns, workItems } from './schema';

export type WorkItem = typeof workItems.$inferSelect;
export type WorkKind = WorkItem['kind'];

/** Node types whose node runs the server may owe a backend (or an agent) something. */
const INVOKED_NODE_TYPES = ['WEBHOOK', 'UPSERT_ENTITY', 'INTEGRATION_ACTION'];
/** The kinds the dispatcher delivers itself; `agent_*` items wait for an agent's claim. */
const DISPATCHED_KINDS: WorkKind[] = ['node_run', 'action_run'];
const TRANSFER_BATCH = 500;

/**
 * Moves owed work onto the queue: node runs and action runs that started (in progress,
 * `dispatched_at IS NULL`) get a queued work item in the same transaction that marks them
 * dispatched, so a crash can never lose one in between. Rows another transaction holds are
 * skipped and moved on a later call. Returns how many items were added. Runs with an
 * `installation_id` (INTEGRATION_ACTION) become `agent_*` items, which only agents claim.
 */
export async function enqueueOwedWork(
  db: Db,
  now: Date,
  /**
   * Wait for rows another transfer holds instead of skipping them, so work that transfer moves is
   * committed when this returns (an agent's claim must not miss a run started just before it).
   */
  { waitForLocked = false } = {},
): Promise<number> {
  return db.transaction(async (tx) => {
    const nodeIds = await tx
      .select({
        id: nodeRuns.identifier,
        installationId: nodeRuns.installationId,
        node: nodeRuns.nodeIdentifier,
        workflow: workflowRuns.workflowIdentifier,
      })
      .from(nodeRuns)
      .innerJoin(workflowRuns, eq(workflowRuns.identifier, nodeRuns.workflowRunIdentifier))
      .where(
        and(
          sql`${nodeRuns.status} = 'IN_PROGRESS' AND ${nodeRuns.dispatchedAt} IS NULL`,
          inArray(nodeRuns.nodeConfigType, INVOKED_NODE_TYPES),
        ),
      )
      .orderBy(asc(nodeRuns.ord))
      .limit(TRANSFER_BATCH)
      .for('update', waitForLocked ? { of: nodeRuns } : { of: nodeRuns, skipLocked: true });
    const actionIds = await tx
      .select({
        id: actionRuns.id,
        installationId: actionRuns.installationId,
        action: actionRuns.actionIdentifier,
      })
      .from(actionRuns)
      .where(sql`${actionRuns.status} = 'IN_PROGRESS' AND ${actionRuns.dispatchedAt} IS NULL`)
      .orderBy(asc(actionRuns.createdAt))
      .limit(TRANSFER_BATCH)
      .for('update', waitForLocked ? {} : { skipLocked: true });
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
      ...nodeIds.map((r) =>
        r.installationId === null
          ? { kind: 'node_run' as const, subjectId: r.id }
          : {
              kind: 'agent_node_run' as const,
              subjectId: r.id,
              installationId: r.installationId,
              exclusionKey: nodeUidOf(r.workflow, r.node),
            },
      ),
      ...actionIds.map((r) =>
        r.installationId === null
          ? { kind: 'action_run' as const, subjectId: r.id }
          : {
              kind: 'agent_action_run' as const,
              subjectId: r.id,
              installationId: r.installationId,
              exclusionKey: r.action,
            },
      ),
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
      and(
        inArray(workItems.kind, DISPATCHED_KINDS),
        sql`((${workItems.state} = 'queued' AND ${workItems.nextAttemptAt} <= ${now})
          OR (${workItems.state} = 'claimed' AND ${workItems.claimedUntil} < ${now}))`,
      ),
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
export async function retryWorkAt(
  db: Db,
  id: string,
  owner: string,
  now: Date,
  at: Date,
  error: string,
) {
  await db
    .update(workItems)
    .set({
      state: 'queued',
      claimedBy: null,
      claimedUntil: null,
      nextAttemptAt: at,
      lastError: error,
      updatedAt: now,
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

export type AgentKind = 'agent_action_run' | 'agent_node_run';

export interface AgentClaim {
  installationId: string;
  /** Exclusion keys (action identifiers, node uids) to leave out. */
  exclude: string[];
  limit: number;
  /** Who claims (the agent's user id), for the record. */
  claimedBy: string;
  now: Date;
  /** End of the visibility timeout: until then no other claim gets these items. */
  until: Date;
}

/**
 * Closes an installation's agent items whose run ended some other way than through an agent (a
 * backend's PATCH, mark complete, cancel, a terminating failure), so claims stop reading them.
 * Each such item is closed once, by the next claim of its installation.
 */
export async function retireEndedAgentWork(
  db: DbOrTx,
  kind: AgentKind,
  installationId: string,
  now: Date,
) {
  const ended =
    kind === 'agent_action_run'
      ? sql`EXISTS (SELECT 1 FROM ${actionRuns} s WHERE s.id = ${workItems.subjectId}
          AND s.status <> 'IN_PROGRESS')`
      : sql`EXISTS (SELECT 1 FROM ${nodeRuns} s WHERE s.identifier = ${workItems.subjectId}
          AND s.status <> 'IN_PROGRESS')`;
  await db
    .update(workItems)
    .set({ state: 'done', claimedBy: null, claimedUntil: null, updatedAt: now })
    .where(
      and(
        eq(workItems.kind, kind),
        eq(workItems.installationId, installationId),
        inArray(workItems.state, ['queued', 'claimed']),
        ended,
      ),
    );
}

/**
 * Hands up to `limit` of an installation's agent items to a claimer, oldest first: those whose
 * run is still in progress and unacknowledged, never claimed or whose visibility timeout has
 * passed. SKIP LOCKED lets claims run side by side without taking the same item. Returns the
 * claimed subjects' ids in order.
 */
export async function claimAgentWork(db: DbOrTx, kind: AgentKind, claim: AgentClaim) {
  const subject =
    kind === 'agent_action_run'
      ? sql`JOIN ${actionRuns} s ON s.id = w.subject_id
          WHERE s.status = 'IN_PROGRESS' AND s.acknowledged_at IS NULL`
      : sql`JOIN ${nodeRuns} s ON s.identifier = w.subject_id
          JOIN ${workflowRuns} r ON r.identifier = s.workflow_run_identifier
          WHERE s.status = 'IN_PROGRESS' AND s.acknowledged_at IS NULL AND r.status = 'IN_PROGRESS'`;
  const excluded = claim.exclude.length
    ? sql`AND w.exclusion_key NOT IN (${sql.join(
        claim.exclude.map((e) => sql`${e}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await selectRows<{ subject_id: string; created_at: string | Date; id: string }>(
    db,
    sql`WITH due AS (
      SELECT w.id, w.created_at FROM ${workItems} w ${subject}
        AND w.kind = ${kind} AND w.installation_id = ${claim.installationId}
        AND w.state IN ('queued', 'claimed')
        AND (w.claimed_until IS NULL OR w.claimed_until <= ${claim.now})
        ${excluded}
      ORDER BY w.created_at, w.id
      LIMIT ${claim.limit}
      FOR UPDATE OF w SKIP LOCKED)
    UPDATE ${workItems} SET state = 'claimed', claimed_by = ${claim.claimedBy},
      claimed_until = ${claim.until}, attempts = ${workItems.attempts} + 1, updated_at = ${claim.now}
    FROM due WHERE ${workItems.id} = due.id
    RETURNING ${workItems.subjectId} AS subject_id, due.created_at, ${workItems.id} AS id`,
  );
  // RETURNING keeps no order: oldest first again.
  const at = (r: (typeof rows)[number]) => new Date(r.created_at).getTime();
  return rows.sort((a, b) => at(a) - at(b) || a.id.localeCompare(b.id)).map((r) => r.subject_id);
}

/** An agent took the item: it is done and never claimed again. */
export async function finishAgentWork(db: DbOrTx, kind: AgentKind, subjectId: string, now: Date) {
  await db
    .update(workItems)
    .set({ state: 'done', updatedAt: now })
    .where(and(eq(workItems.kind, kind), eq(workItems.subjectId, subjectId)));
}

/** When each agent item's claim holds until (null: never claimed), by subject id. */
export async function agentClaims(db: DbOrTx, kind: AgentKind, subjectIds: string[]) {
  if (subjectIds.length === 0) return new Map<string, Date | null>();
  const rows = await db
    .select({ subjectId: workItems.subjectId, claimedUntil: workItems.claimedUntil })
    .from(workItems)
    .where(
      and(
        eq(workItems.kind, kind),
        inArray(workItems.subjectId, subjectIds),
        isNotNull(workItems.claimedUntil),
      ),
    );
  return new Map(rows.map((r) => [r.subjectId, r.claimedUntil]));
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
