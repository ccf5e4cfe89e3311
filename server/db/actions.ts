import { asc, eq } from 'drizzle-orm';
import type { Action, ActionBody } from '../../contract/actions';
import { conflict, notFound } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import type { DbOrTx } from './client';
import { actions } from './schema';
import { createdStamps, stampsOf } from './stamps';

export type ActionRow = typeof actions.$inferSelect;

export function toAction(row: ActionRow): Action {
  return {
    identifier: row.identifier,
    title: row.title,
    icon: row.icon,
    description: row.description,
    blueprint: row.blueprint,
    trigger: row.trigger as Action['trigger'],
    requiredApproval: row.requiredApproval as Action['requiredApproval'],
    allowAnyoneToViewRuns: row.allowAnyoneToViewRuns,
    invocationMethod: row.invocationMethod as Action['invocationMethod'],
    ...stampsOf(row),
  };
}

export async function listActions(db: DbOrTx) {
  const rows = await db.select().from(actions).orderBy(asc(actions.identifier));
  return rows.map(toAction);
}

export async function getActionRow(db: DbOrTx, identifier: string) {
  const [row] = await db.select().from(actions).where(eq(actions.identifier, identifier));
  if (!row) throw notFound(`Action "${identifier}"`);
  return row;
}

export async function insertAction(db: DbOrTx, body: ActionBody, actor: Actor, now: Date) {
  const [row] = await db
    .insert(actions)
    .values({
      identifier: body.identifier,
      title: body.title ?? body.identifier,
      icon: body.icon ?? null,
      description: body.description ?? null,
      blueprint: body.blueprint ?? body.trigger.blueprintIdentifier ?? null,
      trigger: body.trigger,
      requiredApproval: body.requiredApproval,
      allowAnyoneToViewRuns: body.allowAnyoneToViewRuns,
      invocationMethod: body.invocationMethod,
      ...createdStamps(actor, now),
    })
    .onConflictDoNothing()
    .returning();
  if (!row) throw conflict(`An action with identifier "${body.identifier}" already exists`);
  return toAction(row);
}

/** How an action's runs are invoked (its `invocationMethod`), if the action still exists. */
export async function invocationOf(db: DbOrTx, identifier: string) {
  const [row] = await db
    .select({ invocationMethod: actions.invocationMethod })
    .from(actions)
    .where(eq(actions.identifier, identifier));
  return row?.invocationMethod;
}

export async function deleteActionRow(db: DbOrTx, identifier: string) {
  const rows = await db.delete(actions).where(eq(actions.identifier, identifier)).returning();
  if (rows.length === 0) throw notFound(`Action "${identifier}"`);
}
