import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import type { DeliveryPolicy } from '../services/delivery';
import { patchNodeRun, postNodeRunLogs } from '../services/node-runs';
import { getWorkflowRun, listWorkflowRuns, readLogs } from '../services/workflow-runs';
import * as routes from './workflow-runs.routes';

/** Routes under /v1/workflows that are about runs; mounted before the workflow routes. */
export function workflowRunRoutes(db: Db, clock: () => Date, delivery: DeliveryPolicy) {
  return apiRoutes()
    .openapi(routes.listRuns, async (c) => {
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await listWorkflowRuns(db, query, c.get('actor'))) });
    })
    .openapi(routes.getRun, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const { includeLogs } = c.req.valid('query');
      const workflowRun = await getWorkflowRun(
        db,
        id,
        c.get('actor'),
        delivery,
        includeLogs === 'true',
      );
      return c.json({ ok: true, workflowRun });
    })
    .openapi(routes.readRunLogs, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await readLogs(db, { run: id }, query, c.get('actor'))) });
    })
    .openapi(routes.patchRunNodeRun, async (c) => {
      const { wfr: runId, wfnr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      await patchNodeRun(db, id, body, c.get('actor'), clock(), runId);
      return c.json({ ok: true });
    })
    .openapi(routes.patchNodeRun, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      await patchNodeRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .openapi(routes.readNodeRunLogs, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await readLogs(db, { nodeRun: id }, query, c.get('actor'))) });
    })
    .openapi(routes.postNodeRunLogs, async (c) => {
      const { wfnr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      await postNodeRunLogs(db, id, body.logs, c.get('actor'), clock());
      return c.json({ ok: true }, 201);
    });
}
