/**
 * Pure logic of the shallow inspector: the visible rows of an output read a level at a time
 * (the [ext] shallow read: a value's kind, size and a page of children with previews), from
 * what has been loaded so far and which containers are open.
 */
import {
  formatJsonPointer,
  type JsonKindName,
  type ShallowEntry,
} from '../../../contract/json-pointer';
import type { Segment } from './model';

/** A container's children loaded so far (pages appended in order) and how many it has. */
export interface LoadedLevel {
  kind: JsonKindName;
  size: number;
  entries: ShallowEntry[];
}

export type ShallowRow =
  | {
      type: 'value';
      pointer: string;
      segments: Segment[];
      /** null for the root. */
      key: Segment | null;
      depth: number;
      kind: JsonKindName;
      size?: number;
      preview?: string;
      length?: number;
      expandable: boolean;
      expanded: boolean;
      /** Open, its children not loaded yet. */
      loading: boolean;
    }
  | {
      /** "N more": the rest of a container's children, loaded a page at a time. */
      type: 'more';
      pointer: string;
      depth: number;
      loaded: number;
      size: number;
    };

const isContainer = (kind: JsonKindName) => kind === 'object' || kind === 'array';

/** The rows a person sees: the root, and under every open container its loaded children. */
export function shallowRows(
  levels: ReadonlyMap<string, LoadedLevel>,
  expanded: ReadonlySet<string>,
): ShallowRow[] {
  const root = levels.get('');
  if (!root) return [];
  const rows: ShallowRow[] = [];
  const visit = (
    segments: Segment[],
    key: Segment | null,
    depth: number,
    entry: Pick<ShallowEntry, 'kind' | 'size' | 'preview' | 'length'>,
  ) => {
    const pointer = formatJsonPointer(segments);
    const expandable = isContainer(entry.kind) && (entry.size ?? 0) > 0;
    const open = expandable && expanded.has(pointer);
    const level = open ? levels.get(pointer) : undefined;
    rows.push({
      type: 'value',
      pointer,
      segments,
      key,
      depth,
      kind: entry.kind,
      ...(entry.size === undefined ? {} : { size: entry.size }),
      ...(entry.preview === undefined ? {} : { preview: entry.preview }),
      ...(entry.length === undefined ? {} : { length: entry.length }),
      expandable,
      expanded: open,
      loading: open && !level,
    });
    if (!level) return;
    for (const child of level.entries) {
      const childKey = level.kind === 'array' ? Number(child.key) : child.key;
      visit([...segments, childKey], childKey, depth + 1, child);
    }
    if (level.entries.length < level.size) {
      rows.push({
        type: 'more',
        pointer,
        depth: depth + 1,
        loaded: level.entries.length,
        size: level.size,
      });
    }
  };
  visit([], null, 0, root);
  return rows;
}

/**
 * A container's level once a page of its children (read from `offset`) has arrived: the page
 * takes its place at `offset`, so the same page arriving twice (two clicks on "Show more"
 * before the first answer, a first page fetched again) is not appended twice. A page that
 * would leave a gap (its previous page not here) is not taken.
 */
export function mergePage(
  had: LoadedLevel | undefined,
  page: LoadedLevel,
  offset: number,
): LoadedLevel | undefined {
  const loaded = had?.entries ?? [];
  if (offset > loaded.length) return had;
  return {
    kind: page.kind,
    size: page.size,
    entries: [
      ...loaded.slice(0, offset),
      ...page.entries,
      ...loaded.slice(offset + page.entries.length),
    ],
  };
}

/** Whether two value rows show the same thing (rows are rebuilt on every change). */
export function sameValueRow(
  a: Extract<ShallowRow, { type: 'value' }>,
  b: Extract<ShallowRow, { type: 'value' }>,
) {
  return (
    a === b ||
    (a.pointer === b.pointer &&
      a.key === b.key &&
      a.depth === b.depth &&
      a.kind === b.kind &&
      a.size === b.size &&
      a.preview === b.preview &&
      a.length === b.length &&
      a.expandable === b.expandable &&
      a.expanded === b.expanded &&
      a.loading === b.loading)
  );
}

/** The value a primitive's preview stands for, when the preview is all of it. */
export function previewValue(row: {
  kind: JsonKindName;
  size?: number;
  preview?: string;
  length?: number;
}) {
  if (isContainer(row.kind) || row.length !== undefined || row.preview === undefined) {
    return { complete: false as const };
  }
  return { complete: true as const, value: JSON.parse(row.preview) as unknown };
}

/** The value at `segments` inside `value` (undefined when it is not there). */
export function valueAt(value: unknown, segments: readonly Segment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (typeof current !== 'object' || current === null) return undefined;
    current = (current as Record<string | number, unknown>)[segment];
  }
  return current;
}
