/**
 * Pure logic of the JSON inspector: a lazily materialized tree over a parsed JSON value whose
 * visible rows are addressed by index (subtree row counts + per-container prefix sums), so a
 * virtual list can ask for row i of a 10 MB fully expanded value without flattening it.
 * Work that must visit the whole value (counting, searching, pretty-printing) is written as
 * generators that yield every few hundred nodes; `runSliced` (scheduler.ts) drives them in
 * time slices so no main-thread task grows with the size of the value.
 */

export type Segment = string | number;
export type JsonKind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

/** Escaped string longer than this is shown truncated; expanded, it takes one row per chunk. */
export const STRING_CHUNK = 100;
/** How many nodes a generator visits between two yields. */
const NODES_PER_YIELD = 512;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function kindOf(value: unknown): JsonKind {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'object':
      return 'object';
    case 'string':
      return 'string';
    case 'number':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'null';
  }
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}

function entriesOf(value: object): { keys: string[] | null; size: number } {
  if (Array.isArray(value)) return { keys: null, size: value.length };
  const keys = Object.keys(value);
  return { keys, size: keys.length };
}

/** One path segment the way Port templates (jq) write it: `.name`, `["my-key"]`, `[0]`. */
export function formatSegment(segment: Segment): string {
  if (typeof segment === 'number') return `[${segment}]`;
  return IDENTIFIER.test(segment) ? `.${segment}` : `[${JSON.stringify(segment)}]`;
}

/** The template reference of a node: `rootPath` followed by its segments; `.` for a bare root. */
export function formatPath(rootPath: string, segments: readonly Segment[]): string {
  const path = rootPath + segments.map(formatSegment).join('');
  return path === '' ? '.' : path;
}

/** 12345 -> "12,345" (without Intl, whose first use costs ~20 ms of ICU set-up). */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "{1 key}", "{3 keys}", "[1 item]", "[12 items]". */
export function describeContainer(kind: 'object' | 'array', size: number): string {
  const count = formatCount(size);
  return kind === 'object'
    ? `{${count} ${size === 1 ? 'key' : 'keys'}}`
    : `[${count} ${size === 1 ? 'item' : 'items'}]`;
}

/** The text a primitive shows: strings JSON-quoted and escaped, the rest as JSON writes them. */
export function displayPrimitive(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || value === undefined) return 'null';
  return String(value);
}

/** How many rows an expanded string takes (1 when it fits in one row). */
export function stringLines(display: string): number {
  return Math.max(1, Math.ceil(display.length / STRING_CHUNK));
}

/**
 * Counts the nodes of every container under `value` into `totals` (post-order, iterative),
 * yielding every NODES_PER_YIELD nodes; returns the total of `value`.
 */
export function* countNodes(
  value: unknown,
  totals: WeakMap<object, number>,
): Generator<void, number> {
  if (!isContainer(value)) return 1;
  const known = totals.get(value);
  if (known !== undefined) return known;
  interface Frame {
    value: object;
    children: unknown[];
    next: number;
    total: number;
  }
  const open = (container: object): Frame => ({
    value: container,
    children: Array.isArray(container) ? container : Object.values(container),
    next: 0,
    total: 1,
  });
  const stack: Frame[] = [open(value)];
  let visited = 0;
  let result = 1;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (++visited % NODES_PER_YIELD === 0) yield;
      if (!isContainer(child)) {
        frame.total += 1;
        continue;
      }
      const cached = totals.get(child);
      if (cached !== undefined) frame.total += cached;
      else stack.push(open(child));
      continue;
    }
    stack.pop();
    totals.set(frame.value, frame.total);
    result = frame.total;
    const parent = stack[stack.length - 1];
    if (parent) parent.total += frame.total;
  }
  return result;
}

/** Runs a generator to completion synchronously (tests, and small values). */
export function runToEnd<T>(generator: Generator<unknown, T>): T {
  for (;;) {
    const step = generator.next();
    if (step.done) return step.value;
  }
}

