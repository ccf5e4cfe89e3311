import { and, asc, eq, gt, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { ActionLogLevel, ActionRunsListQuery } from '../../contract/actions';
import { ACTIVE_STATUSES } from '../domain/action-runs';
import { toRun } from './action-run-serialize';
import type { DbOrTx, Tx } from './client';
import { decodeCursor, encodeCursor, exactAt, isStringKey, newestFirst, olderThan } from './cursor';
import {
  actionRunLogs,
  actionRuns,
  actions,
  blueprints,
  entities,
  users,
  workItems,
} from './schema';

/** Queries of action runs and their logs: they take a transaction and decide nothing. */

export type { ActionRunRow, RunVersion } from './action-run-serialize';

/** A run row with whether the entity, blueprint and action it names still exist. */
export const runSelection = {
  run: actionRuns,
  entityExists: sql<boolean>`EXISTS (SELECT 1 FROM ${entities} e WHERE e.blueprint = ${actionRuns.blueprintIdentifier} AND e.identifier = ${actionRuns.entityIdentifier})`,
  blueprintExists: sql<boolean>`EXISTS (SELECT 1 FROM ${blueprints} b WHERE b.identifier = ${actionRuns.blueprintIdentifier})`,
  actionExists: sql<boolean>`EXISTS (SELECT 1 FROM ${actions} a WHERE a.identifier = ${actionRuns.actionIdentifier})`,
  claimedUntil: sql<
    string | Date | null
  >`(SELECT w.claimed_until FROM ${workItems} w WHERE w.kind = 'agent_action_run' AND w.subject_id = ${actionRuns}.id)`,
};

export async function findActionRun(db: DbOrTx, id: string, lock = false) {
  const query = db.select().from(actionRuns).where(eq(actionRuns.id, id));
  const [row] = lock ? await query.for('update') : await query;
  return row;
}

export async function findActionRunWithFlags(db: DbOrTx, id: string) {
  const [row] = await db.select(runSelection).from(actionRuns).where(eq(actionRuns.id, id));
  return row;
}

export async function findActionRunsWithFlags(db: DbOrTx, ids: string[]) {
  if (ids.length === 0) return [];
  return db.select(runSelection).from(actionRuns).where(inArray(actionRuns.id, ids));
}

export async function insertActionRun(tx: Tx, values: typeof actionRuns.$inferInsert) {
  await tx.insert(actionRuns).values(values);
}

export async function updateActionRun(
  tx: Tx,
  id: string,
  changes: Partial<typeof actionRuns.$inferInsert>,
) {
  await tx.update(actionRuns).set(changes).where(eq(actionRuns.id, id));
}

export interface RunLogInput {
  level: ActionLogLevel;
  message: string;
}

/**
 * Appends lines to an action run, numbering them after its last line; the caller holds the
 * run's row lock. Returns the stored lines.
 */
export async function appendActionRunLogs(
  tx: Tx,
  runId: string,
  lines: RunLogInput[],
  userId: string,
  now: Date,
) {
  const count = (level: ActionLogLevel) => lines.filter((l) => l.level === level).length;
  const [updated] = await tx
    .update(actionRuns)
    .set({
      logSeq: sql`${actionRuns.logSeq} + ${lines.length}`,
      warnCount: sql`${actionRuns.warnCount} + ${count('WARN')}`,
      errorCount: sql`${actionRuns.errorCount} + ${count('ERROR')}`,
      updatedAt: now,
    })
    .where(eq(actionRuns.id, runId))
    .returning({ logSeq: actionRuns.logSeq });
  if (!updated) throw new Error(`Action run "${runId}" vanished`);
  const first = updated.logSeq - lines.length + 1;
  return tx
    .insert(actionRunLogs)
    .values(
      lines.map((line, i) => ({
        runId,
        seq: first + i,
        level: line.level,
        message: line.message,
        createdBy: userId,
        createdAt: now,
      })),
    )
    .returning();
}

/** Log lines of a run after position `after` (seqs run 1, 2, 3… without gaps), in order. */
export async function actionRunLogsAfter(db: DbOrTx, id: string, after: number, limit: number) {
  return db
    .select()
    .from(actionRunLogs)
    .where(and(eq(actionRunLogs.runId, id), gt(actionRunLogs.seq, after)))
    .orderBy(asc(actionRunLogs.seq))
    .limit(limit);
}

/** One page of runs matching `query`, among those `visible` lets through, newest first. */
export async function listActionRuns(
  db: DbOrTx,
  query: ActionRunsListQuery,
  visible: SQL | undefined,
) {
  const where: (SQL | undefined)[] = [visible];
  if (query.entity) where.push(eq(actionRuns.entityIdentifier, query.entity));
  if (query.blueprint) where.push(eq(actionRuns.blueprintIdentifier, query.blueprint));
  if (query.action) where.push(eq(actionRuns.actionIdentifier, query.action));
  if (query.active === true) where.push(inArray(actionRuns.status, [...ACTIVE_STATUSES]));
  if (query.active === false) {
    where.push(sql`${actionRuns.status} NOT IN ('IN_PROGRESS', 'WAITING_FOR_APPROVAL')`);
  }
  if (query.user_id) where.push(eq(actionRuns.createdBy, query.user_id));
  if (query.user_email) {
    where.push(
      sql`${actionRuns.createdBy} IN (SELECT ${users.id} FROM ${users} WHERE ${users.email} = ${query.user_email})`,
    );
  }
  if (query.external_run_id) where.push(eq(actionRuns.externalRunId, query.external_run_id));
  if (query.source?.length) where.push(inArray(actionRuns.source, query.source));
  if (query.status?.length) where.push(inArray(actionRuns.status, query.status));
  if (query.from) where.push(gte(actionRuns.createdAt, new Date(query.from)));
  if (query.to) where.push(lte(actionRuns.createdAt, new Date(query.to)));
  if (query.cursor) {
    const c = decodeCursor(query.cursor, isStringKey, 'query.cursor:');
    where.push(olderThan(actionRuns.createdAt, actionRuns.id, c));
  }
  const rows = await db
    .select({ ...runSelection, cursorAt: exactAt(actionRuns.createdAt) })
    .from(actionRuns)
    .where(and(...where))
    .orderBy(...newestFirst(actionRuns.createdAt, actionRuns.id))
    .limit(query.limit + 1);
  const page = rows.slice(0, query.limit);
  const last = page[page.length - 1];
  return {
    runs: page.map((r) => toRun(r, query.version)),
    nextCursor:
      rows.length > query.limit && last ? encodeCursor({ t: last.cursorAt, k: last.run.id }) : null,
  };
}

/** The users who approve action runs: every admin, in a stable order. */
export async function adminIds(db: DbOrTx) {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.role, 'admin'))
    .orderBy(asc(users.id));
  return rows.map((r) => r.id);
}

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email));
  return user;
}
