import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** contract/log-text.ts's ANSI pattern (CSI and OSC sequences) as a PostgreSQL regular expression. */
export const ANSI_PATTERN = '\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)';

const escapeLike = (q: string) => q.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * A log message containing `q`, case-insensitively, as a person sees it: colour codes do not
 * match (searching "31m" does not find every red line). No index serves it: the scope's lines are
 * read in order (node_run_lines has no index on the message, see schema.ts), so the raw match
 * comes first as the cheap test, and only lines holding an escape character are checked again
 * without their codes. A `q` without cased letters (digits, ids, punctuation) is matched with
 * `LIKE`, the same answer about 2.5 times faster than `ILIKE` (bench/log-storage.ts).
 */
export function messageMatches(message: SQLWrapper, q: string): SQL {
  const pattern = `%${escapeLike(q)}%`;
  const like = q.toLowerCase() === q.toUpperCase() ? sql`LIKE` : sql`ILIKE`;
  return sql`(${message} ${like} ${pattern} AND (strpos(${message}, ${'\u001b'}) = 0 OR regexp_replace(${message}, ${ANSI_PATTERN}, '', 'g') ${like} ${pattern}))`;
}
