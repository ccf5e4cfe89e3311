import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject } from 'vitest';
import { migrationsFolder } from '../db/client';
import { randomId16 } from '../domain/ids';

/** What an upgrade test starts from (see databaseBefore). */
export interface UpgradeStart {
  /** The fresh database's URL. */
  url: string;
  /** The migrations as they were before the upgrade: the same files, the journal cut. */
  oldMigrations: string;
  /** Drops the database and the copied migrations. */
  drop: () => Promise<void>;
}

async function admin(adminUrl: string, query: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(query);
  } finally {
    await client.end();
  }
}

/**
 * For a test of an upgrade (a migration on a database that an earlier server filled): a fresh
 * database on the test cluster (`adminUrl`, from `inject('testDatabase')`), and a copy of the
 * migrations whose journal ends at `lastTag`, to migrate it as that server did before the test
 * writes its rows and migrates it with the real folder. Some migration must come after `lastTag`.
 */
export async function databaseBefore(adminUrl: string, lastTag: string): Promise<UpgradeStart> {
  const name = `runboard_upgrade_${randomId16().toLowerCase()}`;
  await admin(adminUrl, `CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const oldMigrations = mkdtempSync(path.join(tmpdir(), 'runboard-migrations-'));
  cpSync(migrationsFolder, oldMigrations, { recursive: true });
  const journalPath = path.join(oldMigrations, 'meta', '_journal.json');
  const journal = JSON.parse(readFileSync(journalPath, 'utf8')) as {
    entries: { idx: number; tag: string }[];
  };
  const last = journal.entries.findIndex((e) => e.tag === lastTag);
  expect(last, `${lastTag} in the journal`).toBeGreaterThan(0);
  expect(journal.entries.length).toBeGreaterThan(last + 1);
  journal.entries = journal.entries.slice(0, last + 1);
  writeFileSync(journalPath, JSON.stringify(journal));
  return {
    url: u.toString(),
    oldMigrations,
    drop: async () => {
      rmSync(oldMigrations, { recursive: true, force: true });
      await admin(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}

/** What an upgrade test's body gets (upgradeFrom). */
export interface Upgrade {
  /** The upgrade's database (to open the app's own pools on it). */
  url: string;
  /** A query on it: its rows. */
  q: <T>(text: string, values?: unknown[]) => Promise<T[]>;
  /** Migrates it as the earlier server did: the journal cut at the test's last tag. */
  migrateBefore: () => Promise<void>;
  /** Migrates it with every migration, as this server does. */
  migrateAll: () => Promise<void>;
  /** Inserts an IN_PROGRESS workflow run `id` (a deploy); its log key. */
  run: (id: string) => Promise<number>;
  /** Inserts an IN_PROGRESS node run `id` of run `runId`; its log key. */
  node: (id: string, runId: string) => Promise<number>;
}

/**
 * An upgrade test file's database (databaseBefore on the test cluster, dropped after the file)
 * and the runner of its tests: each gets a small pool on it (closed after the test), a query
 * helper and the two migrations.
 */
export function upgradeFrom(lastTag: string) {
  let start: UpgradeStart | undefined;
  beforeAll(async () => {
    start = await databaseBefore(inject('testDatabase').adminUrl, lastTag);
  });
  afterAll(async () => start?.drop());
  return async (body: (upgrade: Upgrade) => Promise<void>) => {
    const { url, oldMigrations } = start!;
    const pool = new pg.Pool({ connectionString: url, max: 2 });
    const q = async <T>(text: string, values?: unknown[]) =>
      (await pool.query(text, values)).rows as T[];
    const key = async (text: string, values: unknown[]) =>
      (await q<{ key: number }>(text, values))[0]!.key;
    try {
      await body({
        url,
        q,
        migrateBefore: () =>
          migrate(drizzle({ client: pool }), { migrationsFolder: oldMigrations }),
        migrateAll: () => migrate(drizzle({ client: pool }), { migrationsFolder }),
        run: (id) =>
          key(
            `INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, title,
               status, created_by, created_at, updated_at)
             VALUES ($1, 'deploy', 1, 'Deploy', 'IN_PROGRESS', 'u', now(), now())
             RETURNING log_key AS key`,
            [id],
          ),
        node: (id, runId) =>
          key(
            `INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier,
               node_config_type, status, created_at, updated_at)
             VALUES ($1, $2, $1, 'WEBHOOK', 'IN_PROGRESS', now(), now()) RETURNING log_key AS key`,
            [id, runId],
          ),
      });
    } finally {
      await pool.end();
    }
  };
}
