import { describe, expect, it } from 'vitest';
import {
  countNodes,
  describeContainer,
  findRanges,
  formatPath,
  JsonTree,
  linkToSegments,
  nodePath,
  prettyLines,
  runToEnd,
  searchJson,
  STRING_CHUNK,
  type SearchMatch,
  type Segment,
} from './model';

const sample = {
  create_resource: { resourceId: 'r-123', tags: ['a', 'b'], 'my-key': 1 },
  status: 'ok',
  count: 3,
  done: true,
  nothing: null,
  empty: {},
};

function visibleRows(tree: JsonTree): string[] {
  const rows: string[] = [];
  for (let i = 0; i < tree.rowCount; i++) {
    const row = tree.rowAt(i);
    rows.push(formatPath('', nodePath(row.node)) + (row.line > 0 ? `#${row.line}` : ''));
  }
  return rows;
}

/** The rows a naive recursive flatten gives for a set of expanded paths. */
function naiveRows(
  value: unknown,
  expanded: (path: Segment[], depth: number) => boolean,
): string[] {
  const rows: string[] = [];
  const walk = (item: unknown, path: Segment[]) => {
    rows.push(formatPath('', path));
    if (typeof item !== 'object' || item === null || !expanded(path, path.length)) return;
    if (Array.isArray(item)) item.forEach((child, i) => walk(child, [...path, i]));
    else for (const [key, child] of Object.entries(item)) walk(child, [...path, key]);
  };
  walk(value, []);
  return rows;
}

describe('formatPath', () => {
  it('joins identifier keys with dots after the root path', () => {
    expect(formatPath('.outputs', ['create_resource', 'resourceId'])).toBe(
      '.outputs.create_resource.resourceId',
    );
  });

  it('quotes keys that are not identifiers jq-style and indexes arrays', () => {
    expect(formatPath('.outputs', ['my-key', 0, '2fa', 'a b', 'x"y', '_ok9'])).toBe(
      '.outputs["my-key"][0]["2fa"]["a b"]["x\\"y"]._ok9',
    );
  });

  it('writes the bare root as a dot', () => {
    expect(formatPath('', [])).toBe('.');
    expect(formatPath('.outputs', [])).toBe('.outputs');
    expect(formatPath('', ['a'])).toBe('.a');
  });
});

describe('describeContainer', () => {
  it('counts keys and items with singular and plural', () => {
    expect(describeContainer('object', 3)).toBe('{3 keys}');
    expect(describeContainer('object', 1)).toBe('{1 key}');
    expect(describeContainer('array', 12)).toBe('[12 items]');
    expect(describeContainer('array', 1)).toBe('[1 item]');
    expect(describeContainer('array', 12000)).toBe('[12,000 items]');
  });
});

describe('countNodes', () => {
  it('counts every node and caches each container total', () => {
    const totals = new WeakMap<object, number>();
    expect(runToEnd(countNodes(sample, totals))).toBe(12);
    expect(totals.get(sample.create_resource)).toBe(6);
    expect(totals.get(sample.create_resource.tags)).toBe(3);
    expect(totals.get(sample.empty)).toBe(1);
    expect(runToEnd(countNodes('x', totals))).toBe(1);
  });

  it('yields while walking a large value', () => {
    const big = Array.from({ length: 5000 }, (_, i) => ({ i }));
    const generator = countNodes(big, new WeakMap());
    let yields = 0;
    let step = generator.next();
    while (!step.done) {
      yields++;
      step = generator.next();
    }
    expect(step.value).toBe(10001);
    expect(yields).toBeGreaterThan(10);
  });
});

