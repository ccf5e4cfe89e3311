import type { Actor } from '../domain/permissions';

/** The who-and-when columns of catalogue rows (workflows, blueprints, actions, entities). */
interface Stamped {
  createdBy: string;
  updatedBy: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A new row's stamps: its creator is also its last updater. */
export const createdStamps = (actor: Actor, now: Date): Stamped => ({
  createdBy: actor.id,
  updatedBy: actor.id,
  createdAt: now,
  updatedAt: now,
});

/** A row's stamps as the API shows them. */
export const stampsOf = (row: Stamped) => ({
  createdBy: row.createdBy,
  updatedBy: row.updatedBy,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
