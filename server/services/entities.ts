import type {
  AuditAction,
  EntityBody,
  EntityPatch,
  EntityWriteQuery,
} from '../../contract/entities';
import { appendActionRunLogs, updateActionRun } from '../db/action-runs';
import { recordAudit } from '../db/audit';
import { getBlueprintRow } from '../db/blueprints';
import type { Db, Tx } from '../db/client';
import {
  deleteEntityRow,
  insertEntityRow,
  lockEntity,
  toEntity,
  updateEntityRow,
  type EntityRow,
  type EntityValues,
} from '../db/entities';
import { createdStamps } from '../db/stamps';
import { appendNodeRunLogs, latestOpenNodeRun } from '../db/workflow-runs';
import { assertCanTie, entityChangeMessage } from '../domain/action-runs';
import { conflict, invalid, notFound } from '../domain/errors';
import { randomId16 } from '../domain/ids';
import type { Actor } from '../domain/permissions';
import { loadVisibleActionRun, loadVisibleWorkflowRun } from './run-access';

/** Entity writes, optionally tied to a run (`?run_id=`): audited, and logged on the run. */

/** The run an entity write is tied to, locked for the rest of the transaction. */
interface Tie {
  runId: string;
  run: { allowAnyoneToView: boolean; createdBy: string };
  /** Adds the change to the run's log (and names the entity on a CREATE action's run). */
  record: (action: AuditAction, blueprint: string, entity: EntityRow) => Promise<void>;
}

async function lockActionRunTie(tx: Tx, runId: string, actor: Actor, now: Date): Promise<Tie> {
  const run = await loadVisibleActionRun(tx, runId, actor, true);
  assertCanTie(run);
  return {
    runId,
    run,
    async record(action, blueprint, entity) {
      const message = entityChangeMessage(action, blueprint, entity.identifier);
      await appendActionRunLogs(tx, runId, [{ level: 'INFO', message }], actor.id, now);
      // A CREATE action's run has no entity until its backend creates one; Port then relates them.
      if (action === 'CREATE' && !run.entityIdentifier && run.blueprintIdentifier === blueprint) {
        await updateActionRun(tx, runId, {
          entityIdentifier: entity.identifier,
          entityTitle: entity.title,
        });
      }
    },
  };
}

async function lockWorkflowRunTie(tx: Tx, runId: string, actor: Actor, now: Date): Promise<Tie> {
  const run = await loadVisibleWorkflowRun(tx, runId, actor, true);
  assertCanTie({ id: runId, status: run.status });
  // The line goes to the node run doing the work now: the latest one still in progress.
  const nodeRun = await latestOpenNodeRun(tx, runId);
  return {
    runId,
    run,
    async record(action, blueprint, entity) {
      if (!nodeRun) return;
      const message = entityChangeMessage(action, blueprint, entity.identifier);
      await appendNodeRunLogs(tx, run, nodeRun, [{ level: 'INFO', message }], now);
    },
  };
}

function lockTie(tx: Tx, runId: string | undefined, actor: Actor, now: Date) {
  if (runId === undefined) return Promise.resolve(null);
  return runId.startsWith('r_')
    ? lockActionRunTie(tx, runId, actor, now)
    : lockWorkflowRunTie(tx, runId, actor, now);
}

interface WriteContext {
  actor: Actor;
  now: Date;
  runId?: string | undefined;
}

/**
 * Runs one entity write: locks the tied run first (so a run that ends meanwhile refuses the
 * write and nothing changes), applies it, and records it in the audit log and the run's log.
 */
async function tiedWrite(
  db: Db,
  blueprint: string,
  ctx: WriteContext,
  write: (
    tx: Tx,
  ) => Promise<{ action: AuditAction; before: EntityRow | null; after: EntityRow | null }>,
) {
  return db.transaction(async (tx) => {
    const tie = await lockTie(tx, ctx.runId, ctx.actor, ctx.now);
    await getBlueprintRow(tx, blueprint);
    const { action, before, after } = await write(tx);
    const entity = (after ?? before)!;
    await recordAudit(tx, {
      action,
      resourceType: 'entity',
      userId: ctx.actor.id,
      origin: 'API',
      at: ctx.now,
      blueprintIdentifier: blueprint,
      entityIdentifier: entity.identifier,
      runId: tie?.runId ?? null,
      before: before ? toEntity(before) : null,
      after: after ? toEntity(after) : null,
      run: tie?.run ?? null,
    });
    if (tie) await tie.record(action, blueprint, entity);
    return after;
  });
}

