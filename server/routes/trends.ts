import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import { workflowTrends } from '../services/trends';
import * as routes from './trends.routes';

/** [ext] Aggregates of a workflow's runs, under /v1/workflows. */
export function trendRoutes(db: Db, clock: () => Date) {
  return apiRoutes().openapi(routes.getWorkflowTrends, async (c) => {
    const { workflowId } = c.req.valid('param');
    const query = c.req.valid('query');
    const trends = await workflowTrends(db, workflowId, query, c.get('actor'), clock());
    return c.json({ ok: true, trends });
  });
}
