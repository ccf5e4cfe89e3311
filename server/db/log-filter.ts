import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** contract/log-text.ts's ANSI pattern (CSI and OSC sequences) as a PostgreSQL regular expression. */
export const ANSI_PATTERN =
  '\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)';

const escapeLike = (q: string) => q.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * A log message containing `q`, case-insensitively, as a person sees it: colour codes neither
 * match (searching "31m" does not find every red line) nor split a match ("red alert" finds
 * "<red>red</red> alert"). Lines without an escape character, nearly all of them, are matched as
 * they are; only the others lose their codes first. A `q` without cased letters (digits, ids,
 * punctuation) is matched with `LIKE`, the same answer about 2.5 times faster than `ILIKE`
 * (bench/log-storage.ts). The chunk index (log-chunks.ts) narrows which lines are tested.
 */
export function messageMatches(message: SQLWrapper, q: string): SQL {
  const pattern = `%${escapeLike(q)}%`;
  const like = q.toLowerCase() === q.toUpperCase() ? sql`LIKE` : sql`ILIKE`;
  return sql`(CASE WHEN strpos(${message}, ${'\u001b'}) = 0 THEN ${message} ${like} ${pattern}
                   ELSE regexp_replace(${message}, ${ANSI_PATTERN}, '', 'g') ${like} ${pattern} END)`;
}

/**
 * A block of log lines (db/log-blocks.ts; `text`, its messages joined by newlines) that may hold
 * a message containing `q` as messageMatches tells: its text contains `q` as it is, or holds a
 * colour code (whose lines messageMatches strips first). Tested once a block, before its lines
 * are unnested: a block without the term is never unnested. Beside messageMatches, never instead.
 * Left out of a whole scope's count (withoutBlockTests): a term the chunk index could not narrow
 * is in most blocks, where the test only adds its cost.
 */
export function blockMayMatch(text: SQLWrapper, q: string): SQL {
  const pattern = `%${escapeLike(q)}%`;
  const like = q.toLowerCase() === q.toUpperCase() ? sql`LIKE` : sql`ILIKE`;
  // The term first: `text` is built (array_to_string, about 0.3 µs a line) once for a block that
  // holds it, twice for one that does not. (The other order built it twice for every block: a
  // count of " returned 502" in one process at 2M lines, every block holding it, 2 664 -> 2 434
  // ms in psql.)
  const test = sql`(${text} ${like} ${pattern} OR strpos(${text}, ${'\u001b'}) > 0)`;
  blockTests.add(test);
  return test;
}

const blockTests = new WeakSet<SQL>();

/**
 * `filters` without blockMayMatch's tests. For a count of a whole scope: with the term in every
 * block, the test doubled it (" returned 502" at 2M lines in 100-line blocks, in parallel: 755 ms
 * without, 1 488 with).
 */
export const withoutBlockTests = (filters: readonly SQL[]) =>
  filters.filter((f) => !blockTests.has(f));
