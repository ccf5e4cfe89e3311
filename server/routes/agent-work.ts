import { Hono } from 'hono';
import {
  ackActionRunBodySchema,
  ackNodeRunBodySchema,
  claimPendingBodySchema,
  nodeRunLookupQuerySchema,
} from '../../contract/agent-work';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { readBody, readQuery } from '../http/validate';
import {
  acknowledgeActionRun,
  acknowledgeNodeRun,
  claimPendingActionRuns,
  claimPendingNodeRuns,
  findNodeRunsByExternalId,
} from '../services/agent-work';

/**
 * Port's execution-agent API (Ocean): claim-pending, ack and the node-run look-up. Mounted
 * before the run routes, so `runs/ack` is never read as a run id. Ocean's
 * `x-port-reserved-usage` header is accepted and not needed.
 */
export function agentWorkRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .post('/actions/runs/claim-pending', async (c) => {
      const body = await readBody(c, claimPendingBodySchema);
      const runs = await claimPendingActionRuns(db, body, c.get('actor'), clock());
      return c.json({ ok: true, runs });
    })
    .patch('/actions/runs/ack', async (c) => {
      const { runId } = await readBody(c, ackActionRunBodySchema);
      await acknowledgeActionRun(db, runId, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .post('/workflows/runs/claim-pending', async (c) => {
      const body = await readBody(c, claimPendingBodySchema);
      const nodeRuns = await claimPendingNodeRuns(db, body, c.get('actor'), clock());
      return c.json({ ok: true, nodeRuns });
    })
    .patch('/workflows/runs/ack', async (c) => {
      const { nodeRunIdentifier } = await readBody(c, ackNodeRunBodySchema);
      await acknowledgeNodeRun(db, nodeRunIdentifier, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .get('/workflows/nodes/runs', async (c) => {
      const query = readQuery(c, nodeRunLookupQuerySchema);
      const nodeRuns = await findNodeRunsByExternalId(db, query, c.get('actor'));
      return c.json({ ok: true, nodeRuns });
    });
}
