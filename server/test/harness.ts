import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import pg from 'pg';
import { inject } from 'vitest';
import { createApp, type AppOptions } from '../app';
import {
  DEFAULT_BACKEND_OPTIONS,
  startDispatcher,
  type Dispatcher,
  type BackendOptions,
} from '../backends/dispatcher';
import { openPostgres, type Database } from '../db/client';
import { users } from '../db/schema';
import { sha256 } from '../http/auth';
import { ensureUsers } from '../seed/users';
import { randomId16 } from '../domain/ids';

export const TEST_CREDENTIALS = {
  adminClientId: 'test-admin',
  adminClientSecret: 'test-admin-secret',
  memberClientId: 'test-member',
  memberClientSecret: 'test-member-secret',
  machineClientId: 'test-organization',
  machineClientSecret: 'test-organization-secret',
  adminPassword: 'test-admin-password',
  memberPassword: 'test-member-password',
};

/**
 * A migrated database of its own on the test run's PostgreSQL, a copy of its template
 * (global-setup.ts): its URL (for this process, or server processes to share) and its removal.
 */
export async function copyTemplate(): Promise<{ url: string; drop: () => Promise<void> }> {
  const { adminUrl, template } = inject('testDatabase');
  const name = `runboard_test_${randomId16().toLowerCase()}`;
  await adminQuery(adminUrl, `CREATE DATABASE ${name} TEMPLATE ${template}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/** A fresh, migrated database of its own, open (`options` as openPostgres takes them). */
export async function freshDatabase(
  options: Parameters<typeof openPostgres>[1] = {},
): Promise<Database> {
  const copy = await copyTemplate();
  const database = await openPostgres(copy.url, options);
  return {
    ...database,
    async close() {
      await database.close();
      await copy.drop();
    },
  };
}

async function adminQuery(adminUrl: string, query: string) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(query);
  } finally {
    await admin.end();
  }
}

export interface TestServer {
  baseUrl: string;
  database: Database;
  /** Fetches `path` (under /v1) as the given user; the body is sent as JSON. */
  api: (
    as: 'admin' | 'member' | 'machine' | 'anonymous',
    method: string,
    path: string,
    body?: unknown,
    headers?: Record<string, string>,
  ) => Promise<{ status: number; body: any; headers: Headers }>;
  close: () => Promise<void>;
}

/** The real app on a free port over a fresh database, with tokens for the seeded users. */
export async function startTestServer(
  options: {
    clock?: () => Date;
    backends?: Partial<BackendOptions>;
    /** Runs no dispatcher: nothing moves work onto the queue or delivers it but the API itself. */
    withoutDispatcher?: boolean;
    /** More app options (rate limits, session policy, OIDC). */
    app?: Omit<AppOptions, 'db' | 'clock' | 'dispatcher'>;
    /** Niceness of the bulk pool's backends (client.ts openPostgres); default: not lowered. */
    bulkNice?: number;
  } = {},
): Promise<TestServer> {
  const database = await freshDatabase({ bulkNice: options.bulkNice });
  await ensureUsers(database.db, TEST_CREDENTIALS);
  const clock = options.clock ?? (() => new Date());
  const dispatcher: Dispatcher = options.withoutDispatcher
    ? { kick: () => undefined, stop: async () => undefined, owner: 'none', maxAttempts: 1 }
    : startDispatcher(database.db, clock, { ...DEFAULT_BACKEND_OPTIONS, ...options.backends });
  const app = createApp({
    ...options.app,
    db: database.db,
    reads: database.reads,
    clock,
    dispatcher,
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  const tokens: Record<string, string> = {};
  const token = async (as: 'admin' | 'member' | 'machine') => {
    tokens[as] ??= await bearerToken(
      baseUrl,
      TEST_CREDENTIALS[`${as}ClientId`],
      TEST_CREDENTIALS[`${as}ClientSecret`],
    );
    return tokens[as];
  };

  const api: TestServer['api'] = async (as, method, path, body, headers = {}) => {
    const res = await fetch(`${baseUrl}/v1${path}`, {
      method,
      headers: {
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...(as !== 'anonymous' ? { authorization: await token(as) } : {}),
        ...headers,
      },
      ...(body !== undefined
        ? { body: typeof body === 'string' ? body : JSON.stringify(body) }
        : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };

  return {
    baseUrl,
    database,
    api,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dispatcher.stop();
      await database.close();
    },
  };
}

/** `Bearer <token>` for the given credentials, from the real token endpoint. */
export async function bearerToken(baseUrl: string, clientId: string, clientSecret: string) {
  const res = await fetch(`${baseUrl}/v1/auth/access_token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ clientId, clientSecret }),
  });
  return `Bearer ${((await res.json()) as { accessToken: string }).accessToken}`;
}

/** A fresh bearer token of the test admin's or member's credentials, as an auth header. */
export function roleToken(baseUrl: string, role: 'admin' | 'member') {
  return role === 'admin'
    ? bearerToken(baseUrl, TEST_CREDENTIALS.adminClientId, TEST_CREDENTIALS.adminClientSecret)
    : bearerToken(baseUrl, TEST_CREDENTIALS.memberClientId, TEST_CREDENTIALS.memberClientSecret);
}

/** Adds a machine user (a backend's credentials) named `name` and returns its auth header. */
export async function machineUser(t: TestServer, name: string) {
  await t.database.db.insert(users).values({
    id: `user_${name}`,
    email: `${name}@runboard.dev`,
    role: 'machine',
    clientId: `test-${name}`,
    clientSecretHash: sha256(`test-${name}-secret`),
  });
  return { authorization: await bearerToken(t.baseUrl, `test-${name}`, `test-${name}-secret`) };
}
