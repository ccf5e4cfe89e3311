import path from 'node:path';
import { serve } from '@hono/node-server';
import { createApp } from './app';
import { DEFAULT_BACKEND_OPTIONS, startDispatcher } from './backends/dispatcher';
import { openEmbedded, openPostgres } from './db/client';
import { defaultedCredentials, hostConcurrencyOf, readConfig, seededPasswords } from './config';
import { seedDemo, seedReport } from './seed/demo';
import { seedDemoActions } from './seed/demo-actions';
import { seedDemoBackends } from './seed/demo-backends';
import { oidcClient } from './services/oidc';
import { partitionPeriodDays, startLogPartitionMaintainer } from './services/log-partitions';
import { startRetention } from './services/retention';
import { startLogSealer } from './services/log-chunks';
import { setReadsFirstMs } from './services/read-first';
import { ADMIN_EMAIL, MEMBER_EMAIL, ensureUsers, startupCredentials } from './seed/users';
import { startActionRunSimulator } from './simulator/action-runs';
import { startSimulator } from './simulator/simulator';

async function main() {
  const config = readConfig(process.env);
  setReadsFirstMs(config.READS_FIRST_MS);
  const database = config.DATABASE_URL
    ? await openPostgres(config.DATABASE_URL)
    : await openEmbedded({
        dataDir: path.resolve(config.DATA_DIR),
        port: config.EMBEDDED_POSTGRES_PORT,
        bulkNice: config.BULK_NICE,
      });
  // From here on a signal stops what has started so far, the embedded PostgreSQL last (also when
  // it arrives while the demo seeds).
  const running: { stop(): Promise<void> | void }[] = [];
  const shutdown = () => {
    if (stopping) return;
    stopping = true;
    void Promise.allSettled(running.map((r) => r.stop()))
      .then(() => database.close())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  // Before anything writes: the log's partitions for the runs to come (then every 10 minutes).
  const partitions = await startLogPartitionMaintainer(database.db, () => new Date(), {
    periodMs: partitionPeriodDays(config.RETENTION_DAYS, config.LOG_PARTITION_DAYS) * 86_400_000,
  });
  running.push(partitions);

  const passwords = seededPasswords(config, process.env);
  const creds = startupCredentials(config, process.env);
  await ensureUsers(database.db, creds);

  const demo = config.SEED === 'demo';
  if (demo) {
    const started = Date.now();
    const seeded = await seedDemo(database.db, { now: new Date(), progress: console.log });
    for (const line of seedReport(seeded, Date.now() - started)) console.log(line);
    const actions = await seedDemoActions(database.db, { now: new Date() });
    if (actions.seeded) {
      console.log(`  action runs: ${actions.runs} (${actions.audits} audit entries)`);
    }
    const backends = await seedDemoBackends(database.db, {
      baseUrl: `http://127.0.0.1:${config.PORT}`,
      now: new Date(),
    });
    if (backends.length) console.log(`  echo backend demo: ${backends.join(', ')}`);
  }
  // The simulators play the demo's backends: a server without the demo has none for them, and a
  // workflow or action of its own named like a demo one is its own backend's.
  const simulating = config.SIMULATOR === 'on' && config.SEED === 'demo';
  const simulator = simulating ? startSimulator({ db: database.db }) : null;
  const actionRunSimulator = simulating
    ? startActionRunSimulator({ db: database.db, adoptHandRuns: true })
    : null;
  const backendOptions = {
    ...DEFAULT_BACKEND_OPTIONS,
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    retries: config.WEBHOOK_RETRIES,
    backoffMs: config.WEBHOOK_BACKOFF_MS,
    concurrency: config.WEBHOOK_CONCURRENCY,
    hostConcurrency: hostConcurrencyOf(config),
    maxBackoffMs: config.WEBHOOK_MAX_BACKOFF_MS,
    leaseMs: config.WORK_LEASE_MS,
    graceMs: config.SHUTDOWN_GRACE_MS,
    secret: config.WEBHOOK_SECRET,
  };
  const dispatcher = startDispatcher(database.db, () => new Date(), backendOptions);
  const retention = config.RETENTION_DAYS
    ? startRetention(database.bulk, () => new Date(), {
        days: config.RETENTION_DAYS,
        intervalMs: config.RETENTION_SWEEP_MINUTES * 60_000,
        firstDelayMs: 5_000,
      })
    : null;
  // Bulk work, on the bulk pool: on the embedded PostgreSQL its backends yield the CPU to reads.
  const sealer = startLogSealer(database.bulk);
  for (const part of [simulator, actionRunSimulator, dispatcher, retention, sealer]) {
    if (part) running.push(part);
  }
  const defaulted = defaultedCredentials(process.env);
  const app = createApp({
    db: database.db,
    reads: database.reads,
    dispatcher,
    webhookSecret: config.WEBHOOK_SECRET,
    tokenSecret: config.JWT_SECRET,
    retentionDays: config.RETENTION_DAYS,
    staticDir: path.resolve(config.STATIC_DIR),
    serverInfo: {
      seed: config.SEED,
      demoCredentials: passwords.admin.demo
        ? { email: ADMIN_EMAIL, password: config.RUNBOARD_ADMIN_PASSWORD }
        : null,
      sso: null,
    },
    rateLimits: {
      perAddress: config.RATE_LIMIT_PER_ADDRESS,
      failuresPerCredential: config.RATE_LIMIT_FAILURES,
      windowMs: config.RATE_LIMIT_WINDOW_SECONDS * 1000,
    },
    session: { ttlMs: config.SESSION_TTL_HOURS * 3_600_000 },
    trustProxy: config.TRUST_PROXY === 'on',
    publicUrl: config.PUBLIC_URL,
    oidc:
      config.OIDC_ISSUER && config.OIDC_CLIENT_ID && config.OIDC_CLIENT_SECRET
        ? oidcClient({
            issuer: config.OIDC_ISSUER,
            clientId: config.OIDC_CLIENT_ID,
            clientSecret: config.OIDC_CLIENT_SECRET,
            name: config.OIDC_NAME,
            autoCreate: config.OIDC_AUTO_CREATE === 'on',
            defaultRole: config.OIDC_DEFAULT_ROLE,
            trustUnverifiedEmail: config.OIDC_TRUST_UNVERIFIED_EMAIL === 'on',
          })
        : null,
  });
  const server = serve({ fetch: app.fetch, port: config.PORT }, (info) => {
    const url = `http://localhost:${info.port}`;
    console.log(`Runboard is running at ${url} (database: ${database.description})`);
    // A secret set through the environment is never printed; only the defaults are.
    if (defaulted.admin) {
      console.log(
        `  admin:  clientId=${creds.adminClientId} clientSecret=${creds.adminClientSecret}`,
      );
    }
    if (passwords.admin.demo) {
      console.log(`  sign in: ${ADMIN_EMAIL} / ${config.RUNBOARD_ADMIN_PASSWORD}`);
    }
    if (passwords.member.demo) {
      console.log(`  sign in: ${MEMBER_EMAIL} / ${config.RUNBOARD_MEMBER_PASSWORD}`);
    }
    if (defaulted.member) {
      console.log(
        `  member: clientId=${creds.memberClientId} clientSecret=${creds.memberClientSecret}`,
      );
    }
    if (defaulted.machine) {
      console.log(
        `  machine (execution agents): clientId=${creds.machineClientId} clientSecret=${creds.machineClientSecret}`,
      );
    }
  });
  running.unshift({ stop: () => void server.close() });
}

/** Set once a signal asked to stop: errors of work cut short by it are expected, not reported. */
let stopping = false;

main().catch((err: unknown) => {
  if (stopping) return;
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
