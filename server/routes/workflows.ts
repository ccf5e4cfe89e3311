import type { Db } from '../db/client';
import { invalid } from '../domain/errors';
import { apiRoutes } from '../http/openapi';
import {
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  getWorkflowVersion,
  listWorkflows,
  replaceWorkflow,
  workflowStats,
} from '../services/definitions';
import { startWorkflowRun } from '../services/workflow-runs';
import * as routes from './workflows.routes';

export function workflowRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.listWorkflows, async (c) => {
      const [workflows, stats] = await Promise.all([
        listWorkflows(db),
        workflowStats(db, c.get('actor')),
      ]);
      return c.json({
        ok: true,
        workflows: workflows.map((w) => ({
          ...w,
          stats: stats.get(w.identifier) ?? { lastRun: null, inProgress: 0, total: 0 },
        })),
      });
    })
    .openapi(routes.createWorkflow, async (c) => {
      const body = c.req.valid('json');
      if (body.identifier === 'runs') {
        throw invalid('body.identifier "runs" is reserved: GET /v1/workflows/runs lists runs');
      }
      const workflow = await createWorkflow(db, body, c.get('actor'), clock());
      return c.json({ ok: true, workflow }, 201);
    })
    .openapi(routes.getWorkflow, async (c) => {
      const { workflowId: id } = c.req.valid('param');
      return c.json({ ok: true, workflow: await getWorkflow(db, id) });
    })
    .openapi(routes.getWorkflowVersion, async (c) => {
      const { workflowId: id, version } = c.req.valid('param');
      return c.json({ ok: true, workflowVersion: await getWorkflowVersion(db, id, version) });
    })
    .openapi(routes.replaceWorkflow, async (c) => {
      const { workflowId: id } = c.req.valid('param');
      const { identifier, ...body } = c.req.valid('json');
      if (identifier !== undefined && identifier !== id) {
        throw invalid(`body.identifier "${identifier}" does not match the path's "${id}"`);
      }
      const workflow = await replaceWorkflow(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflow });
    })
    .openapi(routes.deleteWorkflow, async (c) => {
      const { workflowId: id } = c.req.valid('param');
      return c.json({ ok: true, workflow: await deleteWorkflow(db, id) });
    })
    .openapi(routes.startRun, async (c) => {
      const { workflowId: id } = c.req.valid('param');
      const body = c.req.valid('json');
      const workflowRun = await startWorkflowRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflowRun }, 201);
    });
}
