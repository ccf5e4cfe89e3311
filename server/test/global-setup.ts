import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openPostgres } from '../db/client';
import { ensureDatabase, startEmbeddedPostgres } from '../db/embedded-postgres';
import { randomId16 } from '../domain/ids';

/**
 * One PostgreSQL per test run — the embedded one in a temp dir, or the server at DATABASE_URL —
 * with one migrated template database; each test file gets `CREATE DATABASE … TEMPLATE` of it
 * (server/test/harness.ts), a copy in tens of milliseconds instead of migrating again.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  let cleanup = async () => {};
  if (!adminUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'runboard-test-'));
    const cluster = await startEmbeddedPostgres({ dataDir: dir, durable: false, log: () => {} });
    adminUrl = cluster.url('postgres');
    cleanup = async () => {
      await cluster.stop();
      rmSync(dir, { recursive: true, force: true });
    };
  }
  const template = `runboard_template_${randomId16().toLowerCase()}`;
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  await ensureDatabase(adminUrl, template);
  const database = await openPostgres(templateUrl.toString());
  await database.close();

  project.provide('testDatabase', { adminUrl, template });
  return async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
    await cleanup();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabase: { adminUrl: string; template: string };
  }
}
