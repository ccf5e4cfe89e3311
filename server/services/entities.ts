import type {
  AuditAction,
  Entity,
  EntityBody,
  EntityPatch,
  EntityWriteQuery,
  SearchGroup,
  SearchQuery,
} from '../../contract/entities';
import { appendActionRunLogs, updateActionRun } from '../db/action-runs';
import { recordAudit, type AuditWorkflow } from '../db/audit';
import {
  allRelations,
  getBlueprintRow,
  incomingRelations,
  type BlueprintRow,
} from '../db/blueprints';
import type { Db, Tx } from '../db/client';
import {
  deleteEntityRow,
  deleteEntityRows,
  existingIdentifiers,
  findEntity,
  getEntity as getEntityRow,
  insertEntityRow,
  listEntities as listEntityRows,
  lockDependents,
  lockEntity,
  toEntity,
  updateEntityRow,
  type EntityRow,
  type EntityValues,
} from '../db/entities';
import { searchEntityRows } from '../db/entity-search';
import { createdStamps } from '../db/stamps';
import { appendNodeRunLogs, latestOpenNodeRun } from '../db/workflow-runs';
import { assertCanTie, entityChangeMessage } from '../domain/action-runs';
import {
  checkProperties,
  checkRelations,
  NEVER_CREATED,
  projectEntity,
  teamArray,
  withDefaults,
  type BlueprintShape,
} from '../domain/entity-rules';
import { ApiError, conflict, invalid, notFound } from '../domain/errors';
import { randomId16 } from '../domain/ids';
import type { Actor } from '../domain/permissions';
import { loadVisibleActionRun, loadVisibleWorkflowRun } from './run-access';
import { workflowOf } from './run-audit';

/** Entity writes, optionally tied to a run (`?run_id=`): audited, and logged on the run. */

/** The run an entity write is tied to, locked for the rest of the transaction. */
interface Tie {
  runId: string;
  run: { allowAnyoneToView: boolean; createdBy: string };
  /** A workflow run's workflow, named by the change's audit entry (null for an action run). */
  workflow: AuditWorkflow | null;
  /** The action of a tied action run (recorded as the entry's `context.action`). */
  action: string | null;
  /** Adds the change to the run's log (and names the entity on a CREATE action's run). */
  record: (action: AuditAction, blueprint: string, entity: EntityRow) => Promise<void>;
}

