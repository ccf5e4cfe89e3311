import { and, asc, eq, gt, inArray, or, sql, type SQL } from 'drizzle-orm';
import type {
  ActionLogLevel,
  ActionOperation,
  ActionRunLogPost,
  ActionRunLogsQuery,
  ActionRunPatch,
  ActionRunsListQuery,
  ActionRunV1,
  ActionRunV2,
  ApprovalBody,
  RequiredApproval,
  RunLog,
  RunSource,
} from '../../contract/actions';
import {
  ACTIVE_STATUSES,
  assertCanTerminate,
  assertNotEnded,
  decideApproval,
  initialStatus,
  isEnded,
  latestDecision,
  startProblem,
  type Decisions,
} from '../domain/action-runs';
import { forbidden, invalid, notFound, runExhausted } from '../domain/errors';
import { newActionRunId } from '../domain/ids';
import { assertCanControl } from '../domain/run-controls';
import { canViewRun, isPrivileged, type Actor } from '../domain/permissions';
import { getActionRow } from './actions';
import { recordAudit } from './audit';
import type { Db, DbOrTx, Tx } from './client';
import { decodeCursor, encodeCursor, exactAt, isStringKey, newestFirst, olderThan } from './cursor';
import { actionRunLogs, actionRuns, actions, blueprints, entities, users } from './schema';

export type ActionRunRow = typeof actionRuns.$inferSelect;
type LogRow = typeof actionRunLogs.$inferSelect;
export type RunVersion = 'v1' | 'v2';

/** A run row with what Port computes when it answers: whether the things it names still exist. */
export const runSelection = {
  run: actionRuns,
  entityExists: sql<boolean>`EXISTS (SELECT 1 FROM ${entities} e WHERE e.blueprint = ${actionRuns.blueprintIdentifier} AND e.identifier = ${actionRuns.entityIdentifier})`,
  blueprintExists: sql<boolean>`EXISTS (SELECT 1 FROM ${blueprints} b WHERE b.identifier = ${actionRuns.blueprintIdentifier})`,
  actionExists: sql<boolean>`EXISTS (SELECT 1 FROM ${actions} a WHERE a.identifier = ${actionRuns.actionIdentifier})`,
};
export interface RunWithFlags {
  run: ActionRunRow;
  entityExists: boolean;
  blueprintExists: boolean;
  actionExists: boolean;
}

const iso = (d: Date) => d.toISOString();

function common({ run, entityExists, blueprintExists }: RunWithFlags) {
  return {
    id: run.id,
    status: run.status,
    statusLabel: run.statusLabel,
    link: run.link as ActionRunV1['link'],
    summary: run.summary,
    source: run.source,
    properties: run.properties as Record<string, unknown>,
    relatedEntityExists: Boolean(entityExists),
    relatedBlueprintExists: Boolean(blueprintExists),
    endedAt: run.endedAt ? iso(run.endedAt) : null,
    createdAt: iso(run.createdAt),
    updatedAt: iso(run.updatedAt),
    createdBy: run.createdBy,
    updatedBy: run.updatedBy,
    externalRunId: run.externalRunId,
  };
}

export function toRunV1(r: RunWithFlags): ActionRunV1 {
  const { run } = r;
  return {
    ...common(r),
    action: run.actionIdentifier,
    blueprint: { identifier: run.blueprintIdentifier, title: run.blueprintTitle },
    entity: run.entityIdentifier
      ? { identifier: run.entityIdentifier, title: run.entityTitle }
      : null,
  };
}

export function toRunV2(r: RunWithFlags): ActionRunV2 {
  const { run } = r;
  return {
    ...common(r),
    action: {
      identifier: run.actionIdentifier,
      title: run.actionTitle,
      icon: run.actionIcon,
      deleted: !r.actionExists,
    },
    blueprint: {
      identifier: run.blueprintIdentifier,
      title: run.blueprintTitle,
      icon: run.blueprintIcon,
      deleted: !r.blueprintExists,
    },
    entity: run.entityIdentifier
      ? {
          identifier: run.entityIdentifier,
          title: run.entityTitle,
          icon: null,
          deleted: !r.entityExists,
        }
      : null,
    requiredApproval: run.requiredApproval as RequiredApproval,
    approval: latestDecision(run.approvals as Decisions),
    payload: run.payload as Record<string, unknown>,
  };
}

