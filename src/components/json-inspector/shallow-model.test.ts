import { describe, expect, it } from 'vitest';
import { previewValue, shallowRows, valueAt, type LoadedLevel } from './shallow-model';

const levels = new Map<string, LoadedLevel>([
  [
    '',
    {
      kind: 'object',
      size: 3,
      entries: [
        { key: 'a/b', kind: 'object', size: 1 },
        { key: 'list', kind: 'array', size: 3 },
        { key: 'name', kind: 'string', preview: '"x"' },
      ],
    },
  ],
  ['/a~1b', { kind: 'object', size: 1, entries: [{ key: 'deep', kind: 'number', preview: '1' }] }],
  ['/list', { kind: 'array', size: 3, entries: [{ key: '0', kind: 'object', size: 0 }] }],
]);

const describeRows = (expanded: string[]) =>
  shallowRows(levels, new Set(expanded)).map((r) =>
    r.type === 'more'
      ? `${'  '.repeat(r.depth)}more ${r.loaded}/${r.size} of ${r.pointer}`
      : `${'  '.repeat(r.depth)}${String(r.key)} ${r.pointer}${r.expanded ? ' open' : ''}${r.loading ? ' loading' : ''}`,
  );

describe('shallowRows', () => {
  it('shows the root and, under each open container, its loaded children and a "more" row', () => {
    expect(describeRows([''])).toEqual([
      'null  open',
      '  a/b /a~1b',
      '  list /list',
      '  name /name',
    ]);
    expect(describeRows(['', '/a~1b', '/list'])).toEqual([
      'null  open',
      '  a/b /a~1b open',
      '    deep /a~1b/deep',
      '  list /list open',
      '    0 /list/0',
      '    more 1/3 of /list',
      '  name /name',
    ]);
  });

  it('marks an open container whose children are not loaded yet, and never opens an empty one', () => {
    const rows = shallowRows(new Map([['', levels.get('')!]]), new Set(['', '/a~1b']));
    expect(rows[1]).toMatchObject({ pointer: '/a~1b', expanded: true, loading: true });
    const empty = shallowRows(levels, new Set(['', '/list', '/list/0']));
    expect(empty.find((r) => r.pointer === '/list/0')).toMatchObject({
      expandable: false,
      expanded: false,
    });
  });

  it('gives array items number segments, for template paths like [0]', () => {
    const item = shallowRows(levels, new Set(['', '/list'])).find((r) => r.pointer === '/list/0');
    expect(item).toMatchObject({ key: 0, segments: ['list', 0] });
  });
});

describe('previewValue / valueAt', () => {
  it('uses a preview as the value only when it is all of it', () => {
    expect(previewValue({ kind: 'string', preview: '"a\\nb"' })).toEqual({
      complete: true,
      value: 'a\nb',
    });
    expect(previewValue({ kind: 'string', preview: '"aaa"', length: 500 }).complete).toBe(false);
    expect(previewValue({ kind: 'object', size: 2 }).complete).toBe(false);
  });

  it('finds a value by segments', () => {
    expect(valueAt({ a: [{ b: 2 }] }, ['a', 0, 'b'])).toBe(2);
    expect(valueAt({ a: 1 }, ['a', 'b'])).toBeUndefined();
  });
});
