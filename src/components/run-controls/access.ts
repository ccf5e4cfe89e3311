import { ApiRequestError } from '../../lib/api';
import type { CurrentUser } from './current-user';

/**
 * Why `me` may not do `acts` to a run started by `starter` (its id, and the name a person knows
 * it by), or null when allowed: the server allows admins, machine credentials and the starter
 * (server/domain/run-controls.ts).
 */
export function controlBlockedReason(
  me: CurrentUser | undefined,
  starter: { id: string; name: string },
  acts = 'mark, cancel or re-run it',
): string | null {
  if (!me) return 'Checking who you are…';
  if (me.role === 'admin' || me.role === 'machine' || me.id === starter.id) return null;
  return `Only admins and the user who started this run (${starter.name}) may ${acts}`;
}

/** What a refused control says, with the server's own words. */
export function refusalMessage(err: unknown): string {
  if (err instanceof ApiRequestError) {
    return err.code === 'run_exhausted' ? `Already finished: ${err.message}` : err.message;
  }
  return err instanceof Error ? err.message : 'The request failed';
}