async function lockActionRunTie(tx: Tx, runId: string, actor: Actor, now: Date): Promise<Tie> {
  const run = await loadVisibleActionRun(tx, runId, actor, true);
  assertCanTie(run);
  return {
    runId,
    run,
    workflow: null,
    action: run.actionIdentifier,
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
    workflow: workflowOf(run),
    action: null,
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
    blueprint: BlueprintRow,
  ) => Promise<{ action: AuditAction; before: EntityRow | null; after: EntityRow | null }>,
) {
  return db.transaction(async (tx) => {
    const tie = await lockTie(tx, ctx.runId, ctx.actor, ctx.now);
    const blueprintRow = await getBlueprintRow(tx, blueprint);
    const { action, before, after } = await write(tx, blueprintRow);
    const entity = (after ?? before)!;
    await recordAudit(tx, {
      action,
      resourceType: 'entity',
      userId: ctx.actor.id,
      origin: ctx.actor.origin ?? 'API',
      at: ctx.now,
      blueprintIdentifier: blueprint,
      entityIdentifier: entity.identifier,
      runId: tie?.runId ?? null,
      workflow: tie?.workflow ?? null,
      actionIdentifier: tie?.action ?? null,
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

/** Port's action sends `blueprint` in the body; it must be the path's. */
function checkBodyBlueprint(bodyBlueprint: string | undefined, pathBlueprint: string) {
  if (bodyBlueprint !== undefined && bodyBlueprint !== pathBlueprint) {
    throw invalid(
      `body.blueprint "${bodyBlueprint}" does not match the path's blueprint "${pathBlueprint}"`,
    );
  }
}

/** What a full body (POST, PUT) sets: an omitted title, icon or team clears it. */
const valuesOf = (body: EntityBody): EntityValues => ({
  title: body.title ?? null,
  icon: body.icon ?? null,
  team: teamArray(body.team),
  properties: body.properties,
  relations: body.relations,
});

const updateEntity = (tx: Tx, before: EntityRow, values: EntityValues, ctx: WriteContext) =>
  updateEntityRow(tx, before, { ...values, updatedBy: ctx.actor.id, updatedAt: ctx.now });

/** Port's merge: keys not sent keep their value; properties and relations merge key by key. */
function merged(before: EntityRow, patch: EntityPatch): EntityValues {
  return {
    title: patch.title !== undefined ? patch.title : before.title,
    icon: patch.icon !== undefined ? patch.icon : before.icon,
    team: patch.team !== undefined ? teamArray(patch.team) : before.team,
    properties: { ...(before.properties as object), ...patch.properties },
    relations: { ...(before.relations as object), ...patch.relations },
  };
}

const shapeOf = (row: BlueprintRow): BlueprintShape => ({
  identifier: row.identifier,
  schema: row.schema as BlueprintShape['schema'],
  relations: row.relations as BlueprintShape['relations'],
});

/**
 * Checks the values an entity is about to have against its blueprint: properties against the
 * schema, relations against the blueprint's relations and their targets (created with just their
 * identifier when `createMissing`, as Port does), teams against `_team`.
 */
async function checkAgainstBlueprint(
  tx: Tx,
  blueprint: BlueprintRow,
  values: EntityValues,
  createMissing: boolean,
  ctx: WriteContext,
) {
  const shape = shapeOf(blueprint);
  checkProperties(shape, values.properties as Record<string, unknown>);
  const targets = checkRelations(
    shape,
    values.relations as Record<string, string | string[] | null>,
  );
  for (const [target, ids] of targets) {
    const existing = await existingIdentifiers(tx, target, [...ids]);
    const missing = [...ids].filter((id) => !existing.has(id));
    if (missing.length === 0) continue;
    if (!createMissing || NEVER_CREATED.has(target)) {
      throw notFound(
        `Related entit${missing.length > 1 ? 'ies' : 'y'} ${missing.map((m) => `"${m}"`).join(', ')} of blueprint "${target}"`,
      );
    }
    await getBlueprintRow(tx, target);
    for (const identifier of missing) {
      await insertEntityRow(tx, {
        blueprint: target,
        identifier,
        title: null,
        icon: null,
        team: [],
        properties: {},
        relations: {},
        ...createdStamps(ctx.actor, ctx.now),
      });
    }
  }
  const teams = values.team as string[];
  const knownTeams = await existingIdentifiers(tx, '_team', teams);
  const unknownTeams = teams.filter((t) => !knownTeams.has(t));
  if (unknownTeams.length > 0) {
    throw notFound(`Team ${unknownTeams.map((t) => `"${t}"`).join(', ')} (entity of "_team")`);
  }
}

export async function createEntity(
  db: Db,
  blueprint: string,
  body: EntityBody,
  query: Omit<EntityWriteQuery, 'create_missing_related_entities'> & {
    create_missing_related_entities?: boolean;
  },
  actor: Actor,
  now: Date,
) {
  checkBodyBlueprint(body.blueprint, blueprint);
  const identifier = body.identifier ?? `e_${randomId16()}`;
  const ctx = { actor, now, runId: query.run_id };
  const createMissing = query.create_missing_related_entities ?? false;
  return tiedWrite(db, blueprint, ctx, async (tx, blueprintRow) => {
    const before = await lockEntity(tx, blueprint, identifier);
    if (before && !query.upsert) {
      throw conflict(
        `Entity "${identifier}" of blueprint "${blueprint}" already exists; send upsert=true to replace it`,
      );
    }
    if (before) {
      const values = query.merge ? merged(before, body) : valuesOf(body);
      await checkAgainstBlueprint(tx, blueprintRow, values, createMissing, ctx);
      const after = await updateEntity(tx, before, values, ctx);
      return { action: 'UPDATE', before, after };
    }
    const given = valuesOf(body);
    const values = {
      ...given,
      properties: withDefaults(
        shapeOf(blueprintRow).schema,
        given.properties as Record<string, unknown>,
      ),
    };
    await checkAgainstBlueprint(tx, blueprintRow, values, createMissing, ctx);
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

/**
 * Port's bulk upsert: each entity is written on its own (its own transaction), so one refused
 * entity does not undo the others; the answer lists what was written and what was refused.
 */
export async function bulkUpsertEntities(
  db: Db,
  blueprint: string,
  bodies: EntityBody[],
  query: EntityWriteQuery,
  actor: Actor,
  now: Date,
) {
  await getBlueprintRow(db, blueprint);
  const entities: { identifier: string; index: number; created: boolean }[] = [];
  const errors: {
    identifier: string | null;
    index: number;
    statusCode: number;
    error: string;
    message: string;
  }[] = [];
  for (const [index, body] of bodies.entries()) {
    const withId = { ...body, identifier: body.identifier ?? `e_${randomId16()}` };
    try {
      const before = await findEntity(db, blueprint, withId.identifier);
      const after = await createEntity(
        db,
        blueprint,
        withId,
        { ...query, upsert: true },
        actor,
        now,
      );
      entities.push({ identifier: after!.identifier, index, created: !before });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      errors.push({
        identifier: withId.identifier,
        index,
        statusCode: err.status,
        error: err.code,
        message: err.message,
      });
    }
  }
  return { entities, errors };
}

export const replaceEntity = (
  db: Db,
  blueprint: string,
  identifier: string,
  body: EntityBody,
  query: { run_id?: string | undefined; create_missing_related_entities?: boolean },
  actor: Actor,
  now: Date,
) => {
  checkBodyBlueprint(body.blueprint, blueprint);
  return rewriteEntity(
    db,
    blueprint,
    identifier,
    body.identifier,
    { actor, now, runId: query.run_id },
    query.create_missing_related_entities ?? false,
    () => valuesOf(body),
  );
};

export const patchEntity = (
  db: Db,
  blueprint: string,
  identifier: string,
  body: EntityPatch,
  query: { run_id?: string | undefined; create_missing_related_entities?: boolean },
  actor: Actor,
  now: Date,
) => {
  checkBodyBlueprint(body.blueprint, blueprint);
  return rewriteEntity(
    db,
    blueprint,
    identifier,
    body.identifier,
    { actor, now, runId: query.run_id },
    query.create_missing_related_entities ?? false,
    (before) => merged(before, body),
  );
};

/** Rewrites an existing entity with the values `next` makes of it (PUT and PATCH). */
async function rewriteEntity(
  db: Db,
  blueprint: string,
  identifier: string,
  bodyIdentifier: string | undefined,
  ctx: WriteContext,
  createMissing: boolean,
  next: (before: EntityRow) => EntityValues,
) {
  checkPathIdentifier(bodyIdentifier, identifier);
  return tiedWrite(db, blueprint, ctx, async (tx, blueprintRow) => {
    const before = await lockEntity(tx, blueprint, identifier);
    if (!before) throw entityNotFound(blueprint, identifier);
    const values = next(before);
    await checkAgainstBlueprint(tx, blueprintRow, values, createMissing, ctx);
    const after = await updateEntity(tx, before, values, ctx);
    return { action: 'UPDATE', before, after };
  });
}

/** `relations` with every pointer at `identifier` through `relation` removed (set to null). */
function withoutPointer(relations: Record<string, unknown>, relation: string, identifier: string) {
  const value = relations[relation];
  const next = Array.isArray(value) ? value.filter((v) => v !== identifier) : null;
  return { ...relations, [relation]: next };
}

/**
 * Port's delete: with `deleteDependents`, every entity related to this one goes too; without,
 * a dependent through a required relation refuses the delete (409) and optional relations to it
 * are cleared.
 */
export async function deleteEntity(
  db: Db,
  blueprint: string,
  identifier: string,
  query: { run_id?: string | undefined; delete_dependents?: boolean },
  actor: Actor,
  now: Date,
) {
  const ctx = { actor, now, runId: query.run_id };
  await tiedWrite(db, blueprint, ctx, async (tx) => {
    const before = await lockEntity(tx, blueprint, identifier);
    if (!before) throw entityNotFound(blueprint, identifier);
    const incoming = await incomingRelations(tx, blueprint);
    const dependents = (await lockDependents(tx, identifier, incoming)).filter(
      (d) => !(d.blueprint === blueprint && d.identifier === identifier),
    );
    if (query.delete_dependents) {
      await deleteEntityRows(tx, dependents);
    } else {
      for (const dependent of dependents) {
        let relations = dependent.relations as Record<string, unknown>;
        for (const rel of incoming.filter((r) => r.blueprint === dependent.blueprint)) {
          const value = relations[rel.relation];
          const points =
            value === identifier || (Array.isArray(value) && value.includes(identifier));
          if (!points) continue;
          if (rel.required) {
            throw conflict(
              `Entity "${dependent.identifier}" of blueprint "${dependent.blueprint}" depends on "${identifier}" through its required relation "${rel.relation}"; delete it first or send delete_dependents=true`,
            );
          }
          relations = withoutPointer(relations, rel.relation, identifier);
        }
        await updateEntity(tx, dependent, { ...dependent, relations }, ctx);
      }
    }
    await deleteEntityRow(tx, blueprint, identifier);
    return { action: 'DELETE', before, after: null };
  });
}

export { toEntity } from '../db/entities';

const view = (entity: Entity, query: { include?: string[]; exclude?: string[] }) =>
  projectEntity(entity, query.include, query.exclude);

export async function getEntity(
  db: Db,
  blueprint: string,
  identifier: string,
  include?: string[],
  exclude?: string[],
) {
  return view(await getEntityRow(db, blueprint, identifier), { include, exclude });
}

export async function listEntities(
  db: Db,
  blueprint: string,
  { include, exclude, search }: { include?: string[]; exclude?: string[]; search?: string },
) {
  return (await listEntityRows(db, blueprint, search)).map((e) => view(e, { include, exclude }));
}

/** Port's `POST /v1/entities/search`, compiled to one SQL query; [ext] paged by `cursor`. */
export async function searchEntities(db: Db, body: SearchGroup, query: SearchQuery, now: Date) {
  const after = query.cursor ? decodeSearchCursor(query.cursor) : undefined;
  const relations = await allRelations(db);
  const rows = await searchEntityRows(db, body, {
    now,
    relations,
    limit: query.limit,
    after,
    search: query.search,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeSearchCursor([last.blueprint, last.identifier])
      : null;
  return {
    matchingBlueprints: [...new Set(page.map((r) => r.blueprint))],
    entities: page.map((row) => view(toEntity(row), query)),
    nextCursor,
  };
}

const encodeSearchCursor = (key: [string, string]) =>
  Buffer.from(JSON.stringify(key)).toString('base64url');

function decodeSearchCursor(cursor: string): [string, string] {
  try {
    const key: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString());
    if (Array.isArray(key) && key.length === 2 && key.every((k) => typeof k === 'string')) {
      return key as [string, string];
    }
  } catch {
    // falls through to the 422 below
  }
  throw invalid('cursor: is not a cursor this server handed out');
}