export interface TreeNode {
  readonly key: Segment | null;
  readonly value: unknown;
  readonly parent: TreeNode | null;
  /** Position among the parent's children. */
  readonly index: number;
  readonly depth: number;
  readonly kind: JsonKind;
  /** Number of children (containers), 0 otherwise. */
  readonly size: number;
  readonly keys: string[] | null;
  children: (TreeNode | undefined)[] | null;
  /** Explicit expansion set since the last expand/collapse all; null follows the mode. */
  expanded: boolean | null;
  /** This node or a descendant has an explicit expansion: its rows can't be derived from the value alone. */
  touched: boolean;
  /** prefix[i] = rows of children 0..i-1; null until needed or after a change below. */
  prefix: Float64Array | null;
  display: string | null;
}

export interface Row {
  node: TreeNode;
  /** 0 for the node's own row; 1.. for the continuation rows of an expanded long string. */
  line: number;
}

export type ExpansionMode = 'first-level' | 'all';

function makeNode(
  key: Segment | null,
  value: unknown,
  parent: TreeNode | null,
  index: number,
): TreeNode {
  const kind = kindOf(value);
  const { keys, size } = isContainer(value) ? entriesOf(value) : { keys: null, size: 0 };
  return {
    key,
    value,
    parent,
    index,
    depth: parent ? parent.depth + 1 : 0,
    kind,
    size,
    keys,
    children: null,
    expanded: null,
    touched: false,
    prefix: null,
    display: null,
  };
}

export function nodePath(node: TreeNode): Segment[] {
  const segments: Segment[] = [];
  for (let n: TreeNode | null = node; n && n.key !== null; n = n.parent) segments.push(n.key);
  return segments.reverse();
}

export function nodeDisplay(node: TreeNode): string {
  node.display ??= displayPrimitive(node.value);
  return node.display;
}

export function isLongString(node: TreeNode): boolean {
  return node.kind === 'string' && nodeDisplay(node).length > STRING_CHUNK;
}

/**
 * The expandable tree. Mutating methods change the rows; the caller re-renders after them.
 * Expand all needs the node totals of the value (`countNodes` into `totals`): run it first,
 * sliced, with `prepareExpandAll()`.
 */
export class JsonTree {
  readonly totals = new WeakMap<object, number>();
  mode: ExpansionMode = 'first-level';
  root: TreeNode;

  constructor(readonly value: unknown) {
    this.root = makeNode(null, value, null, 0);
  }

  /** Generator computing what expand all needs; cheap once done. */
  prepareExpandAll(): Generator<void, number> {
    return countNodes(this.value, this.totals);
  }

  get expandAllReady(): boolean {
    return !isContainer(this.value) || this.totals.has(this.value);
  }

  expandAll(): void {
    if (!this.expandAllReady) runToEnd(this.prepareExpandAll());
    this.reset('all');
  }

  collapseAll(): void {
    this.reset('first-level');
  }

  private reset(mode: ExpansionMode): void {
    this.mode = mode;
    this.root = makeNode(null, this.value, null, 0);
  }

  isExpandable(node: TreeNode): boolean {
    return node.size > 0 || isLongString(node);
  }

  isExpanded(node: TreeNode): boolean {
    if (node.expanded !== null) return node.expanded;
    if (node.kind === 'string') return false;
    return this.mode === 'all' || node.depth === 0;
  }

  setExpanded(node: TreeNode, expanded: boolean): void {
    if (!this.isExpandable(node) || this.isExpanded(node) === expanded) return;
    node.expanded = expanded;
    for (let n: TreeNode | null = node; n; n = n.parent) {
      n.touched = true;
      n.prefix = null;
    }
  }

  toggle(node: TreeNode): void {
    this.setExpanded(node, !this.isExpanded(node));
  }

  child(node: TreeNode, index: number): TreeNode {
    node.children ??= new Array<TreeNode | undefined>(node.size);
    let child = node.children[index];
    if (!child) {
      const key = node.keys ? node.keys[index]! : index;
      const value = node.keys
        ? (node.value as Record<string, unknown>)[key]
        : (node.value as unknown[])[index];
      child = makeNode(key, value, node, index);
      node.children[index] = child;
    }
    return child;
  }

