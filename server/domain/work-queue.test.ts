import { describe, expect, it } from 'vitest';
import { retryDelayMs, type RetryPolicy } from './work-queue';

const policy: RetryPolicy = { maxAttempts: 5, backoffMs: 1000, maxBackoffMs: 6000 };

describe('retryDelayMs', () => {
  it('doubles the wait after each failed attempt, half of it jittered', () => {
    expect(retryDelayMs(policy, 1, 0)).toBe(500);
    expect(retryDelayMs(policy, 1, 0.999999)).toBe(1000);
    expect(retryDelayMs(policy, 2, 0)).toBe(1000);
    expect(retryDelayMs(policy, 3, 0.5)).toBe(3000);
  });

  it('never waits longer than the cap', () => {
    expect(retryDelayMs(policy, 10, 0.999999)).toBe(6000);
    expect(retryDelayMs(policy, 10, 0)).toBe(3000);
  });
});
