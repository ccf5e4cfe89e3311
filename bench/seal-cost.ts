/**
 * What a log line costs to write and then to seal (issue 17, s9ingest), in one embedded cluster
 * with no HTTP: `writes` writes of the ingest's own write path (db/log-batches.ts LogConnection),
 * each of `batches` batches of 100 lines on 8 node runs (what a write holds: ~2.3 with a second
 * write started for any batch, ~4 with one in flight), then one sealer pass over every full chunk
 * (services/log-chunks.ts sealLogChunks, unpaced). Per line: PostgreSQL's CPU (the whole cluster,
 * from /proc) and this process's (making the batches' lines included), WAL bytes and records (pg_stat_wal: its counters are flushed
 * about once a second, so a short run reads them low), the prepared statements' generic and
 * custom plans, and the search index's bytes. Writes of 1 and of 8 batches give a write's fixed
 * cost: (8 × cost₁ − cost₈) / 7 a line of a 100-line write.
 *
 *   npx tsx bench/seal-cost.ts [writes=1000] [batches=4]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openEmbedded, selectRows } from '../server/db/client';
import { CHUNK_LINES } from '../server/db/log-chunks';
import { LogConnection } from '../server/db/log-batches';
import { sealLogChunks } from '../server/services/log-chunks';
import { clusterCpuSeconds, ownCpuSeconds } from './cpu';
import { ingestWrites } from './write-path';
import { inProcessApi, workNodeRuns } from './in-process-api';

const WRITES = Number(process.argv[2] ?? 1000);
const PER = Number(process.argv[3] ?? 4);
const dir = mkdtempSync(path.join(tmpdir(), 'sealcost-'));
const database = await openEmbedded({ dataDir: dir });
const { db } = database;
const wal = async () => {
  const [r] = await selectRows<{ b: string; fpi: string; rec: string }>(
    db,
    sql`SELECT wal_bytes::bigint AS b, wal_fpi AS fpi, wal_records AS rec FROM pg_stat_wal`,
  );
  return { b: Number(r!.b), fpi: Number(r!.fpi), rec: Number(r!.rec) };
};
try {
  const { call } = await inProcessApi(db);
  const nodes = await workNodeRuns(call, 8);
  const connection = await LogConnection.open(database.bulk);
  const write = ingestWrites(connection, nodes, PER);
  await write(0);
  const w0 = await wal();
  let cpu0 = clusterCpuSeconds(dir);
  const n0 = ownCpuSeconds();
  let t0 = performance.now();
  for (let k = 0; k < WRITES; k++) await write(k);
  let cpu = clusterCpuSeconds(dir) - cpu0;
  const nodeCpu = ownCpuSeconds() - n0;
  let wall = (performance.now() - t0) / 1000;
  const lines = WRITES * PER * 100;
  const w1 = await wal();
  console.log(
    `write: ${((cpu / lines) * 1e6).toFixed(2)} µs PG a line, node ${((nodeCpu / lines) * 1e6).toFixed(2)} µs, ${(lines / wall).toFixed(0)} lines/s, WAL ${((w1.b - w0.b) / lines).toFixed(0)} B a line, FPI ${w1.fpi - w0.fpi}, records/line ${((w1.rec - w0.rec) / lines).toFixed(2)} (load ${loadavg()[0]!.toFixed(1)})`,
  );
  // A statement PostgreSQL plans anew each time costs a write ~0.3 ms (it uses a generic plan after 5).
  const plans = await (
    connection as unknown as { client: { query: (q: string) => Promise<{ rows: unknown[] }> } }
  ).client.query(
    `SELECT name, generic_plans AS generic, custom_plans AS custom FROM pg_prepared_statements`,
  );
  console.log(`prepared statements' plans: ${JSON.stringify(plans.rows)}`);
  connection.release(false);
  cpu0 = clusterCpuSeconds(dir);
  const own0 = ownCpuSeconds();
  t0 = performance.now();
  const r = await sealLogChunks(database.bulk);
  cpu = clusterCpuSeconds(dir) - cpu0;
  const own = ownCpuSeconds() - own0;
  wall = (performance.now() - t0) / 1000;
  const w2 = await wal();
  const sealed = r.chunks * CHUNK_LINES;
  console.log(
    `seal: ${r.chunks} chunks, ${((cpu / sealed) * 1e6).toFixed(2)} µs PG a line, ${(sealed / wall).toFixed(0)} lines/s, WAL ${((w2.b - w1.b) / sealed).toFixed(0)} B a line, node ${((own / sealed) * 1e6).toFixed(2)} µs a line, log_chunks ${(Number((await selectRows<{ b: string }>(db, sql`SELECT pg_total_relation_size('log_chunks') AS b`))[0]!.b) / sealed).toFixed(1)} B a line (load ${loadavg()[0]!.toFixed(1)})`,
  );
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
