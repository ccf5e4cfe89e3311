import type { RunLog } from '../../../contract/actions';
import type { LogCounts, LogLine, LogsPage } from '../../../contract/workflows';
import { api, type ApiResponse } from '../../lib/api';
import { stripAnsi } from '../../../contract/log-text';
import { MAX_FETCH, normalizeLevels } from './model';

/**
 * An action run's log through the workflow-log page contract the store speaks. Port's action-run
 * log API pages by cursor only (no level, search, tail or total), and action-run logs are short,
 * so the lines are kept here whole, fetched incrementally by cursor, and filtered in memory.
 */
interface Fetched {
  lines: LogLine[];
  /** Null once the server said the run ended and nothing follows: never ask again. */
  cursor: string | null;
  /** The newest fetch in flight; the next one starts after it. */
  loading: Promise<void> | null;
}

const fetched = new Map<string, Fetched>();

export function clearActionRunLogs() {
  fetched.clear();
}

const toLogLine = (log: RunLog): LogLine => ({
  id: log.id,
  seq: log.seq,
  nodeRunIdentifier: log.runId,
  logLevel: log.level,
  log: log.message,
  tags: {},
  createdAt: log.createdAt,
});

async function fetchNew(runId: string, state: Fetched) {
  while (state.cursor !== null) {
    const page = await api<{ runLogs: RunLog[]; nextCursor: string | null }>(
      `/actions/runs/${encodeURIComponent(runId)}/logs`,
      { query: { cursor: state.cursor, limit: MAX_FETCH } },
    );
    state.lines.push(...page.runLogs.map(toLogLine));
    state.cursor = page.nextCursor;
    if (page.runLogs.length < MAX_FETCH) return;
  }
}

async function allLines(runId: string): Promise<LogLine[]> {
  let state = fetched.get(runId);
  if (!state) {
    state = { lines: [], cursor: '0', loading: null };
    fetched.set(runId, state);
  }
  const s = state;
  // Every call gets a fetch that starts after it was made: joining one already in flight could
  // answer from a read made before the change the caller is looking for (the run just ended
  // with a "Marked …" line, and the viewer's last poll would miss it and never poll again).
  const next = (s.loading ?? Promise.resolve())
    .catch(() => undefined)
    .then(() => fetchNew(runId, s));
  s.loading = next;
  void next
    .finally(() => {
      if (s.loading === next) s.loading = null;
    })
    .catch(() => undefined);
  await next;
  return s.lines;
}

type Query = Record<string, string | number | string[] | undefined>;

/** One page of a workflow-log query (`level`, `q`, `cursor`, `limit`, `tail`) over known lines. */
export function pageOfLines(lines: LogLine[], query: Query): LogsPage {
  const levels = normalizeLevels(
    (Array.isArray(query.level) ? query.level : []) as LogLine['logLevel'][],
  );
  const q = typeof query.q === 'string' ? query.q.toLowerCase() : '';
  const matching = lines.filter(
    (l) =>
      (levels.length === 0 || levels.includes(l.logLevel)) &&
      (q === '' || stripAnsi(l.log).toLowerCase().includes(q)),
  );
  const limit = Number(query.limit ?? MAX_FETCH);
  const after = Number(query.cursor ?? 0);
  const logs =
    query.tail === 'true'
      ? matching.slice(Math.max(0, matching.length - limit))
      : matching.filter((l) => l.seq > after).slice(0, limit);
  const last = logs[logs.length - 1];
  // The level chips' counts, as a workflow log page carries them: every known line, unfiltered.
  const counts: LogCounts = { DEBUG: 0, INFO: 0, WARN: 0, ERROR: 0 };
  for (const l of lines) counts[l.logLevel]++;
  return {
    ok: true,
    logs,
    nextCursor: String(last ? last.seq : after),
    total: matching.length,
    counts,
  };
}

/** Answers a workflow-log query for an action run, after fetching any new lines. */
export async function actionRunLogsPage(
  runId: string,
  query: Query,
): Promise<ApiResponse<LogsPage>> {
  return { body: pageOfLines(await allLines(runId), query), etag: null };
}
