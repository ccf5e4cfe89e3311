import { z } from 'zod';

/**
 * A person as Port's users API answers (`GET /v1/users`): the dashboard shows names and emails
 * wherever a user id is stored. `id` is Runboard's user id (what runs record as `createdBy`).
 */
export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  role: z.enum(['admin', 'member', 'machine']),
  status: z.enum(['ACTIVE', 'DISABLED']),
});
export type User = z.infer<typeof userSchema>;

export const usersListSchema = z.object({ ok: z.literal(true), users: z.array(userSchema) });

/** What to show for a person: their name, else their email, else the id. */
export function displayName(
  user: Pick<User, 'email' | 'firstName' | 'lastName'> | null | undefined,
  fallback = '',
): string {
  if (!user) return fallback;
  const name = [user.firstName, user.lastName].filter(Boolean).join(' ').trim();
  return name || user.email || fallback;
}
