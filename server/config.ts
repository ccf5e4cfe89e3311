import { z } from 'zod';

const onOff = z.enum(['on', 'off']);

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  SIMULATOR: onOff.default('on'),
  SEED: z.enum(['demo', 'none']).default('demo'),
  RUNBOARD_ADMIN_CLIENT_ID: z.string().min(1).default('runboard-admin'),
  RUNBOARD_ADMIN_CLIENT_SECRET: z.string().min(1).default('runboard-admin-secret'),
  RUNBOARD_MEMBER_CLIENT_ID: z.string().min(1).default('runboard-member'),
  RUNBOARD_MEMBER_CLIENT_SECRET: z.string().min(1).default('runboard-member-secret'),
  /** Where the built SPA is served from. */
  STATIC_DIR: z.string().min(1).default('./dist'),
});
export type Config = z.infer<typeof configSchema>;

/** Reads the environment; a bad value stops start-up with a message naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}

export const defaultedCredentials = (env: NodeJS.ProcessEnv) =>
  !env.RUNBOARD_ADMIN_CLIENT_SECRET || !env.RUNBOARD_MEMBER_CLIENT_SECRET;
