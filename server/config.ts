import { z } from 'zod';

const onOff = z.enum(['on', 'off']);

/** Public values: only ever stored in a demo install (see seededPasswords). */
export const DEMO_ADMIN_PASSWORD = 'runboard-admin-password';
export const DEMO_MEMBER_PASSWORD = 'runboard-member-password';

export const configSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(8080),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  /** Port of the embedded PostgreSQL (127.0.0.1 only); default: a free one at each start. */
  EMBEDDED_POSTGRES_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  SIMULATOR: onOff.default('on'),
  SEED: z.enum(['demo', 'none']).default('demo'),
  RUNBOARD_ADMIN_CLIENT_ID: z.string().min(1).default('runboard-admin'),
  RUNBOARD_ADMIN_CLIENT_SECRET: z.string().min(1).default('runboard-admin-secret'),
  RUNBOARD_MEMBER_CLIENT_ID: z.string().min(1).default('runboard-member'),
  RUNBOARD_MEMBER_CLIENT_SECRET: z.string().min(1).default('runboard-member-secret'),
  RUNBOARD_MACHINE_CLIENT_ID: z
    .string()
    .min(1)
    .refine(
      (v) => !v.includes('@'),
      'must not look like an email (Ocean takes that for a personal token)',
    )
    .default('runboard-machine'),
  RUNBOARD_MACHINE_CLIENT_SECRET: z.string().min(1).default('runboard-machine-secret'),
  /**
   * The seeded people's passwords (email sign-in): one set here replaces that person's stored
   * password at each start. The defaults are only given in a demo install (SEED=demo with that
   * person's client secret left at its default); otherwise no password is set for them.
   */
  RUNBOARD_ADMIN_PASSWORD: z.string().min(12).default(DEMO_ADMIN_PASSWORD),
  RUNBOARD_MEMBER_PASSWORD: z.string().min(12).default(DEMO_MEMBER_PASSWORD),
  /** Hours a browser session lasts from sign-in. */
  SESSION_TTL_HOURS: z.coerce
    .number()
    .min(0.01)
    .max(24 * 90)
    .default(12),
  /** Sign-in and token requests one address may make per window (RATE_LIMIT_WINDOW_SECONDS). */
  RATE_LIMIT_PER_ADDRESS: z.coerce.number().int().min(1).default(300),
  /** Failed attempts per email or client id per window; then that credential waits the window out. */
  RATE_LIMIT_FAILURES: z.coerce.number().int().min(1).default(10),
  RATE_LIMIT_WINDOW_SECONDS: z.coerce.number().int().min(1).max(86_400).default(900),
  /** Behind a reverse proxy: read X-Forwarded-For (rate limits) and X-Forwarded-Proto (HSTS, Secure cookies). */
  TRUST_PROXY: onOff.default('off'),
  /** The address people open, e.g. https://runboard.example.com (OIDC redirect URI, CSRF origin). */
  PUBLIC_URL: z.url().optional(),
  /** OpenID Connect single sign-on: all three turn it on. */
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  /** The sign-in button's label. */
  OIDC_NAME: z.string().min(1).max(60).default('single sign-on'),
  /** Create an account on first SSO sign-in for an unknown email (with OIDC_DEFAULT_ROLE). */
  OIDC_AUTO_CREATE: onOff.default('off'),
  OIDC_DEFAULT_ROLE: z.enum(['admin', 'member']).default('member'),
  /** Accept SSO emails the provider does not mark `email_verified: true` (only for one that never sends it). */
  OIDC_TRUST_UNVERIFIED_EMAIL: onOff.default('off'),
  /** Signs access tokens (JWT, HS256) instead of the secret generated and stored at first start. */
  JWT_SECRET: z.string().min(32).optional(),
  /** Per attempt of a webhook request. */
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(1).max(600_000).default(10_000),
  /** Further attempts after a network error, a timeout, a 429 or a 5xx (backoff doubles). */
  WEBHOOK_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  WEBHOOK_BACKOFF_MS: z.coerce.number().int().min(0).max(600_000).default(500),
  WEBHOOK_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(8),
  /**
   * Requests in flight to one host at once, across all servers on the database; default half of
   * WEBHOOK_CONCURRENCY (at least 1), so one slow or dead backend cannot take every slot.
   */
  WEBHOOK_HOST_CONCURRENCY: z.coerce.number().int().min(1).max(4096).optional(),
  /** Longest wait between two attempts of one delivery (the back-off doubles up to it). */
  WEBHOOK_MAX_BACKOFF_MS: z.coerce.number().int().min(0).max(3_600_000).default(60_000),
  /** How long a server's claim on owed work holds; renewed while in flight, reclaimed after a crash. */
  WORK_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  /** On SIGTERM, how long requests in flight may finish before their work is handed back. */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(600_000).default(10_000),
  /** Signs webhooks instead of the secret generated and stored for the organization. */
  WEBHOOK_SECRET: z.string().min(16).optional(),
  /**
   * Finished workflow runs and action runs (with their node runs, log lines and work items) are
   * deleted this many days after they finished; unset: kept forever.
   */
  RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).optional(),
  /** How often each server tries a retention sweep (one server sweeps at a time). */
  RETENTION_SWEEP_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  /**
   * How many days of runs one partition of the log lines takes (retention drops a partition
   * whole once all its runs have expired); default a quarter of RETENTION_DAYS, 1 to 7 days.
   */
  LOG_PARTITION_DAYS: z.coerce.number().int().min(1).max(365).optional(),
  /**
   * Niceness (CPU priority, 1–19; 0: off) of the embedded PostgreSQL's backends doing bulk work —
   * the log ingest's writes, the log sealer, retention — so those answering reads get the cores
   * first. Not applied to a DATABASE_URL (its backends may be on another machine).
   */
  BULK_NICE: z.coerce.number().int().min(0).max(19).default(10),
  /**
   * Longest a log ingest write waits for the reads being handled to finish (services/read-first.ts:
   * people watching first, bulk ingest second); 0: writes never wait.
   */
  READS_FIRST_MS: z.coerce.number().int().min(0).max(1000).default(20),
  /** Where the built SPA is served from. */
  STATIC_DIR: z.string().min(1).default('./dist'),
});
export type Config = z.infer<typeof configSchema>;

