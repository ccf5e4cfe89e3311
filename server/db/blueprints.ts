import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import type { Blueprint, BlueprintBody, BlueprintRelation } from '../../contract/actions';
import { conflict, notFound } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { selectRows, type DbOrTx } from './client';
import { actions, blueprints, entities } from './schema';
import { createdStamps, stampsOf } from './stamps';

export type BlueprintRow = typeof blueprints.$inferSelect;

export function toBlueprint(row: BlueprintRow): Blueprint {
  return {
    ...(row.extra as Record<string, unknown>),
    identifier: row.identifier,
    title: row.title,
    icon: row.icon,
    description: row.description,
    schema: row.schema as Blueprint['schema'],
    relations: row.relations as Record<string, BlueprintRelation>,
    ...stampsOf(row),
  };
}

export async function listBlueprints(db: DbOrTx) {
  const rows = await db.select().from(blueprints).orderBy(asc(blueprints.identifier));
  return rows.map(toBlueprint);
}

export async function findBlueprintRow(db: DbOrTx, identifier: string) {
  const [row] = await db.select().from(blueprints).where(eq(blueprints.identifier, identifier));
  return row;
}

export async function getBlueprintRow(db: DbOrTx, identifier: string) {
  const row = await findBlueprintRow(db, identifier);
  if (!row) throw notFound(`Blueprint "${identifier}"`);
  return row;
}

export async function insertBlueprint(db: DbOrTx, body: BlueprintBody, actor: Actor, now: Date) {
  const { identifier, title, icon, description, schema, relations, ...extra } = body;
  const [row] = await db
    .insert(blueprints)
    .values({
      identifier,
      title,
      icon: icon ?? null,
      description: description ?? null,
      schema,
      relations,
      extra,
      ...createdStamps(actor, now),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict(`A blueprint with identifier "${identifier}" already exists`);
  return toBlueprint(row);
}

export async function countEntitiesOf(db: DbOrTx, blueprint: string) {
  const [row] = await db
    .select({ n: count() })
    .from(entities)
    .where(eq(entities.blueprint, blueprint));
  return row?.n ?? 0;
}

export async function deleteEntitiesOf(db: DbOrTx, blueprint: string) {
  await db.delete(entities).where(eq(entities.blueprint, blueprint));
}

export async function deleteActionsOf(db: DbOrTx, blueprint: string) {
  await db.delete(actions).where(eq(actions.blueprint, blueprint));
}

/** Blueprints (other than `blueprint` itself) with a relation whose target is `blueprint`. */
export async function blueprintsRelatingTo(db: DbOrTx, blueprint: string) {
  const rows = await db
    .select({ identifier: blueprints.identifier })
    .from(blueprints)
    .where(
      and(
        ne(blueprints.identifier, blueprint),
        sql`EXISTS (SELECT 1 FROM jsonb_each(${blueprints.relations}) r WHERE r.value->>'target' = ${blueprint})`,
      ),
    );
  return rows.map((row) => row.identifier);
}

/** Every relation of every blueprint: which blueprint has it, its key and its target. */
export function allRelations(db: DbOrTx) {
  return selectRows<{ blueprint: string; relation: string; target: string; required: boolean }>(
    db,
    sql`SELECT b.identifier AS blueprint, r.key AS relation, r.value->>'target' AS target,
          coalesce((r.value->>'required')::boolean, false) AS required
        FROM ${blueprints} b, jsonb_each(b.relations) r`,
  );
}

/** Every relation, of any blueprint, whose target is `target`. */
export async function incomingRelations(db: DbOrTx, target: string) {
  return selectRows<{ blueprint: string; relation: string; required: boolean }>(
    db,
    sql`SELECT b.identifier AS blueprint, r.key AS relation,
          coalesce((r.value->>'required')::boolean, false) AS required
        FROM ${blueprints} b, jsonb_each(b.relations) r
        WHERE r.value->>'target' = ${target}`,
  );
}

export async function deleteBlueprintRow(db: DbOrTx, identifier: string) {
  await db.delete(blueprints).where(eq(blueprints.identifier, identifier));
}
