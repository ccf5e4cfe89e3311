import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  /** Where the data lives, for the start-up line. */
  description: string;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Runs PostgreSQL in `dataDir` (initialised on first use), opens the `runboard` database and
 * migrates it; closing stops PostgreSQL after the pool.
 */
export async function openEmbedded(options: { dataDir: string; port?: number }): Promise<Database> {
  const cluster = await startEmbeddedPostgres(options);
  try {
    await ensureDatabase(cluster.url('postgres'), 'runboard');
    const database = await openPostgres(cluster.url('runboard'));
    return {
      db: database.db,
      description: `embedded PostgreSQL in ${options.dataDir}, port ${cluster.port}`,
      async close() {
        await database.close();
        await cluster.stop();
      },
    };
  } catch (err) {
    await cluster.stop();
    throw err;
  }
}

/** Opens a pool on a real PostgreSQL and migrates it. */
export async function openPostgres(url: string): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: Number(process.env.PG_POOL_MAX ?? 10) });
  let closing = false;
  // An idle connection the server drops (restart, admin command) must not crash the process: the
  // pool replaces it on the next query. Once closing, such drops are expected and not reported.
  pool.on('error', (err) => {
    if (!closing) console.error(`PostgreSQL connection lost: ${err.message}`);
  });
  const db = drizzlePg({ client: pool, schema }) as unknown as Db;
  await migratePg(db as never, { migrationsFolder });
  return {
    db,
    description: `PostgreSQL at ${new URL(url).host}`,
    close: () => {
      closing = true;
      return pool.end();
    },
  };
}

/** Raw SQL rows: the driver answers `{ rows }`, which drizzle's type leaves unknown. */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}
