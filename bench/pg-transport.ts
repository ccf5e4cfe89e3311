/**
 * What a round trip to the embedded PostgreSQL costs over its Unix-domain socket against TCP on
 * 127.0.0.1 (issue 17: every query paid ~0.2 ms in writev over loopback on this VM). One cluster,
 * both transports, alternating rounds: per round, CONCURRENCY clients (the writers' share of the
 * pool) each run N statements in a row — `SELECT 1`, and a 100-row insert shaped like a log batch
 * — and the round reports wall time per statement and the CPU per statement of this process
 * (node-postgres, the syscalls) and of PostgreSQL.
 *
 *   npx tsx bench/pg-transport.ts      (ROUNDS=4 N=2000 CONCURRENCY=8)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../server/db/embedded-postgres';
import { clusterCpuSeconds, ownCpuSeconds } from './cpu';

const ROUNDS = Number(process.env.ROUNDS ?? 4);
const N = Number(process.env.N ?? 2000);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 8);

const dir = mkdtempSync(path.join(tmpdir(), 'runboard-transport-'));
const cluster = await startEmbeddedPostgres({ dataDir: dir, log: () => {} });
const socketUrl = cluster.url('postgres');
const tcpUrl = socketUrl.replace(/\?host=.*$/, '');
if (socketUrl === tcpUrl) throw new Error('the cluster has no socket (path too long?)');

const setup = new pg.Client({ connectionString: socketUrl });
await setup.connect();
await setup.query(
  'CREATE UNLOGGED TABLE bench_lines (k int, seq bigint, level smallint, message text)',
);
await setup.end();

const messages = Array.from({ length: 100 }, (_, i) => `line ${i} `.padEnd(100, 'x'));
const levels = Array.from({ length: 100 }, (_, i) => i % 4);
const INSERT =
  'INSERT INTO bench_lines SELECT $1, s, l, m FROM unnest($2::bigint[], $3::smallint[], $4::text[]) AS u(s, l, m)';

async function round(url: string, kind: 'select' | 'insert') {
  const clients = await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      return c;
    }),
  );
  const cpu0 = ownCpuSeconds();
  const pg0 = clusterCpuSeconds(dir);
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, k) => {
      for (let i = 0; i < N; i++) {
        if (kind === 'select') await c.query('SELECT 1');
        else {
          const seqs = levels.map((_, j) => i * 100 + j);
          await c.query({ name: 'ins', text: INSERT, values: [k, seqs, levels, messages] });
        }
      }
    }),
  );
  const wall = performance.now() - t0;
  const statements = N * CONCURRENCY;
  const result = {
    us: (wall * 1000) / statements,
    nodeUs: ((ownCpuSeconds() - cpu0) * 1e6) / statements,
    pgUs: ((clusterCpuSeconds(dir) - pg0) * 1e6) / statements,
  };
  await Promise.all(clients.map((c) => c.end()));
  return result;
}

const f = (x: number) => x.toFixed(1).padStart(6);
console.log(
  `load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; ${CONCURRENCY} clients x ${N} statements per round`,
);
for (let r = 1; r <= ROUNDS; r++) {
  for (const kind of ['select', 'insert'] as const) {
    // Alternate which transport goes first.
    const order = r % 2 ? (['tcp', 'socket'] as const) : (['socket', 'tcp'] as const);
    for (const transport of order) {
      const x = await round(transport === 'tcp' ? tcpUrl : socketUrl, kind);
      console.log(
        `round ${r} ${kind.padEnd(6)} ${transport.padEnd(6)}: wall ${f(x.us)} µs/statement (throughput view, ${CONCURRENCY} at once), CPU node ${f(x.nodeUs)} µs, PostgreSQL ${f(x.pgUs)} µs`,
      );
    }
  }
}
console.log(
  `load average after: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);
await cluster.stop();
rmSync(dir, { recursive: true, force: true });
