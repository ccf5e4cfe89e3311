import type { LogCounts } from '../../contract/workflows';
import type { DbOrTx } from '../db/client';
import { toNodeRunLogLine } from '../db/serialize';
import { parseSeqCursor, readLogPage, type LogScope } from '../db/workflow-runs';
import type { LogPageParts } from './log-page-gzip';

/**
 * The newest lines of the logs being read on this server, each serialized once (its JSON text
 * in a page or a stream event), by scope (a node run, or a whole run) and sequence number. A
 * stored line never changes and a scope's numbers have no gaps (a write numbers its lines under
 * the run's lock), so a kept line is the database's line: 200 viewers polling or streaming 8 node
 * runs read and serialize each line about once, not once each. A window per scope holds up to
 * WINDOW_LINES consecutive lines, grown by the reads that follow it; the least recently used
 * scopes go past WINDOWS. What is not in a window (an old page, a filtered or searched one) is
 * read as before. Nothing here decides anything: a second server simply keeps its own copy.
 */
const WINDOW_LINES = 10_000;
/** …and up to this many characters of JSON (a line may be 64 KiB): at most ~64 MB in all. */
const WINDOW_CHARS = 2_000_000;
const WINDOWS = 16;

interface Window {
  /** The seq of `lines[0]`. */
  from: number;
  lines: string[];
  /** The characters of `lines`. */
  chars: number;
}

const charsOf = (lines: string[]) => lines.reduce((n, l) => n + l.length, 0);

const windows = new Map<string, Window>();
const stats = { hits: 0, misses: 0 };

/** How often a page came from the windows, for tests and the bench. */
export const logLineCacheStats = () => ({ ...stats });

const scopeKey = (of: LogScope['of']) => ('nodeRun' in of ? `n:${of.nodeRun}` : `r:${of.run}`);

function lookup(key: string, first: number, last: number): string[] | null {
  const w = windows.get(key);
  if (!w || first < w.from || last >= w.from + w.lines.length) return null;
  windows.delete(key);
  windows.set(key, w);
  return w.lines.slice(first - w.from, last - w.from + 1);
}

/** Keeps `lines` (seq `first` on, consecutive) when they extend or follow the scope's window. */
function keep(key: string, first: number, lines: string[]) {
  if (lines.length === 0) return;
  const w = windows.get(key);
  const end = w ? w.from + w.lines.length : 0;
  if (w && first >= w.from && first <= end) {
    const fresh = lines.slice(end - first);
    for (const line of fresh) w.lines.push(line);
    w.chars += charsOf(fresh);
  } else if (!w || first > end) {
    windows.delete(key);
    const tail = lines.slice(-WINDOW_LINES);
    windows.set(key, {
      from: first + lines.length - tail.length,
      lines: tail,
      chars: charsOf(tail),
    });
  } else {
    return; // older than the window: a reader far behind keeps nothing
  }
  const kept = windows.get(key)!;
  // Trimmed once half again over a bound, so the copy is paid once per many lines kept.
  if (kept.lines.length > WINDOW_LINES * 1.5 || kept.chars > WINDOW_CHARS * 1.5) {
    let drop = Math.max(0, kept.lines.length - WINDOW_LINES);
    let chars = kept.chars - charsOf(kept.lines.slice(0, drop));
    while (chars > WINDOW_CHARS && drop < kept.lines.length - 1)
      chars -= kept.lines[drop++]!.length;
    kept.lines = kept.lines.slice(drop);
    kept.from += drop;
    kept.chars = chars;
  }
  while (windows.size > WINDOWS) windows.delete(windows.keys().next().value!);
}

const extending = new Map<string, Promise<void>>();

/** Reads the lines after seq `end` into the scope's window; one read per window end at a time. */
function extend(db: DbOrTx, scope: LogScope, key: string, end: number) {
  const at = `${key}@${end}`;
  let read = extending.get(at);
  if (!read) {
    read = readLogPage(db, scope, { cursor: String(end), limit: WINDOW_LINES, total: 'false' })
      .then((page) => {
        if (page.rows[0]?.[page.seqOf] !== end + 1) return;
        keep(
          key,
          end + 1,
          page.rows.map((r) => JSON.stringify(toNodeRunLogLine(r, page.seqOf))),
        );
      })
      .finally(() => extending.delete(at));
    extending.set(at, read);
  }
  return read;
}

/**
 * The serialized lines after `after` up to `upTo` (at most `limit`), from the window or read
 * (unfiltered: every level, no search) and kept. A read may return lines committed after
 * `upTo` was read; they are as good.
 */
export async function linesAfter(
  db: DbOrTx,
  scope: LogScope,
  after: number,
  upTo: number,
  limit: number,
): Promise<string[]> {
  const last = Math.min(upTo, after + limit);
  if (last <= after) return [];
  const key = scopeKey(scope.of);
  const w = windows.get(key);
  if (w && after >= w.from - 1 && after < w.from + w.lines.length) {
    // The window holds the first line asked for: only the lines after it are read, once for
    // every reader that needs them (writes go on all the time, so most readers do).
    const end = w.from + w.lines.length - 1;
    if (last > end) await extend(db, scope, key, end);
    const hit = lookup(key, after + 1, last);
    if (hit) {
      stats.hits++;
      return hit;
    }
  }
  stats.misses++;
  const read = await readLogPage(db, scope, { cursor: String(after), limit, total: 'false' });
  const lines = read.rows.map((r) => JSON.stringify(toNodeRunLogLine(r, read.seqOf)));
  const firstSeq = read.rows[0]?.[read.seqOf];
  if (firstSeq === after + 1) keep(key, firstSeq, lines);
  return lines;
}

/**
 * A log poll's page built from serialized lines (JSON text with `pageText`, gzipped with its
 * aligned blocks compressed once with `pageGzip`), when the query is one the windows serve (every
 * level, no search, from a cursor, not `total=only`); null otherwise. The same body `pollLogs`
 * answers otherwise: `{ok, logs, nextCursor, total?, counts}`.
 */
export async function cachedLogPage(
  db: DbOrTx,
  scope: LogScope & { lastSeq: number; counts: LogCounts },
  query: {
    level?: unknown[];
    q?: string;
    tail?: string;
    total?: string;
    cursor?: string;
    limit: number;
  },
): Promise<LogPageParts | null> {
  if (query.level?.length || query.q || query.tail === 'true' || query.total === 'only') {
    return null;
  }
  const after = parseSeqCursor(query.cursor);
  const lines = await linesAfter(db, scope, after, scope.lastSeq, query.limit);
  const lastSeq = after + lines.length;
  const nextCursor = scope.finished && lines.length < query.limit ? null : String(lastSeq);
  const c = scope.counts;
  const total = query.total === 'false' ? '' : `,"total":${c.DEBUG + c.INFO + c.WARN + c.ERROR}`;
  return {
    scope: scopeKey(scope.of),
    after,
    lines,
    suffix: `],"nextCursor":${JSON.stringify(nextCursor)}${total},"counts":${JSON.stringify(c)}}`,
  };
}
