/**
 * Where the log ingest's PostgreSQL CPU goes (issue 17, s7ingest): the ingest's own write path
 * (db/log-batches.ts LogConnection: BEGIN + lock, then counters + insert + COMMIT) driven
 * directly, without HTTP, against variants of `node_run_lines` — each variant a table of that
 * name in a schema of its own, found first on its connection's search_path, so the very same
 * prepared statements write to it — in one embedded cluster, rounds alternating the variants.
 * Per variant: PostgreSQL CPU per line (the whole cluster, from /proc), lines/s, and bytes per
 * stored line. Every write carries 4 batches of 100 lines on 4 node runs of 4 runs (what a write
 * of the server's ingest holds with 8 writers and two writes in flight), every tenth line WARN.
 *
 *   npx tsx bench/ingest-sql.ts [rounds=3] [writesPerRound=300] [variant…]
 *   (LOG_BATCHES=/abs/path/server/db/log-batches.ts drives another checkout's write path)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openEmbedded, selectRows, type Db } from '../server/db/client';
import type * as LogBatches from '../server/db/log-batches';
import type { LogBatchRow, LogConnection } from '../server/db/log-batches';
import { clusterCpuSeconds } from './cpu';
import { logMessage } from './ingest-writers';
import { inProcessApi, workNodeRuns } from './in-process-api';

const ROUNDS = Number(process.argv[2] ?? 3);
const WRITES = Number(process.argv[3] ?? 300);
const only = process.argv.slice(4);
/**
 * The write path to drive: this checkout's, or LOG_BATCHES=path/to/log-batches.ts of another
 * (say, a `git archive` of an earlier commit, for an A/B in the same minutes).
 */
const { LogConnection: Connection } = (await import(
  process.env.LOG_BATCHES ?? '../server/db/log-batches'
)) as typeof LogBatches;

const COLUMNS = (id: boolean | string) => `
  node_key integer NOT NULL, seq integer NOT NULL, run_key integer NOT NULL,
  run_seq integer NOT NULL, created_at timestamptz NOT NULL,
  ${id ? `id bigint DEFAULT nextval('${id === true ? 'public.log_blocks_id_seq' : id}') NOT NULL,` : ''}
  level text NOT NULL, message text NOT NULL, tags jsonb`;
const PARTIAL = `WHERE level IN ('WARN', 'ERROR')`;

interface Variant {
  name: string;
  ddl: (s: string) => string[];
}
/** The indexes of today's table, on `t` (a partitioned parent or a plain table). */
const indexes = (t: string, { unique = true, chunk = true, runLevel = true } = {}) => [
  `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ON ${t} (run_key, run_seq)`,
  `CREATE INDEX ON ${t} (node_key, level, seq) ${PARTIAL}`,
  ...(runLevel ? [`CREATE INDEX ON ${t} (run_key, level, run_seq) ${PARTIAL}`] : []),
  ...(chunk ? [`CREATE INDEX ON ${t} (node_key, seq) WHERE seq % 4096 = 0`] : []),
];
const partitioned = (s: string, id: boolean | string, opts?: Parameters<typeof indexes>[1]) => [
  `CREATE TABLE ${s}.node_run_lines (${COLUMNS(id)}) PARTITION BY RANGE (run_key)`,
  ...indexes(`${s}.node_run_lines`, opts),
  `CREATE TABLE ${s}.p0 PARTITION OF ${s}.node_run_lines FOR VALUES FROM (0) TO (1000000)`,
  `ALTER TABLE ${s}.p0 ADD PRIMARY KEY (node_key, seq)`,
];
const plain = (s: string, id: boolean, opts?: Parameters<typeof indexes>[1]) => [
  `CREATE TABLE ${s}.node_run_lines (${COLUMNS(id)}, PRIMARY KEY (node_key, seq))`,
  ...indexes(`${s}.node_run_lines`, opts),
];
const VARIANTS: Variant[] = (
  [
    { name: 'today', ddl: (s) => partitioned(s, true) },
    { name: 'no-id', ddl: (s) => partitioned(s, false) },
    {
      name: 'id-cache-1000',
      ddl: (s) => [`CREATE SEQUENCE ${s}.ids CACHE 1000`, ...partitioned(s, `${s}.ids`)],
    },
    { name: 'nonunique', ddl: (s) => partitioned(s, true, { unique: false }) },
    { name: 'no-chunk-idx', ddl: (s) => partitioned(s, true, { chunk: false }) },
    { name: 'no-run-level', ddl: (s) => partitioned(s, true, { runLevel: false }) },
    { name: 'plain', ddl: (s) => plain(s, true) },
    { name: 'plain-no-id', ddl: (s) => plain(s, false) },
    {
      name: 'raw-like',
      ddl: (s) => [
        `CREATE TABLE ${s}.node_run_lines (${COLUMNS(true)})`,
        `CREATE INDEX ON ${s}.node_run_lines (node_key, seq)`,
        `CREATE INDEX ON ${s}.node_run_lines (node_key, level, seq)`,
      ],
    },
  ] as Variant[]
).filter((v) => only.length === 0 || only.includes(v.name));

