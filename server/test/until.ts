/**
 * Polls `probe` until it answers something truthy and returns it; throws naming `what` once
 * `timeoutMs` has passed. For tests that wait on real processes, servers and the simulator.
 */
export async function until<T>(
  what: string,
  probe: () => Promise<T | false | undefined>,
  { timeoutMs = 60_000, intervalMs = 100 }: { timeoutMs?: number; intervalMs?: number } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
