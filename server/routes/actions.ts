import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import { startActionRun } from '../services/action-runs';
import { createAction, deleteAction, getAction, listActions } from '../services/definitions';
import * as routes from './actions.routes';

/** Action definitions and starting their runs; mounted after actionRunRoutes (`/actions/runs`). */
export function actionRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.listActions, async (c) => c.json({ ok: true, actions: await listActions(db) }))
    .openapi(routes.createAction, async (c) => {
      const body = c.req.valid('json');
      const action = await createAction(db, body, c.get('actor'), clock());
      return c.json({ ok: true, action }, 201);
    })
    .openapi(routes.getAction, async (c) => {
      const { actionId: id } = c.req.valid('param');
      return c.json({ ok: true, action: await getAction(db, id) });
    })
    .openapi(routes.deleteAction, async (c) => {
      const { actionId: id } = c.req.valid('param');
      await deleteAction(db, id);
      return c.json({ ok: true });
    })
    .openapi(routes.startActionRun, async (c) => {
      const { actionId: id } = c.req.valid('param');
      const { run_as, version } = c.req.valid('query');
      const body = c.req.valid('json');
      const actor = c.get('actor');
      const run = await startActionRun(db, id, body, {
        actor,
        now: clock(),
        runAs: run_as,
        source: actor.origin,
        version,
      });
      return c.json({ ok: true, run }, 202);
    });
}
