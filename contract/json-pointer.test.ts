import { describe, expect, it } from 'vitest';
import { formatJsonPointer, parseJsonPointer } from './json-pointer';

describe('JSON pointers (RFC 6901)', () => {
  it('parses the root, keys, indexes and the ~0 ~1 escapes', () => {
    expect(parseJsonPointer('')).toEqual([]);
    expect(parseJsonPointer('/')).toEqual(['']);
    expect(parseJsonPointer('/items/0/name')).toEqual(['items', '0', 'name']);
    expect(parseJsonPointer('/a~1b/m~0n/~01')).toEqual(['a/b', 'm~n', '~1']);
  });

  it('refuses what is not a pointer', () => {
    expect(parseJsonPointer('items')).toBeNull();
    expect(parseJsonPointer('/a~2')).toBeNull();
    expect(parseJsonPointer('/a~')).toBeNull();
  });

  it('formats segments back into the pointer that parses to them', () => {
    const segments = ['a/b', 3, 'm~n', ''];
    expect(formatJsonPointer(segments)).toBe('/a~1b/3/m~0n/');
    expect(parseJsonPointer(formatJsonPointer(segments))).toEqual(['a/b', '3', 'm~n', '']);
    expect(formatJsonPointer([])).toBe('');
  });
});