const entityNotFound = (blueprint: string, identifier: string) =>
  notFound(`Entity "${identifier}" of blueprint "${blueprint}"`);

function checkPathIdentifier(bodyIdentifier: string | undefined, pathIdentifier: string) {
  if (bodyIdentifier !== undefined && bodyIdentifier !== pathIdentifier) {
    throw invalid(
      `body.identifier "${bodyIdentifier}" does not match the path's "${pathIdentifier}"`,
    );
  }
}

/** What a full body (POST, PUT) sets: an omitted title or icon clears it. */
const valuesOf = (body: EntityBody): EntityValues => ({
  title: body.title ?? null,
  icon: body.icon ?? null,
  properties: body.properties,
  relations: body.relations,
});

const updateEntity = (tx: Tx, before: EntityRow, values: EntityValues, ctx: WriteContext) =>
  updateEntityRow(tx, before, { ...values, updatedBy: ctx.actor.id, updatedAt: ctx.now });

function merged(before: EntityRow, patch: EntityPatch) {
  return {
    title: patch.title !== undefined ? patch.title : before.title,
    icon: patch.icon !== undefined ? patch.icon : before.icon,
    properties: { ...(before.properties as object), ...patch.properties },
    relations: { ...(before.relations as object), ...patch.relations },
  };
}

export async function createEntity(
  db: Db,
  blueprint: string,
  body: EntityBody,
  query: EntityWriteQuery,
  actor: Actor,
  now: Date,
) {
  const identifier = body.identifier ?? `e_${randomId16()}`;
  const ctx = { actor, now, runId: query.run_id };
  return tiedWrite(db, blueprint, ctx, async (tx) => {
    const before = await lockEntity(tx, blueprint, identifier);
    if (before && !query.upsert) {
      throw conflict(
        `Entity "${identifier}" of blueprint "${blueprint}" already exists; send upsert=true to replace it`,
      );
    }
    const values = valuesOf(body);
    if (before) {
      const after = await updateEntity(
        tx,
        before,
        query.merge ? merged(before, body) : values,
        ctx,
      );
      return { action: 'UPDATE', before, after };
    }
    const after = await insertEntityRow(tx, {
      blueprint,
      identifier,
      ...values,
      ...createdStamps(actor, now),
    });
    if (!after)
      throw conflict(`Entity "${identifier}" of blueprint "${blueprint}" was just created`);
    return { action: 'CREATE', before: null, after };
  });
}

export const replaceEntity = (
  db: Db,
  blueprint: string,
  identifier: string,
  body: EntityBody,
  runId: string | undefined,
  actor: Actor,
  now: Date,
) =>
  rewriteEntity(db, blueprint, identifier, body.identifier, { actor, now, runId }, () =>
    valuesOf(body),
  );

export const patchEntity = (
  db: Db,
  blueprint: string,
  identifier: string,
  body: EntityPatch,
  runId: string | undefined,
  actor: Actor,
  now: Date,
) =>
  rewriteEntity(db, blueprint, identifier, body.identifier, { actor, now, runId }, (before) =>
    merged(before, body),
  );

/** Rewrites an existing entity with the values `next` makes of it (PUT and PATCH). */
async function rewriteEntity(
  db: Db,
  blueprint: string,
  identifier: string,
  bodyIdentifier: string | undefined,
  ctx: WriteContext,
  next: (before: EntityRow) => EntityValues,
) {
  checkPathIdentifier(bodyIdentifier, identifier);
  return tiedWrite(db, blueprint, ctx, async (tx) => {
    const before = await lockEntity(tx, blueprint, identifier);
    if (!before) throw entityNotFound(blueprint, identifier);
    const after = await updateEntity(tx, before, next(before), ctx);
    return { action: 'UPDATE', before, after };
  });
}

export async function deleteEntity(
  db: Db,
  blueprint: string,
  identifier: string,
  runId: string | undefined,
  actor: Actor,
  now: Date,
) {
  await tiedWrite(db, blueprint, { actor, now, runId }, async (tx) => {
    const before = await lockEntity(tx, blueprint, identifier);
    if (!before) throw entityNotFound(blueprint, identifier);
    await deleteEntityRow(tx, blueprint, identifier);
    return { action: 'DELETE', before, after: null };
  });
}

export { getEntity, listEntities, toEntity } from '../db/entities';