/** WEBHOOK_HOST_CONCURRENCY, or its default: half of WEBHOOK_CONCURRENCY, at least 1. */
export const hostConcurrencyOf = (config: Config) =>
  config.WEBHOOK_HOST_CONCURRENCY ?? Math.max(1, Math.floor(config.WEBHOOK_CONCURRENCY / 2));

/** Reads the environment; a bad value stops start-up with a message naming the variable. */
export function readConfig(env: NodeJS.ProcessEnv): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = configSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const oidc = [
    parsed.data.OIDC_ISSUER,
    parsed.data.OIDC_CLIENT_ID,
    parsed.data.OIDC_CLIENT_SECRET,
  ];
  if (oidc.some(Boolean) && !oidc.every(Boolean)) {
    throw new Error(
      'Invalid configuration:\n  OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET: set all three for single sign-on, or none',
    );
  }
  return parsed.data;
}

/** Which seeded users still have the default secret: only those may be printed or prefilled. */
export const defaultedCredentials = (env: NodeJS.ProcessEnv) => ({
  admin: !env.RUNBOARD_ADMIN_CLIENT_SECRET,
  member: !env.RUNBOARD_MEMBER_CLIENT_SECRET,
  machine: !env.RUNBOARD_MACHINE_CLIENT_SECRET,
  adminPassword: !env.RUNBOARD_ADMIN_PASSWORD,
  memberPassword: !env.RUNBOARD_MEMBER_PASSWORD,
});

/** What start-up does with one seeded person's password. */
export interface SeededPassword {
  /** The password to store, if any. */
  password: string | undefined;
  /** Replace a stored one (set through the environment); else it is only given when none is. */
  replace: boolean;
  /** The public demo password: may be printed and prefilled. */
  demo: boolean;
}

/**
 * Per seeded person: a password set through its variable is always applied; the public default
 * only in a demo install (SEED=demo and that person's client secret also at its default), and
 * only where no password is stored; otherwise none (SSO, or an admin sets one in the app).
 */
export function seededPasswords(
  config: Pick<Config, 'SEED' | 'RUNBOARD_ADMIN_PASSWORD' | 'RUNBOARD_MEMBER_PASSWORD'>,
  env: NodeJS.ProcessEnv,
): { admin: SeededPassword; member: SeededPassword } {
  const defaulted = defaultedCredentials(env);
  const decide = (password: string, explicit: boolean, secretDefaulted: boolean) =>
    explicit
      ? { password, replace: true, demo: false }
      : config.SEED === 'demo' && secretDefaulted
        ? { password, replace: false, demo: true }
        : { password: undefined, replace: false, demo: false };
  return {
    admin: decide(config.RUNBOARD_ADMIN_PASSWORD, !defaulted.adminPassword, defaulted.admin),
    member: decide(config.RUNBOARD_MEMBER_PASSWORD, !defaulted.memberPassword, defaulted.member),
  };
}
