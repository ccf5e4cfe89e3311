import { randomBytes } from 'node:crypto';
import type { RunSource } from '../../contract/actions';
import { recordAudit } from '../db/audit';
import type { Db, DbOrTx } from '../db/client';
import {
  clearHits,
  countHit,
  deleteSession,
  endAllSessions,
  insertSession,
  insertUser,
  peekHits,
  sessionUser,
  touchUser,
  userByEmail,
  type UserRow,
} from '../db/users';
import { ApiError, RateLimited } from '../domain/errors';
import { randomId16 } from '../domain/ids';
import type { Actor } from '../domain/permissions';
import { normalizeEmail, secondsLeft } from '../domain/users';
import { sha256 } from './hashing';
import { passwordMatches } from './passwords';

/** Limits on sign-in and the token endpoint; counted in PostgreSQL, so shared by every server. */
export interface RateLimits {
  /** Attempts (any outcome) one address may make per window. */
  perAddress: number;
  /** Failed attempts per credential (email or client id) per window; then it is refused. */
  failuresPerCredential: number;
  windowMs: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  perAddress: 300,
  failuresPerCredential: 10,
  windowMs: 15 * 60_000,
};

export interface SessionPolicy {
  ttlMs: number;
}
export const DEFAULT_SESSION_POLICY: SessionPolicy = { ttlMs: 12 * 60 * 60_000 };

const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);

/** Counts this attempt against the address; 429 past the limit. */
export async function limitAddress(db: DbOrTx, address: string, now: Date, limits: RateLimits) {
  const row = await countHit(db, `addr:${address}`, now, limits.windowMs);
  if (row.count > limits.perAddress) {
    const wait = secondsLeft(row.windowStart, limits.windowMs, now);
    throw new RateLimited(
      wait,
      `Too many sign-in attempts from your address; try again in ${wait} seconds`,
    );
  }
}

/**
 * 429 once the address has made its attempts this window, without counting this one (the token
 * endpoint counts only failures against the address: CI asking often is not an attack).
 */
export async function refuseBusyAddress(
  db: DbOrTx,
  address: string,
  now: Date,
  limits: RateLimits,
) {
  const row = await peekHits(db, `addr:${address}`, now, limits.windowMs);
  if (row && row.count >= limits.perAddress) {
    const wait = secondsLeft(row.windowStart, limits.windowMs, now);
    throw new RateLimited(
      wait,
      `Too many sign-in attempts from your address; try again in ${wait} seconds`,
    );
  }
}

/** 429 while the credential has used up its failed attempts, whatever the secret sent. */
export async function limitCredential(
  db: DbOrTx,
  key: string,
  now: Date,
  limits: RateLimits,
  label = key,
) {
  const row = await peekHits(db, `fail:${key}`, now, limits.windowMs);
  if (row && row.count >= limits.failuresPerCredential) {
    const wait = secondsLeft(row.windowStart, limits.windowMs, now);
    throw new RateLimited(
      wait,
      `Too many failed attempts for "${label}"; try again in ${wait} seconds`,
    );
  }
}

/** Counts one attempt against the address (no check: see refuseBusyAddress). */
export async function countAddress(db: DbOrTx, address: string, now: Date, limits: RateLimits) {
  await countHit(db, `addr:${address}`, now, limits.windowMs);
}

export async function countFailure(db: DbOrTx, key: string, now: Date, limits: RateLimits) {
  await countHit(db, `fail:${key}`, now, limits.windowMs);
}

export const clearFailures = (db: DbOrTx, key: string) => clearHits(db, `fail:${key}`);

/**
 * Sign-in entries are for admins only (like the rest of the security trail). `origin`: UI for
 * the dashboard's own sign-in and sign-out (`UI` unless said), API for the token endpoint's
 * client credentials; a signed-in request's own (its actor's) otherwise.
 */
export async function auditSignIn(
  db: DbOrTx,
  entry: {
    userId: string;
    ok: boolean;
    action?: 'CREATE' | 'DELETE';
    at: Date;
    origin?: RunSource;
    details: Record<string, unknown>;
  },
) {
  await recordAudit(db, {
    action: entry.action ?? 'CREATE',
    resourceType: 'session',
    status: entry.ok ? 'SUCCESS' : 'FAILURE',
    userId: entry.userId,
    origin: entry.origin ?? 'UI',
    at: entry.at,
    blueprintIdentifier: null,
    entityIdentifier: null,
    runId: null,
    before: null,
    after: entry.details,
    run: { allowAnyoneToView: false, createdBy: '' },
  });
}

