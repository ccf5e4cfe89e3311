import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkDataDir,
  socketDirFor,
  startEmbeddedPostgres,
  type EmbeddedPostgres,
} from './embedded-postgres';

const root = path.resolve(import.meta.dirname, '../..');
let dataDir: string;
let cluster: EmbeddedPostgres | null = null;

beforeEach(() => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'runboard-embedded-'));
});
afterEach(async () => {
  await cluster?.stop();
  cluster = null;
  rmSync(dataDir, { recursive: true, force: true });
});

const start = () => startEmbeddedPostgres({ dataDir, durable: false, log: () => {} });

async function query(url: string, text: string) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
};

describe('embedded PostgreSQL', () => {
  it('keeps its data across a stop and a start on the same DATA_DIR', async () => {
    cluster = await start();
    await query(cluster.url('postgres'), 'CREATE TABLE kept (n int); INSERT INTO kept VALUES (7)');
    await cluster.stop();
    cluster = await start();
    expect(await query(cluster.url('postgres'), 'SELECT n FROM kept')).toEqual([{ n: 7 }]);
  });

  it('starts after a server killed with SIGKILL left its PostgreSQL running, and stops that one', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import { startEmbeddedPostgres } from './server/db/embedded-postgres.ts';
         await startEmbeddedPostgres({ dataDir: process.argv[1], durable: false, log: () => {} });
         console.log('ready');
         setInterval(() => {}, 1000);`,
        dataDir,
      ],
      { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the child exited with ${code}`)));
    });
    const orphan = Number(
      readFileSync(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(isAlive(orphan)).toBe(true);

    cluster = await start();
    expect(await query(cluster.url('postgres'), 'SELECT 1 AS ok')).toEqual([{ ok: 1 }]);
    expect(isAlive(orphan)).toBe(false);
  });

  it('keeps the WAL bounded: recycled past 256 MB of writes, in any case under a few hundred MB', async () => {
    cluster = await start();
    const url = cluster.url('postgres');
    expect(await query(url, 'SHOW max_wal_size')).toEqual([{ max_wal_size: '256MB' }]);
    // ~600 MB of WAL written: without checkpoints all of it would stay in pg_wal.
    await query(url, 'CREATE TABLE filler (id int, pad text)');
    for (let i = 0; i < 6; i++) {
      await query(
        url,
        "INSERT INTO filler SELECT g, repeat('x', 900) FROM generate_series(1, 100000) g; DELETE FROM filler",
      );
    }
    const [written] = await query(url, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') AS n");
    const [kept] = await query(url, 'SELECT sum(size)::bigint AS n FROM pg_ls_waldir()');
    expect(Number(written!.n)).toBeGreaterThan(500e6);
    expect(Number(kept!.n)).toBeLessThan(400e6);
  });

  it('connects over its Unix-domain socket in DATA_DIR (no TCP session)', async () => {
    cluster = await start();
    expect(cluster.socketDir).toBe(path.join(dataDir, 'sock'));
    const url = cluster.url('postgres');
    expect(new URL(url).searchParams.get('host')).toBe(cluster.socketDir);
    // inet_server_addr() is NULL for a session over a Unix-domain socket.
    expect(
      await query(url, 'SELECT inet_server_addr() IS NULL AS unix, current_database() AS db'),
    ).toEqual([{ unix: true, db: 'postgres' }]);
    // TCP on 127.0.0.1 still answers (psql, other tools), on the port it reports.
    const tcp = `postgresql://postgres:${encodeURIComponent(
      readFileSync(path.join(dataDir, 'postgres.password'), 'utf8').trim(),
    )}@127.0.0.1:${cluster.port}/postgres`;
    expect(await query(tcp, 'SELECT host(inet_server_addr()) AS addr')).toEqual([
      { addr: '127.0.0.1' },
    ]);
  });

  it('falls back to TCP when the socket path would be too long for a Unix-domain socket', async () => {
    const deep = path.join(dataDir, 'd'.repeat(Math.max(1, 100 - dataDir.length)));
    mkdirSync(deep);
    chmodSync(dataDir, 0o711); // as root, PostgreSQL's own user must reach the folder inside
    expect(socketDirFor(deep, 65535)).toBeNull();
    expect(socketDirFor(dataDir, 65535)).toBe(path.join(dataDir, 'sock'));
    cluster = await startEmbeddedPostgres({ dataDir: deep, durable: false, log: () => {} });
    expect(cluster.socketDir).toBeNull();
    const url = cluster.url('postgres');
    expect(url).not.toContain('host=');
    expect(await query(url, 'SELECT host(inet_server_addr()) AS addr')).toEqual([
      { addr: '127.0.0.1' },
    ]);
  });

  it('refuses a PGlite data dir and says to move it aside', () => {
    for (const file of ['PG_VERSION', 'postgresql.conf']) {
      writeFileSync(path.join(dataDir, file), '18\n');
    }
    mkdirSync(path.join(dataDir, 'base'));
    expect(() => checkDataDir(dataDir)).toThrow(/PGlite database .* Move it aside/);
  });

  it('refuses a DATA_DIR that is itself a PostgreSQL data directory', () => {
    for (const file of ['PG_VERSION', 'postmaster.opts']) {
      writeFileSync(path.join(dataDir, file), '18\n');
    }
    expect(() => checkDataDir(dataDir)).toThrow(/is itself a PostgreSQL data directory/);
  });
});
