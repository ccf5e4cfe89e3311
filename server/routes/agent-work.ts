import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import {
  acknowledgeActionRun,
  acknowledgeNodeRun,
  claimPendingActionRuns,
  claimPendingNodeRuns,
  findNodeRunsByExternalId,
} from '../services/agent-work';
import * as routes from './agent-work.routes';

/**
 * Port's execution-agent API (Ocean): claim-pending, ack and the node-run look-up. Mounted
 * before the run routes, so `runs/ack` is never read as a run id. Ocean's
 * `x-port-reserved-usage` header is accepted and not needed.
 */
export function agentWorkRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.claimPendingActionRuns, async (c) => {
      const body = c.req.valid('json');
      const runs = await claimPendingActionRuns(db, body, c.get('actor'), clock());
      return c.json({ ok: true, runs });
    })
    .openapi(routes.acknowledgeActionRun, async (c) => {
      const { runId } = c.req.valid('json');
      await acknowledgeActionRun(db, runId, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .openapi(routes.claimPendingNodeRuns, async (c) => {
      const body = c.req.valid('json');
      const nodeRuns = await claimPendingNodeRuns(db, body, c.get('actor'), clock());
      return c.json({ ok: true, nodeRuns });
    })
    .openapi(routes.acknowledgeNodeRun, async (c) => {
      const { nodeRunIdentifier } = c.req.valid('json');
      await acknowledgeNodeRun(db, nodeRunIdentifier, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .openapi(routes.findNodeRunsByExternalId, async (c) => {
      const query = c.req.valid('query');
      const nodeRuns = await findNodeRunsByExternalId(db, query, c.get('actor'));
      return c.json({ ok: true, nodeRuns }, 200);
    });
}
