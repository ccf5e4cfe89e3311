import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import { listAudit } from '../services/audit';
import * as routes from './audit.routes';

export function auditRoutes(db: Db) {
  return apiRoutes().openapi(routes.listAudit, async (c) => {
    const query = c.req.valid('query');
    return c.json({ ok: true, ...(await listAudit(db, query, c.get('actor'))) });
  });
}
