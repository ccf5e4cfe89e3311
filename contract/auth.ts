import { z } from 'zod';

export const accessTokenBodySchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
});

export const accessTokenResponseSchema = z.object({
  ok: z.literal(true),
  accessToken: z.string(),
  expiresIn: z.number(),
  tokenType: z.literal('Bearer'),
});
export type AccessTokenResponse = z.infer<typeof accessTokenResponseSchema>;

export const ROLES = ['admin', 'member', 'machine'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** [ext] `GET /v1/me`: who the token belongs to, and whether the demo seed runs. */
export const meResponseSchema = z.object({
  ok: z.literal(true),
  user: z.object({ id: z.string(), email: z.string(), role: roleSchema }),
});

/** [ext] `GET /v1/server-info` (no auth): lets the sign-in page prefill demo credentials. */
export const serverInfoSchema = z.object({
  ok: z.literal(true),
  seed: z.enum(['demo', 'none']),
  /** The demo admin's email and password, prefilled on the sign-in page (demo seed, defaults). */
  demoCredentials: z.object({ email: z.string(), password: z.string() }).nullable(),
  /** Single sign-on through OpenID Connect, when configured: the button's label. */
  sso: z.object({ name: z.string() }).nullable(),
});
export type ServerInfo = z.infer<typeof serverInfoSchema>;

/** [ext] `POST /v1/auth/sign-in`: a person's email and password; answers with a session cookie. */
export const signInBodySchema = z.object({
  email: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(200),
});
export type SignInBody = z.infer<typeof signInBodySchema>;

/** The header the dashboard sends on every request made with the session cookie (CSRF). */
export const CSRF_HEADER = 'x-runboard-csrf';
