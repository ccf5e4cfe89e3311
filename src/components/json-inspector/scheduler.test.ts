import { describe, expect, it } from 'vitest';
import { isAbort, runSliced } from './scheduler';

function* busy(slices: number): Generator<void, string> {
  for (let i = 0; i < slices; i++) {
    const until = performance.now() + 5;
    while (performance.now() < until) {
      // spin: stands for a few milliseconds of walking a large value
    }
    yield;
  }
  return 'done';
}

describe('runSliced', () => {
  it('runs a generator to its result, giving the thread back between slices', async () => {
    let slices = 0;
    let interleaved = false;
    setTimeout(() => (interleaved = true), 0);
    const result = await runSliced(busy(20), new AbortController().signal, () => slices++);
    expect(result).toBe('done');
    expect(slices).toBeGreaterThan(2);
    expect(interleaved).toBe(true);
  });

  it('stops with an AbortError once aborted', async () => {
    const controller = new AbortController();
    const run = runSliced(busy(100), controller.signal, () => controller.abort());
    const error: unknown = await run.catch((e: unknown) => e);
    expect(isAbort(error)).toBe(true);
  });
});
