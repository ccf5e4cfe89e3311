import { randomBytes } from 'node:crypto';
import type { Credential, InviteBody, UpdateUserBody, User } from '../../contract/users';
import { recordAudit } from '../db/audit';
import type { Db, DbOrTx } from '../db/client';
import {
  countActiveAdmins,
  lockAdminChanges,
  endAllSessions,
  insertUser,
  listUsers,
  updateUser,
  userByEmail,
  userById,
  type UserRow,
} from '../db/users';
import { conflict, forbidden, invalid, notFound } from '../domain/errors';
import { randomId16 } from '../domain/ids';
import type { Actor } from '../domain/permissions';
import {
  isSeededFromEnvironment,
  normalizeEmail,
  roleFromInvite,
  SIMULATOR_ID,
} from '../domain/users';
import { sha256 } from './hashing';
import { hashPassword } from './passwords';

export const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  firstName: row.firstName,
  lastName: row.lastName,
  role: row.role,
  status: row.status,
});

export function toCredential(row: UserRow): Credential {
  return {
    id: row.id,
    name: row.firstName ?? row.clientId ?? row.id,
    clientId: row.clientId ?? '',
    status: row.status === 'ACTIVE' ? 'ACTIVE' : 'REVOKED',
    source: isSeededFromEnvironment(row.id) ? 'environment' : 'app',
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
  };
}

function adminOnly(actor: Actor, what: string) {
  if (actor.role !== 'admin') {
    throw forbidden(`Only admins may ${what}; you are signed in as ${actor.role}`);
  }
}

/** Security entries are seen by admins and machine credentials only (no run, not for anyone). */
const adminsOnlyEntry = { run: { allowAnyoneToView: false, createdBy: '' } };

async function audit(
  tx: DbOrTx,
  resourceType: 'user' | 'credential',
  action: 'CREATE' | 'UPDATE' | 'DELETE',
  actor: Actor,
  now: Date,
  subject: string,
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
) {
  await recordAudit(tx, {
    action,
    resourceType,
    userId: actor.id,
    origin: actor.origin ?? 'API',
    at: now,
    blueprintIdentifier: null,
    entityIdentifier: null,
    runId: null,
    before: before && { id: subject, ...before },
    after: after && { id: subject, ...after },
    ...adminsOnlyEntry,
  });
}

/** `GET /v1/users`: everyone signed in may read names and emails (the dashboard shows them). */
export async function listPeople(db: Db) {
  return (await listUsers(db)).map(toUser);
}

async function loadPerson(tx: DbOrTx, idOrEmail: string) {
  const row = idOrEmail.includes('@')
    ? await userByEmail(tx, idOrEmail, true)
    : await userById(tx, idOrEmail, true);
  if (!row || row.role === 'machine') throw notFound(`User "${idOrEmail}"`);
  return row;
}

/** `POST /v1/users/invite`: an admin adds a person (optionally with a first password). */
export async function invitePerson(db: Db, body: InviteBody, actor: Actor, now: Date) {
  adminOnly(actor, 'add people');
  const email = normalizeEmail(body.invitee.email);
  const passwordHash = body.password ? await hashPassword(body.password) : null;
  return db.transaction(async (tx) => {
    if (await userByEmail(tx, email)) throw conflict(`A user with email "${email}" already exists`);
    const row = await insertUser(tx, {
      id: `user_${randomId16()}`,
      email,
      role: roleFromInvite(body.invitee.roles),
      firstName: body.invitee.firstName || null,
      lastName: body.invitee.lastName || null,
      passwordHash,
      createdAt: now,
    });
    await audit(tx, 'user', 'CREATE', actor, now, row.id, null, auditView(row));
    return toUser(row);
  });
}

const auditView = (row: UserRow) => ({
  email: row.email,
  firstName: row.firstName,
  lastName: row.lastName,
  role: row.role,
  status: row.status,
});

