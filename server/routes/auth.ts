import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';
import { getCookie, getSignedCookie, setSignedCookie, deleteCookie } from 'hono/cookie';
import { safeRedirect } from '../../contract/redirect';
import type { Db } from '../db/client';
import { ApiError } from '../domain/errors';
import { checkCsrf, issueToken, ownOrigin, TOKEN_TTL_SECONDS, tokenActor } from '../http/auth';
import { apiRoutes } from '../http/openapi';
import {
  clearSessionCookie,
  isHttps,
  OIDC_COOKIE,
  SESSION_COOKIE,
  setSessionCookie,
} from '../http/session';
import type { OidcClient, OidcPending } from '../services/oidc';
import { toUser } from '../services/people';
import {
  createSession,
  oidcSignIn,
  passwordSignIn,
  signOut,
  signOutEverywhere,
  type RateLimits,
  type SessionPolicy,
} from '../services/sign-in';
import * as routes from './auth.routes';

export interface AuthOptions {
  db: Db;
  clock: () => Date;
  secret: () => Promise<string>;
  limits: RateLimits;
  session: SessionPolicy;
  oidc: OidcClient | null;
  /** Read X-Forwarded-For / X-Forwarded-Proto (only behind a proxy that sets them). */
  trustProxy: boolean;
  /** The address people reach Runboard at, e.g. https://runboard.example.com (OIDC redirect). */
  publicUrl: string | undefined;
}

/**
 * The client's address: the socket's, or behind a trusted proxy the last X-Forwarded-For entry
 * (the one that proxy added; entries before it are whatever the client sent).
 */
export function clientAddress(c: Context, trustProxy: boolean) {
  const forwarded = trustProxy ? c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim() : '';
  if (forwarded) return forwarded;
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown'; // app.request() in tests has no socket
  }
}

/** Only same-origin paths are followed after sign-in, never a full URL. */
const safePath = (target: string | undefined) => safeRedirect(target, '/workflows');

export function authRoutes(o: AuthOptions) {
  const secure = (c: Context) => isHttps(c, o.trustProxy);
  const app = apiRoutes()
    .openapi(routes.issueAccessToken, async (c) => {
      const body = c.req.valid('json');
      const accessToken = await issueToken(
        o.db,
        body.clientId,
        body.clientSecret,
        o.clock(),
        await o.secret(),
        { address: clientAddress(c, o.trustProxy), limits: o.limits },
      );
      return c.json({ ok: true, accessToken, expiresIn: TOKEN_TTL_SECONDS, tokenType: 'Bearer' });
    })
    .openapi(routes.signIn, async (c) => {
      checkCsrf(c, o);
      const { user, session } = await passwordSignIn(
        o.db,
        c.req.valid('json'),
        clientAddress(c, o.trustProxy),
        o.clock(),
        o.limits,
        o.session,
      );
      setSessionCookie(c, session.id, session.expiresAt, secure(c));
      return c.json({ ok: true as const, user: toUser(user) }, 200);
    })
    .openapi(routes.tokenSession, async (c) => {
      const match = /^Bearer\s+(\S+)$/i.exec(c.req.header('authorization') ?? '');
      const now = o.clock();
      const found = match ? await tokenActor(o.db, match[1]!, await o.secret(), now) : null;
      if (!found || found.actor.role === 'machine') {
        throw new ApiError(401, 'unauthorized', 'Send a person’s bearer token to open a session');
      }
      const session = await createSession(
        o.db,
        found.actor.id,
        'token',
        now,
        o.session,
        found.expiresAt,
      );
      setSessionCookie(c, session.id, session.expiresAt, secure(c));
      const user = { ...found.actor, firstName: null, lastName: null, status: 'ACTIVE' as const };
      return c.json({ ok: true as const, user }, 200);
    })
    .openapi(routes.signOut, async (c) => {
      checkCsrf(c, o);
      const id = getCookie(c, SESSION_COOKIE);
      if (id) await signOut(o.db, id, o.clock());
      clearSessionCookie(c, secure(c));
      return c.json({ ok: true as const }, 200);
    });

  app.openapi(routes.oidcStart, async (c) => {
    if (!o.oidc) return failed(c, 'Single sign-on is not configured');
    const redirect = safePath(c.req.valid('query').redirect);
    try {
      const { url, pending } = await o.oidc.start(callbackUrl(c), redirect);
      await setSignedCookie(c, OIDC_COOKIE, JSON.stringify(pending), await o.secret(), {
        httpOnly: true,
        sameSite: 'Lax',
        secure: secure(c),
        path: '/v1/auth/oidc',
        maxAge: 600,
      });
      return c.redirect(url);
    } catch (err) {
      console.error('OIDC start failed:', err);
      return failed(c, 'The identity provider could not be reached');
    }
  });

  app.openapi(routes.oidcCallback, async (c) => {
    if (!o.oidc) return failed(c, 'Single sign-on is not configured');
    const raw = await getSignedCookie(c, await o.secret(), OIDC_COOKIE);
    deleteCookie(c, OIDC_COOKIE, { path: '/v1/auth/oidc', secure: secure(c) });
    if (!raw) return failed(c, 'The sign-in took too long or was started elsewhere; try again');
    const pending = JSON.parse(raw) as OidcPending;
    let identity;
    try {
      const current = new URL(callbackUrl(c));
      current.search = new URL(c.req.url).search;
      identity = await o.oidc.finish(current, pending);
    } catch (err) {
      console.error('OIDC callback refused:', err);
      return failed(c, 'The identity provider’s answer was refused; try again');
    }
    try {
      const { session } = await oidcSignIn(
        o.db,
        identity,
        o.oidc.settings,
        clientAddress(c, o.trustProxy),
        o.clock(),
        o.session,
      );
      setSessionCookie(c, session.id, session.expiresAt, secure(c));
      return c.redirect(safePath(pending.redirect));
    } catch (err) {
      if (err instanceof ApiError) return failed(c, err.message);
      throw err;
    }
  });

  const callbackUrl = (c: Context) => `${ownOrigin(c, o)}/v1/auth/oidc/callback`;
  const failed = (c: Context, message: string) =>
    c.redirect(`/sign-in?error=${encodeURIComponent(message)}`);

  return app;
}

/** Routes of the signed-in user's own sessions (mounted behind requireAuth). */
export function ownSessionRoutes(db: Db, clock: () => Date, trustProxy: boolean) {
  return apiRoutes().openapi(routes.signOutEverywhere, async (c) => {
    await signOutEverywhere(db, c.get('actor'), clock());
    clearSessionCookie(c, isHttps(c, trustProxy));
    return c.json({ ok: true as const }, 200);
  });
}
