import { Hono } from 'hono';
import { actionRunPathId, versionQuerySchema } from '../../contract/actions';
import {
  cancelWorkflowRunBodySchema,
  cancelWorkflowRunQuerySchema,
  completeActionRunBodySchema,
  completeWorkflowRunBodySchema,
  rerunWorkflowRunBodySchema,
} from '../../contract/run-controls';
import { pathIds } from '../../contract/workflows';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { readBody, readParam, readQuery } from '../http/validate';
import {
  cancelWorkflowRun,
  completeActionRun,
  completeWorkflowRun,
  rerunWorkflowRun,
} from '../services/run-controls';

/** Manual acts on runs (mark complete, cancel, re-run); mounted at /v1. */
export function runControlRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .post('/workflows/runs/:wfr/complete', async (c) => {
      const id = readParam(c, 'wfr', pathIds.workflowRunId);
      const body = await readBody(c, completeWorkflowRunBodySchema);
      const workflowRun = await completeWorkflowRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflowRun });
    })
    .post('/workflows/runs/:wfr/cancel', async (c) => {
      const id = readParam(c, 'wfr', pathIds.workflowRunId);
      const { force } = readQuery(c, cancelWorkflowRunQuerySchema);
      const body = await readBody(c, cancelWorkflowRunBodySchema);
      const workflowRun = await cancelWorkflowRun(
        db,
        id,
        { ...body, force: force === 'true' },
        c.get('actor'),
        clock(),
      );
      return c.json({ ok: true, workflowRun });
    })
    .post('/workflows/runs/:wfr/rerun', async (c) => {
      const id = readParam(c, 'wfr', pathIds.workflowRunId);
      const body = await readBody(c, rerunWorkflowRunBodySchema);
      const workflowRun = await rerunWorkflowRun(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, workflowRun }, 201);
    })
    .post('/actions/runs/:id/complete', async (c) => {
      const id = readParam(c, 'id', actionRunPathId);
      const { version } = readQuery(c, versionQuerySchema);
      const body = await readBody(c, completeActionRunBodySchema);
      const run = await completeActionRun(db, id, body, c.get('actor'), clock(), version);
      return c.json({ ok: true, run });
    });
}
