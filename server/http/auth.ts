import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { eq, lt } from 'drizzle-orm';
import type { Context, MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { CSRF_HEADER } from '../../contract/auth';
import type { Db, DbOrTx } from '../db/client';
import { accessTokens, settings } from '../db/schema';
import { tokenUser, touchUser, userByClientId } from '../db/users';
import { ApiError, forbidden } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import { sha256 } from '../services/hashing';
import {
  actorForSession,
  auditSignIn,
  clearFailures,
  countAddress,
  countFailure,
  limitCredential,
  refuseBusyAddress,
  type RateLimits,
} from '../services/sign-in';
import { TOKEN_REFUSED, type BearerToken, type LogWriter } from '../services/log-ingest';
import { SESSION_COOKIE } from './session';
import { requestActor, type RequestActor } from './source';

export { sha256 };

export const TOKEN_TTL_SECONDS = 3 * 60 * 60;
const TOKEN_SECRET_KEY = 'token_secret';

function sameSecret(given: string, storedHash: string | null) {
  if (!storedHash) return false;
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
  { address, limits }: { address: string; limits: RateLimits },
) {
  // The secret is checked first: the right one is never refused for others' failures. Failures
  // count per client id *and* address, so guesses from elsewhere cannot lock CI out; they (and
  // only they) also count against the address.
  await refuseBusyAddress(db, address, now, limits);
  const failures = `${clientId} from ${address}`;
  const user = await userByClientId(db, clientId);
  if (!user || !sameSecret(clientSecret, user.clientSecretHash) || user.status !== 'ACTIVE') {
    await countAddress(db, address, now, limits);
    await limitCredential(db, failures, now, limits, clientId);
    await countFailure(db, failures, now, limits);
    await auditSignIn(db, {
      userId: user?.id ?? 'anonymous',
      ok: false,
      at: now,
      // The token endpoint is the API clients' (backends, Port's GitHub Action, Ocean).
      origin: 'API',
      details: {
        method: 'client credentials',
        clientId,
        address,
        reason:
          user?.status === 'DISABLED' ? 'revoked or deactivated' : 'wrong client id or secret',
      },
    });
    throw unauthorized(
      user && user.status !== 'ACTIVE' && sameSecret(clientSecret, user.clientSecretHash)
        ? 'These credentials are revoked (or their user deactivated)'
        : 'clientId or clientSecret is wrong',
    );
  }
  await clearFailures(db, failures);
  await touchUser(db, user.id, now);
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

/**
 * The active user and expiry of a bearer token this server issued, or null. The signature's
 * verdict is remembered per token text (verifiedToken); the row and user come from db/users.ts
 * tokenUser: a query concurrent requests share, its answer standing for CHECKED_CREDENTIAL_MS.
 */
export async function tokenActor(db: Db, token: string, secret: string, now: Date) {
  const verified = verifiedToken(token, secret, now);
  if (!verified) return null;
  const row = await tokenUser(db, verified.hash, now);
  return row && row.id === verified.claims.sub
    ? {
        actor: { id: row.id, email: row.email, role: row.role },
        expiresAt: new Date(verified.claims.exp * 1000),
      }
    : null;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Where people reach this server: PUBLIC_URL, and whether a reverse proxy's headers are trusted. */
export interface Site {
  publicUrl?: string | undefined;
  trustProxy: boolean;
}

/**
 * The origin this request was made to, as the browser saw it: PUBLIC_URL when set; behind a
 * trusted proxy its X-Forwarded-Proto/-Host; else the request's own (built from Host).
 */
export function ownOrigin(c: Context, site: Site) {
  if (site.publicUrl) return new URL(site.publicUrl).origin;
  const own = new URL(c.req.url);
  if (!site.trustProxy) return own.origin;
  const first = (name: string) => c.req.header(name)?.split(',')[0]?.trim();
  const proto = first('x-forwarded-proto') ?? own.protocol.slice(0, -1);
  try {
    // A new URL: setting .host without a port would keep the request's port.
    return new URL(`${proto}://${first('x-forwarded-host') ?? own.host}`).origin;
  } catch {
    return own.origin; // a malformed forwarded header: no origin matches but the request's own
  }
}

/**
 * Cross-site request forgery: a state-changing request made with the session cookie must carry
 * the dashboard's header (a cross-site form cannot set one, and a cross-site fetch with it needs
 * a CORS preflight this server never grants) and, when the browser sends Origin, come from here.
 */
export function checkCsrf(c: Context, site: Site) {
  if (SAFE_METHODS.has(c.req.method)) return;
  const origin = c.req.header('origin');
  if (c.req.header(CSRF_HEADER) !== '1' || (origin && origin !== ownOrigin(c, site))) {
    throw forbidden(
      `Cross-site request refused: requests made with the session cookie must come from this site and send "${CSRF_HEADER}: 1"`,
    );
  }
}

export type AuthEnv = {
  Variables: {
    /** Who is signed in, with where the request came from (set by requireAuth). */
    actor: RequestActor;
    /** A token left for the write to check (see requireAuth's `checkedByWrite`). */
    deferredToken: BearerToken | undefined;
    /** The deferred token was handed to a write, which answers for it. */
    tokenHandedOver: boolean | undefined;
  };
};

/**
 * Who writes, for a route whose write can check the token itself: the token when requireAuth
 * left it to the write, else the actor.
 */
export function writerOf(c: Context<AuthEnv>): LogWriter {
  const token = c.get('deferredToken');
  if (!token) return { actor: c.get('actor') };
  c.set('tokenHandedOver', true);
  return { token };
}

/**
 * Resolves the acting user, or answers 401: `Authorization: Bearer <token>` (API clients; the
 * signature and `exp` are checked, then that the token was issued here and its user is active), else
 * the dashboard's session cookie (then state-changing requests must pass checkCsrf).
 */
export function requireAuth(
  db: Db,
  clock: () => Date,
  secret: () => Promise<string>,
  site: Site = { trustProxy: false },
  checkedByWrite: (c: Context) => boolean = () => false,
): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const now = clock();
    if (header) {
      const match = /^Bearer\s+(\S+)$/i.exec(header);
      if (!match) {
        throw unauthorized(
          'Send "Authorization: Bearer <token>"; get a token from POST /v1/auth/access_token',
        );
      }
      const token = match[1]!;
      if (checkedByWrite(c)) return deferTokenCheck(c, next, db, token, await secret(), now);
      const found = await tokenActor(db, token, await secret(), now);
      if (!found) throw unauthorized(TOKEN_REFUSED);
      c.set('actor', requestActor(c, found.actor));
      return next();
    }
    const sessionId = getCookie(c, SESSION_COOKIE);
    const row = sessionId ? await actorForSession(db, sessionId, now) : null;
    if (!row) {
      throw unauthorized(
        sessionId
          ? 'Your session has ended; sign in again'
          : 'Send "Authorization: Bearer <token>"; get a token from POST /v1/auth/access_token',
      );
    }
    checkCsrf(c, site);
    c.set('actor', requestActor(c, row));
    await next();
  };
}

/**
 * Tokens whose signature was verified, by the token's text: a backend posts batch after batch
 * with one token, a viewer polls with one, and the HMAC and SHA-256 cost ~35 µs a request (~0.35
 * µs a line of a 100-line batch). Only the signature's verdict is kept (for that exact text and
 * secret); the expiry is checked on every request, and the row and user by a query (or a log
 * append's write), as before.
 */
const verifiedTokens = new Map<string, { secret: string; claims: TokenClaims; hash: string }>();
const VERIFIED_TOKENS = 1000;

function verifiedToken(token: string, secret: string, now: Date) {
  const known = verifiedTokens.get(token);
  if (known?.secret === secret) return known.claims.exp * 1000 > now.getTime() ? known : null;
  const claims = verifyJwt(token, secret, now);
  if (!claims) return null;
  // Oldest first out: a Map iterates in insertion order.
  if (verifiedTokens.size >= VERIFIED_TOKENS) {
    verifiedTokens.delete(verifiedTokens.keys().next().value!);
  }
  const entry = { secret, claims, hash: sha256(token) };
  verifiedTokens.set(token, entry);
  return entry;
}

/**
 * A token checked by the write it authorizes (a log append): its signature and expiry here, its
 * row and user (revoked? deactivated?) in the write's transaction, under its locks — as current
 * as a lookup here, one round trip less per request. A request refused before it reaches the
 * write (say, its body is invalid) is told 401 instead if the token is no longer good, as when
 * the lookup came first.
 */
async function deferTokenCheck(
  c: Context<AuthEnv>,
  next: () => Promise<void>,
  db: Db,
  token: string,
  secret: string,
  now: Date,
) {
  const verified = verifiedToken(token, secret, now);
  if (!verified) throw unauthorized(TOKEN_REFUSED);
  c.set('deferredToken', { hash: verified.hash, sub: verified.claims.sub });
  await next();
  if (c.res.status >= 400 && !c.get('tokenHandedOver')) {
    if (!(await tokenActor(db, token, secret, now))) throw unauthorized(TOKEN_REFUSED);
  }
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
