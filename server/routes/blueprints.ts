import { Hono } from 'hono';
import { blueprintBodySchema } from '../../contract/actions';
import { identifierSchema } from '../../contract/common';
import type { Db } from '../db/client';
import { forbidden } from '../domain/errors';
import type { Actor } from '../domain/permissions';
import type { AuthEnv } from '../http/auth';
import { readBody, readParam } from '../http/validate';
import { createBlueprint, getBlueprint, listBlueprints } from '../services/definitions';

export function requireAdmin(actor: Actor, what: string) {
  if (actor.role !== 'admin') {
    throw forbidden(`Only admins may ${what}; you are signed in as ${actor.role}`);
  }
}

/** Blueprint definitions; their entities are served by entityRoutes under the same prefix. */
export function blueprintRoutes(db: Db, clock: () => Date) {
  return new Hono<AuthEnv>()
    .get('/', async (c) => c.json({ ok: true, blueprints: await listBlueprints(db) }))
    .post('/', async (c) => {
      requireAdmin(c.get('actor'), 'create blueprints');
      const body = await readBody(c, blueprintBodySchema);
      const blueprint = await createBlueprint(db, body, c.get('actor'), clock());
      return c.json({ ok: true, blueprint }, 201);
    })
    .get('/:bp', async (c) => {
      const id = readParam(c, 'bp', identifierSchema);
      return c.json({ ok: true, blueprint: await getBlueprint(db, id) });
    });
}
