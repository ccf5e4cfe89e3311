/**
 * `server/index.ts` as its own process for the browser benches: one node process (not npx → tsx →
 * node), so SIGTERM reaches the server itself; resolves once it says it is running.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface BenchServer {
  child: ChildProcess;
  stop: () => Promise<void>;
}

/**
 * Starts the server with no seed and the simulator off, plus `env`; from `root`, another copy of
 * the code (an A/B bench's "before"), when given.
 */
export async function startBenchServer(
  env: Record<string, string>,
  root = ROOT,
): Promise<BenchServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env: { ...process.env, SEED: 'none', SIMULATOR: 'off', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('Runboard is running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { child, stop };
}

/** A JSON call to the bench server's API (`base` without /v1), with a bearer token if given. */
export async function benchApiCall<T>(
  base: string,
  token: string | null,
  method: string,
  apiPath: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${base}/v1${apiPath}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${apiPath}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/**
 * The benches' workflow: a self-serve trigger and one node `work` after it, of `workType`
 * (WEBHOOK: its node run stays in progress with no backend; KAFKA: nothing is delivered at all).
 */
export function twoNodeWorkflow(identifier: string, title: string, workType: 'WEBHOOK' | 'KAFKA') {
  return {
    identifier,
    title,
    nodes: [
      { identifier: 'trigger', title: 'Trigger', config: { type: 'SELF_SERVE_TRIGGER' } },
      { identifier: 'work', title: 'Work', config: { type: workType } },
    ],
    connections: [{ sourceIdentifier: 'trigger', targetIdentifier: 'work' }],
  };
}
