import { describe, expect, it } from 'vitest';
import {
  mergePage,
  previewValue,
  sameValueRow,
  shallowRows,
  valueAt,
  type LoadedLevel,
} from './shallow-model';

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

describe('mergePage', () => {
  const page = (from: number, count: number, size = 6000): LoadedLevel => ({
    kind: 'array',
    size,
    entries: Array.from({ length: count }, (_, i) => ({
      key: String(from + i),
      kind: 'number' as const,
      preview: String(from + i),
    })),
  });
  const keys = (level: LoadedLevel | undefined) => level?.entries.map((e) => e.key) ?? [];
  const range = (from: number, count: number) =>
    Array.from({ length: count }, (_, i) => String(from + i));

  it('appends a page read from the end of what is loaded', () => {
    expect(keys(mergePage(page(0, 3), page(3, 2), 3))).toEqual(range(0, 5));
    expect(keys(mergePage(undefined, page(0, 3), 0))).toEqual(range(0, 3));
  });

  it('takes the same page only once when it arrives twice ("Show more" clicked twice)', () => {
    const first = page(0, 500);
    const once = mergePage(first, page(500, 500), 500);
    const twice = mergePage(once, page(500, 500), 500);
    expect(keys(twice)).toEqual(range(0, 1000));
    expect(shallowRows(new Map([['', twice!]]), new Set([''])).at(-1)).toMatchObject({
      type: 'more',
      loaded: 1000,
      size: 6000,
    });
  });

  it('keeps the later pages when the first page is read again', () => {
    const loaded = mergePage(page(0, 500), page(500, 500), 500);
    expect(keys(mergePage(loaded, page(0, 500), 0))).toEqual(range(0, 1000));
  });

  it('does not take a page that would leave a gap', () => {
    const first = page(0, 500);
    expect(mergePage(first, page(1000, 500), 1000)).toBe(first);
    expect(mergePage(undefined, page(500, 500), 500)).toBeUndefined();
  });
});

describe('sameValueRow', () => {
  it('tells a row rebuilt unchanged from one whose state changed', () => {
    const [before] = shallowRows(levels, new Set(['']));
    const [rebuilt] = shallowRows(levels, new Set(['', '/list']));
    const [collapsed] = shallowRows(levels, new Set([]));
    expect(before && rebuilt && before !== rebuilt).toBe(true);
    if (before?.type !== 'value' || rebuilt?.type !== 'value' || collapsed?.type !== 'value') {
      throw new Error('expected value rows');
    }
    expect(sameValueRow(before, rebuilt)).toBe(true);
    expect(sameValueRow(before, collapsed)).toBe(false);
  });
});
