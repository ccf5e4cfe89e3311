import type { Db } from '../db/client';
import { apiRoutes } from '../http/openapi';
import * as people from '../services/people';
import * as routes from './users.routes';

export function userRoutes(db: Db, clock: () => Date) {
  return apiRoutes()
    .openapi(routes.listUsers, async (c) =>
      c.json({ ok: true as const, users: await people.listPeople(db) }, 200),
    )
    .openapi(routes.inviteUser, async (c) => {
      const user = await people.invitePerson(db, c.req.valid('json'), c.get('actor'), clock());
      return c.json({ ok: true as const, user }, 201);
    })
    .openapi(routes.updateUser, async (c) => {
      const { user: who } = c.req.valid('param');
      const user = await people.updatePerson(db, who, c.req.valid('json'), c.get('actor'), clock());
      return c.json({ ok: true as const, user }, 200);
    })
    .openapi(routes.listCredentials, async (c) =>
      c.json(
        { ok: true as const, credentials: await people.listCredentials(db, c.get('actor')) },
        200,
      ),
    )
    .openapi(routes.createCredential, async (c) => {
      const { name } = c.req.valid('json');
      const made = await people.createCredential(db, name, c.get('actor'), clock());
      return c.json({ ok: true as const, ...made }, 201);
    })
    .openapi(routes.rotateCredential, async (c) => {
      const made = await people.rotateCredential(
        db,
        c.req.valid('param').id,
        c.get('actor'),
        clock(),
      );
      return c.json({ ok: true as const, ...made }, 200);
    })
    .openapi(routes.revokeCredential, async (c) => {
      const credential = await people.revokeCredential(
        db,
        c.req.valid('param').id,
        c.get('actor'),
        clock(),
      );
      return c.json({ ok: true as const, credential }, 200);
    });
}
