import { asc, eq } from 'drizzle-orm';
import type { Blueprint, BlueprintBody } from '../../contract/actions';
import { conflict, notFound } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import type { DbOrTx } from './client';
import { blueprints } from './schema';
import { createdStamps, stampsOf } from './stamps';

type BlueprintRow = typeof blueprints.$inferSelect;

export function toBlueprint(row: BlueprintRow): Blueprint {
  return {
    identifier: row.identifier,
    title: row.title,
    icon: row.icon,
    description: row.description,
    schema: row.schema as Blueprint['schema'],
    ...stampsOf(row),
  };
}

export async function listBlueprints(db: DbOrTx) {
  const rows = await db.select().from(blueprints).orderBy(asc(blueprints.identifier));
  return rows.map(toBlueprint);
}

export async function getBlueprintRow(db: DbOrTx, identifier: string) {
  const [row] = await db.select().from(blueprints).where(eq(blueprints.identifier, identifier));
  if (!row) throw notFound(`Blueprint "${identifier}"`);
  return row;
}

export async function insertBlueprint(db: DbOrTx, body: BlueprintBody, actor: Actor, now: Date) {
  const [row] = await db
    .insert(blueprints)
    .values({
      identifier: body.identifier,
      title: body.title,
      icon: body.icon ?? null,
      description: body.description ?? null,
      schema: body.schema,
      ...createdStamps(actor, now),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict(`A blueprint with identifier "${body.identifier}" already exists`);
  return toBlueprint(row);
}
