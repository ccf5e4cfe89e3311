import { describe, expect, it } from 'vitest';
import {
  activeFilterCount,
  anyFilterSet,
  enumParam,
  flagParam,
  isoDateTimeParam,
  listParam,
  positiveIntParam,
  searchSchema,
  textParam,
} from './search-params';

const validate = searchSchema({
  status: enumParam(['A', 'B']),
  wrap: flagParam,
  level: listParam(['DEBUG', 'ERROR']),
  q: textParam(5),
  line: positiveIntParam,
  from: isoDateTimeParam,
});

describe('searchSchema', () => {
  it('parses valid values, including those the router already JSON-parsed', () => {
    expect(
      validate({
        status: 'A',
        wrap: 1,
        level: 'ERROR',
        q: 123,
        line: '42',
        from: '2026-01-01T00:00:00Z',
      }),
    ).toEqual({
      status: 'A',
      wrap: true,
      level: 'ERROR',
      q: '123',
      line: 42,
      from: '2026-01-01T00:00:00Z',
    });
    expect(validate({ wrap: false, level: 'DEBUG,ERROR' })).toEqual({
      wrap: false,
      level: 'DEBUG,ERROR',
    });
  });

  it('reads a list written as JSON by older links, and writes it back as plain commas', () => {
    expect(validate({ level: ['DEBUG', 'ERROR'] })).toEqual({ level: 'DEBUG,ERROR' });
    expect(validate({ level: 'ERROR,NOPE' })).toEqual({});
  });

  it('drops invalid values instead of failing the page', () => {
    expect(
      validate({
        status: 'Z',
        wrap: 'maybe',
        level: ['ERROR', 'NOPE'],
        q: 'too long',
        line: -3,
        from: 'yesterday',
      }),
    ).toEqual({});
  });

  it('ignores parameters it does not know', () => {
    expect(validate({ other: 'x' })).toEqual({});
  });
});

describe('anyFilterSet', () => {
  it('is false when every filter is absent, true once one is set', () => {
    expect(anyFilterSet({})).toBe(false);
    expect(anyFilterSet({ status: undefined, q: undefined })).toBe(false);
    expect(anyFilterSet({ status: undefined, wrap: false })).toBe(true);
  });
});

describe('activeFilterCount', () => {
  it('counts the filters set, a date range (preset or ends) once', () => {
    expect(activeFilterCount({})).toBe(0);
    expect(activeFilterCount({ status: undefined, range: undefined })).toBe(0);
    expect(activeFilterCount({ status: 'A', user: 'u' })).toBe(2);
    expect(activeFilterCount({ status: 'A', from: 'x', to: 'y' })).toBe(2);
    expect(activeFilterCount({ range: '24h' })).toBe(1);
    expect(activeFilterCount({ active: true, to: 'y' })).toBe(2);
  });
});
