/**
 * URL search validation: each field parses its raw value or falls back to "absent", like zod's
 * `.optional().catch(undefined)`. Hand-written because zod (even zod/mini) would add ~15 KB gzip to
 * the first route, which must stay under 200 KB; these schemas are the only zod the entry needs.
 */
export type Param<T> = (raw: unknown) => T | undefined;

/** The router JSON-parses values, so `?q=123` arrives as a number: accept it as text. */
const asText = (raw: unknown) =>
  typeof raw === 'string'
    ? raw
    : typeof raw === 'number' || typeof raw === 'boolean'
      ? String(raw)
      : undefined;

export const textParam =
  (max: number): Param<string> =>
  (raw) => {
    const s = asText(raw);
    return s !== undefined && s.length > 0 && s.length <= max ? s : undefined;
  };

export const enumParam =
  <const T extends readonly string[]>(values: T): Param<T[number]> =>
  (raw) => {
    const s = asText(raw);
    return s !== undefined && (values as readonly string[]).includes(s) ? s : undefined;
  };

/**
 * A list of allowed values written as one plain comma-separated value (`?level=WARN,ERROR`).
 * Also reads the JSON arrays older links carry (`?level=["ERROR"]`, which the router hands over
 * already parsed). Any unknown item drops the whole list.
 */
export const listParam =
  <const T extends readonly string[]>(values: T): Param<string> =>
  (raw) => {
    const parts = Array.isArray(raw) ? raw : (asText(raw)?.split(',') ?? []);
    const items = parts.map(enumParam(values));
    return items.length > 0 && items.every((v) => v !== undefined) ? items.join(',') : undefined;
  };

/** `?wrap=1`, `true`, `0`, `false` (or the booleans the router hands over). */
export const flagParam: Param<boolean> = (raw) => {
  const s = asText(raw);
  if (s === '1' || s === 'true') return true;
  if (s === '0' || s === 'false') return false;
  return undefined;
};

export const positiveIntParam: Param<number> = (raw) => {
  const n = typeof raw === 'number' ? raw : Number(asText(raw));
  return Number.isInteger(n) && n > 0 ? n : undefined;
};

/** An ISO date-time with its offset, e.g. `2026-01-01T00:00:00Z`. */
export const isoDateTimeParam: Param<string> = (raw) => {
  const s = asText(raw);
  return s &&
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(s) &&
    !Number.isNaN(Date.parse(s))
    ? s
    : undefined;
};

export type SearchOf<S extends Record<string, Param<unknown>>> = {
  [K in keyof S]?: S[K] extends Param<infer T> ? T : never;
};

/** A route's `validateSearch`: known fields parsed, invalid ones dropped, unknown ones ignored. */
export function searchSchema<S extends Record<string, Param<unknown>>>(shape: S) {
  return (search: Record<string, unknown>): SearchOf<S> => {
    const out: Record<string, unknown> = {};
    for (const [key, parse] of Object.entries(shape)) {
      const value = parse(search[key]);
      if (value !== undefined) out[key] = value;
    }
    return out as SearchOf<S>;
  };
}

/** Whether any filter of a parsed search is set (absent ones are `undefined`). */
export const anyFilterSet = (filters: object): boolean =>
  Object.values(filters).some((v) => v !== undefined);

/** A date range's keys: its preset, or its two ends, are one filter. */
const DATE_KEYS: readonly string[] = ['range', 'from', 'to'];

/** How many filters of a parsed search are set, a date range (preset or ends) counting once. */
export function activeFilterCount(filters: object): number {
  const set = Object.entries(filters)
    .filter(([, v]) => v !== undefined)
    .map(([k]) => k);
  const dates = set.filter((k) => DATE_KEYS.includes(k)).length;
  return set.length - dates + (dates > 0 ? 1 : 0);
}
