/**
 * What a lower CPU priority for bulk work buys the reads inside PostgreSQL (s7reads, issue 17):
 * one embedded cluster; in each round, BULK writers on the bulk pool insert 100-line batches as
 * fast as they can (closed loop) while one reader on the reads pool runs a small indexed query
 * every 10 ms. Rounds alternate the bulk pool's niceness (0: as today's reads, 10: the server's
 * default, BULK_NICE) on new connections, so both see the same minutes of the machine's load.
 * Per round: the reads' latency p50 / p99, their backend's run-queue wait a read
 * (/proc/<pid>/schedstat), and the bulk rows/s with their backends' run-queue wait.
 *
 *   npx tsx bench/bulk-priority.ts [rounds=6] [seconds=8] [bulk=4]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { BULK_NICE_DEFAULT, openPostgres, selectRows, type Db } from '../server/db/client';
import { ensureDatabase, startEmbeddedPostgres } from '../server/db/embedded-postgres';

const ROUNDS = Number(process.argv[2] ?? 6);
const SECONDS = Number(process.argv[3] ?? 8);
const BULK = Number(process.argv[4] ?? 4);

const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? NaN;

/** Run-queue wait of a process so far (ms): field 2 of /proc/<pid>/schedstat. */
const waitMs = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e6;

const pidOf = async (db: Db) =>
  (await selectRows<{ pid: number }>(db, sql`SELECT pg_backend_pid() AS pid`))[0]!.pid;

const dir = mkdtempSync(path.join(tmpdir(), 'runboard-bulk-priority-'));
const cluster = await startEmbeddedPostgres({ dataDir: dir, log: () => {} });
try {
  await ensureDatabase(cluster.url('postgres'), 'runboard');
  const url = cluster.url('runboard');
  {
    const setup = await openPostgres(url);
    await setup.db.execute(sql`CREATE TABLE bulk_lines (id bigserial PRIMARY KEY,
      node int NOT NULL, seq int NOT NULL, message text NOT NULL)`);
    await setup.db.execute(sql`CREATE INDEX ON bulk_lines (node, seq)`);
    await setup.db.execute(sql`CREATE TABLE lookups (id int PRIMARY KEY, v text NOT NULL)`);
    await setup.db.execute(
      sql`INSERT INTO lookups SELECT g, md5(g::text) FROM generate_series(1, 10000) g`,
    );
    await setup.close();
  }
  console.log(
    `${BULK} bulk writers (100-row inserts, closed loop) against one reader (a lookup every 10 ms), ${SECONDS} s a round; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (let round = 0; round < ROUNDS; round++) {
    const nice = round % 2 ? BULK_NICE_DEFAULT : 0;
    const database = await openPostgres(url, { bulkNice: nice });
    const readPid = await pidOf(database.reads);
    const end = Date.now() + SECONDS * 1000;
    let rows = 0;
    const bulkPids = new Set<number>();
    const writer = async (k: number) => {
      await database.bulk.transaction(async (tx) => {
        bulkPids.add(await pidOf(tx as unknown as Db));
      });
      for (let batch = 0; Date.now() < end; batch++) {
        await database.bulk.execute(sql`INSERT INTO bulk_lines (node, seq, message)
          SELECT ${k}, ${batch} * 100 + g, 'step ' || g || ': processed batch of records from upstream source, checksum ' || md5(g::text)
          FROM generate_series(1, 100) g`);
        rows += 100;
      }
    };
    const latencies: number[] = [];
    const reader = async () => {
      for (let i = 0; Date.now() < end; i++) {
        const t0 = performance.now();
        await database.reads.execute(sql`SELECT v FROM lookups WHERE id = ${(i % 10000) + 1}`);
        latencies.push(performance.now() - t0);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    const readWait0 = waitMs(readPid);
    const t0 = performance.now();
    const writers = Array.from({ length: BULK }, (_, k) => writer(k));
    // The writers' pids are known once each has its connection.
    await new Promise((r) => setTimeout(r, 200));
    const bulkWait0 = [...bulkPids].reduce((a, p) => a + waitMs(p), 0);
    await Promise.all([...writers, reader()]);
    const seconds = (performance.now() - t0) / 1000;
    const bulkWait = [...bulkPids].reduce((a, p) => a + waitMs(p), 0) - bulkWait0;
    const nices = [...bulkPids].map(
      (p) => readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1]!.split(' ')[16],
    );
    console.log(
      `round ${round + 1}, bulk niceness ${nices.join(',')}: reads p50 ${pct(latencies, 0.5).toFixed(2)} / p99 ${pct(latencies, 0.99).toFixed(2)} / max ${Math.max(...latencies).toFixed(1)} ms (${latencies.length}), ` +
        `its backend waited for a CPU ${((waitMs(readPid) - readWait0) / latencies.length).toFixed(2)} ms a read; ` +
        `bulk ${Math.round(rows / seconds)} rows/s, its backends waited ${(bulkWait / (rows / 100)).toFixed(2)} ms a batch; load ${loadavg()[0]!.toFixed(1)}`,
    );
    await database.close();
  }
} finally {
  await cluster.stop();
  rmSync(dir, { recursive: true, force: true });
}
