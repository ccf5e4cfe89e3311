import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import { listAudit } from '../services/audit';
import * as routes from './audit.routes';

/** `retentionDays`: RETENTION_DAYS, so an entry can say its run was removed by retention. */
export function auditRoutes(db: Db, clock: () => Date, retentionDays: number | null) {
  return apiRoutes().openapi(routes.listAudit, async (c) => {
    const query = c.req.valid('query');
    const retention = { days: retentionDays, now: clock() };
    return c.json({ ok: true, ...(await listAudit(db, query, c.get('actor'), retention)) });
  });
}
