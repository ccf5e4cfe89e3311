/**
 * The partitioned log (log_blocks, a node run's lines stored as blocks: migration 0036) beside an
 * unpartitioned copy of it: bytes per stored line and what they are made of, the insert rate,
 * reads, and retention's two ways of deleting lines (the log search at size is
 * bench/log-storage.ts). On a fresh embedded PostgreSQL (fsync on):
 *
 * 1. N lines (~100-byte messages like bench/load.ts's) into one node run of run A, stored as the
 *    ingest stores them — blocks of 100 lines (INGEST_BLOCKS), written through `log_lines_in`,
 *    whose trigger turns a statement's rows into blocks — in log_blocks (partitioned by run key;
 *    A's partition holds only A and a run still going), and the same N lines into `plain_blocks`,
 *    an unpartitioned table with log_blocks' columns and indexes (CREATE TABLE … LIKE log_blocks
 *    INCLUDING ALL: the partial indexes on blocks holding a WARN/ERROR line and on blocks ending
 *    a search chunk; plus the primary key (node_key, first_seq) each partition has), written
 *    through `plain_lines_in`, a copy of log_lines_in whose trigger is log_lines_in's function
 *    (read from the database) writing to plain_blocks. Insert rate (one statement per 100 000
 *    lines, the two tables alternating statement by statement; the rate of this bulk path, whose
 *    trigger builds the blocks, not of the ingest, which writes a batch's block itself) and
 *    bytes per stored LINE (table, TOAST, TOAST's index, each index; lines counted as
 *    sum(last_seq - first_seq + 1)) side by side, after VACUUM ANALYZE.
 * 2. The same N lines for run B, alone in the next partition. Then retention (sweepRetention,
 *    the code the servers run) with A and B finished long ago: first with only A expired, which
 *    shares its partition with a running run, so its blocks are deleted in batches, each its own
 *    transaction (db/retention.ts deleteWorkflowRunLogBatch: whole blocks, as many as begin
 *    within the batch's first 5 000 lines — here 50 blocks of 100 lines; each block's TOAST
 *    chunks go with it); then with B expired, whose partition is detached (CONCURRENTLY) and
 *    dropped whole. Time and WAL written for each (after a CHECKPOINT, so full-page images count
 *    the same way).
 * 3. Reads by position and by level, the same SQL on both, median of 21, the two alternating: on
 *    the partitioned side through the view `log_lines`, on the plain side through `plain_lines`,
 *    a view defined as log_lines is (read from the database) but FROM plain_blocks; each read as
 *    the server reads a node run's page (db/log-segments.ts readInStretches with
 *    db/log-blocks.ts seqBetween naming the blocks of each stretch; at WARN/ERROR also
 *    `block_marked`, the partial index's condition): a page of 200 lines in the middle by
 *    position, and the first 200 ERROR lines (this bench's lines put a WARN and an ERROR in every
 *    100-line block, so every block is marked: the level read reads every block of its stretches).
 *
 *   npx tsx bench/log-partitions.ts [lines=1000000]
 *   EXPLAIN=1 npx tsx bench/log-partitions.ts 200000   # also each read statement's plan, once
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql, type SQL } from 'drizzle-orm';
import { openEmbedded, selectRows, type Db } from '../server/db/client';
import { seqBetween } from '../server/db/log-blocks';
import { readInStretches } from '../server/db/log-segments';
import { maintainLogPartitions } from '../server/services/log-partitions';
import { sweepRetention } from '../server/services/retention';
import { INGEST_BLOCKS } from './bench-log-lines';

const LINES = Number(process.argv[2] ?? 1_000_000);
const DAY = 86_400_000;
/** Lines a statement inserts. */
const STATEMENT_LINES = 100_000;
/** EXPLAIN=1: each read statement's plan (EXPLAIN ANALYZE, BUFFERS) on its first round. */
const EXPLAIN = process.env.EXPLAIN === '1';

interface Run {
  identifier: string;
  node: string;
  key: number;
  nodeKey: number;
}

