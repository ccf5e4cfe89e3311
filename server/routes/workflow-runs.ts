import { Hono } from 'hono';
import { z } from 'zod';
import {
  logsQuerySchema,
  nodeRunLogsPostSchema,
  nodeRunPatchSchema,
  pathIds,
  runsListQuerySchema,
} from '../../contract/workflows';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { readBody, readParam, readQuery } from '../http/validate';
import { patchNodeRun, postNodeRunLogs } from '../services/node-runs';
import { getWorkflowRun, listWorkflowRuns, readLogs } from '../services/workflow-runs';

const includeLogsQuery = z.object({ includeLogs: z.enum(['true', 'false']).optional() });

/** Routes under /v1/workflows that are about runs; mounted before the workflow routes. */
export function workflowRunRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .get('/runs', async (c) => {
      const query = readQuery(c, runsListQuerySchema);
      return c.json({ ok: true, ...(await listWorkflowRuns(db, query, c.get('actor'))) });
    })
    .get('/runs/:wfr', async (c) => {
      const id = readParam(c, 'wfr', pathIds.workflowRunId);
      const { includeLogs } = readQuery(c, includeLogsQuery);
      const workflowRun = await getWorkflowRun(db, id, c.get('actor'), includeLogs === 'true');
      return c.json({ ok: true, workflowRun });
    })
    .get('/runs/:wfr/logs', async (c) => {
      const id = readParam(c, 'wfr', pathIds.workflowRunId);
      const query = readQuery(c, logsQuerySchema);
      return c.json({ ok: true, ...(await readLogs(db, { run: id }, query, c.get('actor'))) });
    })
    .patch('/runs/:wfr/nodes/:wfnr', async (c) => {
      const runId = readParam(c, 'wfr', pathIds.workflowRunId);
      const id = readParam(c, 'wfnr', pathIds.nodeRunId);
      const body = await readBody(c, nodeRunPatchSchema);
      await patchNodeRun(db, id, body, c.get('actor'), clock(), runId);
      return c.json({ ok: true });
    })
    .patch('/nodes/runs/:wfnr', async (c) => {
      const id = readParam(c, 'wfnr', pathIds.nodeRunId);
      const body = await readBody(c, nodeRunPatchSchema);
      await patchNodeRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .get('/nodes/runs/:wfnr/logs', async (c) => {
      const id = readParam(c, 'wfnr', pathIds.nodeRunId);
      const query = readQuery(c, logsQuerySchema);
      return c.json({ ok: true, ...(await readLogs(db, { nodeRun: id }, query, c.get('actor'))) });
    })
    .post('/nodes/runs/:wfnr/logs', async (c) => {
      const id = readParam(c, 'wfnr', pathIds.nodeRunId);
      const body = await readBody(c, nodeRunLogsPostSchema);
      await postNodeRunLogs(db, id, body.logs, c.get('actor'), clock());
      return c.json({ ok: true }, 201);
    });
}