  /** Rows of a subtree nobody toggled: a function of the value, the depth and the mode. */
  private defaultRows(value: unknown, depth: number): number {
    if (!isContainer(value)) return 1;
    if (this.mode === 'all')
      return this.totals.get(value) ?? runToEnd(countNodes(value, this.totals));
    return depth === 0 ? 1 + entriesOf(value).size : 1;
  }

  /** Visible rows of a node's subtree, the node's own row included. */
  rows(node: TreeNode): number {
    if (!node.touched) return this.defaultRows(node.value, node.depth);
    if (!this.isExpanded(node)) return 1;
    if (node.kind === 'string') return stringLines(nodeDisplay(node));
    const prefix = this.prefixOf(node);
    return 1 + prefix[node.size]!;
  }

  private prefixOf(node: TreeNode): Float64Array {
    if (node.prefix) return node.prefix;
    const prefix = new Float64Array(node.size + 1);
    const children = node.children;
    const values = node.keys ? null : (node.value as unknown[]);
    const record = node.value as Record<string, unknown>;
    for (let i = 0; i < node.size; i++) {
      const child = children?.[i];
      const rows =
        child && child.touched
          ? this.rows(child)
          : this.defaultRows(values ? values[i] : record[node.keys![i]!], node.depth + 1);
      prefix[i + 1] = prefix[i]! + rows;
    }
    node.prefix = prefix;
    return prefix;
  }

  get rowCount(): number {
    return this.rows(this.root);
  }

  /** The row at a visible index (0 = the root), materializing the nodes on its way. */
  rowAt(index: number): Row {
    let node = this.root;
    let rest = index;
    for (;;) {
      if (rest === 0) return { node, line: 0 };
      if (node.kind === 'string') return { node, line: rest };
      rest -= 1;
      const prefix = this.prefixOf(node);
      let lo = 0;
      let hi = node.size - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (prefix[mid]! <= rest) lo = mid;
        else hi = mid - 1;
      }
      rest -= prefix[lo]!;
      node = this.child(node, lo);
    }
  }

  /** The visible index of a node's own row (its ancestors must be expanded). */
  indexOf(node: TreeNode): number {
    let index = 0;
    for (let n = node; n.parent; n = n.parent) index += 1 + this.prefixOf(n.parent)[n.index]!;
    return index;
  }

  /** The node at a path, or null when the path does not exist in the value. */
  find(segments: readonly Segment[]): TreeNode | null {
    let node = this.root;
    for (const segment of segments) {
      const index = node.keys
        ? node.keys.indexOf(String(segment))
        : typeof segment === 'number' && segment < node.size
          ? segment
          : -1;
      if (index < 0) return null;
      node = this.child(node, index);
    }
    return node;
  }

  /** Expands every ancestor of the node at a path, so its row is visible; returns the node. */
  reveal(segments: readonly Segment[]): TreeNode | null {
    const node = this.find(segments);
    for (let n = node?.parent; n; n = n.parent) this.setExpanded(n, true);
    return node;
  }
}

export type MatchWhere = 'key' | 'value' | 'both';

/** A search hit: a path stored as a linked list so matches share their ancestors' segments. */
export interface PathLink {
  readonly parent: PathLink | null;
  readonly segment: Segment;
}

export interface SearchMatch {
  path: PathLink | null;
  where: MatchWhere;
}

export function linkToSegments(link: PathLink | null): Segment[] {
  const segments: Segment[] = [];
  for (let l = link; l; l = l.parent) segments.push(l.segment);
  return segments.reverse();
}

function primitiveMatches(value: unknown, needle: string): boolean {
  if (isContainer(value)) return false;
  const text = typeof value === 'string' ? value : displayPrimitive(value);
  return text.toLowerCase().includes(needle);
}

