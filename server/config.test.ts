import { describe, expect, it } from 'vitest';
import { hostConcurrencyOf, readConfig } from './config';

describe('WEBHOOK_HOST_CONCURRENCY', () => {
  it('defaults to half of WEBHOOK_CONCURRENCY, at least 1, so one host cannot take every slot', () => {
    expect(hostConcurrencyOf(readConfig({}))).toBe(4);
    expect(hostConcurrencyOf(readConfig({ WEBHOOK_CONCURRENCY: '3' }))).toBe(1);
    expect(hostConcurrencyOf(readConfig({ WEBHOOK_CONCURRENCY: '1' }))).toBe(1);
  });

  it('takes the value set, and refuses one below 1 naming the variable', () => {
    expect(hostConcurrencyOf(readConfig({ WEBHOOK_HOST_CONCURRENCY: '16' }))).toBe(16);
    expect(() => readConfig({ WEBHOOK_HOST_CONCURRENCY: '0' })).toThrow(/WEBHOOK_HOST_CONCURRENCY/);
  });
});
