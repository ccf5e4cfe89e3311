import type { Role } from '../../contract/auth';

export interface Actor {
  id: string;
  email: string;
  role: Role;
}

export const isPrivileged = (actor: Actor) => actor.role === 'admin' || actor.role === 'machine';

/** Port: with allowAnyoneToViewRuns false, only admins, machine credentials and the starter see a run. */
export function canViewRun(
  actor: Actor,
  run: { allowAnyoneToView: boolean; createdBy: string },
): boolean {
  return run.allowAnyoneToView || isPrivileged(actor) || run.createdBy === actor.id;
}
