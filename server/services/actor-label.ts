import { userById } from '../db/users';
import type { DbOrTx } from '../db/client';
import type { Actor } from '../domain/permissions';
import { personLabel } from '../domain/users';

/**
 * How the server's log lines and messages name who acted: "Avery Admin (admin@runboard.dev)",
 * or the email alone for a user without a name. Read once per act, in the act's transaction.
 */
export async function actorLabel(db: DbOrTx, actor: Pick<Actor, 'id' | 'email'>) {
  const user = await userById(db, actor.id);
  return personLabel(user ?? { email: actor.email, firstName: null, lastName: null });
}

/** The same for a user known only by id (e.g. who ended a run); the id when the user is gone. */
export async function userLabel(db: DbOrTx, userId: string) {
  const user = await userById(db, userId);
  return user ? personLabel(user) : userId;
}

/** A log line of an act with the person's reason after a colon, when they gave one. */
export const withReason = (what: string, reason: string | undefined) =>
  reason === undefined ? what : `${what}: ${reason}`;
