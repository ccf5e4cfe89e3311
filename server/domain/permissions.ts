import type { RunSource } from '../../contract/actions';
import type { Role } from '../../contract/auth';

export interface Actor {
  id: string;
  email: string;
  role: Role;
  /**
   * Where the request came from: `UI` when the dashboard said so (http/source.ts). Every API
   * request's actor has it, set once by the sign-in middleware; absent (the simulator, the seed)
   * means `API`. Recorded as the audit entry's `trigger.origin`.
   */
  origin?: RunSource;
}

export const isPrivileged = (actor: Actor) => actor.role === 'admin' || actor.role === 'machine';

/** What marks a run (or an audit entry tied to one) as visible: its flag and its starter. */
export interface RunVisibility {
  allowAnyoneToView: boolean;
  createdBy: string;
}

/**
 * Port: with allowAnyoneToViewRuns false, only admins, machine credentials and the starter see a
 * run. The one declaration of that rule: `everything` for privileged actors, otherwise the runs
 * anyone may view plus the actor's own. `db/visibility.ts` turns it into SQL for lists, feeds
 * and the audit log; `canViewRun` applies it to one row.
 */
export type RunViewRule = { everything: true } | { everything: false; starter: string };

export const runViewRule = (actor: Actor): RunViewRule =>
  isPrivileged(actor) ? { everything: true } : { everything: false, starter: actor.id };

export function canViewRun(actor: Actor, run: RunVisibility): boolean {
  const rule = runViewRule(actor);
  return rule.everything || run.allowAnyoneToView || run.createdBy === rule.starter;
}
