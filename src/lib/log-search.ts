import type { LogLevel } from '../../contract/workflows';
import { flagParam, listParam, positiveIntParam, textParam, type SearchOf } from './search-params';

/** A log viewer's state in the URL (?level=WARN,ERROR&q=…&grep=1&line=…&wrap=1&follow=1). */
export const logSearchShape = {
  level: listParam(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  q: textParam(500),
  /** Only the lines matching `q` (grep mode), fetched from the server filtered. */
  grep: flagParam,
  line: positiveIntParam,
  wrap: flagParam,
  follow: flagParam,
};
export type LogSearch = SearchOf<typeof logSearchShape>;

const LOG_SEARCH_KEYS = Object.keys(logSearchShape) as (keyof LogSearch)[];

/**
 * A page's search split in two: the log viewer's fields, and the rest. A page that reads only
 * the rest (and its viewer the log's fields) is not rendered again when a level chip, the search
 * box or a line's link changes the URL — only its viewer is.
 */
export function logSearchOf(search: LogSearch): LogSearch {
  const out: Record<string, unknown> = {};
  for (const key of LOG_SEARCH_KEYS) if (search[key] !== undefined) out[key] = search[key];
  return out as LogSearch;
}

export function withoutLogSearch<S extends LogSearch>(search: S): Omit<S, keyof LogSearch> {
  const out: Record<string, unknown> = { ...search };
  for (const key of LOG_SEARCH_KEYS) delete out[key];
  return out as Omit<S, keyof LogSearch>;
}

/** What a log viewer shows (controlled by its page, which keeps it in the URL). */
export interface LogViewState {
  levels: LogLevel[];
  q: string;
  /** Show only the lines matching `q`, with their own line numbers. */
  grep: boolean;
  line: number | null;
  wrap: boolean;
  follow: boolean;
}

/** Follow defaults to on while lines may still arrive. */
export const logStateFromSearch = (search: LogSearch, live: boolean): LogViewState => ({
  // listParam only lets known levels through.
  levels: (search.level?.split(',') ?? []) as LogLevel[],
  q: search.q ?? '',
  grep: search.grep ?? false,
  line: search.line ?? null,
  wrap: search.wrap ?? false,
  follow: search.follow ?? live,
});

/** A viewer's state change as a URL patch: defaults are left out of the URL. */
export const logSearchPatch = (patch: Partial<LogViewState>): LogSearch => ({
  ...('levels' in patch
    ? { level: patch.levels?.length ? patch.levels.join(',') : undefined }
    : {}),
  ...('q' in patch ? { q: patch.q || undefined } : {}),
  ...('grep' in patch ? { grep: patch.grep || undefined } : {}),
  ...('line' in patch ? { line: patch.line ?? undefined } : {}),
  ...('wrap' in patch ? { wrap: patch.wrap || undefined } : {}),
  ...('follow' in patch ? { follow: patch.follow } : {}),
});
