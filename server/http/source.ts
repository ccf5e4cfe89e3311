import type { Context } from 'hono';
import type { RunSource } from '../../contract/actions';
import type { Actor } from '../domain/permissions';

/** [ext] The header the dashboard sends so the runs it starts are recorded with source `UI`. */
const SOURCE_HEADER = 'x-runboard-source';

/** The acting user of a request, with where the request came from (`Actor.origin`). */
export type RequestActor = Actor & { origin: RunSource };

/**
 * Where a request comes from, as Port records it on runs and audit entries: `UI` when the
 * dashboard says so on behalf of a person; `API` otherwise. Machine credentials are never a
 * person at a screen, so their header is not believed.
 */
function requestSource(c: Context, role: Actor['role']): RunSource {
  const said = c.req.header(SOURCE_HEADER)?.trim().toUpperCase();
  return said === 'UI' && role !== 'machine' ? 'UI' : 'API';
}

/**
 * The request's actor as the sign-in middleware sets it (`c.get('actor')`): the user with the
 * request's source, decided once here, so every act a handler passes it to is audited with it.
 */
export const requestActor = (c: Context, user: Omit<Actor, 'origin'>): RequestActor => ({
  id: user.id,
  email: user.email,
  role: user.role,
  origin: requestSource(c, user.role),
});
