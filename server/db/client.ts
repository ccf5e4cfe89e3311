import { createHash } from 'node:crypto';
import { setPriority } from 'node:os';
import { debuglog } from 'node:util';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { currentTiming } from '../timing';
import { ensureDatabase, startEmbeddedPostgres } from './embedded-postgres';
import * as schema from './schema';
import { noteTermLowering } from './term-lowering';
import { ASCII } from '../domain/log-words';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export interface Database {
  db: Db;
  /**
   * The same database through a pool of its own, for polls (and the sign-in lookup every request
   * makes): they never wait for a connection behind writes, whose transactions can fill `db`'s.
   */
  reads: Db;
  /**
   * The same database through a third pool, for bulk work that may wait: the log ingest's
   * writes, the log sealer, retention. On the embedded PostgreSQL its backends run at a lower CPU
   * priority (`bulkNice`), so the backends answering reads get the cores first.
   */
  bulk: Db;
  /** Where the data lives, for the start-up line. */
  description: string;
  close(): Promise<void>;
}

export const migrationsFolder = fileURLToPath(new URL('./migrations', import.meta.url));

/**
 * Runs PostgreSQL in `dataDir` (initialised on first use), opens the `runboard` database and
 * migrates it; closing stops PostgreSQL after the pool.
 */
