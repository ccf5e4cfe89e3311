import { describe, expect, it } from 'vitest';
import { logSearchOf, logSearchPatch, logStateFromSearch, withoutLogSearch } from './log-search';

describe('log view state in the URL', () => {
  it('follows by default only while lines may still arrive', () => {
    expect(logStateFromSearch({}, true)).toEqual({
      levels: [],
      q: '',
      grep: false,
      line: null,
      wrap: false,
      follow: true,
    });
    expect(logStateFromSearch({ follow: true }, false).follow).toBe(true);
    expect(logStateFromSearch({}, false).follow).toBe(false);
  });

  it('leaves defaults out of the URL and keeps only the keys that changed', () => {
    expect(logSearchPatch({ levels: [], q: '', wrap: false, line: null })).toEqual({
      level: undefined,
      q: undefined,
      wrap: undefined,
      line: undefined,
    });
    expect(logSearchPatch({ levels: ['WARN', 'ERROR'] })).toEqual({ level: 'WARN,ERROR' });
    expect(logStateFromSearch({ level: 'WARN,ERROR' }, false).levels).toEqual(['WARN', 'ERROR']);
    expect(logSearchPatch({ follow: false })).toEqual({ follow: false });
    expect(logSearchPatch({ grep: true })).toEqual({ grep: true });
    expect(logSearchPatch({ grep: false })).toEqual({ grep: undefined });
    expect(logStateFromSearch({ q: 'deps', grep: true }, false)).toMatchObject({
      q: 'deps',
      grep: true,
    });
  });

  it('splits a page’s search into the viewer’s fields and the rest, leaving no field out', () => {
    const viewer = {
      level: 'WARN,ERROR',
      q: 'timeout',
      grep: true,
      line: 42,
      wrap: true,
      follow: false,
    };
    const search = { node: 'deploy', tab: 'logs' as const, oq: 'image', ...viewer };
    expect(logSearchOf(search)).toEqual(viewer);
    expect(withoutLogSearch(search)).toEqual({ node: 'deploy', tab: 'logs', oq: 'image' });
    expect({ ...withoutLogSearch(search), ...logSearchOf(search) }).toEqual(search);
    // Absent fields stay absent: an unchanged selection is deep-equal to the last one.
    expect(logSearchOf({ node: 'deploy' } as never)).toEqual({});
  });
});
