import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import { entityActivity } from '../services/activity';
import {
  createEntity,
  deleteEntity,
  getEntity,
  listEntities,
  patchEntity,
  replaceEntity,
} from '../services/entities';
import * as routes from './entities.routes';

/** `/v1/blueprints/{bp}/entities…`: entity writes, optionally tied to a run with `run_id`. */
export function entityRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.listEntities, async (c) => {
      const { bp } = c.req.valid('param');
      const { search } = c.req.valid('query');
      return c.json({ ok: true, entities: await listEntities(db, bp, search) });
    })
    .openapi(routes.createEntity, async (c) => {
      const { bp } = c.req.valid('param');
      const query = c.req.valid('query');
      const body = c.req.valid('json');
      const entity = await createEntity(db, bp, body, query, c.get('actor'), clock());
      return c.json({ ok: true, entity }, 201);
    })
    .openapi(routes.getEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      return c.json({ ok: true, entity: await getEntity(db, bp, id) });
    })
    .openapi(routes.replaceEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const { run_id } = c.req.valid('query');
      const body = c.req.valid('json');
      const entity = await replaceEntity(db, bp, id, body, run_id, c.get('actor'), clock());
      return c.json({ ok: true, entity });
    })
    .openapi(routes.patchEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const { run_id } = c.req.valid('query');
      const body = c.req.valid('json');
      const entity = await patchEntity(db, bp, id, body, run_id, c.get('actor'), clock());
      return c.json({ ok: true, entity });
    })
    .openapi(routes.deleteEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const { run_id } = c.req.valid('query');
      await deleteEntity(db, bp, id, run_id, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .openapi(routes.entityActivity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const query = c.req.valid('query');
      return c.json({ ok: true, ...(await entityActivity(db, bp, id, query, c.get('actor'))) });
    });
}
