import { Hono } from 'hono';
import { identifierSchema } from '../../contract/common';
import {
  activityQuerySchema,
  entityBodySchema,
  entityPatchSchema,
  entityRunQuerySchema,
  entityWriteQuerySchema,
} from '../../contract/entities';
import type { Db } from '../db/client';
import type { AuthEnv } from '../http/auth';
import { readBody, readParam, readQuery } from '../http/validate';
import { entityActivity } from '../services/activity';
import {
  createEntity,
  deleteEntity,
  getEntity,
  listEntities,
  patchEntity,
  replaceEntity,
} from '../services/entities';

/** `/v1/blueprints/{bp}/entities…`: entity writes, optionally tied to a run with `run_id`. */
export function entityRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .get('/:bp/entities', async (c) => {
      const bp = readParam(c, 'bp', identifierSchema);
      return c.json({ ok: true, entities: await listEntities(db, bp) });
    })
    .post('/:bp/entities', async (c) => {
      const bp = readParam(c, 'bp', identifierSchema);
      const query = readQuery(c, entityWriteQuerySchema);
      const body = await readBody(c, entityBodySchema);
      const entity = await createEntity(db, bp, body, query, c.get('actor'), clock());
      return c.json({ ok: true, entity }, 201);
    })
    .get('/:bp/entities/:id', async (c) => {
      const bp = readParam(c, 'bp', identifierSchema);
      const id = readParam(c, 'id', identifierSchema);
      return c.json({ ok: true, entity: await getEntity(db, bp, id) });
    })
    .put('/:bp/entities/:id', async (c) => {
      const bp = readParam(c, 'bp', identifierSchema);
      const id = readParam(c, 'id', identifierSchema);
      const { run_id } = readQuery(c, entityRunQuerySchema);
      const body = await readBody(c, entityBodySchema);
      const entity = await replaceEntity(db, bp, id, body, run_id, c.get('actor'), clock());
      return c.json({ ok: true, entity });
    })
    .patch('/:bp/entities/:id', async (c) => {
      const bp = readParam(c, 'bp', identifierSchema);
      const id = readParam(c, 'id', identifierSchema);
      const { run_id } = readQuery(c, entityRunQuerySchema);
      const body = await readBody(c, entityPatchSchema);
      const entity = await patchEntity(db, bp, id, body, run_id, c.get('actor'), clock());
      return c.json({ ok: true, entity });
    })
    .delete('/:bp/entities/:id', async (c) => {
      const bp = readParam(c, 'bp', identifierSchema);
      const id = readParam(c, 'id', identifierSchema);
      const { run_id } = readQuery(c, entityRunQuerySchema);
      await deleteEntity(db, bp, id, run_id, c.get('actor'), clock());
      return c.json({ ok: true });
    })
    .get('/:bp/entities/:id/activity', async (c) => {
      const bp = readParam(c, 'bp', identifierSchema);
      const id = readParam(c, 'id', identifierSchema);
      const query = readQuery(c, activityQuerySchema);
      return c.json({ ok: true, ...(await entityActivity(db, bp, id, query, c.get('actor'))) });
    });
}
