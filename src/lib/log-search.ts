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
