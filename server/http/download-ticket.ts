import { createHmac, timingSafeEqual } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { MiddlewareHandler } from 'hono';
import { DOWNLOAD_TICKET_SECONDS } from '../../contract/log-text';
import type { Db } from '../db/client';
import { users } from '../db/schema';
import { ApiError } from '../domain/errors';
import type { AuthEnv } from './auth';
import { requestActor } from './source';

/**
 * A download ticket stands for its user on one download path, for a minute, in the link itself:
 * an API client holding a bearer token can hand such a link to a browser or a plain `curl`
 * (which carry no Authorization header), and the dashboard uses the same links (its cookie
 * session would also do; one mechanism serves both). It is not a token:
 * two parts, not a JWT's three, and signed over a "download:" prefix, so neither can pass for the
 * other.
 */
interface TicketClaims {
  sub: string;
  path: string;
  exp: number;
}

const sign = (secret: string, payload: string) =>
  createHmac('sha256', secret).update(`download:${payload}`).digest('base64url');

export function signDownloadTicket(userId: string, path: string, now: Date, secret: string) {
  const exp = Math.floor(now.getTime() / 1000) + DOWNLOAD_TICKET_SECONDS;
  const payload = Buffer.from(JSON.stringify({ sub: userId, path, exp })).toString('base64url');
  return { ticket: `${payload}.${sign(secret, payload)}`, expiresAt: new Date(exp * 1000) };
}

export function verifyDownloadTicket(
  ticket: string,
  path: string,
  now: Date,
  secret: string,
): TicketClaims | null {
  const [payload, signature, ...rest] = ticket.split('.');
  if (!payload || !signature || rest.length) return null;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as TicketClaims;
    if (claims.path !== path || !(claims.exp * 1000 > now.getTime())) return null;
    return claims;
  } catch {
    return null;
  }
}

/**
 * For download routes: a `ticket` query parameter made for this path by a user who is still
 * active stands for that user; without one, the usual sign-in (bearer token or session) applies.
 */
export function ticketOrBearer(
  db: Db,
  clock: () => Date,
  secret: () => Promise<string>,
  bearer: MiddlewareHandler<AuthEnv>,
): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const ticket = c.req.query('ticket');
    if (ticket === undefined) return bearer(c, next);
    const claims = verifyDownloadTicket(ticket, c.req.path, clock(), await secret());
    const [row] = claims
      ? await db
          .select({ id: users.id, email: users.email, role: users.role })
          .from(users)
          .where(and(eq(users.id, claims.sub), eq(users.status, 'ACTIVE')))
      : [];
    if (!row) {
      throw new ApiError(
        401,
        'unauthorized',
        'The download link has expired or is not for this log; download again from the log viewer',
      );
    }
    c.set('actor', requestActor(c, row));
    await next();
  };
}
