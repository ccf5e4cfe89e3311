import type { ChildProcess } from 'node:child_process';

/**
 * Waits until a spawned server answers `/healthz`; fails at once with its output if the process
 * exits (or is killed by a signal) first, or when `timeoutMs` passes.
 */
export async function waitForHealth(
  baseUrl: string,
  child: ChildProcess,
  output: () => string,
  { name = 'the server', timeoutMs = 60_000, intervalMs = 200 } = {},
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${output()}`);
    }
    const ok = await fetch(`${baseUrl}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) {
      throw new Error(`${name} did not answer /healthz within ${timeoutMs / 1000} s:\n${output()}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
