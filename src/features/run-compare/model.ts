import type { NodeRun, WorkflowRun } from '../../../contract/workflows';

/** Pure logic of the comparison page: JSON diff, node alignment, log alignment. */

// ---- JSON ----------------------------------------------------------------------------------

export type DiffKind = 'same' | 'added' | 'removed' | 'changed';

export interface DiffRow {
  /** Template-style path, e.g. `.outputs.load.rows` or `.items[3].id`; '' for the root. */
  path: string;
  kind: DiffKind;
  /** Short previews of the value on each side (undefined where it does not exist). */
  left?: string;
  right?: string;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const childPath = (path: string, key: string) =>
  /^[A-Za-z_$][\w$-]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;

const PREVIEW_MAX = 160;

/** A one-line preview of a value: containers as their size, long strings cut. */
export function preview(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[ ${value.length} items ]`;
  if (isObject(value)) {
    const n = Object.keys(value).length;
    return n === 0 ? '{}' : `{ ${n} ${n === 1 ? 'key' : 'keys'} }`;
  }
  const text = value === undefined ? 'undefined' : JSON.stringify(value);
  return text.length > PREVIEW_MAX ? `${text.slice(0, PREVIEW_MAX - 1)}…` : text;
}

export interface JsonDiff {
  rows: DiffRow[];
  added: number;
  removed: number;
  changed: number;
}

/**
 * Structural diff: objects key by key (the left's order, then keys only the right has), arrays
 * index by index, leaves by value. A subtree that exists on one side only is one row. With
 * `includeSame`, unchanged leaves are listed too (for a full side-by-side reading).
 */
export function diffJson(left: unknown, right: unknown, includeSame = false): JsonDiff {
  const out: JsonDiff = { rows: [], added: 0, removed: 0, changed: 0 };
  const walk = (path: string, a: unknown, b: unknown) => {
    if (a === undefined && b === undefined) return;
    if (a === undefined) {
      out.added++;
      out.rows.push({ path, kind: 'added', right: preview(b) });
      return;
    }
    if (b === undefined) {
      out.removed++;
      out.rows.push({ path, kind: 'removed', left: preview(a) });
      return;
    }
    if (isObject(a) && isObject(b)) {
      for (const key of Object.keys(a)) walk(childPath(path, key), a[key], b[key]);
      for (const key of Object.keys(b))
        if (!(key in a)) walk(childPath(path, key), undefined, b[key]);
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) {
        walk(`${path}[${i}]`, i < a.length ? a[i] : undefined, i < b.length ? b[i] : undefined);
      }
      return;
    }
    if (Object.is(a, b)) {
      if (includeSame) out.rows.push({ path, kind: 'same', left: preview(a), right: preview(b) });
      return;
    }
    out.changed++;
    out.rows.push({ path, kind: 'changed', left: preview(a), right: preview(b) });
  };
  walk('', left, right);
  return out;
}

// ---- nodes ---------------------------------------------------------------------------------

export interface NodeSide {
  nodeRun: NodeRun;
  /** ms from the run's start to the node run's start. */
  startOffsetMs: number;
  /** null while in progress. */
  durationMs: number | null;
}

export type NodeChange = 'result' | 'slower' | 'faster' | 'only-left' | 'only-right' | null;

export interface NodePair {
  nodeIdentifier: string;
  title: string;
  left: NodeSide | null;
  right: NodeSide | null;
  change: NodeChange;
}

/** "Much longer": at least half as long again and at least a second more. */
export const SLOWER_RATIO = 1.5;
export const SLOWER_MIN_MS = 1000;

const ms = (iso: string) => Date.parse(iso);

function side(run: WorkflowRun, nodeRun: NodeRun | undefined): NodeSide | null {
  if (!nodeRun) return null;
  return {
    nodeRun,
    startOffsetMs: ms(nodeRun.createdAt) - ms(run.createdAt),
    durationMs: nodeRun.completedAt ? ms(nodeRun.completedAt) - ms(nodeRun.createdAt) : null,
  };
}

function changeOf(l: NodeSide | null, r: NodeSide | null): NodeChange {
  if (!l) return 'only-right';
  if (!r) return 'only-left';
  if (l.nodeRun.result !== r.nodeRun.result) return 'result';
  if (l.durationMs !== null && r.durationMs !== null) {
    const grew = r.durationMs - l.durationMs;
    if (grew >= SLOWER_MIN_MS && r.durationMs >= l.durationMs * SLOWER_RATIO) return 'slower';
    if (-grew >= SLOWER_MIN_MS && l.durationMs >= r.durationMs * SLOWER_RATIO) return 'faster';
  }
  return null;
}

/** The latest node run of each node. */
const lastByNode = (run: WorkflowRun) => {
  const map = new Map<string, NodeRun>();
  for (const n of run.nodeRuns) map.set(n.nodeIdentifier, n);
  return map;
};

/**
 * Node by node, in the order the nodes started (the left run's order, then nodes only the right
 * ran), each with both sides and what changed from left to right.
 */
export function alignNodes(left: WorkflowRun, right: WorkflowRun): NodePair[] {
  const l = lastByNode(left);
  const r = lastByNode(right);
  const order = [...l.keys(), ...[...r.keys()].filter((k) => !l.has(k))];
  return order.map((id) => {
    const a = side(left, l.get(id));
    const b = side(right, r.get(id));
    const any = (a ?? b)!.nodeRun;
    return {
      nodeIdentifier: id,
      title: any.nodeTitle ?? id,
      left: a,
      right: b,
      change: changeOf(a, b),
    };
  });
}

// ---- logs ----------------------------------------------------------------------------------

const NORMALIZERS: [RegExp, string][] = [
  // ISO 8601 / RFC 3339 timestamps and bare times of day
  [/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?/g, '<time>'],
  [/\b\d{2}:\d{2}:\d{2}(\.\d+)?\b/g, '<time>'],
  // UUIDs, Port-style ids, long hex (hashes, request ids)
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>'],
  [/\b(wfr|wfnr|r|e|wfn)_[A-Za-z0-9]{6,}\b/g, '<id>'],
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{8,}\b/gi, '<id>'],
  // durations ("in 4.2 s", "took 830 ms")
  [/\b\d+(\.\d+)?\s?(ms|s|sec|secs|seconds|m|min|minutes)\b/g, '<duration>'],
];

/** A log line with what always differs between two runs (times, ids, durations) masked. */
export function normalizeLine(message: string): string {
  let out = message;
  for (const [pattern, mask] of NORMALIZERS) out = out.replace(pattern, mask);
  return out.trim();
}

export interface AlignedRow {
  /** Index into the left / right lines, null for a gap on that side. */
  left: number | null;
  right: number | null;
  same: boolean;
}

export interface Alignment {
  rows: AlignedRow[];
  /** Lines of each side the alignment has used (the rest waits for more lines). */
  usedLeft: number;
  usedRight: number;
}

/** How far ahead a resync looks for the other side's line after a difference. */
export const RESYNC_WINDOW = 50;

/**
 * Aligns two logs line by line (pass them normalized, see `normalizeLine`). On a difference it looks up to
 * `RESYNC_WINDOW` lines ahead on each side for the nearest match and fills the skipped lines of
 * the other side with gaps; without one it pairs the two lines as changed. Linear in the lines
 * (times the window), so it runs on the loaded prefix of two huge logs. A side that is not
 * `done` may still grow, so alignment stops where its loaded lines end.
 */
export function alignLogs(
  left: readonly string[],
  right: readonly string[],
  done: { left: boolean; right: boolean } = { left: true, right: true },
): Alignment {
  const rows: AlignedRow[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const leftOut = i >= left.length;
    const rightOut = j >= right.length;
    if ((leftOut && !done.left) || (rightOut && !done.right)) break;
    if (leftOut && rightOut) break;
    if (leftOut) {
      rows.push({ left: null, right: j++, same: false });
      continue;
    }
    if (rightOut) {
      rows.push({ left: i++, right: null, same: false });
      continue;
    }
    if (left[i] === right[j]) {
      rows.push({ left: i++, right: j++, same: true });
      continue;
    }
    let skipLeft = -1;
    let skipRight = -1;
    for (let d = 1; d <= RESYNC_WINDOW; d++) {
      if (skipLeft < 0 && i + d < left.length && left[i + d] === right[j]) skipLeft = d;
      if (skipRight < 0 && j + d < right.length && left[i] === right[j + d]) skipRight = d;
      if (skipLeft >= 0 || skipRight >= 0) break;
    }
    if (skipLeft > 0 && (skipRight < 0 || skipLeft <= skipRight)) {
      for (let k = 0; k < skipLeft; k++) rows.push({ left: i++, right: null, same: false });
    } else if (skipRight > 0) {
      for (let k = 0; k < skipRight; k++) rows.push({ left: null, right: j++, same: false });
    } else {
      rows.push({ left: i++, right: j++, same: false });
    }
  }
  return { rows, usedLeft: i, usedRight: j };
}

/** Index of the first aligned row that differs, or -1. */
export const firstDivergence = (rows: readonly AlignedRow[]) => rows.findIndex((r) => !r.same);
