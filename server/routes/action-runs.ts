import { Hono } from 'hono';
import {
  actionRunLogPostSchema,
  actionRunLogsQuerySchema,
  actionRunPatchSchema,
  actionRunPathId,
  actionRunsListQuerySchema,
  approvalBodySchema,
  versionQuerySchema,
} from '../../contract/actions';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { readBody, readParam, readQuery } from '../http/validate';
import { decideActionRunApproval, listApprovers } from '../services/action-run-approvals';
import {
  getActionRun,
  listActionRuns,
  patchActionRun,
  postActionRunLog,
  readActionRunLogs,
} from '../services/action-runs';

/** `/v1/actions/runs…`; mounted before actionRoutes so `runs` is never read as an action id. */
export function actionRunRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .get('/runs', async (c) => {
      const query = readQuery(c, actionRunsListQuerySchema);
      return c.json({ ok: true, ...(await listActionRuns(db, query, c.get('actor'))) });
    })
    .get('/runs/:id', async (c) => {
      const id = readParam(c, 'id', actionRunPathId);
      const { version } = readQuery(c, versionQuerySchema);
      return c.json({ ok: true, run: await getActionRun(db, id, c.get('actor'), version) });
    })
    .patch('/runs/:id', async (c) => {
      const id = readParam(c, 'id', actionRunPathId);
      const { version } = readQuery(c, versionQuerySchema);
      const body = await readBody(c, actionRunPatchSchema);
      const run = await patchActionRun(db, id, body, c.get('actor'), clock(), version);
      return c.json({ ok: true, run });
    })
    .post('/runs/:id/logs', async (c) => {
      const id = readParam(c, 'id', actionRunPathId);
      const body = await readBody(c, actionRunLogPostSchema);
      const runLog = await postActionRunLog(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, runLog }, 201);
    })
    .get('/runs/:id/logs', async (c) => {
      const id = readParam(c, 'id', actionRunPathId);
      const query = readQuery(c, actionRunLogsQuerySchema);
      return c.json({ ok: true, ...(await readActionRunLogs(db, id, query, c.get('actor'))) });
    })
    .patch('/runs/:id/approval', async (c) => {
      const id = readParam(c, 'id', actionRunPathId);
      const { version } = readQuery(c, versionQuerySchema);
      const body = await readBody(c, approvalBodySchema);
      const run = await decideActionRunApproval(db, id, body, c.get('actor'), clock(), version);
      return c.json({ ok: true, run }, 201);
    })
    .get('/runs/:id/approvers', async (c) => {
      const id = readParam(c, 'id', actionRunPathId);
      return c.json({ ok: true, approvers: await listApprovers(db, id, c.get('actor')) });
    });
}
