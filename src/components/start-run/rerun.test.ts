import { describe, expect, it } from 'vitest';
import { withPrevious } from './rerun';

describe('withPrevious', () => {
  const properties = {
    name: { type: 'string', default: 'svc' },
    replicas: { type: 'number' },
    loud: { type: 'boolean', default: true },
  };

  it('makes the previous run’s values the defaults, keeping the rest of each property', () => {
    expect(withPrevious(properties, { name: 'payments', replicas: 3, loud: false })).toEqual({
      name: { type: 'string', default: 'payments' },
      replicas: { type: 'number', default: 3 },
      loud: { type: 'boolean', default: false },
    });
  });

  it('leaves properties the previous run did not set, and ignores values with no property', () => {
    expect(withPrevious(properties, { replicas: 2, extra: 'x' })).toEqual({
      ...properties,
      replicas: { type: 'number', default: 2 },
    });
    expect(withPrevious(properties, undefined)).toBe(properties);
    expect(withPrevious(undefined, { name: 'x' })).toBeUndefined();
  });
});
