/**
 * The partitioned log table beside an unpartitioned one: bytes per stored line and what they are
 * made of, the insert rate, reads, and retention's two ways of deleting lines (the log search at
 * size is bench/log-storage.ts). On a fresh embedded PostgreSQL (fsync on):
 *
 * 1. N lines (~100-byte messages like bench/load.ts's) into one node run of run A, stored in
 *    node_run_lines (partitioned by run key; A's partition holds only A and a run still going),
 *    and the same N lines into `plain_lines`, an unpartitioned table with node_run_lines'
 *    columns and indexes as they were before partitioning (primary key (node_key, seq)): insert
 *    rate (one statement per 100 000 lines) and bytes per line (table, TOAST, each index) side
 *    by side, after VACUUM ANALYZE.
 * 2. The same N lines for run B, alone in the next partition. Then retention (sweepRetention,
 *    the code the servers run) with A and B finished long ago: first with only A expired, which
 *    shares its partition with a running run, so its lines go in batches of 5 000 deletes; then
 *    with B expired, whose partition is detached (CONCURRENTLY) and dropped whole. Time and WAL
 *    written for each (after a CHECKPOINT, so full-page images count the same way).
 * 3. Reads by position and by level, the same SQL on both tables.
 *
 *   npx tsx bench/log-partitions.ts [lines=1000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openEmbedded, selectRows, type Db } from '../server/db/client';
import { maintainLogPartitions } from '../server/services/log-partitions';
import { sweepRetention } from '../server/services/retention';

const LINES = Number(process.argv[2] ?? 1_000_000);
const DAY = 86_400_000;

interface Run {
  identifier: string;
  node: string;
  key: number;
  nodeKey: number;
}

async function main() {
  const dir = mkdtempSync(path.join(tmpdir(), 'runboard-storage-'));
  const database = await openEmbedded({ dataDir: dir });
  const { db } = database;
  try {
    console.log(
      `load average at start: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    // Run A and a run still going share a partition; B gets the next one.
    await maintainLogPartitions(db, new Date(Date.now() - 60 * DAY), { periodMs: DAY });
    const a = await newRun(db, 'A', 'COMPLETED');
    const open = await newRun(db, 'Open', 'IN_PROGRESS');
    await closeCurrentPartition(db, 58);
    const b = await newRun(db, 'B', 'COMPLETED');
    await closeCurrentPartition(db, 50);

    await db.execute(sql`
      CREATE TABLE plain_lines (
        node_key integer NOT NULL, seq integer NOT NULL, run_key integer NOT NULL,
        run_seq integer NOT NULL, created_at timestamptz NOT NULL,
        id bigint DEFAULT nextval('log_blocks_id_seq') NOT NULL, level text NOT NULL,
        message text NOT NULL, tags jsonb, PRIMARY KEY (node_key, seq))`);
    await db.execute(
      sql`CREATE UNIQUE INDEX plain_lines_run_seq_idx ON plain_lines (run_key, run_seq)`,
    );
    await db.execute(sql`CREATE INDEX plain_lines_level_idx ON plain_lines (node_key, level, seq)
                         WHERE level IN ('WARN', 'ERROR')`);
    await db.execute(sql`CREATE INDEX plain_lines_run_level_idx ON plain_lines (run_key, level, run_seq)
                         WHERE level IN ('WARN', 'ERROR')`);

    // Alternated, so neither table always goes first on a machine whose load moves.
    const rate = { partitioned: 0, plain: 0 };
    for (const [table, run] of [
      ['plain', a],
      ['partitioned', a],
    ] as const) {
      const target = table === 'plain' ? sql`plain_lines` : sql`node_run_lines`;
      const started = performance.now();
      for (let from = 1; from <= LINES; from += 100_000) {
        await insertLines(db, target, run, from, Math.min(LINES, from + 99_999));
      }
      rate[table] = LINES / ((performance.now() - started) / 1000);
    }
    for (let from = 1; from <= LINES; from += 100_000) {
      await insertLines(db, sql`node_run_lines`, b, from, Math.min(LINES, from + 99_999));
    }
    await db.execute(sql`VACUUM ANALYZE node_run_lines`);
    await db.execute(sql`VACUUM ANALYZE plain_lines`);
    const [avg] = await selectRows<{ m: number }>(
      db,
      sql`SELECT avg(octet_length(message))::float AS m FROM plain_lines`,
    );
    const partitionOfA = await partitionOf(db, a.key);
    console.log(
      `${LINES} lines (messages ${avg!.m.toFixed(0)} B on average) in one node run, per stored line:`,
    );
    const plainParts = await sizes(db, 'plain_lines');
    const partParts = await sizes(db, partitionOfA);
    console.log(`  ${'part'.padEnd(28)} ${'plain table'.padStart(12)} ${'partition'.padStart(12)}`);
    const kind = (name: string) =>
      name
        .replace(/^plain_lines|^node_run_lines_\d+/, '')
        .replace(/^_node_key_seq_pkey$|^_pkey$/, ' primary key (node_key, seq)')
        .replace(/^_run_key_run_seq_idx$|^_run_seq_idx$/, ' (run_key, run_seq)')
        .replace(/^_node_key_level_seq_idx$|^_level_idx$/, ' (node_key, level, seq) W/E')
        .replace(
          /^_run_key_level_run_seq_idx$|^_run_level_idx$/,
          ' (run_key, level, run_seq) W/E',
        ) || ' heap';
    const rows = new Map<string, { plain?: number; part?: number }>();
    for (const p of plainParts) rows.set(kind(p.name), { plain: p.bytes });
    for (const p of partParts) rows.set(kind(p.name), { ...rows.get(kind(p.name)), part: p.bytes });
    const perLine = (b?: number) => (b === undefined ? '–' : `${(b / LINES).toFixed(1)} B`);
    for (const [name, r] of rows) {
      console.log(
        `  ${name.trim().padEnd(28)} ${perLine(r.plain).padStart(12)} ${perLine(r.part).padStart(12)}`,
      );
    }
    const total = (ps: { bytes: number }[]) => ps.reduce((s, p) => s + p.bytes, 0);
    console.log(
      `  ${'total'.padEnd(28)} ${perLine(total(plainParts)).padStart(12)} ${perLine(total(partParts)).padStart(12)}`,
    );
    console.log(
      `  insert, one statement per 100 000 lines: plain ${rate.plain.toFixed(0)} lines/s, partitioned ${rate.partitioned.toFixed(0)} lines/s`,
    );

    // The same SQL on both tables (A's lines), median of 21: a page in the middle by position,
    // and the first page of ERROR lines (through the partial level index).
    for (const [label, where] of [
      ['page of 200 at seq 500 000', sql`seq > 500000`],
      ['first 200 ERROR lines', sql`level = 'ERROR'`],
    ] as const) {
      const timing: Record<string, number> = {};
      for (const [name, table] of [
        ['plain', sql`plain_lines`],
        ['partitioned', sql`node_run_lines`],
      ] as const) {
        const times: number[] = [];
        for (let i = 0; i < 21; i++) {
          const t0 = performance.now();
          await db.execute(sql`SELECT * FROM ${table}
            WHERE node_key = ${a.nodeKey} AND run_key = ${a.key} AND ${where}
            ORDER BY seq LIMIT 200`);
          times.push(performance.now() - t0);
        }
        timing[name] = times.sort((x, y) => x - y)[10]!;
      }
      console.log(
        `  read ${label.padEnd(30)} median plain ${timing.plain!.toFixed(2)} ms, partitioned ${timing.partitioned!.toFixed(2)} ms`,
      );
    }

    console.log(`retention of ${LINES} lines (sweepRetention):`);
    await age(db, a, 40);
    const batched = await measured(db, () => sweepRetention(db, new Date(), { days: 30 }));
    console.log(
      `  batch delete (run A; its partition also holds a running run): ${batched.ms.toFixed(0)} ms, WAL ${mb(batched.wal)}, ${batched.result.logLines} lines in batches, ${batched.result.logPartitions} partitions dropped`,
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
      sql`SELECT count(*)::int AS n FROM node_run_lines WHERE run_key IN (${a.key}, ${b.key}, ${open.key})`,
    );
    console.log(`  lines left of A and B: ${left!.n} (the running run has none)`);
    console.log(
      `load average at end: ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(2)} MB`;

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

/** The table, its TOAST and each of its indexes, in bytes. */
async function sizes(db: Db, table: string) {
  const rows = await selectRows<{ name: string; bytes: string }>(
    db,
    sql`SELECT CASE WHEN c.oid = to_regclass(${table}) THEN ${table}
                    WHEN c.relkind = 't' THEN ${table} || ' TOAST' ELSE c.relname END AS name,
               pg_relation_size(c.oid)::bigint AS bytes FROM pg_class c
        WHERE c.oid = to_regclass(${table})
           OR c.oid = (SELECT reltoastrelid FROM pg_class WHERE oid = to_regclass(${table}))
           OR c.oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = to_regclass(${table}))
        ORDER BY 2 DESC`,
  );
  return rows.map((r) => ({ name: r.name, bytes: Number(r.bytes) }));
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

/** Lines `from`..`to` of `run`: load.ts's message shape, a needle every 100 000 lines. */
async function insertLines(
  db: Db,
  table: ReturnType<typeof sql>,
  run: Run,
  from: number,
  to: number,
) {
  await db.execute(sql`
    INSERT INTO ${table} (run_key, node_key, seq, run_seq, level, message, tags, created_at)
    SELECT ${run.key}, ${run.nodeKey}, g, g,
      CASE WHEN g % 100 = 0 THEN 'ERROR' WHEN g % 20 = 0 THEN 'WARN' WHEN g % 4 = 0 THEN 'DEBUG' ELSE 'INFO' END,
      CASE WHEN g % 100000 = 0 THEN 'found the needle in request ' || g
           ELSE 'step ' || g || ': processed batch of records from upstream source eu-west-1, checksum ' || ((g * 2654435761) % 4294967296) || ' ok (' || (g % 997) || ' ms)' END,
      NULL, now() - interval '1 hour' + g * interval '1 millisecond'
    FROM generate_series(${from}::int, ${to}::int) g`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
