import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, lt } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import type { Db, DbOrTx } from '../db/client';
import { accessTokens, settings, users } from '../db/schema';
import { ApiError, forbidden } from '../domain/errors';
import type { Actor } from '../domain/permissions';

export const TOKEN_TTL_SECONDS = 3 * 60 * 60;
const TOKEN_SECRET_KEY = 'token_secret';

export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

function sameSecret(given: string, storedHash: string) {
  const a = Buffer.from(sha256(given), 'hex');
  const b = Buffer.from(storedHash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);

/** The secret that signs access tokens: made once and kept in the settings table. */
export async function storedTokenSecret(db: DbOrTx): Promise<string> {
  const read = async () =>
    (await db.select().from(settings).where(eq(settings.key, TOKEN_SECRET_KEY)))[0]?.value;
  const existing = await read();
  if (existing) return existing;
  await db
    .insert(settings)
    .values({ key: TOKEN_SECRET_KEY, value: randomBytes(32).toString('base64url') })
    .onConflictDoNothing();
  return (await read())!;
}

/** What an access token says about its holder. Port's clients read `isMachine` (Ocean). */
export interface TokenClaims {
  sub: string;
  role: Actor['role'];
  isMachine: boolean;
  personalToken: boolean;
  iat: number;
  exp: number;
  /** Unique per token, so two sign-ins in one second get two tokens. */
  jti: string;
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString('base64url');
const hmac = (secret: string, data: string) =>
  createHmac('sha256', secret).update(data).digest('base64url');

export function signJwt(claims: TokenClaims, secret: string): string {
  const head = `${b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${b64(JSON.stringify(claims))}`;
  return `${head}.${hmac(secret, head)}`;
}

/** The claims of a token this server signed and that has not expired, or null. */
export function verifyJwt(token: string, secret: string, now: Date): TokenClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = Buffer.from(hmac(secret, `${header}.${payload}`));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const head = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: string };
    if (head.alg !== 'HS256') return null;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TokenClaims;
    return typeof claims.exp === 'number' && claims.exp * 1000 > now.getTime() ? claims : null;
  } catch {
    return null;
  }
}

/**
 * A signed JWT (HS256) for the user with these credentials. Its hash is also kept in
 * access_tokens, so a token dies with its user (and can be revoked by deleting the row).
 */
export async function issueToken(
  db: Db,
  clientId: string,
  clientSecret: string,
  now: Date,
  secret: string,
) {
  const [user] = await db.select().from(users).where(eq(users.clientId, clientId));
  if (!user || !sameSecret(clientSecret, user.clientSecretHash)) {
    throw unauthorized('clientId or clientSecret is wrong');
  }
  const iat = Math.floor(now.getTime() / 1000);
  const isMachine = user.role === 'machine';
  const token = signJwt(
    {
      sub: user.id,
      role: user.role,
      isMachine,
      personalToken: !isMachine,
      iat,
      exp: iat + TOKEN_TTL_SECONDS,
      jti: randomBytes(12).toString('base64url'),
    },
    secret,
  );
  await db.delete(accessTokens).where(lt(accessTokens.expiresAt, now));
  await db.insert(accessTokens).values({
    tokenHash: sha256(token),
    userId: user.id,
    expiresAt: new Date((iat + TOKEN_TTL_SECONDS) * 1000),
  });
  return token;
}

export type AuthEnv = { Variables: { actor: Actor } };

/**
 * Resolves `Authorization: Bearer <token>` to the acting user, or answers 401: the signature and
 * `exp` are checked, then that the token was issued here and its user still exists.
 */
export function requireAuth(
  db: Db,
  clock: () => Date,
  secret: () => Promise<string>,
): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) {
      throw unauthorized(
        'Send "Authorization: Bearer <token>"; get a token from POST /v1/auth/access_token',
      );
    }
    const token = match[1]!;
    const now = clock();
    const claims = verifyJwt(token, await secret(), now);
    const [row] = claims
      ? await db
          .select({ id: users.id, email: users.email, role: users.role })
          .from(accessTokens)
          .innerJoin(users, eq(users.id, accessTokens.userId))
          .where(and(eq(accessTokens.tokenHash, sha256(token)), gt(accessTokens.expiresAt, now)))
      : [];
    if (!row || row.id !== claims?.sub) {
      throw unauthorized('The access token is unknown or expired; request a new one');
    }
    c.set('actor', row);
    await next();
  };
}

/** Route middleware: only admins go on, refused before anything in the request is validated. */
/**
 * Admins and machine credentials: Port's organization credentials create blueprints and actions
 * (Ocean's defaults and the GitHub Action's test fixtures do).
 */
export function adminOrMachine(what: string): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const { role } = c.get('actor');
    if (role !== 'admin' && role !== 'machine') {
      throw forbidden(
        `Only admins and machine credentials may ${what}; you are signed in as ${role}`,
      );
    }
    await next();
  };
}

export function adminOnly(what: string): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const { role } = c.get('actor');
    if (role !== 'admin') throw forbidden(`Only admins may ${what}; you are signed in as ${role}`);
    await next();
  };
}
