import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_CREDENTIALS, bearerToken } from './harness';
import { freePort } from '../free-port';
import { waitForHealth } from './wait-health';

const root = path.resolve(import.meta.dirname, '../..');

export interface ServerProcess {
  name: string;
  baseUrl: string;
  child: ChildProcess;
  output: () => string;
  /** Resolves with the exit code or signal once the process is gone. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/**
 * `server/index.ts` as its own Node process (no wrapper, so a signal reaches the server itself),
 * on a free port, with the seeded test users and the given settings.
 */
export async function startServerProcess(
  name: string,
  databaseUrl: string,
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      SIMULATOR: 'off',
      SEED: 'none',
      RUNBOARD_ADMIN_CLIENT_ID: TEST_CREDENTIALS.adminClientId,
      RUNBOARD_ADMIN_CLIENT_SECRET: TEST_CREDENTIALS.adminClientSecret,
      RUNBOARD_MEMBER_CLIENT_ID: TEST_CREDENTIALS.memberClientId,
      RUNBOARD_MEMBER_CLIENT_SECRET: TEST_CREDENTIALS.memberClientSecret,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, signal) => resolve(signal ?? code)),
  );
  const baseUrl = `http://127.0.0.1:${port}`;
  await waitForHealth(baseUrl, child, () => log, { name, timeoutMs: 120_000, intervalMs: 100 });
  return { name, baseUrl, child, output: () => log, exited };
}

/** A JSON client for a server process, signed in as the seeded admin. */
export async function adminClient(baseUrl: string) {
  const authorization = await bearerToken(
    baseUrl,
    TEST_CREDENTIALS.adminClientId,
    TEST_CREDENTIALS.adminClientSecret,
  );
  return async (method: string, apiPath: string, body?: unknown) => {
    const res = await fetch(`${baseUrl}/v1${apiPath}`, {
      method,
      headers: {
        authorization,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
}