export const toRun = (r: RunWithFlags, version: RunVersion) =>
  version === 'v2' ? toRunV2(r) : toRunV1(r);

export function toRunLog(row: LogRow): RunLog {
  return {
    id: row.id,
    runId: row.runId,
    message: row.message,
    createdBy: row.createdBy,
    createdAt: iso(row.createdAt),
    seq: row.seq,
    level: row.level,
  };
}

/** Loads a run the actor may view, optionally locking its row; otherwise 404, as if unknown. */
export async function loadRunVisible(db: DbOrTx, id: string, actor: Actor, lock = false) {
  const query = db.select().from(actionRuns).where(eq(actionRuns.id, id));
  const [row] = lock ? await query.for('update') : await query;
  if (!row || !canViewRun(actor, row)) throw notFound(`Action run "${id}"`);
  return row;
}

export async function getActionRun(db: DbOrTx, id: string, actor: Actor, version: RunVersion) {
  await loadRunVisible(db, id, actor);
  const [row] = await db.select(runSelection).from(actionRuns).where(eq(actionRuns.id, id));
  if (!row) throw notFound(`Action run "${id}"`);
  return toRun(row, version);
}

async function userByEmail(db: DbOrTx, email: string) {
  const [user] = await db.select().from(users).where(eq(users.email, email));
  if (!user) throw notFound(`User with email "${email}"`);
  return user;
}

export interface StartOptions {
  actor: Actor;
  now: Date;
  runAs?: string | undefined;
  source?: RunSource;
  /** The shape of the run answered. */
  version?: RunVersion;
}

export async function startActionRun(
  db: Db,
  actionIdentifier: string,
  body: { properties: Record<string, unknown>; entity?: string | undefined },
  options: StartOptions,
) {
  const { actor, now, source = 'API' } = options;
  return db.transaction(async (tx) => {
    const action = await getActionRow(tx, actionIdentifier);
    const trigger = action.trigger as {
      operation: ActionOperation;
      userInputs?: { required?: string[] };
    };
    const problem = startProblem(
      {
        identifier: action.identifier,
        operation: trigger.operation,
        required: trigger.userInputs?.required ?? [],
      },
      body,
    );
    if (problem) throw invalid(problem);
    let startedBy = { id: actor.id, email: actor.email };
    if (options.runAs !== undefined && options.runAs !== actor.email) {
      if (!isPrivileged(actor)) {
        throw forbidden(
          `Only admins and machine credentials may use run_as; you are a ${actor.role}`,
        );
      }
      startedBy = await userByEmail(tx, options.runAs);
    }
    const [blueprint] = await tx
      .select()
      .from(blueprints)
      .where(eq(blueprints.identifier, action.blueprint));
    const [entity] = body.entity
      ? await tx
          .select()
          .from(entities)
          .where(
            and(eq(entities.blueprint, action.blueprint), eq(entities.identifier, body.entity)),
          )
      : [];
    if (body.entity && !entity) {
      throw notFound(`Entity "${body.entity}" of blueprint "${action.blueprint}"`);
    }
    const id = newActionRunId();
    const required = action.requiredApproval as RequiredApproval;
    const invocation = action.invocationMethod as { synchronized?: boolean };
    const context = { entity: body.entity ?? null, blueprint: action.blueprint, runId: id };
    await tx.insert(actionRuns).values({
      id,
      actionIdentifier: action.identifier,
      actionTitle: action.title,
      actionIcon: action.icon,
      blueprintIdentifier: action.blueprint,
      blueprintTitle: blueprint?.title ?? null,
      blueprintIcon: blueprint?.icon ?? null,
      entityIdentifier: entity?.identifier ?? null,
      entityTitle: entity?.title ?? null,
      status: initialStatus(required),
      source,
      properties: body.properties,
      payload: {
        action: { identifier: action.identifier, title: action.title, blueprint: action.blueprint },
        resourceType: 'run',
        status: 'TRIGGERED',
        trigger: {
          by: { userId: startedBy.id, email: startedBy.email, user: { email: startedBy.email } },
          origin: source,
          at: iso(now),
        },
        context,
        payload: { entity: entity ?? null, properties: body.properties },
        port_context: { runId: id },
      },
      requiredApproval: required,
      synchronized: invocation.synchronized === true,
      allowAnyoneToView: action.allowAnyoneToViewRuns,
      createdBy: startedBy.id,
      updatedBy: startedBy.id,
      createdAt: now,
      updatedAt: now,
    });
    await recordAudit(tx, {
      action: 'CREATE',
      resourceType: 'run',
      userId: startedBy.id,
      origin: source,
      at: now,
      blueprintIdentifier: action.blueprint,
      entityIdentifier: entity?.identifier ?? null,
      runId: id,
      actionIdentifier: action.identifier,
      before: null,
      after: { status: initialStatus(required), properties: body.properties },
      run: { allowAnyoneToView: action.allowAnyoneToViewRuns, createdBy: startedBy.id },
    });
    return getActionRun(tx, id, actor, options.version ?? 'v1');
  });
}