const dir = mkdtempSync(path.join(tmpdir(), 'ingestsql-'));
const database = await openEmbedded({ dataDir: dir });
const { db } = database;
try {
  const { call } = await inProcessApi(db);
  const nodes = await workNodeRuns(call, 8);
  const url = (db as unknown as { $client: pg.Pool }).$client.options.connectionString!;
  const pools = new Map<string, pg.Pool>();
  for (const v of VARIANTS) {
    const s = `v_${v.name.replace(/-/g, '_')}`;
    await db.execute(sql.raw(`CREATE SCHEMA ${s}`));
    for (const stmt of v.ddl(s)) await db.execute(sql.raw(stmt));
    const pool = new pg.Pool({
      connectionString: url,
      max: 1,
      options: `-c search_path=${s},public`,
    });
    pool.on('error', () => undefined);
    pools.set(v.name, pool);
  }
  let counter = 0;
  const write = async (connection: Pick<LogConnection, 'lock' | 'commit'>, k: number) => {
    const batches: LogBatchRow[] = [0, 1, 2, 3].map((b) => ({
      nodeRun: nodes[(k * 4 + b) % 8]!,
      at: new Date(),
      lines: Array.from({ length: 100 }, (_, i) => ({
        level: i % 10 ? ('INFO' as const) : ('WARN' as const),
        message: logMessage(counter++),
      })),
    }));
    await connection.lock(
      batches.map((b) => b.nodeRun),
      [],
    );
    const { written } = await connection.commit(batches);
    if (written !== 400) throw new Error(`wrote ${written}`);
  };
  const totals = new Map<string, { lines: number; cpu: number; wall: number }>();
  for (let round = 1; round <= ROUNDS; round++) {
    for (const v of round % 2 ? VARIANTS : [...VARIANTS].reverse()) {
      const connection = await Connection.open({ $client: pools.get(v.name)! } as unknown as Db);
      await write(connection, 0); // prepared, warm
      const cpu0 = clusterCpuSeconds(dir);
      const t0 = performance.now();
      for (let k = 0; k < WRITES; k++) await write(connection, k);
      const wall = (performance.now() - t0) / 1000;
      const cpu = clusterCpuSeconds(dir) - cpu0;
      connection.release(false);
      const lines = WRITES * 400;
      const t = totals.get(v.name) ?? { lines: 0, cpu: 0, wall: 0 };
      totals.set(v.name, { lines: t.lines + lines, cpu: t.cpu + cpu, wall: t.wall + wall });
      console.log(
        `round ${round} ${v.name.padEnd(14)} PostgreSQL ${((cpu / lines) * 1e6).toFixed(2)} µs a line, ${(lines / wall).toFixed(0)} lines/s (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
  console.log('--- totals');
  for (const v of VARIANTS) {
    const t = totals.get(v.name)!;
    const s = `v_${v.name.replace(/-/g, '_')}`;
    const [size] = await selectRows<{ b: string; n: string }>(
      db,
      sql.raw(
        `SELECT (SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${s}' AND c.relkind IN ('r','p'))::bigint AS b, (SELECT count(*) FROM ${s}.node_run_lines)::bigint AS n`,
      ),
    );
    console.log(
      `${v.name.padEnd(14)} PostgreSQL ${((t.cpu / t.lines) * 1e6).toFixed(2)} µs a line, ${(t.lines / t.wall).toFixed(0)} lines/s, ${(Number(size!.b) / Number(size!.n)).toFixed(0)} B a line`,
    );
  }
  await Promise.all([...pools.values()].map((p) => p.end()));
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
