import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Db } from '../db/client';
import { accessTokens, users } from '../db/schema';
import { ApiError, forbidden } from '../domain/errors';
import type { Actor } from '../domain/permissions';

export const TOKEN_TTL_SECONDS = 3 * 60 * 60;

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function sameSecret(given: string, storedHash: string) {
  const a = Buffer.from(sha256(given), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);

export async function issueToken(db: Db, clientId: string, clientSecret: string, now: Date) {
  const [user] = await db.select().from(users).where(eq(users.clientId, clientId));
  if (!user || !sameSecret(clientSecret, user.clientSecretHash)) {
    throw unauthorized('clientId or clientSecret is wrong');
  }
  const token = randomBytes(32).toString('base64url');
  await db.delete(accessTokens).where(lt(accessTokens.expiresAt, now));
  await db.insert(accessTokens).values({
    tokenHash: sha256(token),
    userId: user.id,
    expiresAt: new Date(now.getTime() + TOKEN_TTL_SECONDS * 1000),
  });
  return token;
}

export type AuthEnv = { Variables: { actor: Actor } };

/** Resolves `Authorization: Bearer <token>` to the acting user, or answers 401. */
export function requireAuth(db: Db, clock: () => Date): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw unauthorized(
        'Send "Authorization: Bearer <token>"; get a token from POST /v1/auth/access_token',
      );
    }
    const [row] = await db
      .select({ id: users.id, email: users.email, role: users.role })
      .from(accessTokens)
      .innerJoin(users, eq(users.id, accessTokens.userId))
      .where(
        and(eq(accessTokens.tokenHash, sha256(match[1]!)), gt(accessTokens.expiresAt, clock())),
      );
    if (!row) throw unauthorized('The access token is unknown or expired; request a new one');
    c.set('actor', row);
    await next();
  };
}

/** Route middleware: only admins go on, refused before anything in the request is validated. */
export function adminOnly(what: string): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const { role } = c.get('actor');
    if (role !== 'admin') throw forbidden(`Only admins may ${what}; you are signed in as ${role}`);
    await next();
  };
}
