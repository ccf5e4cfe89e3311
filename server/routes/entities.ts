import type { SearchGroup } from '../../contract/entities';
import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import { entityActivity } from '../services/activity';
import {
  bulkUpsertEntities,
  createEntity,
  deleteEntity,
  getEntity,
  listEntities,
  patchEntity,
  replaceEntity,
  searchEntities,
} from '../services/entities';
import * as routes from './entities.routes';

/** `/v1/blueprints/{bp}/entities…`: entity writes, optionally tied to a run with `run_id`. */
/** `retentionDays`: RETENTION_DAYS, so the activity's changes can say their run was removed. */
export function entityRoutes(db: Db, clock: () => Date, retentionDays: number | null) {
  return apiRoutes()
    .openapi(routes.listEntities, async (c) => {
      const { bp } = c.req.valid('param');
      const { include, exclude, search } = c.req.valid('query');
      return c.json({
        ok: true,
        entities: await listEntities(db, bp, { include, exclude, search }),
      });
    })
    .openapi(routes.createEntity, async (c) => {
      const { bp } = c.req.valid('param');
      const query = c.req.valid('query');
      const body = c.req.valid('json');
      const entity = await createEntity(db, bp, body, query, c.get('actor'), clock());
      return c.json({ ok: true, entity }, 201);
    })
    .openapi(routes.bulkUpsertEntities, async (c) => {
      const { bp } = c.req.valid('param');
      const query = c.req.valid('query');
      const { entities } = c.req.valid('json');
      const result = await bulkUpsertEntities(db, bp, entities, query, c.get('actor'), clock());
      return result.errors.length > 0
        ? c.json({ ok: true as const, ...result }, 207)
        : c.json({ ok: true as const, ...result }, 200);
    })
    .openapi(routes.getEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const { include, exclude } = c.req.valid('query');
      return c.json({ ok: true, entity: await getEntity(db, bp, id, include, exclude) });
    })
    .openapi(routes.replaceEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const query = c.req.valid('query');
      const body = c.req.valid('json');
      const entity = await replaceEntity(db, bp, id, body, query, c.get('actor'), clock());
      return c.json({ ok: true, entity });
    })
    .openapi(routes.patchEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const query = c.req.valid('query');
      const body = c.req.valid('json');
      const entity = await patchEntity(db, bp, id, body, query, c.get('actor'), clock());
      return c.json({ ok: true, entity });
    })
    .openapi(routes.deleteEntity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const query = c.req.valid('query');
      await deleteEntity(db, bp, id, query, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .openapi(routes.entityActivity, async (c) => {
      const { bp, id } = c.req.valid('param');
      const query = c.req.valid('query');
      const retention = { days: retentionDays, now: clock() };
      const page = await entityActivity(db, bp, id, query, c.get('actor'), retention);
      return c.json({ ok: true, ...page });
    });
}

/** `POST /v1/entities/search`: Port's query language over every blueprint's entities. */
export function entitySearchRoutes(db: Db, clock: () => Date) {
  return apiRoutes().openapi(routes.searchEntities, async (c) => {
    const query = c.req.valid('query');
    // searchBodySchema checked the nested rules against searchGroupSchema.
    const body = c.req.valid('json') as SearchGroup;
    return c.json({ ok: true, ...(await searchEntities(db, body, query, clock())) });
  });
}
