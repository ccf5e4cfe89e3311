import type { Context } from 'hono';
import type { RunSource } from '../../contract/actions';
import type { Actor } from '../domain/permissions';
import type { AuthEnv } from './auth';

/** [ext] The header the dashboard sends so the runs it starts are recorded with source `UI`. */
export const SOURCE_HEADER = 'x-runboard-source';

/**
 * Where a request comes from, as Port records it on runs and audit entries: `UI` when the
 * dashboard says so on behalf of a person; `API` otherwise. Machine credentials are never a
 * person at a screen, so their header is not believed.
 */
export function requestSource(c: Context<AuthEnv>): RunSource {
  const said = c.req.header(SOURCE_HEADER)?.trim().toUpperCase();
  return said === 'UI' && c.get('actor').role !== 'machine' ? 'UI' : 'API';
}

/** The request's actor with where it came from, for acts whose audit entry records it. */
export const actorWithSource = (c: Context<AuthEnv>): Actor => ({
  ...c.get('actor'),
  origin: requestSource(c),
});