/** A new browser session for `user`: the cookie value (random) and when it ends. */
export async function createSession(
  db: DbOrTx,
  userId: string,
  method: 'password' | 'oidc' | 'token',
  now: Date,
  policy: SessionPolicy,
  endsBy?: Date,
) {
  const id = randomBytes(32).toString('base64url');
  const ttlEnd = new Date(now.getTime() + policy.ttlMs);
  const expiresAt = endsBy && endsBy < ttlEnd ? endsBy : ttlEnd;
  await insertSession(db, { idHash: sha256(id), userId, createdAt: now, expiresAt, method });
  await touchUser(db, userId, now);
  return { id, expiresAt };
}

export async function actorForSession(db: Db, sessionId: string, now: Date) {
  return sessionUser(db, sha256(sessionId), now);
}

/** `POST /v1/auth/sign-in`: email + password; a person only, active, with a password set. */
export async function passwordSignIn(
  db: Db,
  body: { email: string; password: string },
  address: string,
  now: Date,
  limits: RateLimits,
  policy: SessionPolicy,
) {
  const email = normalizeEmail(body.email);
  await limitAddress(db, address, now, limits);
  // Failures count per email *and* address: guesses from one place lock out only that place, so
  // nobody can keep a person from signing in by failing on purpose; the address limit still
  // bounds guessing from any one address.
  const failures = `${email} from ${address}`;
  await limitCredential(db, failures, now, limits, email);
  const user = await userByEmail(db, email);
  const matches = await passwordMatches(body.password, user?.passwordHash ?? null);
  if (!user || !matches || user.role === 'machine' || user.status !== 'ACTIVE') {
    await countFailure(db, failures, now, limits);
    const reason = !user || !matches ? 'wrong email or password' : 'deactivated';
    await auditSignIn(db, {
      userId: user?.id ?? 'anonymous',
      ok: false,
      at: now,
      details: { method: 'password', email, address, reason },
    });
    throw unauthorized(
      reason === 'deactivated'
        ? 'This account is deactivated; ask an admin'
        : 'The email or password is wrong',
    );
  }
  await clearFailures(db, failures);
  const session = await createSession(db, user.id, 'password', now, policy);
  await auditSignIn(db, {
    userId: user.id,
    ok: true,
    at: now,
    details: { method: 'password', address },
  });
  return { user, session };
}

/**
 * A person who signed in through OpenID Connect, matched by email; created with `defaultRole`
 * when `autoCreate` and unknown. Refused when deactivated or unknown without auto-create.
 */
export async function oidcSignIn(
  db: Db,
  claims: { email: string; firstName: string | null; lastName: string | null },
  options: { autoCreate: boolean; defaultRole: 'admin' | 'member' },
  address: string,
  now: Date,
  policy: SessionPolicy,
) {
  const email = normalizeEmail(claims.email);
  let user: UserRow | null = await userByEmail(db, email);
  const refuse = async (reason: string, message: string) => {
    await auditSignIn(db, {
      userId: user?.id ?? 'anonymous',
      ok: false,
      at: now,
      details: { method: 'oidc', email, address, reason },
    });
    throw unauthorized(message);
  };
  if (!user && !options.autoCreate) {
    await refuse('unknown', `No Runboard account has the email ${email}; ask an admin to add you`);
  }
  if (!user) {
    user = await insertUser(db, {
      id: `user_${randomId16()}`,
      email,
      role: options.defaultRole,
      firstName: claims.firstName,
      lastName: claims.lastName,
      createdAt: now,
    });
    await recordAudit(db, {
      action: 'CREATE',
      resourceType: 'user',
      userId: user.id,
      origin: 'UI',
      at: now,
      blueprintIdentifier: null,
      entityIdentifier: null,
      runId: null,
      before: null,
      after: { id: user.id, email, role: user.role, via: 'oidc first sign-in' },
      run: { allowAnyoneToView: false, createdBy: '' },
    });
  }
  if (user.role === 'machine') await refuse('machine', 'Machine credentials cannot sign in here');
  if (user.status !== 'ACTIVE')
    await refuse('deactivated', 'This account is deactivated; ask an admin');
  const session = await createSession(db, user.id, 'oidc', now, policy);
  await auditSignIn(db, {
    userId: user.id,
    ok: true,
    at: now,
    details: { method: 'oidc', address },
  });
  return { user, session };
}

export async function signOut(db: Db, sessionId: string, now: Date) {
  const row = await deleteSession(db, sha256(sessionId));
  if (row) {
    await auditSignIn(db, {
      userId: row.userId,
      ok: true,
      action: 'DELETE',
      at: now,
      details: { method: 'sign-out' },
    });
  }
}

/** Every session and token of the actor ends (this tab's too). */
export async function signOutEverywhere(db: Db, actor: Actor, now: Date) {
  await db.transaction(async (tx) => {
    await endAllSessions(tx, actor.id);
    await auditSignIn(tx, {
      userId: actor.id,
      ok: true,
      action: 'DELETE',
      at: now,
      // UI from the dashboard; API over a token.
      origin: actor.origin ?? 'API',
      details: { method: 'sign-out everywhere' },
    });
  });
}