describe('JsonTree', () => {
  it('starts with the first level expanded', () => {
    const tree = new JsonTree(sample);
    expect(visibleRows(tree)).toEqual([
      '.',
      '.create_resource',
      '.status',
      '.count',
      '.done',
      '.nothing',
      '.empty',
    ]);
    expect(tree.isExpanded(tree.root)).toBe(true);
    expect(tree.isExpanded(tree.rowAt(1).node)).toBe(false);
  });

  it('expands and collapses a node', () => {
    const tree = new JsonTree(sample);
    tree.toggle(tree.rowAt(1).node);
    expect(visibleRows(tree).slice(0, 6)).toEqual([
      '.',
      '.create_resource',
      '.create_resource.resourceId',
      '.create_resource.tags',
      '.create_resource["my-key"]',
      '.status',
    ]);
    tree.toggle(tree.rowAt(3).node);
    expect(visibleRows(tree).slice(3, 7)).toEqual([
      '.create_resource.tags',
      '.create_resource.tags[0]',
      '.create_resource.tags[1]',
      '.create_resource["my-key"]',
    ]);
    tree.toggle(tree.rowAt(1).node);
    expect(tree.rowCount).toBe(7);
    tree.toggle(tree.root);
    expect(visibleRows(tree)).toEqual(['.']);
  });

  it('expand all shows every node, collapse all goes back to the first level', () => {
    const tree = new JsonTree(sample);
    tree.expandAll();
    expect(visibleRows(tree)).toEqual(naiveRows(sample, () => true));
    tree.collapseAll();
    expect(visibleRows(tree)).toEqual(naiveRows(sample, (_, depth) => depth === 0));
  });

  it('keeps collapses made after expand all', () => {
    const tree = new JsonTree(sample);
    tree.expandAll();
    tree.toggle(tree.find(['create_resource'])!);
    expect(visibleRows(tree)).toEqual(
      naiveRows(sample, (path) => !(path.length === 1 && path[0] === 'create_resource')),
    );
  });

  it('matches a naive flatten under random toggles', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const make = (depth: number): unknown => {
      const r = random();
      if (depth > 3 || r < 0.3) return r < 0.15 ? Math.round(r * 100) : `s${depth}`;
      const size = Math.floor(random() * 5);
      return r < 0.65
        ? Array.from({ length: size }, () => make(depth + 1))
        : Object.fromEntries(Array.from({ length: size }, (_, i) => [`k${i}`, make(depth + 1)]));
    };
    for (let round = 0; round < 30; round++) {
      const value = { root: make(0), other: make(1) };
      const tree = new JsonTree(value);
      if (round % 2 === 0) tree.expandAll();
      const expanded = new Map<string, boolean>();
      for (let step = 0; step < 15; step++) {
        const row = tree.rowAt(Math.floor(random() * tree.rowCount));
        if (row.node.size === 0) continue;
        tree.toggle(row.node);
        expanded.set(formatPath('', nodePath(row.node)), tree.isExpanded(row.node));
        const rule = (path: Segment[], depth: number) =>
          expanded.get(formatPath('', path)) ?? (round % 2 === 0 || depth === 0);
        expect(visibleRows(tree)).toEqual(naiveRows(value, rule));
      }
    }
  });

  it('finds the index of a row and reveals a hidden path', () => {
    const tree = new JsonTree(sample);
    const node = tree.reveal(['create_resource', 'tags', 1])!;
    expect(formatPath('.outputs', nodePath(node))).toBe('.outputs.create_resource.tags[1]');
    const index = tree.indexOf(node);
    expect(index).toBe(5);
    expect(tree.rowAt(index).node).toBe(node);
    expect(tree.reveal(['create_resource', 'missing'])).toBeNull();
    expect(tree.find(['create_resource', 'tags', 5])).toBeNull();
  });

  it('gives an expanded long string one row per chunk', () => {
    const long = 'x'.repeat(STRING_CHUNK * 2);
    const tree = new JsonTree({ long, short: 'y' });
    const node = tree.rowAt(1).node;
    expect(tree.isExpandable(node)).toBe(true);
    expect(tree.isExpandable(tree.rowAt(2).node)).toBe(false);
    tree.toggle(node);
    expect(visibleRows(tree)).toEqual(['.', '.long', '.long#1', '.long#2', '.short']);
  });

  it('handles a primitive root', () => {
    const tree = new JsonTree(42);
    expect(tree.rowCount).toBe(1);
    tree.expandAll();
    expect(visibleRows(tree)).toEqual(['.']);
  });
});

describe('searchJson', () => {
  const search = (value: unknown, query: string) =>
    runToEnd(searchJson(value, query, [] as SearchMatch[])).map(
      (m) => `${formatPath('', linkToSegments(m.path))}:${m.where}`,
    );

  it('finds keys and values case-insensitively in document order', () => {
    expect(search(sample, 'RES')).toEqual([
      '.create_resource:key',
      '.create_resource.resourceId:key',
    ]);
    expect(search(sample, 'r-1')).toEqual(['.create_resource.resourceId:value']);
    expect(search({ b: { x: 'b' }, a: 'B' }, 'b')).toEqual(['.b:key', '.b.x:value', '.a:value']);
  });

  it('matches numbers, booleans and null as their JSON text', () => {
    expect(search(sample, 'tru')).toEqual(['.done:value']);
    expect(search(sample, 'null')).toEqual(['.nothing:value']);
    expect(search({ n: [10, 3, 310] }, '10')).toEqual(['.n[0]:value', '.n[2]:value']);
  });

  it('counts a node whose key and value both match once', () => {
    expect(search({ ok: 'ok' }, 'ok')).toEqual(['.ok:both']);
  });

  it('finds nothing for an empty query', () => {
    expect(search(sample, '')).toEqual([]);
  });
});

describe('findRanges', () => {
  it('returns every case-insensitive occurrence', () => {
    expect(findRanges('Abcabc', 'BC')).toEqual([
      [1, 3],
      [4, 6],
    ]);
    expect(findRanges('aaa', 'aa')).toEqual([[0, 2]]);
    expect(findRanges('abc', '')).toEqual([]);
  });
});

describe('prettyLines', () => {
  it('produces the lines of JSON.stringify(value, null, 2)', () => {
    const value = { ...sample, list: [1, [], [{}, 'x'], { a: null }], 'q"k': 'line\nbreak' };
    expect(runToEnd(prettyLines(value, [])).join('\n')).toBe(JSON.stringify(value, null, 2));
    expect(runToEnd(prettyLines('s', []))).toEqual(['"s"']);
    expect(runToEnd(prettyLines([], []))).toEqual(['[]']);
  });
});
