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

/** The roles a person can have (machine credentials are managed apart). */
export const personRoleSchema = z.enum(['admin', 'member']);
export type PersonRole = z.infer<typeof personRoleSchema>;

const name = z.string().trim().max(100);
/** At least 12 characters: long enough against guessing, no composition rules (NIST 800-63B). */
export const passwordSchema = z.string().min(12, 'must be at least 12 characters').max(200);

/**
 * `POST /v1/users/invite` in Port's shape (`invitee.email`, `invitee.roles` as "Admin"/"Member");
 * [ext] names and an initial password, since Runboard sends no invitation e-mail.
 */
export const inviteBodySchema = z.object({
  invitee: z.object({
    email: z.email().max(200),
    roles: z
      .array(z.enum(['Admin', 'Member']))
      .max(2)
      .optional(),
    firstName: name.optional(),
    lastName: name.optional(),
  }),
  password: passwordSchema.optional(),
});
export type InviteBody = z.infer<typeof inviteBodySchema>;

/** [ext] `PATCH /v1/users/{id or email}`: an admin changes a person's name, role, status, password. */
export const updateUserBodySchema = z
  .object({
    firstName: name.nullable().optional(),
    lastName: name.nullable().optional(),
    role: personRoleSchema.optional(),
    status: z.enum(['ACTIVE', 'DISABLED']).optional(),
    password: passwordSchema.optional(),
  })
  .refine(
    (b) => Object.keys(b).length > 0,
    'send at least one of firstName, lastName, role, status, password',
  );
export type UpdateUserBody = z.infer<typeof updateUserBodySchema>;

export const userResponseSchema = z.object({ ok: z.literal(true), user: userSchema });

/** [ext] A machine credential (client id/secret pair) as admins manage it. */
export const credentialSchema = z.object({
  id: z.string(),
  name: z.string(),
  clientId: z.string(),
  status: z.enum(['ACTIVE', 'REVOKED']),
  /** `environment`: seeded from RUNBOARD_MACHINE_CLIENT_*; rotate it there, not here. */
  source: z.enum(['app', 'environment']),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
});
export type Credential = z.infer<typeof credentialSchema>;

export const credentialsListSchema = z.object({
  ok: z.literal(true),
  credentials: z.array(credentialSchema),
});
export const createCredentialBodySchema = z.object({ name: z.string().trim().min(1).max(100) });
/** The secret is in this answer only; it is never shown again. */
export const credentialSecretResponseSchema = z.object({
  ok: z.literal(true),
  credential: credentialSchema,
  clientSecret: z.string(),
});
