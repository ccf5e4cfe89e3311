import type { Db } from '../db/client';
import { issueToken, TOKEN_TTL_SECONDS } from '../http/auth';
import { apiRoutes } from '../http/openapi';
import * as routes from './auth.routes';

export function authRoutes(db: Db, clock: () => Date, secret: () => Promise<string>) {
  return apiRoutes().openapi(routes.issueAccessToken, async (c) => {
    const body = c.req.valid('json');
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