export async function openEmbedded(options: {
  dataDir: string;
  port?: number;
  /** Niceness of the bulk pool's backends (see openPostgres); default BULK_NICE_DEFAULT. */
  bulkNice?: number;
  /** Connections of the reads pool (default 10; bench:load's READ_POOL). */
  readPoolSize?: number;
}): Promise<Database> {
  const cluster = await startEmbeddedPostgres(options);
  try {
    await ensureDatabase(cluster.url('postgres'), 'runboard');
    const database = await openPostgres(cluster.url('runboard'), {
      bulkNice: options.bulkNice ?? BULK_NICE_DEFAULT,
      readPoolSize: options.readPoolSize,
    });
    return {
      db: database.db,
      reads: database.reads,
      bulk: database.bulk,
      description:
        `embedded PostgreSQL in ${options.dataDir}, port ${cluster.port}` +
        (cluster.socketDir ? ' (the server connects over its Unix-domain socket)' : ''),
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

/** Connections the app's and the reads' pools keep open when idle (pg-pool's `min`). */
const WARM_CONNECTIONS = 4;

/** The bulk pool's niceness on the embedded PostgreSQL unless BULK_NICE says otherwise. */
export const BULK_NICE_DEFAULT = 10;

const debug = debuglog('runboard');

/**
 * Lowers the CPU priority of a new backend of the bulk pool (`nice` on Linux: raising one's
 * niceness needs no privilege when the backend runs as this process's user, or as root). The
 * backend's pid is the one PostgreSQL sent when the session started (`pg_backend_pid()`), so
 * this is only meaningful for a PostgreSQL on this machine; a failure leaves it as it is.
 */
function lowerPriority(client: pg.Client, nice: number) {
  const pid = (client as unknown as { processID?: number }).processID;
  try {
    if (!pid) throw new Error('no backend pid');
    setPriority(pid, nice);
  } catch (err) {
    debug('bulk backend %s left at its priority: %s', pid, (err as Error).message);
  }
}

/**
 * Opens the pools on a real PostgreSQL and migrates it. `bulkNice` (1–19; only for a PostgreSQL
 * running on this machine, as the embedded one does) runs every backend of the bulk pool at that
 * niceness; left out or 0, they run as the others do.
 */
export async function openPostgres(
  url: string,
  options: { bulkNice?: number; readPoolSize?: number } = {},
): Promise<Database> {
  let closing = false;
  // Named in pg_stat_activity by what they serve (unless the URL names them). The bulk pool's 5:
  // the ingest holds two connections at most (log-ingest.ts MAX_WRITES), the sealer and
  // retention one each.
  const pools = (['runboard', 'runboard-reads', 'runboard-bulk'] as const).map((name) => {
    const max =
      name === 'runboard-bulk' ? 5 : name === 'runboard-reads' ? (options.readPoolSize ?? 10) : 10;
    const pool = new pg.Pool({
      connectionString: url,
      max,
      // A few connections stay open however long the server idles (the rest close after 10 s):
      // a new backend's first search takes 12–20 ms more, its caches cold.
      min: name === 'runboard-bulk' ? 0 : Math.min(max, WARM_CONNECTIONS),
      fallback_application_name: name,
    });
    // An idle connection the server drops (restart, admin command) must not crash the process:
    // the pool replaces it on the next query. Once closing, such drops are expected.
    pool.on('error', (err) => {
      if (!closing) console.error(`PostgreSQL connection lost: ${err.message}`);
    });
    const nice = options.bulkNice ?? 0;
    if (name === 'runboard-bulk' && nice > 0) {
      pool.on('connect', (client) => lowerPriority(client, nice));
    }
    return pool;
  });
  // withCancel's cancels go through a pool of their own: with every connection of a pool busy
  // with searches, a cancel queued behind them would wait for the very queries it cancels.
  const cancels = new pg.Pool({ connectionString: url, max: 2 });
  cancels.on('error', () => undefined);
  const [db, reads, bulk] = pools.map(
    (pool) => drizzlePg({ client: pool, schema }) as unknown as Db,
  );
  pools.forEach((pool, k) => sessionPools.set([db!, reads!, bulk!][k]!, pool));
  for (const d of [db!, reads!, bulk!]) cancelPools.set(d, cancels);
  bulkPools.set(db!, bulk!);
  await migratePg(db as never, { migrationsFolder });
  const [lowered] = await selectRows<{ l: string }>(db!, sql`SELECT lower(${ASCII}) AS l`);
  noteTermLowering(lowered!.l === ASCII.toLowerCase());
  return {
    db: db!,
    reads: reads!,
    bulk: bulk!,
    description: `PostgreSQL at ${new URL(url).host}`,
    close: async () => {
      closing = true;
      await Promise.all([...pools, cancels].map((pool) => pool.end()));
    },
  };
}

/** Raw SQL rows: the driver answers `{ rows }`, which drizzle's type leaves unknown. */
export async function selectRows<T>(db: DbOrTx, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

const sessionPools = new WeakMap<Db, pg.Pool>();
const cancelPools = new WeakMap<Db, pg.Pool>();
const bulkPools = new WeakMap<Db, Db>();

/**
 * The bulk pool opened beside `db` (Database.bulk), for the log ingest, which is handed the app's
 * `db`; `db` itself when it has none (a database not opened by openPostgres).
 */
export const bulkOf = (db: Db): Db => bulkPools.get(db) ?? db;

/**
 * Runs `work` on one connection of the pool held for it, outside any transaction: for the
 * statements that refuse a transaction block (`DETACH PARTITION … CONCURRENTLY`) and need session
 * settings (`lock_timeout`) or a session-level advisory lock around them. What `work` sets on the
 * session it must reset before it returns.
 */
export async function withSession<T>(
  db: Db,
  work: (query: (text: string, values?: unknown[]) => Promise<unknown[]>) => Promise<T>,
): Promise<T> {
  const pool = sessionPools.get(db);
  if (!pool) throw new Error('withSession needs a database opened by openPostgres');
  const client = await pool.connect();
  let broken = false;
  try {
    return await work(async (text, values) => (await client.query(text, values)).rows);
  } catch (err) {
    broken = true;
    throw err;
  } finally {
    // A session that failed may hold settings or locks half undone: it is closed, not reused.
    client.release(broken);
  }
}

/**
 * Runs `work` on one connection of `db`'s pool, held for it (no transaction), and cancels the
 * statement under way once `signal` aborts: a search the browser gave up on (the person typed
 * on) stops reading lines instead of running to the end while the next one queues behind it.
 * The cancel goes through another connection (`pg_cancel_backend`, on a small pool kept for
 * cancels; node-postgres has no public cancel). A connection that was sent one goes back to the
 * pool only once a statement of ours has run on it after the cancel was delivered (`SELECT 1`),
 * outside any transaction: a cancel that lands after its statement ended must not hit the next
 * user's, and PostgreSQL ignores one that reaches an idle backend. Else it is closed. (Closing
 * every such connection made the next searches open new ones: a new backend's first count of a
 * phrase took 12–20 ms more, its caches cold, and typing aborts a search at every keystroke.)
 * Without a signal, or on a `db` not opened by openPostgres, `work` simply runs on `db`.
 */
export async function withCancel<T>(
  db: Db,
  signal: AbortSignal | undefined,
  work: (db: Db) => Promise<T>,
): Promise<T> {
  const pool = sessionPools.get(db);
  const cancels = cancelPools.get(db);
  if (!pool || !cancels || !signal) return work(db);
  signal.throwIfAborted();
  const client = await pool.connect();
  if (signal.aborted) {
    // Gone while waiting for a connection (the pool was busy): nothing to run.
    client.release();
    signal.throwIfAborted();
  }
  let cancelled: Promise<unknown> | null = null;
  const cancel = () => {
    cancelled = cancels
      .query('SELECT pg_cancel_backend($1)', [
        (client as unknown as { processID: number }).processID,
      ])
      .catch(() => undefined);
  };
  signal.addEventListener('abort', cancel, { once: true });
  try {
    return await work(drizzlePg({ client }) as unknown as Db);
  } finally {
    signal.removeEventListener('abort', cancel);
    client.release(cancelled !== null && !(await clearedOfCancel(client, cancelled)));
  }
}

/**
 * Whether `client`, sent a cancel (`cancelled`: the pg_cancel_backend call, so the signal is
 * delivered once it resolves), is fit to go back to its pool: a statement run on it afterwards
 * succeeds (the cancel, if it had not hit a statement of ours, was ignored by the idle backend or
 * hits this one, which then fails) and leaves it outside any transaction.
 */
async function clearedOfCancel(client: pg.PoolClient, cancelled: Promise<unknown>) {
  await cancelled;
  try {
    await client.query('SELECT 1');
    return client.getTransactionStatus() === 'I';
  } catch {
    return false;
  }
}

const dialect = new PgDialect();

/**
 * Raw SQL rows through a named prepared statement, on the pool: PostgreSQL parses and plans it
 * once per connection instead of on every call. For the statements every poll runs (a run poll
 * is ~3 KB of SQL: parsing it cost more than running it). The name is the text's digest, so a
 * statement whose text varies (a visibility rule, say) is simply prepared once per variant.
 * Rows come as the driver parses them (timestamps as dates, jsonb parsed, bigints as strings).
 */
export async function selectPrepared<T>(db: Db, query: SQL): Promise<T[]> {
  const { sql: text, params } = dialect.sqlToQuery(query);
  const name = `p_${createHash('sha1').update(text).digest('base64url')}`;
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  return (await pool.query<T & pg.QueryResultRow>({ name, text, values: params })).rows;
}

/**
 * Adds each pool wait and query of `db`'s pool to the record of the request it runs for (request
 * timing, server/timing.ts; bench/load.ts turns it on). Queries sent on a connection held for a
 * transaction count only their pool wait. Left uncalled, the pools are as they were.
 */
export function timePool(db: Db) {
  const pool = (db as unknown as { $client: pg.Pool }).$client;
  type Connect = (
    cb?: (err: Error | undefined, client: pg.PoolClient, done: () => void) => void,
  ) => unknown;
  const connect = pool.connect.bind(pool) as Connect;
  const timedConnect: Connect = (cb) => {
    const timing = currentTiming();
    if (!timing) return connect(cb);
    const t0 = performance.now();
    if (cb) {
      return connect((err, client, done) => {
        timing.poolWait += performance.now() - t0;
        cb(err, client, done);
      });
    }
    return (connect() as Promise<pg.PoolClient>).then((client) => {
      timing.poolWait += performance.now() - t0;
      return client;
    });
  };
  (pool as unknown as { connect: Connect }).connect = timedConnect;
  const query = pool.query.bind(pool) as (...args: unknown[]) => unknown;
  (pool as unknown as { query: typeof query }).query = (...args: unknown[]) => {
    const timing = currentTiming();
    const t0 = performance.now();
    const waited0 = timing?.poolWait ?? 0;
    const result = query(...args);
    if (!timing || !(result instanceof Promise)) return result;
    const done = () => {
      timing.query += performance.now() - t0 - (timing.poolWait - waited0);
      timing.queries++;
    };
    return result.finally(done);
  };
}
