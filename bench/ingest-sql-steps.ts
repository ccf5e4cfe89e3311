/**
 * What a 400-line insert costs PostgreSQL by how its rows arrive (issue 17, s7ingest): a table
 * with the raw bench's columns and indexes, one statement per write, rounds alternating —
 * `series` (rows made server-side, as bench/load.ts's raw rate), `unnest` of text-form array
 * parameters, `unnestbin` of binary ones, `unnestsort` (ORDER BY the ordinality), `txunnest`
 * (in BEGIN/COMMIT), `asyncunnest` (synchronous_commit off: what the WAL flush costs, for
 * measuring only), `copybin` (COPY FROM STDIN in binary), `empty` (SELECT 1). PostgreSQL CPU
 * per line from /proc.
 *
 *   npx tsx bench/ingest-sql-steps.ts [rounds=3] [writesPerRound=300] [step…]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { openEmbedded } from '../server/db/client';
import { clusterCpuSeconds } from './cpu';
import { logMessage } from './ingest-writers';

const ROUNDS = Number(process.argv[2] ?? 3);
const WRITES = Number(process.argv[3] ?? 300);
const only = process.argv.slice(4);
const dir = mkdtempSync(path.join(tmpdir(), 'ingeststeps-'));
const database = await openEmbedded({ dataDir: dir });
const { db } = database;
const url = (db as unknown as { $client: pg.Pool }).$client.options.connectionString!;
const client = new pg.Client({ connectionString: url });
await client.connect();
try {
  await db.execute(
    sql.raw(`CREATE TABLE t (node_key integer NOT NULL, seq integer NOT NULL, run_key integer NOT NULL,
    run_seq integer NOT NULL, created_at timestamptz NOT NULL, level text NOT NULL, message text NOT NULL, tags jsonb)`),
  );
  await db.execute(sql.raw(`CREATE INDEX ON t (node_key, seq)`));
  await db.execute(sql.raw(`CREATE INDEX ON t (node_key, level, seq)`));
  let seq = 0;
  let counter = 0;
  const arr = (xs: string[]) => `{${xs.map((x) => `"${x}"`).join(',')}}`;
  const lits = () => {
    const n = 400;
    const seqs: number[] = [];
    const levels: string[] = [];
    const msgs: string[] = [];
    for (let i = 0; i < n; i++) {
      seqs.push(++seq);
      levels.push(i % 10 ? 'INFO' : 'WARN');
      msgs.push(logMessage(counter++));
    }
    return { seqs, levels, msgs };
  };
  /** Binary text[] (array_recv): header, then each element's length and bytes. */
  const binaryTextArray = (xs: string[]) => {
    const bufs = xs.map((x) => Buffer.from(x));
    const out = Buffer.alloc(20 + bufs.reduce((a, b) => a + 4 + b.length, 0));
    out.writeInt32BE(1, 0);
    out.writeInt32BE(0, 4);
    out.writeInt32BE(25, 8);
    out.writeInt32BE(xs.length, 12);
    out.writeInt32BE(1, 16);
    let o = 20;
    for (const b of bufs) {
      out.writeInt32BE(b.length, o);
      b.copy(out, o + 4);
      o += 4 + b.length;
    }
    return out;
  };
  const steps: Record<string, () => Promise<unknown>> = {
    series: () =>
      client.query(`INSERT INTO t (run_key, node_key, seq, run_seq, level, message, created_at)
        SELECT 1, 1, g, g, CASE WHEN g % 10 = 0 THEN 'WARN' ELSE 'INFO' END,
        'step ' || g || ': processed batch of records from upstream source, checksum ' || (g * 2654435761 % 4294967296) || ' ok', now()
        FROM generate_series(${seq + 1}, ${(seq += 400)}) g`),
    unnest: () => {
      const { seqs, levels, msgs } = lits();
      return client.query({
        name: 'unnest',
        text: `INSERT INTO t (run_key, node_key, seq, run_seq, level, message, created_at)
          SELECT 1, 1, s, s, l, m, now() FROM unnest($1::int[], $2::text[], $3::text[]) AS x(s, l, m)`,
        values: [`{${seqs.join(',')}}`, arr(levels), arr(msgs)],
      });
    },
    unnestbin: () => {
      const { seqs, levels, msgs } = lits();
      return client.query({
        name: 'unnestbin',
        text: `INSERT INTO t (run_key, node_key, seq, run_seq, level, message, created_at)
          SELECT 1, 1, s, s, l, m, now() FROM unnest($1::int[], $2::text[], $3::text[]) AS x(s, l, m)`,
        values: [`{${seqs.join(',')}}`, arr(levels), binaryTextArray(msgs)],
      });
    },
    unnestsort: () => {
      const { seqs, levels, msgs } = lits();
      return client.query({
        name: 'unnestsort',
        text: `INSERT INTO t (run_key, node_key, seq, run_seq, level, message, created_at)
          SELECT 1, 1, s, s, l, m, now() FROM unnest($1::int[], $2::text[], $3::text[]) WITH ORDINALITY AS x(s, l, m, o) ORDER BY o`,
        values: [`{${seqs.join(',')}}`, arr(levels), arr(msgs)],
      });
    },
    txunnest: async () => {
      await client.query('BEGIN');
      await steps.unnest!();
      await client.query('COMMIT');
    },
    asyncunnest: async () => {
      await client.query('SET synchronous_commit = off');
      await steps.unnest!();
      await client.query('SET synchronous_commit = on');
    },
    empty: () => client.query('SELECT 1'),
    copybin: () => {
      const { seqs, levels, msgs } = lits();
      const at = BigInt(Date.now() - 946684800000) * 1000n;
      const parts: Buffer[] = [Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'), Buffer.alloc(8)];
      const body = Buffer.allocUnsafe(
        msgs.reduce((a, m) => a + 2 + 4 * 7 + 16 + 8 + 4 + m.length * 3, 2),
      );
      let o = 0;
      for (let i = 0; i < msgs.length; i++) {
        o = body.writeInt16BE(7, o);
        for (const v of [1, seqs[i]!, 1, seqs[i]!]) {
          o = body.writeInt32BE(4, o);
          o = body.writeInt32BE(v, o);
        }
        o = body.writeInt32BE(8, o);
        o = body.writeBigInt64BE(at, o);
        const lv = levels[i]!;
        o = body.writeInt32BE(lv.length, o);
        o += body.write(lv, o, 'latin1');
        const n = body.write(msgs[i]!, o + 4, 'utf8');
        body.writeInt32BE(n, o);
        o += 4 + n;
      }
      o = body.writeInt16BE(-1, o);
      parts.push(body.subarray(0, o));
      const data = Buffer.concat(parts);
      return new Promise((resolve, reject) => {
        let err: unknown = null;
        void client.query({
          submit(wire: any) {
            wire.parse({
              text: 'COPY t (run_key, seq, node_key, run_seq, created_at, level, message) FROM STDIN (FORMAT binary)',
              types: [],
            });
            wire.bind({ values: [] });
            wire.execute({ portal: '', rows: 0 });
            wire.sendCopyFromChunk(data);
            wire.endCopyFrom();
            wire.sync();
          },
          handleCopyInResponse() {},
          handleCommandComplete() {},
          handleError(e: unknown) {
            err = e;
          },
          handleReadyForQuery() {
            if (err) reject(err);
            else resolve(undefined);
          },
          handleRowDescription() {},
          handleDataRow() {},
          handleEmptyQuery() {},
          handlePortalSuspended() {},
          handleCopyData() {},
        } as any);
      });
    },
  };
  const names = Object.keys(steps).filter((n) => only.length === 0 || only.includes(n));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const name of round % 2 ? names : [...names].reverse()) {
      const c0 = clusterCpuSeconds(dir);
      const t0 = performance.now();
      for (let k = 0; k < WRITES; k++) await steps[name]!();
      const wall = (performance.now() - t0) / 1000;
      const cpu = clusterCpuSeconds(dir) - c0;
      console.log(
        `round ${round} ${name.padEnd(12)} PostgreSQL ${((cpu / (WRITES * 400)) * 1e6).toFixed(2)} µs a line (${((cpu / WRITES) * 1e6).toFixed(0)} µs a write), ${((WRITES * 400) / wall).toFixed(0)} lines/s (load ${loadavg()[0]!.toFixed(1)})`,
      );
    }
  }
} finally {
  await client.end();
  await database.close();
  rmSync(dir, { recursive: true, force: true });
}
