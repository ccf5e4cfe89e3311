import { Hono } from 'hono';
import { accessTokenBodySchema } from '../../contract/auth';
import type { Db } from '../db/client';
import { issueToken, TOKEN_TTL_SECONDS } from '../http/auth';
import { readBody } from '../http/validate';

export function authRoutes(db: Db, clock: () => Date, secret: () => Promise<string>) {
  return new Hono().post('/access_token', async (c) => {
    const body = await readBody(c, accessTokenBodySchema);
    const accessToken = await issueToken(
      db,
      body.clientId,
      body.clientSecret,
      clock(),
      await secret(),
    );
    return c.json({ ok: true, accessToken, expiresIn: TOKEN_TTL_SECONDS, tokenType: 'Bearer' });
  });
}
