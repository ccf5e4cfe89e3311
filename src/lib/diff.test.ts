import { describe, expect, it } from 'vitest';
import { changedFields, formatValue } from './diff';

describe('changedFields', () => {
  it('lists the leaves that changed, by path', () => {
    const before = { title: 'API', properties: { version: '1.0', owner: 'ann', tags: ['a'] } };
    const after = { title: 'API', properties: { version: '1.1', owner: 'ann', tags: ['a', 'b'] } };
    expect(changedFields(before, after)).toEqual([
      { path: 'properties.tags', before: ['a'], after: ['a', 'b'] },
      { path: 'properties.version', before: '1.0', after: '1.1' },
    ]);
  });

  it('treats a creation as every field appearing', () => {
    expect(changedFields(null, { identifier: 'svc', properties: { 'odd key': 1 } })).toEqual([
      { path: 'identifier', before: undefined, after: 'svc' },
      { path: 'properties["odd key"]', before: undefined, after: 1 },
    ]);
  });

  it('finds nothing when nothing changed', () => {
    expect(changedFields({ a: { b: 1 } }, { a: { b: 1 } })).toEqual([]);
  });
});

describe('formatValue', () => {
  it('shows strings as they are, other values as JSON, absence as a dash', () => {
    expect(formatValue('x')).toBe('x');
    expect(formatValue({ a: 1 })).toBe('{"a":1}');
    expect(formatValue(undefined)).toBe('–');
  });
});
