import { describe, expect, it } from 'vitest';
import { decideRefetchInterval, FAST_POLL_MS, pollInterval, SLOW_POLL_MS } from './polling';

describe('polling policy', () => {
  it('never polls finished data', () => {
    expect(decideRefetchInterval(true, 0)).toBe(false);
    expect(decideRefetchInterval(true, 50)).toBe(false);
  });

  it('keeps polling at the slow interval after a failed refresh, unless finished', () => {
    expect(decideRefetchInterval(false, 0, true)).toBe(SLOW_POLL_MS);
    expect(decideRefetchInterval(false, 50, true)).toBe(SLOW_POLL_MS);
    expect(decideRefetchInterval(true, 0, true)).toBe(false);
  });

  it('polls fast while things change', () => {
    expect(decideRefetchInterval(false, 0)).toBe(FAST_POLL_MS);
    expect(pollInterval(2)).toBe(FAST_POLL_MS);
  });

  it('backs off after unchanged polls, up to the slow interval', () => {
    expect(pollInterval(3)).toBe(4_000);
    expect(pollInterval(4)).toBe(8_000);
    expect(pollInterval(5)).toBe(SLOW_POLL_MS);
    expect(pollInterval(100)).toBe(SLOW_POLL_MS);
  });
});
