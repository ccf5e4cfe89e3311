import { sql, type SQL, type SQLWrapper } from 'drizzle-orm';

/** contract/log-text.ts's ANSI pattern (CSI and OSC sequences) as a PostgreSQL regular expression. */
const ANSI_PATTERN = '\u001b\\[[0-?]*[ -/]*[@-~]|\u001b\\][^\u0007\u001b]*(\u0007|\u001b\\\\)';

const escapeLike = (q: string) => q.replace(/[\\%_]/g, (ch) => `\\${ch}`);

/**
 * A log message containing `q`, case-insensitively, as a person sees it: colour codes do not
 * match (searching "31m" does not find every red line). The raw `ILIKE` keeps the trigram index
 * doing the work; only lines holding an escape character are checked again without their codes.
 */
export function messageMatches(message: SQLWrapper, q: string): SQL {
  const pattern = `%${escapeLike(q)}%`;
  return sql`(${message} ILIKE ${pattern} AND (strpos(${message}, ${'\u001b'}) = 0 OR regexp_replace(${message}, ${ANSI_PATTERN}, '', 'g') ILIKE ${pattern}))`;
}
