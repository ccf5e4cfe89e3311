import { sql } from 'drizzle-orm';
import { selectRows, type DbOrTx } from './client';

/**
 * The counts of search terms in sealed lines (schema.ts `log_search_counts`): a node run's lines
 * up to its last sealed chunk never change, so the matches of a term there, once counted, are
 * kept and a later count of the same term reads only the lines after them.
 */

/** Rows kept (~100 bytes each); past it the oldest go. */
export const LOG_COUNT_CACHE_ROWS = 10_000;

export interface CountKey {
  nodeKey: number;
  /** The search term as the API got it (`q`): ILIKE or LIKE, the same pattern each time. */
  term: string;
  /** The level filter, sorted and joined ('' for all levels). */
  levels: string;
}

export interface SealedCount {
  /** The matches in lines (0, sealedTo]. */
  matches: number;
  sealedTo: number;
}

export async function cachedCount(db: DbOrTx, key: CountKey): Promise<SealedCount | null> {
  const [row] = await selectRows<SealedCount>(
    db,
    sql`SELECT matches, sealed_to AS "sealedTo" FROM log_search_counts
        WHERE node_key = ${key.nodeKey} AND term = ${key.term} AND levels = ${key.levels}`,
  );
  return row ?? null;
}

/**
 * Keeps `count` for the key, unless a count further along is kept already; then drops the
 * oldest rows past LOG_COUNT_CACHE_ROWS (a range of the id index: a few rows at a time).
 */
export async function storeCount(
  db: DbOrTx,
  key: CountKey & { runKey: number },
  count: SealedCount,
): Promise<void> {
  if (count.sealedTo <= 0) return;
  await db.execute(
    sql`WITH kept AS (
          INSERT INTO log_search_counts (node_key, term, levels, run_key, sealed_to, matches)
          VALUES (${key.nodeKey}, ${key.term}, ${key.levels}, ${key.runKey}, ${count.sealedTo},
                  ${count.matches})
          ON CONFLICT (node_key, term, levels) DO UPDATE
            SET sealed_to = excluded.sealed_to, matches = excluded.matches
            WHERE log_search_counts.sealed_to < excluded.sealed_to
          RETURNING id)
        DELETE FROM log_search_counts
        WHERE id <= (SELECT id - ${LOG_COUNT_CACHE_ROWS} FROM kept)`,
  );
}
