import { describe, expect, it } from 'vitest';
import {
  durationBetween,
  formatDuration,
  fromLocalInput,
  relative,
  toLocalInput,
  until,
} from './dates';

describe('formatDuration', () => {
  it('keeps short durations in milliseconds and seconds', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_400)).toBe('12s');
  });
  it('pads the smaller unit once minutes or hours appear', () => {
    expect(formatDuration(3 * 60_000 + 4_000)).toBe('3m 04s');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h 05m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d 4h');
  });
  it('shows a dash for negative or invalid durations', () => {
    expect(formatDuration(-1)).toBe('–');
    expect(formatDuration(Number.NaN)).toBe('–');
  });
});

describe('durationBetween', () => {
  it('measures to now when the end is open', () => {
    expect(durationBetween('2026-01-01T00:00:00Z', null, '2026-01-01T00:01:30Z')).toBe('1m 30s');
    expect(durationBetween('2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z')).toBe('5s');
  });
});

describe('relative', () => {
  it('says how long ago relative to the given now', () => {
    expect(relative('2026-01-01T00:00:00Z', '2026-01-01T00:05:00Z')).toBe('5 minutes ago');
  });
});

describe('datetime-local inputs', () => {
  it('round-trips an instant through the local input format (tests run in UTC)', () => {
    expect(toLocalInput('2026-03-01T08:05:59Z')).toBe('2026-03-01T08:05');
    expect(fromLocalInput('2026-03-01T08:05')).toBe('2026-03-01T08:05:00.000Z');
  });
  it('treats an empty or invalid value as no bound', () => {
    expect(fromLocalInput('')).toBeUndefined();
    expect(fromLocalInput('not a date')).toBeUndefined();
  });
});

describe('until', () => {
  const now = '2025-01-01T12:00:00Z';
  it('counts seconds within a minute and says now once the time passed', () => {
    expect(until('2025-01-01T12:00:07.200Z', now)).toBe('in 8 s');
    expect(until('2025-01-01T11:59:59Z', now)).toBe('now');
    expect(until('2025-01-01T12:02:00Z', now)).toBe('in 2 minutes');
  });
});
