import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import type { DeliveryPolicy } from '../services/delivery';
import { decideActionRunApproval, listApprovers } from '../services/action-run-approvals';
import {
  listActionRuns,
  patchActionRun,
  postActionRunLog,
  readActionRun,
  readActionRunLogs,
} from '../services/action-runs';
import * as routes from './action-runs.routes';

/** `/v1/actions/runs…`; mounted before actionRoutes so `runs` is never read as an action id. */
export function actionRunRoutes(db: Db, clock: () => Date, delivery: DeliveryPolicy) {
  return apiRoutes()
    .openapi(routes.listActionRuns, async (c) => {
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await listActionRuns(db, query, c.get('actor'))) });
    })
    .openapi(routes.getActionRun, async (c) => {
      const { id } = c.req.valid('param');
      const { version } = c.req.valid('query');
      return c.json({
        ok: true,
        run: await readActionRun(db, id, c.get('actor'), version, delivery),
      });
    })
    .openapi(routes.patchActionRun, async (c) => {
      const { id } = c.req.valid('param');
      const { version } = c.req.valid('query');
      const body = c.req.valid('json');
      const run = await patchActionRun(db, id, body, c.get('actor'), clock(), version);
      return c.json({ ok: true, run });
    })
    .openapi(routes.postActionRunLog, async (c) => {
      const { id } = c.req.valid('param');
      const body = c.req.valid('json');
      const runLog = await postActionRunLog(db, id, body, c.get('actor'), clock());
      return c.json({ ok: true, runLog }, 201);
    })
    .openapi(routes.readActionRunLogs, async (c) => {
      const { id } = c.req.valid('param');
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await readActionRunLogs(db, id, query, c.get('actor'))) });
    })
    .openapi(routes.decideActionRunApproval, async (c) => {
      const { id } = c.req.valid('param');
      const { version } = c.req.valid('query');
      const body = c.req.valid('json');
      const run = await decideActionRunApproval(db, id, body, c.get('actor'), clock(), version);
      return c.json({ ok: true, run }, 201);
    })
    .openapi(routes.listApprovers, async (c) => {
      const { id } = c.req.valid('param');
      return c.json({ ok: true, approvers: await listApprovers(db, id, c.get('actor')) });
    });
}
