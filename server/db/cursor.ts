import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { invalid } from '../domain/errors';

/**
 * Keyset cursors of the newest-first lists: the position is the last row's timestamp `t` and its
 * unique tie-breaking key `k`, handed out as opaque base64url JSON.
 */
export interface KeysetCursor<K extends string | number> {
  t: string;
  k: K;
}

type Expr = AnyPgColumn | SQL;

/**
 * A timestamp to the microsecond as ISO text: a JS Date keeps only milliseconds, and a cursor
 * made from one would skip rows that share its millisecond but sort after it.
 */
export const exactAt = (at: Expr) =>
  sql<string>`to_char(${at} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/** Matches the list indexes (DESC NULLS LAST) exactly, so the planner walks them instead of sorting. */
export const newestFirst = (at: Expr, key: Expr) => [
  sql`${at} DESC NULLS LAST`,
  sql`${key} DESC NULLS LAST`,
];

/** A row comparison, so the keyset condition is an index range, not a filter. */
export const olderThan = (at: Expr, key: Expr, c: KeysetCursor<string | number>) =>
  sql`(${at}, ${key}) < (${c.t}::timestamptz, ${c.k})`;

/** What exactAt hands out; anything else would reach PostgreSQL's timestamptz parser. */
const EXACT_AT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export const encodeCursor = (c: KeysetCursor<string | number>) =>
  Buffer.from(JSON.stringify(c)).toString('base64url');

/** `field` names the parameter in the 400 a cursor this server did not hand out gets. */
export function decodeCursor<K extends string | number>(
  raw: string,
  isKey: (k: unknown) => k is K,
  field: string,
): KeysetCursor<K> {
  try {
    const c = JSON.parse(Buffer.from(raw, 'base64url').toString()) as Partial<KeysetCursor<K>>;
    if (typeof c.t === 'string' && EXACT_AT.test(c.t) && isKey(c.k)) {
      return { t: c.t, k: c.k };
    }
  } catch {
    // falls through to the error below
  }
  throw invalid(`${field} is not a cursor this server handed out; start again without it`);
}

/** Keys are ids this server made: short, and never U+0000 (which PostgreSQL cannot hold). */
export const isStringKey = (k: unknown): k is string =>
  typeof k === 'string' && k.length <= 200 && !k.includes('\u0000');
export const isSeqKey = (k: unknown): k is number => Number.isSafeInteger(k) && (k as number) >= 0;