/** Audits a change of an action run by `actor`, as its fields `before` and `after` it. */
export async function auditRunUpdate(
  tx: Tx,
  run: ActionRunRow,
  actor: Actor,
  now: Date,
  before: Record<string, unknown>,
  after: Record<string, unknown>,
) {
  await recordAudit(tx, {
    action: 'UPDATE',
    resourceType: 'run',
    userId: actor.id,
    origin: 'API',
    at: now,
    blueprintIdentifier: run.blueprintIdentifier,
    entityIdentifier: run.entityIdentifier,
    runId: run.id,
    actionIdentifier: run.actionIdentifier,
    before,
    after,
    run,
  });
}

export const recordStatusChange = (
  tx: Tx,
  run: ActionRunRow,
  status: ActionRunRow['status'],
  actor: Actor,
  now: Date,
) => auditRunUpdate(tx, run, actor, now, { status: run.status }, { status });

export async function patchActionRun(
  db: Db,
  id: string,
  body: ActionRunPatch,
  actor: Actor,
  now: Date,
  version: RunVersion,
) {
  return db.transaction(async (tx) => {
    const run = await loadRunVisible(tx, id, actor, true);
    assertNotEnded(run);
    if (body.status) {
      assertCanControl(actor, run, `action run "${id}"`, 'end it');
      assertCanTerminate(run, body.status);
    }
    await tx
      .update(actionRuns)
      .set({
        ...(body.statusLabel !== undefined ? { statusLabel: body.statusLabel } : {}),
        ...(body.link !== undefined ? { link: body.link } : {}),
        ...(body.summary !== undefined ? { summary: body.summary } : {}),
        ...(body.externalRunId !== undefined ? { externalRunId: body.externalRunId } : {}),
        ...(body.status ? { status: body.status, endedAt: now } : {}),
        updatedBy: actor.id,
        updatedAt: now,
      })
      .where(eq(actionRuns.id, id));
    if (body.status) await recordStatusChange(tx, run, body.status, actor, now);
    return getActionRun(tx, id, actor, version);
  });
}

export interface RunLogInput {
  level: ActionLogLevel;
  message: string;
}

