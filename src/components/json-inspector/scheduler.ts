/** Milliseconds of work per slice before giving the main thread back. */
const SLICE_MS = 12;

const nextMacrotask = (): Promise<void> =>
  new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });

/**
 * Drives a generator in slices of ~SLICE_MS so long walks over a huge value never block the tab;
 * `onSlice` runs after each slice (to show progress). Rejects with an AbortError when aborted.
 */
export async function runSliced<T>(
  generator: Generator<unknown, T>,
  signal: AbortSignal,
  onSlice?: () => void,
): Promise<T> {
  for (;;) {
    signal.throwIfAborted();
    const deadline = performance.now() + SLICE_MS;
    let step = generator.next();
    while (!step.done && performance.now() < deadline) step = generator.next();
    if (step.done) return step.value;
    onSlice?.();
    await nextMacrotask();
  }
}

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
