import { and, asc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import { nodeUidOf } from '../domain/agent-work';
import { actionOwesDelivery, deliveryHost } from '../domain/delivery';
import { newDeliveryId } from '../domain/ids';
import { selectRows, type Db, type DbOrTx, type Tx } from './client';
import { actionRuns, actions, nodeRuns, workflowRuns, workItems } from './schema';
import { workflowGraphAt } from './workflows';

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
 * skipped and moved on a later call. Returns how many items were added. Each item records the
 * host its request goes to (`target_host`), which the claim's per-host cap counts. Agent runs
 * (INTEGRATION_ACTION) are queued by the transaction that starts them (queueAgentWork); the
 * `agent_*` items made here are only for runs started before that, by an older server.
 */
export async function enqueueOwedWork(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const nodeRows = await tx
      .select({
        id: nodeRuns.identifier,
        installationId: nodeRuns.installationId,
        node: nodeRuns.nodeIdentifier,
        type: nodeRuns.nodeConfigType,
        workflow: workflowRuns.workflowIdentifier,
        version: workflowRuns.workflowVersion,
        inputs: workflowRuns.inputs,
        outputs: workflowRuns.outputs,
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
      .for('update', { of: nodeRuns, skipLocked: true });
    const actionRows = await tx
      .select({
        id: actionRuns.id,
        installationId: actionRuns.installationId,
        action: actionRuns.actionIdentifier,
        method: sql<unknown>`(SELECT a.invocation_method FROM ${actions} a
          WHERE a.identifier = ${actionRuns.actionIdentifier})`,
      })
      .from(actionRuns)
      .where(sql`${actionRuns.status} = 'IN_PROGRESS' AND ${actionRuns.dispatchedAt} IS NULL`)
      .orderBy(asc(actionRuns.createdAt))
      .limit(TRANSFER_BATCH)
      .for('update', { of: actionRuns, skipLocked: true });
    if (nodeRows.length) {
      await tx
        .update(nodeRuns)
        .set({ dispatchedAt: now })
        .where(
          inArray(
            nodeRuns.identifier,
            nodeRows.map((r) => r.id),
          ),
        );
    }
    if (actionRows.length) {
      await tx
        .update(actionRuns)
        .set({ dispatchedAt: now })
        .where(
          inArray(
            actionRuns.id,
            actionRows.map((r) => r.id),
          ),
        );
    }
    const hostOf = await webhookHosts(tx, nodeRows);
    const items = [
      ...nodeRows.map((r) =>
        r.installationId === null
          ? { kind: 'node_run' as const, subjectId: r.id, targetHost: hostOf(r) }
          : {
              kind: 'agent_node_run' as const,
              subjectId: r.id,
              installationId: r.installationId,
              exclusionKey: nodeUidOf(r.workflow, r.node),
            },
      ),
      ...actionRows.map((r) =>
        r.installationId === null
          ? {
              kind: 'action_run' as const,
              subjectId: r.id,
              targetHost: actionOwesDelivery(r.method as { type?: unknown; url?: unknown })
                ? deliveryHost((r.method as { url: string }).url, {})
                : null,
            }
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
 * The host each WEBHOOK node run's request goes to: its node's url rendered against the run
 * (the nodes it references have finished, so it renders as it will when sent), or null.
 */
async function webhookHosts(
  tx: Tx,
  rows: {
    node: string;
    type: string;
    workflow: string;
    version: number;
    inputs: unknown;
    outputs: unknown;
  }[],
) {
  const graphs = new Map<string, Awaited<ReturnType<typeof workflowGraphAt>>>();
  for (const r of rows) {
    const key = `${r.workflow}\0${r.version}`;
    if (r.type === 'WEBHOOK' && !graphs.has(key)) {
      graphs.set(key, await workflowGraphAt(tx, r.workflow, r.version));
    }
  }
  return (r: (typeof rows)[number]) => {
    if (r.type !== 'WEBHOOK') return null;
    const url = graphs
      .get(`${r.workflow}\0${r.version}`)
      ?.nodes.find((n) => n.identifier === r.node)?.config.url;
    return deliveryHost(url, { inputs: r.inputs, outputs: r.outputs });
  };
}

export interface AgentWorkInput {
  kind: AgentKind;
  subjectId: string;
  installationId: string;
  exclusionKey: string;
}

/**
 * Puts runs that wait for an agent on the queue, in the caller's transaction: the one that starts
 * the node run or action run (and marks it dispatched), so a claim sees it once that commits.
 */
export async function queueAgentWork(tx: Tx, items: AgentWorkInput[], now: Date) {
  if (items.length === 0) return;
  await tx
    .insert(workItems)
    .values(
      items.map((i) => ({
        ...i,
        id: newDeliveryId(),
        state: 'queued' as const,
        nextAttemptAt: now,
        createdAt: now,
        updatedAt: now,
      })),
    )
    .onConflictDoNothing();
}

/**
 * Claims up to `limit` items that are due (queued and their time has come) or whose lease ran out
 * (a server died holding them), for `owner` until `until`. SKIP LOCKED lets any number of servers
 * claim at once without waiting on each other or taking the same item. Each claim is an attempt.
 *
 * No host gets more than `hostLimit` requests in flight (live leases, counted in the database,
 * so across servers): items of a saturated host are passed over and wait, and the rest of the
 * queue goes on, so a slow or dead backend never holds every slot. Two servers claiming at the
 * same instant may together pass the cap; one server never does. `skipped` says that due items
 * were passed over for the cap, so the caller looks again at once for other hosts' work.
 */
export async function claimWork(
  db: Db,
  owner: string,
  limit: number,
  now: Date,
  until: Date,
  hostLimit: number = Number.MAX_SAFE_INTEGER,
): Promise<{ items: WorkItem[]; skipped: boolean }> {
  if (limit <= 0) return { items: [], skipped: false };
  const kinds = sql.join(
    DISPATCHED_KINDS.map((k) => sql`${k}`),
    sql`, `,
  );
  return db.transaction(async (tx) => {
    const rows = await selectRows<{ id: string; place: number; busy: number; host: string | null }>(
      tx,
      sql`WITH busy AS (
        SELECT target_host, count(*)::int AS n FROM ${workItems}
        WHERE state = 'claimed' AND claimed_until >= ${now} AND target_host IS NOT NULL
          AND claimed_by = ${owner}
        GROUP BY target_host),
      due AS (
        SELECT w.id, w.target_host, w.next_attempt_at FROM ${workItems} w
        WHERE w.kind IN (${kinds})
          AND ((w.state = 'queued' AND w.next_attempt_at <= ${now})
            OR (w.state = 'claimed' AND w.claimed_until < ${now}))
          AND (w.target_host IS NULL OR w.target_host NOT IN
            (SELECT target_host FROM busy WHERE n >= ${hostLimit}))
        ORDER BY w.next_attempt_at
        LIMIT ${limit}
        FOR UPDATE OF w SKIP LOCKED)
      SELECT d.id, d.target_host AS host, coalesce(b.n, 0) AS busy,
        (row_number() OVER (PARTITION BY d.target_host ORDER BY d.next_attempt_at, d.id))::int
          AS place
      FROM due d LEFT JOIN busy b ON b.target_host = d.target_host`,
    );
    // Rows over their host's cap stay queued; their locks go with this transaction.
    const take = rows.filter((r) => r.host === null || r.place + r.busy <= hostLimit);
    const skipped = take.length < rows.length;
    if (take.length === 0) return { items: [], skipped };
    const items = await tx
      .update(workItems)
      .set({
        state: 'claimed',
        claimedBy: owner,
        claimedUntil: until,
        attempts: sql`${workItems.attempts} + 1`,
        updatedAt: now,
      })
      .where(
        inArray(
          workItems.id,
          take.map((r) => r.id),
        ),
      )
      .returning();
    return { items, skipped };
  });
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
