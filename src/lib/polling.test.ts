import { hashKey } from '@tanstack/react-query';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { session } from './api';
import {
  conditionalGet,
  decideRefetchInterval,
  FAST_POLL_MS,
  pollInterval,
  SLOW_POLL_MS,
  unchangedPolls,
} from './polling';
import { stubNetwork, stubSessionStorage } from './test-stubs';

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

describe('conditional polls across sign-out', () => {
  beforeEach(() => stubSessionStorage());
  afterEach(() => vi.unstubAllGlobals());

  it('forgets ETags, bodies and back-off on sign-out: the next poll asks afresh', async () => {
    const seen = stubNetwork((req) =>
      req.ifNoneMatch === '"v1"' ? null : { body: { ok: true, n: 1 }, etag: '"v1"' },
    );
    const key = ['sign-out-test'];
    await conditionalGet(key, '/thing');
    expect(await conditionalGet(key, '/thing')).toEqual({ ok: true, n: 1 });
    expect(seen.map((r) => r.ifNoneMatch)).toEqual([null, '"v1"']);
    expect(unchangedPolls(hashKey(key))).toBe(1);

    session.clear();

    expect(unchangedPolls(hashKey(key))).toBe(0);
    await conditionalGet(key, '/thing');
    expect(seen[2]?.ifNoneMatch).toBeNull();
  });
});
