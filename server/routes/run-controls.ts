import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import {
  cancelWorkflowRun,
  completeActionRun,
  completeWorkflowRun,
  rerunWorkflowRun,
} from '../services/run-controls';
import * as routes from './run-controls.routes';

/** Manual acts on runs (mark complete, cancel, re-run); mounted at /v1. */
export function runControlRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.completeWorkflowRun, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      const workflowRun = await completeWorkflowRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflowRun });
    })
    .openapi(routes.cancelWorkflowRun, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const { force } = c.req.valid('query');
      const body = c.req.valid('json');
      const workflowRun = await cancelWorkflowRun(
        db,
        id,
        { ...body, force: force === 'true' },
        c.get('actor'),
        clock(),
      );
      return c.json({ ok: true, workflowRun });
    })
    .openapi(routes.rerunWorkflowRun, async (c) => {
      const { wfr: id } = c.req.valid('param');
      const body = c.req.valid('json');
      const workflowRun = await rerunWorkflowRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflowRun }, 201);
    })
    .openapi(routes.completeActionRun, async (c) => {
      const { id } = c.req.valid('param');
      const { version } = c.req.valid('query');
      const body = c.req.valid('json');
      const run = await completeActionRun(db, id, body, c.get('actor'), clock(), version);
      return c.json({ ok: true, run });
    });
}
