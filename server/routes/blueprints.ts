import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import {
  createBlueprint,
  deleteAllEntitiesOf,
  deleteBlueprint,
  getBlueprint,
  listBlueprints,
} from '../services/definitions';
import * as routes from './blueprints.routes';

/** Blueprint definitions; their entities are served by entityRoutes under the same prefix. */
export function blueprintRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.listBlueprints, async (c) =>
      c.json({ ok: true, blueprints: await listBlueprints(db) }),
    )
    .openapi(routes.createBlueprint, async (c) => {
      const body = c.req.valid('json');
      const blueprint = await createBlueprint(db, body, c.get('actor'), clock());
      return c.json({ ok: true, blueprint }, 201);
    })
    .openapi(routes.getBlueprint, async (c) => {
      const { bp: id } = c.req.valid('param');
      return c.json({ ok: true, blueprint: await getBlueprint(db, id) });
    })
    .openapi(routes.deleteBlueprint, async (c) => {
      const { bp: id } = c.req.valid('param');
      await deleteBlueprint(db, id, c.req.valid('query'));
      return c.json({ ok: true });
    })
    .openapi(routes.deleteAllEntities, async (c) => {
      const { bp: id } = c.req.valid('param');
      await deleteAllEntitiesOf(db, id);
      return c.json({ ok: true });
    });
}