/** `PATCH /v1/users/{id}`: name, role, status or password; disabling ends every session at once. */
export async function updatePerson(
  db: Db,
  idOrEmail: string,
  body: UpdateUserBody,
  actor: Actor,
  now: Date,
) {
  adminOnly(actor, 'change people');
  const passwordHash = body.password ? await hashPassword(body.password) : undefined;
  return db.transaction(async (tx) => {
    // Before reading: the person and the count of admins are read after any change in flight.
    if (body.role || body.status) await lockAdminChanges(tx);
    const before = await loadPerson(tx, idOrEmail);
    const losesAdmin =
      before.role === 'admin' &&
      before.status === 'ACTIVE' &&
      ((body.role && body.role !== 'admin') || body.status === 'DISABLED');
    if (losesAdmin && (await countActiveAdmins(tx, before.id)) === 0) {
      throw invalid(
        'The last active admin cannot be demoted or deactivated; make someone else admin first',
      );
    }
    const row = await updateUser(tx, before.id, {
      ...(body.firstName !== undefined ? { firstName: body.firstName || null } : {}),
      ...(body.lastName !== undefined ? { lastName: body.lastName || null } : {}),
      ...(body.role ? { role: body.role } : {}),
      ...(body.status ? { status: body.status } : {}),
      ...(passwordHash ? { passwordHash } : {}),
    });
    // A new role or a deactivation takes effect at once: tokens and sessions carry the old role.
    if (body.status === 'DISABLED' || (body.role && body.role !== before.role) || passwordHash) {
      await endAllSessions(tx, row.id);
    }
    const after = { ...auditView(row), ...(passwordHash ? { password: 'changed' } : {}) };
    await audit(tx, 'user', 'UPDATE', actor, now, row.id, auditView(before), after);
    return toUser(row);
  });
}

// ---- machine credentials ----------------------------------------------------------------------

const newSecret = () => randomBytes(32).toString('base64url');

export async function listCredentials(db: Db, actor: Actor) {
  adminOnly(actor, 'manage credentials');
  return (await listUsers(db))
    .filter((u) => u.role === 'machine' && u.id !== SIMULATOR_ID && u.clientId)
    .map(toCredential);
}

export async function createCredential(db: Db, name: string, actor: Actor, now: Date) {
  adminOnly(actor, 'manage credentials');
  const key = randomId16().toLowerCase();
  const clientSecret = newSecret();
  return db.transaction(async (tx) => {
    const row = await insertUser(tx, {
      id: `user_m_${key}`,
      // Never looks like a person's email (Ocean reads an "@" in the client id as a personal token).
      email: `machine-${key}@credentials.runboard.invalid`,
      role: 'machine',
      firstName: name,
      clientId: `rb_${key}`,
      clientSecretHash: sha256(clientSecret),
      createdAt: now,
    });
    await audit(tx, 'credential', 'CREATE', actor, now, row.id, null, {
      name,
      clientId: row.clientId,
    });
    return { credential: toCredential(row), clientSecret };
  });
}

async function loadCredential(tx: DbOrTx, id: string) {
  const row = await userById(tx, id, true);
  if (!row || row.role !== 'machine' || row.id === SIMULATOR_ID || !row.clientId) {
    throw notFound(`Credential "${id}"`);
  }
  return row;
}

/** A new secret; the old one and every token issued with it stop working at once. */
export async function rotateCredential(db: Db, id: string, actor: Actor, now: Date) {
  adminOnly(actor, 'manage credentials');
  const clientSecret = newSecret();
  return db.transaction(async (tx) => {
    const before = await loadCredential(tx, id);
    if (isSeededFromEnvironment(id)) {
      throw invalid(
        'This credential comes from RUNBOARD_MACHINE_CLIENT_SECRET; change it there (or revoke it here)',
      );
    }
    if (before.status !== 'ACTIVE') throw invalid('A revoked credential cannot be rotated');
    const row = await updateUser(tx, id, { clientSecretHash: sha256(clientSecret) });
    await endAllSessions(tx, id);
    await audit(tx, 'credential', 'UPDATE', actor, now, id, null, { secret: 'rotated' });
    return { credential: toCredential(row), clientSecret };
  });
}

/** Revoked: refused from the next request on; kept so runs it started still show its name. */
export async function revokeCredential(db: Db, id: string, actor: Actor, now: Date) {
  adminOnly(actor, 'manage credentials');
  return db.transaction(async (tx) => {
    const before = await loadCredential(tx, id);
    const row = await updateUser(tx, id, { status: 'DISABLED' });
    await endAllSessions(tx, id);
    await audit(
      tx,
      'credential',
      'DELETE',
      actor,
      now,
      id,
      { status: before.status },
      { status: 'REVOKED' },
    );
    return toCredential(row);
  });
}
