import { and, asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Entity } from '../../contract/entities';
import { notFound } from '../domain/errors';
import { getBlueprintRow } from './blueprints';
import type { DbOrTx, Tx } from './client';
import { identifierOrTitleContains } from './entity-search';
import { entities } from './schema';
import { stampsOf } from './stamps';

/** Queries of entities: they take a transaction and decide nothing. */

export type EntityRow = typeof entities.$inferSelect;
export type EntityValues = Pick<EntityRow, 'title' | 'icon' | 'properties' | 'relations' | 'team'>;

export function toEntity(row: EntityRow): Entity {
  return {
    identifier: row.identifier,
    title: row.title,
    icon: row.icon,
    blueprint: row.blueprint,
    team: row.team as string[],
    properties: row.properties as Entity['properties'],
    relations: row.relations as Entity['relations'],
    ...stampsOf(row),
  };
}

export async function findEntity(db: DbOrTx, blueprint: string, identifier: string) {
  const [row] = await db
    .select()
    .from(entities)
    .where(and(eq(entities.blueprint, blueprint), eq(entities.identifier, identifier)));
  return row;
}

export async function lockEntity(tx: Tx, blueprint: string, identifier: string) {
  const [row] = await tx
    .select()
    .from(entities)
    .where(and(eq(entities.blueprint, blueprint), eq(entities.identifier, identifier)))
    .for('update');
  return row ?? null;
}

export async function updateEntityRow(
  tx: Tx,
  before: EntityRow,
  values: EntityValues & { updatedBy: string; updatedAt: Date },
) {
  const [after] = await tx
    .update(entities)
    .set(values)
    .where(
      and(eq(entities.blueprint, before.blueprint), eq(entities.identifier, before.identifier)),
    )
    .returning();
  return after!;
}

/** Inserts an entity unless one with its identifier exists; returns it, or undefined. */
export async function insertEntityRow(tx: Tx, values: typeof entities.$inferInsert) {
  const [row] = await tx.insert(entities).values(values).onConflictDoNothing().returning();
  return row;
}

export async function deleteEntityRow(tx: Tx, blueprint: string, identifier: string) {
  await tx
    .delete(entities)
    .where(and(eq(entities.blueprint, blueprint), eq(entities.identifier, identifier)));
}

const entityNotFound = (blueprint: string, identifier: string) =>
  notFound(`Entity "${identifier}" of blueprint "${blueprint}"`);

export async function getEntity(db: DbOrTx, blueprint: string, identifier: string) {
  await getBlueprintRow(db, blueprint);
  const [row] = await db
    .select()
    .from(entities)
    .where(and(eq(entities.blueprint, blueprint), eq(entities.identifier, identifier)));
  if (!row) throw entityNotFound(blueprint, identifier);
  return toEntity(row);
}

/** A blueprint's entities; with `search`, those whose identifier or title contains it. */
export async function listEntities(db: DbOrTx, blueprint: string, search?: string) {
  await getBlueprintRow(db, blueprint);
  const rows = await db
    .select()
    .from(entities)
    .where(and(eq(entities.blueprint, blueprint), identifierOrTitleContains(search)))
    .orderBy(asc(entities.identifier));
  return rows.map(toEntity);
}

/** Which of `identifiers` exist in `blueprint`. */
export async function existingIdentifiers(db: DbOrTx, blueprint: string, identifiers: string[]) {
  if (identifiers.length === 0) return new Set<string>();
  const rows = await db
    .select({ identifier: entities.identifier })
    .from(entities)
    .where(and(eq(entities.blueprint, blueprint), inArray(entities.identifier, identifiers)));
  return new Set(rows.map((r) => r.identifier));
}

/** A relation of some blueprint that targets a given one. */
export interface IncomingRelation {
  blueprint: string;
  relation: string;
  required: boolean;
}

/** Entities pointing at (`target`, `identifier`) through one of `incoming`, locked. */
export async function lockDependents(tx: Tx, identifier: string, incoming: IncomingRelation[]) {
  if (incoming.length === 0) return [];
  const through = incoming.map((r) =>
    and(
      eq(entities.blueprint, r.blueprint),
      or(
        sql`${entities.relations} @> ${JSON.stringify({ [r.relation]: identifier })}::jsonb`,
        sql`${entities.relations} @> ${JSON.stringify({ [r.relation]: [identifier] })}::jsonb`,
      ),
    ),
  );
  return tx
    .select()
    .from(entities)
    .where(or(...through))
    .for('update');
}

export async function deleteEntityRows(
  tx: Tx,
  rows: Pick<EntityRow, 'blueprint' | 'identifier'>[],
) {
  for (const row of rows) await deleteEntityRow(tx, row.blueprint, row.identifier);
}
