/**
 * Where PostgreSQL's CPU a line goes in the log ingest's write against the raw insert's (issue 17,
 * s10ingest): one embedded cluster, `writes` writes of the ingest's own write path
 * (db/log-batches.ts LogConnection: lock round trip, then write + commit), each of `batches`
 * batches of 100 lines on 8 node runs, then the raw insert of bench/load.ts (the same number of
 * rows made server-side by one statement into a table with the same columns and the (node run,
 * seq) and (node run, level, seq) indexes). Each phase runs under `perf record` of every process
 * of the cluster; printed: PostgreSQL's CPU a line of each (from /proc), and the functions whose
 * samples a line differ the most between the two, in ns a line. Needs `perf` (Linux) and a
 * PostgreSQL binary with symbols (the embedded one has them).
 *
 *   npx tsx bench/ingest-profile.ts [writes=1500] [batches=4] [top=40]
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { openEmbedded, selectRows } from '../server/db/client';
import { LogConnection } from '../server/db/log-batches';
import { clusterCpuSeconds } from './cpu';
import { inProcessApi, workNodeRuns } from './in-process-api';
import { createRawLines, ingestWrites, insertRawLines } from './write-path';

const WRITES = Number(process.argv[2] ?? 1500);
const PER = Number(process.argv[3] ?? 4);
const TOP = Number(process.argv[4] ?? 40);
const HZ = 4999;
const dir = mkdtempSync(path.join(tmpdir(), 'ingestprofile-'));
const database = await openEmbedded({ dataDir: dir });
const { db } = database;

/** The cluster's processes: the postmaster (its pid file's first line) and its children. */
function clusterPids() {
  const postmaster = execFileSync('head', ['-1', path.join(dir, 'postgres', 'postmaster.pid')], {
    encoding: 'utf8',
  }).trim();
  const children = execFileSync('pgrep', ['-P', postmaster], { encoding: 'utf8' })
    .trim()
    .split('\n');
  return [postmaster, ...children].join(',');
}

/** Runs `work` under `perf record` of the cluster's processes; the samples a symbol. */
async function profiled(name: string, work: () => Promise<void>) {
  const file = path.join(dir, `${name}.perf`);
  const perf = spawn('perf', ['record', '-F', String(HZ), '-p', clusterPids(), '-o', file], {
    stdio: 'ignore',
  });
  await new Promise((r) => setTimeout(r, 500));
  const cpu0 = clusterCpuSeconds(dir);
  await work();
  const cpu = clusterCpuSeconds(dir) - cpu0;
  perf.kill('SIGINT');
  await new Promise((r) => perf.once('exit', r));
  const report = execFileSync(
    'perf',
    ['report', '-i', file, '--stdio', '--sort', 'sym', '-F', 'sample,sym'],
    { encoding: 'utf8', maxBuffer: 64 << 20 },
  );
  const samples = new Map<string, number>();
  for (const line of report.split('\n')) {
    const m = /^\s+(\d+)\s+\[[.k]\]\s+(\S+)/.exec(line);
    if (m) samples.set(m[2]!, (samples.get(m[2]!) ?? 0) + Number(m[1]));
  }
  return { cpu, samples };
}

try {
  const { call } = await inProcessApi(db);
  const nodes = await workNodeRuns(call, 8);
  const connection = await LogConnection.open(database.bulk);
  const write = ingestWrites(connection, nodes, PER);
  for (let k = 0; k < 10; k++) await write(k);
  const lines = WRITES * PER * 100;
  const ingest = await profiled('ingest', async () => {
    for (let k = 0; k < WRITES; k++) await write(k);
  });
  connection.release(false);
  await db.execute(sql`CHECKPOINT`);
  await createRawLines(db);
  const raw = await profiled('raw', async () => {
    await insertRawLines(db, lines);
  });
  const [stored] = await selectRows<{ n: number }>(
    db,
    sql`SELECT sum(last_seq - first_seq + 1)::int AS n FROM log_blocks`,
  );
  const ns = (samples: number) => (samples / HZ / lines) * 1e9;
  const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${lines} lines (${stored!.n} stored), ${PER * 100} a write; load ${loadavg()[0]!.toFixed(1)}`,
  );
  console.log(
    `PostgreSQL CPU a line: ingest ${((ingest.cpu / lines) * 1e6).toFixed(2)} µs (${(ns(total(ingest.samples)) / 1000).toFixed(2)} sampled), raw ${((raw.cpu / lines) * 1e6).toFixed(2)} µs (${(ns(total(raw.samples)) / 1000).toFixed(2)} sampled)`,
  );
  const symbols = new Set([...ingest.samples.keys(), ...raw.samples.keys()]);
  const rows = [...symbols]
    .map((s) => ({
      s,
      ingest: ns(ingest.samples.get(s) ?? 0),
      raw: ns(raw.samples.get(s) ?? 0),
    }))
    .sort((a, b) => Math.abs(b.ingest - b.raw) - Math.abs(a.ingest - a.raw))
    .slice(0, TOP);
  console.log('ns a line: ingest  raw  difference  function');
  for (const r of rows)
    console.log(
      `${r.ingest.toFixed(0).padStart(6)} ${r.raw.toFixed(0).padStart(6)} ${(r.ingest - r.raw).toFixed(0).padStart(6)}  ${r.s}`,
    );
} finally {
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
