import type { Context } from 'hono';
import { deleteCookie, setCookie } from 'hono/cookie';

/** The dashboard's session: httpOnly (no script reads it), SameSite=Lax, Secure over https. */
export const SESSION_COOKIE = 'runboard_session';
/** State, nonce and PKCE verifier of one OpenID Connect sign-in, signed, for 10 minutes. */
export const OIDC_COOKIE = 'runboard_oidc';

/** Whether the browser reached us over https (directly, or through a proxy that says so). */
export function isHttps(c: Context, trustProxy: boolean) {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return trustProxy && c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

export function setSessionCookie(c: Context, id: string, expiresAt: Date, secure: boolean) {
  setCookie(c, SESSION_COOKIE, id, {
    httpOnly: true,
    sameSite: 'Lax',
    secure,
    path: '/',
    expires: expiresAt,
  });
}

export function clearSessionCookie(c: Context, secure: boolean) {
  deleteCookie(c, SESSION_COOKIE, { path: '/', secure, httpOnly: true, sameSite: 'Lax' });
}
