import type { Db } from '../db/client';
import { toLogLine } from '../db/serialize';
import {
  getWorkflowRun,
  inlineLogs,
  listWorkflowRuns,
  patchNodeRun,
  postNodeRunLogs,
  readLogs,
} from '../db/workflow-runs';
import { apiRoutes } from '../http/openapi';
import * as routes from './workflow-runs.routes';

/** Routes under /v1/workflows that are about runs; mounted before the workflow routes. */
export function workflowRunRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.listRuns, async (c) => {
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await listWorkflowRuns(db, query, c.get('actor'))) });
    })
    .openapi(routes.getRun, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const { includeLogs } = c.req.valid('query');
      const workflowRun = await getWorkflowRun(db, id, c.get('actor'));
      if (includeLogs === 'true') {
        const byNode = await inlineLogs(db, id);
        for (const nodeRun of workflowRun.nodeRuns) {
          nodeRun.nodeRunLogs = (byNode.get(nodeRun.identifier) ?? []).map((row) => {
            const { logLevel, log, tags, createdAt } = toLogLine(row);
            return { logLevel, log, tags, createdAt, updatedAt: createdAt };
          });
        }
      }
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