/** Appends lines to an action run whose row `tx` has locked; returns the stored lines. */
export async function appendRunLogs(
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
  if (!updated) throw notFound(`Action run "${runId}"`);
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

export async function postActionRunLog(
  db: Db,
  id: string,
  body: ActionRunLogPost,
  actor: Actor,
  now: Date,
) {
  return db.transaction(async (tx) => {
    const run = await loadRunVisible(tx, id, actor, true);
    assertNotEnded(run);
    if (body.terminationStatus) {
      assertCanControl(actor, run, `action run "${id}"`, 'end it');
      assertCanTerminate(run, body.terminationStatus);
    }
    const [line] = await appendRunLogs(
      tx,
      id,
      [{ level: body.level, message: body.message }],
      actor.id,
      now,
    );
    if (body.terminationStatus || body.statusLabel !== undefined) {
      await tx
        .update(actionRuns)
        .set({
          ...(body.statusLabel !== undefined ? { statusLabel: body.statusLabel } : {}),
          ...(body.terminationStatus ? { status: body.terminationStatus, endedAt: now } : {}),
          updatedBy: actor.id,
          updatedAt: now,
        })
        .where(eq(actionRuns.id, id));
    }
    if (body.terminationStatus) {
      await recordStatusChange(tx, run, body.terminationStatus, actor, now);
    }
    return toRunLog(line!);
  });
}

/**
 * Log lines after a position, in order. Seqs run 1, 2, 3… without gaps, so Port's `offset` is
 * the same position as the [ext] `cursor`. `nextCursor` is null only when the run has ended and
 * the page is short: then no line can follow.
 */
export async function readActionRunLogs(
  db: DbOrTx,
  id: string,
  query: ActionRunLogsQuery,
  actor: Actor,
) {
  const run = await loadRunVisible(db, id, actor);
  const after = query.cursor !== undefined ? Number(query.cursor) : (query.offset ?? 0);
  const limit = query.limit ?? (query.cursor !== undefined ? 1000 : 50);
  const rows = await db
    .select()
    .from(actionRunLogs)
    .where(and(eq(actionRunLogs.runId, id), gt(actionRunLogs.seq, after)))
    .orderBy(asc(actionRunLogs.seq))
    .limit(limit);
  const lastSeq = rows.length ? rows[rows.length - 1]!.seq : after;
  return {
    runLogs: rows.map(toRunLog),
    nextCursor: rows.length < limit && isEnded(run.status) ? null : String(lastSeq),
  };
}

export function runsVisibleTo(actor: Actor): SQL | undefined {
  if (isPrivileged(actor)) return undefined;
  return or(eq(actionRuns.allowAnyoneToView, true), eq(actionRuns.createdBy, actor.id));
}

export async function listActionRuns(db: DbOrTx, query: ActionRunsListQuery, actor: Actor) {
  const where: (SQL | undefined)[] = [runsVisibleTo(actor)];
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

async function adminIds(db: DbOrTx) {
  const rows = await db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.role, 'admin'))
    .orderBy(asc(users.id));
  return rows.map((r) => r.id);
}

export async function decideActionRunApproval(
  db: Db,
  id: string,
  body: ApprovalBody,
  actor: Actor,
  now: Date,
  version: RunVersion,
) {
  if (actor.role !== 'admin') {
    throw forbidden(`Only admins approve action runs; you are signed in as ${actor.role}`);
  }
  return db.transaction(async (tx) => {
    const run = await loadRunVisible(tx, id, actor, true);
    if (isEnded(run.status)) {
      throw runExhausted(`Action run "${id}" already ended with status ${run.status}`);
    }
    if (run.status !== 'WAITING_FOR_APPROVAL') {
      throw invalid(
        `Action run "${id}" is ${run.status}; only a run waiting for approval can be approved or declined`,
      );
    }
    const { decisions, status } = decideApproval(
      run.requiredApproval as RequiredApproval,
      await adminIds(tx),
      run.approvals as Decisions,
      actor.id,
      {
        state: body.status === 'APPROVE' ? 'APPROVED' : 'DECLINED',
        description: body.description ?? null,
        at: iso(now),
      },
    );
    await tx
      .update(actionRuns)
      .set({
        approvals: decisions,
        status,
        ...(isEnded(status) ? { endedAt: now } : {}),
        updatedBy: actor.id,
        updatedAt: now,
      })
      .where(eq(actionRuns.id, id));
    if (status !== run.status) await recordStatusChange(tx, run, status, actor, now);
    return getActionRun(tx, id, actor, version);
  });
}

export async function listApprovers(db: DbOrTx, id: string, actor: Actor) {
  const run = await loadRunVisible(db, id, actor);
  if (run.requiredApproval === false) return [];
  const decisions = run.approvals as Decisions;
  return (await adminIds(db)).map((userId) => ({
    userId,
    state: decisions[userId]?.state ?? ('PENDING' as const),
    description: decisions[userId]?.description ?? null,
  }));
}
