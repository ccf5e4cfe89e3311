export interface FieldChange {
  /** Dotted path of the changed value, e.g. `properties.version`. */
  path: string;
  before: unknown;
  after: unknown;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const keyPath = (prefix: string, key: string) =>
  prefix === ''
    ? key
    : /^[A-Za-z_$][\w$-]*$/.test(key)
      ? `${prefix}.${key}`
      : `${prefix}["${key}"]`;

const objectOrEmpty = (v: unknown, other: unknown) =>
  v === undefined && isPlainObject(other) ? {} : v;

function walk(prefix: string, beforeValue: unknown, afterValue: unknown, out: FieldChange[]) {
  // An object that appears or disappears is listed leaf by leaf, like one that changed.
  const before = objectOrEmpty(beforeValue, afterValue);
  const after = objectOrEmpty(afterValue, beforeValue);
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    for (const key of keys) walk(keyPath(prefix, key), before[key], after[key], out);
    return;
  }
  // Arrays and scalars compare as whole values: an element-by-element diff of a list misleads.
  if (JSON.stringify(before) !== JSON.stringify(after)) {
    out.push({ path: prefix, before: beforeValue, after: afterValue });
  }
}

/**
 * The values that differ between an audit entry's before and after (objects are compared key by
 * key down to their leaves). A created entity is all "after", a deleted one all "before".
 */
export function changedFields(
  before: Record<string, unknown> | null,
  after: Record<string, unknown> | null,
): FieldChange[] {
  const out: FieldChange[] = [];
  walk('', before ?? {}, after ?? {}, out);
  return out;
}

/** A changed value as one line of text ("–" when absent). */
export const formatValue = (value: unknown) =>
  value === undefined ? '–' : typeof value === 'string' ? value : JSON.stringify(value);
