/** Users the environment seeds (server/seed/users.ts): their client secrets come from variables. */
export const ADMIN_ID = 'user_admin';
export const MEMBER_ID = 'user_member';
export const MACHINE_ID = 'user_organization';
/** The simulator's own machine user: internal, never listed among credentials. */
export const SIMULATOR_ID = 'user_simulator';

export const isSeededFromEnvironment = (id: string) =>
  id === ADMIN_ID || id === MEMBER_ID || id === MACHINE_ID;

/** Port's invite roles ("Admin", "Member") as Runboard's role; no roles: member. */
export const roleFromInvite = (roles: readonly ('Admin' | 'Member')[] | undefined) =>
  roles?.includes('Admin') ? ('admin' as const) : ('member' as const);

export const normalizeEmail = (email: string) => email.trim().toLowerCase();

/**
 * How a log line or message names the person (or machine credential) who acted: the name with
 * the email beside it, since a name alone can be shared; the email alone when there is no name.
 */
export function personLabel(user: {
  email: string;
  firstName: string | null;
  lastName: string | null;
}): string {
  const name = [user.firstName, user.lastName]
    .map((part) => part?.trim())
    .filter(Boolean)
    .join(' ');
  return name ? `${name} (${user.email})` : user.email;
}

/** Seconds until a fixed window that began at `start` ends (at least 1). */
export function secondsLeft(start: Date, windowMs: number, now: Date) {
  return Math.max(1, Math.ceil((start.getTime() + windowMs - now.getTime()) / 1000));
}