async function main() {
  if (!Number.isInteger(LINES) || LINES < 1000) {
    throw new Error(`lines must be a whole number of at least 1000, not ${process.argv[2]}`);
  }
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-storage-'));
  const database = await openEmbedded({ dataDir: dir });
  const { db } = database;
  try {
    console.log(`load average at start: ${load()}`);
    // Run A and a run still going share a partition; B gets the next one.
    await maintainLogPartitions(db, new Date(Date.now() - 60 * DAY), { periodMs: DAY });
    const a = await newRun(db, 'A', 'COMPLETED');
    const open = await newRun(db, 'Open', 'IN_PROGRESS');
    await closeCurrentPartition(db, 58);
    const b = await newRun(db, 'B', 'COMPLETED');
    await closeCurrentPartition(db, 50);
    await createPlainSide(db);

    // Alternated statement by statement, so neither table always goes first on a machine whose
    // load moves.
    const ms = { partitioned: 0, plain: 0 };
    for (let from = 1, i = 0; from <= LINES; from += STATEMENT_LINES, i++) {
      const to = Math.min(LINES, from + STATEMENT_LINES - 1);
      const order =
        i % 2 ? (['plain', 'partitioned'] as const) : (['partitioned', 'plain'] as const);
      for (const table of order) {
        const started = performance.now();
        await insertLines(db, table === 'plain' ? 'plain_lines_in' : 'log_lines_in', a, from, to);
        ms[table] += performance.now() - started;
      }
    }
    for (let from = 1; from <= LINES; from += STATEMENT_LINES) {
      await insertLines(db, 'log_lines_in', b, from, Math.min(LINES, from + STATEMENT_LINES - 1));
    }
    // Where the runs' lines are (db/log-segments.ts), as the ingest would have written them.
    await db.execute(
      sql`SELECT runboard_rebuild_log_segments(ARRAY[${a.key}::int, ${b.key}::int])`,
    );
    await db.execute(sql`VACUUM ANALYZE log_blocks`);
    await db.execute(sql`VACUUM ANALYZE plain_blocks`);

    const partitionOfA = await partitionOf(db, a.key);
    const counted = await selectRows<{ t: string; lines: number; blocks: number; m: number }>(
      db,
      sql`SELECT 'plain' AS t, sum(last_seq - first_seq + 1)::int AS lines, count(*)::int AS blocks,
            NULL::float AS m FROM plain_blocks
          UNION ALL
          SELECT 'partitioned', sum(last_seq - first_seq + 1)::int, count(*)::int,
            (SELECT avg(octet_length(message))::float FROM log_lines
             WHERE node_key = ${a.nodeKey} AND run_key = ${a.key} AND ${seqBetween(1, 10_000)})
          FROM log_blocks WHERE run_key = ${a.key}`,
    );
    for (const c of counted) {
      if (c.lines !== LINES) throw new Error(`${c.t}: ${c.lines} lines stored, not ${LINES}`);
    }
    const avg = counted.find((c) => c.t === 'partitioned')!.m;
    console.log(
      `${LINES} lines (messages ${avg.toFixed(0)} B on average) in one node run, ${counted[0]!.blocks} blocks of ${LINES / counted[0]!.blocks} lines; per stored line:`,
    );
    const plainParts = await sizes(db, 'plain_blocks');
    const partParts = await sizes(db, partitionOfA);
    console.log(`  ${'part'.padEnd(36)} ${'plain table'.padStart(12)} ${`partition`.padStart(12)}`);
    const rows = new Map<string, { plain?: number; part?: number }>();
    for (const p of plainParts) rows.set(p.kind, { plain: p.bytes });
    for (const p of partParts) rows.set(p.kind, { ...rows.get(p.kind), part: p.bytes });
    const perLine = (b?: number) => (b === undefined ? '–' : `${(b / LINES).toFixed(1)} B`);
    for (const [name, r] of rows) {
      console.log(
        `  ${name.padEnd(36)} ${perLine(r.plain).padStart(12)} ${perLine(r.part).padStart(12)}`,
      );
    }
    const total = (ps: { bytes: number }[]) => ps.reduce((s, p) => s + p.bytes, 0);
    console.log(
      `  ${'total'.padEnd(36)} ${perLine(total(plainParts)).padStart(12)} ${perLine(total(partParts)).padStart(12)}`,
    );
    const rate = (table: keyof typeof ms) => (LINES / (ms[table] / 1000)).toFixed(0);
    console.log(
      `  insert through the trigger, one statement per ${STATEMENT_LINES} lines: plain ${rate('plain')} lines/s, partitioned ${rate('partitioned')} lines/s`,
    );

    const middle = Math.floor(LINES / 2);
    for (const [label, read] of [
      [`page of 200 at seq ${middle}`, { after: middle, first: 200, where: () => sql`true` }],
      [
        'first 200 ERROR lines',
        // readLogPage: a filtered read's first stretch is 4 096 lines; WARN/ERROR only in the
        // blocks holding such a line.
        {
          after: 0,
          first: 4096,
          where: (v: string) =>
            sql`${sql.raw(v)}.level IN ('ERROR') AND ${sql.raw(v)}.block_marked`,
        },
      ],
    ] as const) {
      const times: Record<'plain' | 'partitioned', number[]> = { plain: [], partitioned: [] };
      const got: Record<string, number> = {};
      for (let i = 0; i < 21; i++) {
        const order =
          i % 2 ? (['plain', 'partitioned'] as const) : (['partitioned', 'plain'] as const);
        for (const side of order) {
          const view = side === 'plain' ? 'plain_lines' : 'log_lines';
          const t0 = performance.now();
          const lines = await readInStretches(
            { after: read.after, last: LINES, desc: false, limit: 200, first: read.first },
            (lo, hi) => seqBetween(lo + 1, hi, view),
            (stretch, limit) =>
              readLines(db, view, a, and(read.where(view), stretch), limit, i === 0 && EXPLAIN),
          );
          times[side].push(performance.now() - t0);
          got[side] = lines.length;
        }
      }
      const median = (xs: number[]) => xs.sort((x, y) => x - y)[10]!;
      console.log(
        `  read ${label.padEnd(30)} median plain ${median(times.plain).toFixed(2)} ms, partitioned ${median(times.partitioned).toFixed(2)} ms (${got.plain} / ${got.partitioned} lines)`,
      );
    }

    console.log(`retention of ${LINES} lines (sweepRetention):`);
    await age(db, a, 40);
    const batched = await measured(db, () => sweepRetention(db, new Date(), { days: 30 }));
    console.log(
      `  batch delete (run A; its partition also holds a running run): ${batched.ms.toFixed(0)} ms, WAL ${mb(batched.wal)}, ${batched.result.logLines} lines in batches of whole blocks, ${batched.result.logPartitions} partitions dropped`,
    );
    await age(db, b, 40);
    const dropped = await measured(db, () => sweepRetention(db, new Date(), { days: 30 }));
    console.log(
      `  partition drop (run B, alone in its partition): ${dropped.ms.toFixed(0)} ms, WAL ${mb(dropped.wal)}, ${dropped.result.logLines} lines in batches, ${dropped.result.logPartitions} partitions dropped (about ${dropped.result.partitionLines} lines)`,
    );
    console.log(
      `  drop / batch: time ${(dropped.ms / batched.ms).toFixed(4)}×, WAL ${(dropped.wal / batched.wal).toFixed(4)}×`,
    );
    const [left] = await selectRows<{ n: number }>(
      db,
      sql`SELECT coalesce(sum(last_seq - first_seq + 1), 0)::int AS n FROM log_blocks
          WHERE run_key IN (${a.key}, ${b.key}, ${open.key})`,
    );
    console.log(`  lines left of A and B: ${left!.n} (the running run has none)`);
    console.log(`load average at end: ${load()}`);
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;

const and = (x: SQL, y: SQL) => sql`${x} AND ${y}`;

/**
 * `text` with each of `from` replaced by its `to`, each found exactly once (else the migration's
 * SQL changed shape and the plain side would not be its copy).
 */
function replaceOnce(text: string, ...pairs: [string, string][]) {
  let out = text;
  for (const [from, to] of pairs) {
    const at = out.indexOf(from);
    if (at < 0 || out.indexOf(from, at + 1) >= 0) {
      throw new Error(`expected one "${from}" in:\n${text}`);
    }
    out = out.slice(0, at) + to + out.slice(at + from.length);
  }
  return out;
}

/**
 * plain_blocks (log_blocks' columns and indexes, unpartitioned, with the partitions' primary
 * key), plain_lines_in writing blocks into it as log_lines_in does into log_blocks, and the view
 * plain_lines reading it as log_lines reads log_blocks — the latter two copied from the
 * database's own definitions. Plain objects, not TEMPORARY: the pool's connections all see them.
 */
async function createPlainSide(db: Db) {
  await db.execute(sql`CREATE TABLE plain_blocks (LIKE log_blocks INCLUDING ALL)`);
  await db.execute(sql`ALTER TABLE plain_blocks ADD PRIMARY KEY (node_key, first_seq)`);
  await db.execute(sql`CREATE TABLE plain_lines_in (LIKE log_lines_in INCLUDING ALL)`);
  const [fn] = await selectRows<{ d: string }>(
    db,
    sql`SELECT pg_get_functiondef('runboard_log_lines_in'::regproc) AS d`,
  );
  await db.execute(
    sql.raw(
      replaceOnce(
        fn!.d,
        ['public.runboard_log_lines_in()', 'public.bench_plain_lines_in()'],
        ['INSERT INTO log_blocks ', 'INSERT INTO plain_blocks '],
        ['DELETE FROM log_lines_in;', 'DELETE FROM plain_lines_in;'],
      ),
    ),
  );
  const [trigger] = await selectRows<{ d: string }>(
    db,
    sql`SELECT pg_get_triggerdef(oid) AS d FROM pg_trigger
        WHERE tgrelid = 'log_lines_in'::regclass AND NOT tgisinternal`,
  );
  await db.execute(
    sql.raw(
      replaceOnce(
        trigger!.d,
        ['TRIGGER log_lines_in_blocks ', 'TRIGGER plain_lines_in_blocks '],
        [' ON public.log_lines_in ', ' ON public.plain_lines_in '],
        ['runboard_log_lines_in()', 'bench_plain_lines_in()'],
      ),
    ),
  );
  const [view] = await selectRows<{ d: string }>(
    db,
    sql`SELECT pg_get_viewdef('log_lines'::regclass) AS d`,
  );
  await db.execute(
    sql.raw(
      `CREATE VIEW plain_lines AS ${replaceOnce(view!.d, [' FROM log_blocks b', ' FROM plain_blocks b'])}`,
    ),
  );
}

/** A page of the node run's lines through `view`, as the API reads them (db/workflow-runs.ts selectLogLines, without the join to node_runs). */
async function readLines(
  db: Db,
  view: string,
  run: Run,
  where: SQL,
  limit: number,
  explain: boolean,
) {
  const v = sql.raw(view);
  const query = sql`SELECT ${v}.id, ${v}.seq, ${v}.run_seq, ${v}.level, ${v}.message, ${v}.tags, ${v}.created_at
        FROM ${v} WHERE ${v}.node_key = ${run.nodeKey} AND ${v}.run_key = ${run.key} AND ${where}
        ORDER BY ${v}.seq LIMIT ${limit}`;
  if (explain) {
    const plan = await selectRows<{ 'QUERY PLAN': string }>(
      db,
      sql`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${query}`,
    );
    console.log(`    ${view}:\n${plan.map((r) => `      ${r['QUERY PLAN']}`).join('\n')}`);
  }
  return selectRows<{ seq: number }>(db, query);
}

async function newRun(db: Db, name: string, status: 'COMPLETED' | 'IN_PROGRESS'): Promise<Run> {
  const now = new Date().toISOString();
  const identifier = `wfr_BenchStorage${name.padEnd(4, '0')}`;
  const node = `wfnr_BenchStorag${name.padEnd(4, '0')}`;
  await db.execute(sql`INSERT INTO workflow_runs (identifier, workflow_identifier, workflow_version, status, created_by, created_at, updated_at, completed_at)
    VALUES (${identifier}, 'bench', 1, ${status}, 'bench', ${now}, ${now}, ${status === 'COMPLETED' ? now : null})`);
  await db.execute(sql`INSERT INTO node_runs (identifier, workflow_run_identifier, node_identifier, node_config_type, status, created_at, updated_at)
    VALUES (${node}, ${identifier}, 'work', 'WEBHOOK', ${status}, ${now}, ${now})`);
  const [row] = await selectRows<{ key: number; node_key: number }>(
    db,
    sql`SELECT r.log_key AS key, n.log_key AS node_key FROM workflow_runs r
        JOIN node_runs n ON n.workflow_run_identifier = r.identifier WHERE r.identifier = ${identifier}`,
  );
  return { identifier, node, key: row!.key, nodeKey: row!.node_key };
}

/** As the maintainer would once a period has passed: the next run starts the next partition. */
async function closeCurrentPartition(db: Db, daysAgo: number) {
  await maintainLogPartitions(db, new Date(Date.now() - daysAgo * DAY), { periodMs: DAY });
  await maintainLogPartitions(db, new Date(Date.now() - (daysAgo - 2) * DAY), { periodMs: DAY });
}

async function partitionOf(db: Db, key: number) {
  const [row] = await selectRows<{ name: string }>(
    db,
    sql`SELECT name FROM log_partitions WHERE lo <= ${key} AND ${key} < hi AND dropped_at IS NULL`,
  );
  return row!.name;
}

/**
 * The table, its TOAST table and TOAST's index, and each of its indexes, in bytes, each named by
 * what it is (the same name on both sides).
 */
async function sizes(db: Db, table: string) {
  const rows = await selectRows<{ kind: string; bytes: string }>(
    db,
    sql`WITH t AS (SELECT to_regclass(${table}) AS oid),
        toast AS (SELECT reltoastrelid AS oid FROM pg_class WHERE oid = (SELECT oid FROM t))
        SELECT 'heap' AS kind, pg_relation_size((SELECT oid FROM t))::bigint AS bytes
        UNION ALL SELECT 'TOAST', pg_relation_size((SELECT oid FROM toast))::bigint
        UNION ALL SELECT 'TOAST index', sum(pg_relation_size(indexrelid))::bigint FROM pg_index
          WHERE indrelid = (SELECT oid FROM toast)
        UNION ALL SELECT CASE WHEN i.indisprimary THEN 'primary key ' ELSE '' END
            || substring(pg_get_indexdef(i.indexrelid) FROM 'USING btree (\\([^)]*\\))')
            || CASE WHEN pg_get_indexdef(i.indexrelid) LIKE '%[WE]%' THEN ' W/E blocks'
                    WHEN i.indpred IS NOT NULL THEN ' chunk ends' ELSE '' END,
            pg_relation_size(i.indexrelid)::bigint
          FROM pg_index i WHERE i.indrelid = (SELECT oid FROM t)`,
  );
  return rows.map((r) => ({ kind: r.kind, bytes: Number(r.bytes) }));
}

async function age(db: Db, run: Run, days: number) {
  const at = new Date(Date.now() - days * DAY).toISOString();
  await db.execute(
    sql`UPDATE workflow_runs SET created_at = ${at}, completed_at = ${at} WHERE identifier = ${run.identifier}`,
  );
}

/** Time and WAL bytes of `work`, from a checkpoint. */
async function measured<T>(db: Db, work: () => Promise<T>) {
  await db.execute(sql`CHECKPOINT`);
  const lsn = async () =>
    (await selectRows<{ l: string }>(db, sql`SELECT pg_current_wal_insert_lsn()::text AS l`))[0]!.l;
  const from = await lsn();
  const t0 = performance.now();
  const result = await work();
  const ms = performance.now() - t0;
  const [wal] = await selectRows<{ b: string }>(
    db,
    sql`SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), ${from}::pg_lsn)::bigint AS b`,
  );
  return { ms, wal: Number(wal!.b), result };
}

/**
 * Lines `from`..`to` of `run` into `table` (log_lines_in or plain_lines_in, whose triggers store
 * them as 100-line blocks: INGEST_BLOCKS): load.ts's message shape, a needle every 100 000 lines.
 */
async function insertLines(
  db: Db,
  table: 'log_lines_in' | 'plain_lines_in',
  run: Run,
  from: number,
  to: number,
) {
  await db.execute(sql`
    INSERT INTO ${sql.raw(table)} (run_key, node_key, seq, run_seq, level, message, tags, created_at)
    SELECT ${run.key}, ${run.nodeKey}, g, g,
      CASE WHEN g % 100 = 0 THEN 'ERROR' WHEN g % 20 = 0 THEN 'WARN' WHEN g % 4 = 0 THEN 'DEBUG' ELSE 'INFO' END,
      CASE WHEN g % 100000 = 0 THEN 'found the needle in request ' || g
           ELSE 'step ' || g || ': processed batch of records from upstream source eu-west-1, checksum ' || ((g * 2654435761) % 4294967296) || ' ok (' || (g % 997) || ' ms)' END,
      NULL, now() - interval '1 hour' + g * interval '1 millisecond'
    FROM generate_series(${from}::int, ${to}::int) g ${sql.raw(INGEST_BLOCKS)}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