/**
 * Case-insensitive search of object keys and primitive values, in document (row) order; a node
 * whose key and value both match counts once. Pushes into `matches` as it goes, so a caller can
 * show the first hits and a growing count before the walk ends.
 */
export function* searchJson(
  value: unknown,
  query: string,
  matches: SearchMatch[],
): Generator<void, SearchMatch[]> {
  const needle = query.toLowerCase();
  if (needle === '') return matches;
  // Parallel stacks instead of a frame object per node: less garbage on a 10 MB value.
  const values: unknown[] = [value];
  const parents: (PathLink | null)[] = [null];
  const segments: (Segment | null)[] = [null];
  let visited = 0;
  while (values.length > 0) {
    const item = values.pop();
    const parent = parents.pop()!;
    const segment = segments.pop()!;
    if (++visited % NODES_PER_YIELD === 0) yield;
    const keyHit = typeof segment === 'string' && segment.toLowerCase().includes(needle);
    const valueHit = primitiveMatches(item, needle);
    const container = isContainer(item);
    const path =
      segment === null ? null : keyHit || valueHit || container ? { parent, segment } : null;
    if (keyHit || valueHit) {
      matches.push({ path, where: keyHit && valueHit ? 'both' : keyHit ? 'key' : 'value' });
    }
    if (!container) continue;
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) {
        values.push(item[i]);
        parents.push(path);
        segments.push(i);
      }
    } else {
      const record = item as Record<string, unknown>;
      const keys = Object.keys(record);
      for (let i = keys.length - 1; i >= 0; i--) {
        values.push(record[keys[i]!]);
        parents.push(path);
        segments.push(keys[i]!);
      }
    }
  }
  return matches;
}

/** Case-insensitive occurrences of `query` in `text`, as [start, end) ranges. */
export function findRanges(text: string, query: string): [number, number][] {
  if (query === '') return [];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  const ranges: [number, number][] = [];
  for (
    let at = haystack.indexOf(needle);
    at >= 0;
    at = haystack.indexOf(needle, at + needle.length)
  ) {
    ranges.push([at, at + needle.length]);
  }
  return ranges;
}

/**
 * The lines of `JSON.stringify(value, null, 2)`, produced lazily (pushes into `lines`, yields
 * every NODES_PER_YIELD nodes) so the raw view of a huge value appears at once and fills in.
 */
export function* prettyLines(value: unknown, lines: string[]): Generator<void, string[]> {
  // An explicit stack, not a recursive generator: one generator object per node is most of the
  // garbage (and GC pauses) on a 10 MB value.
  interface Frame {
    item: object;
    keys: string[] | null;
    size: number;
    next: number;
    indent: string;
    close: string;
  }
  const stack: Frame[] = [];
  let visited = 0;
  const write = (item: unknown, indent: string, prefix: string, suffix: string) => {
    if (!isContainer(item)) {
      lines.push(
        `${indent}${prefix}${item === undefined ? 'null' : JSON.stringify(item)}${suffix}`,
      );
      return;
    }
    const keys = Array.isArray(item) ? null : Object.keys(item);
    const size = keys ? keys.length : (item as unknown[]).length;
    const [open, close] = keys ? ['{', '}'] : ['[', ']'];
    if (size === 0) {
      lines.push(`${indent}${prefix}${open}${close}${suffix}`);
      return;
    }
    lines.push(`${indent}${prefix}${open}`);
    stack.push({ item, keys, size, next: 0, indent, close: `${indent}${close}${suffix}` });
  };
  write(value, '', '', '');
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next === frame.size) {
      stack.pop();
      lines.push(frame.close);
      continue;
    }
    if (++visited % NODES_PER_YIELD === 0) yield;
    const i = frame.next++;
    const comma = i < frame.size - 1 ? ',' : '';
    const inner = `${frame.indent}  `;
    if (frame.keys) {
      const key = frame.keys[i]!;
      write((frame.item as Record<string, unknown>)[key], inner, `${JSON.stringify(key)}: `, comma);
    } else {
      write((frame.item as unknown[])[i], inner, '', comma);
    }
  }
  return lines;
}
