import { Hono } from 'hono';
import {
  actionBodySchema,
  startActionRunBodySchema,
  startActionRunQuerySchema,
  versionQuerySchema,
} from '../../contract/actions';
import { identifierSchema } from '../../contract/common';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { readBody, readParam, readQuery } from '../http/validate';
import { startActionRun } from '../services/action-runs';
import { createAction, getAction, listActions } from '../services/definitions';
import { requireAdmin } from './blueprints';

/** Action definitions and starting their runs; mounted after actionRunRoutes (`/actions/runs`). */
export function actionRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .get('/', async (c) => c.json({ ok: true, actions: await listActions(db) }))
    .post('/', async (c) => {
      requireAdmin(c.get('actor'), 'create actions');
      const body = await readBody(c, actionBodySchema);
      const action = await createAction(db, body, c.get('actor'), clock());
      return c.json({ ok: true, action }, 201);
    })
    .get('/:actionId', async (c) => {
      const id = readParam(c, 'actionId', identifierSchema);
      return c.json({ ok: true, action: await getAction(db, id) });
    })
    .post('/:actionId/runs', async (c) => {
      const id = readParam(c, 'actionId', identifierSchema);
      const { run_as } = readQuery(c, startActionRunQuerySchema);
      const { version } = readQuery(c, versionQuerySchema);
      const body = await readBody(c, startActionRunBodySchema);
      const run = await startActionRun(db, id, body, {
        actor: c.get('actor'),
        now: clock(),
        runAs: run_as,
        version,
      });
      return c.json({ ok: true, run }, 202);
    });
}
