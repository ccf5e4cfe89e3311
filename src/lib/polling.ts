import { hashKey, type Query, type QueryKey } from '@tanstack/react-query';
import { apiRequest, onSignOut, type RequestOptions } from './api';

/** First interval while something is in progress; polls that come back unchanged slow it down. */
export const FAST_POLL_MS = 2_000;
export const SLOW_POLL_MS = 10_000;

/** 2 s while things change; after three unchanged polls in a row 4 s, then 8 s, then 10 s. */
export function pollInterval(unchangedPolls: number): number {
  if (unchangedPolls < 3) return FAST_POLL_MS;
  return Math.min(SLOW_POLL_MS, FAST_POLL_MS * 2 ** (unchangedPolls - 2));
}

/**
 * The one decision: no polling for data that is finished, else back off. A failed refresh keeps
 * polling at the slow interval: a short network loss must not freeze a page that is in progress.
 */
export function decideRefetchInterval(
  finished: boolean,
  unchangedPolls: number,
  failed = false,
): number | false {
  if (finished) return false;
  return failed ? SLOW_POLL_MS : pollInterval(unchangedPolls);
}

interface Conditional {
  etag: string | null;
  body: unknown;
}
/** Last ETag and body per query, so an unchanged poll is a 304 that returns the cached body. */
const conditionals = new Map<string, Conditional>();
/** Unchanged polls in a row per query: what the interval backs off by. */
const unchanged = new Map<string, number>();

/** Records one poll's outcome for the back-off: changed resets it, unchanged slows it down. */
export function notePoll(queryHash: string, changed: boolean) {
  unchanged.set(queryHash, changed ? 0 : (unchanged.get(queryHash) ?? 0) + 1);
}

export const unchangedPolls = (queryHash: string) => unchanged.get(queryHash) ?? 0;

// Another user's session must not be answered from this one's bodies.
onSignOut(() => {
  conditionals.clear();
  unchanged.clear();
});

/**
 * GET with If-None-Match, remembered per query key. Counts unchanged answers (304s) so the
 * polling interval can back off.
 */
export async function conditionalGet<T>(
  queryKey: QueryKey,
  path: string,
  options: Pick<RequestOptions, 'query' | 'signal'> = {},
): Promise<T> {
  const hash = hashKey(queryKey);
  const previous = conditionals.get(hash);
  const res = await apiRequest<T>(path, { ...options, etag: previous?.etag ?? null });
  if (res === null && previous) {
    notePoll(hash, false);
    return previous.body as T;
  }
  if (res === null) throw new Error(`Unexpected 304 for ${path}`);
  conditionals.set(hash, { etag: res.etag, body: res.body });
  notePoll(hash, true);
  return res.body;
}

/**
 * Query options for data that changes while in progress: poll (visible tab only) until
 * `isFinished`, then never refetch again — not on an interval, not on mount, not on focus.
 */
export function pollWhileInProgress<TData>(isFinished: (data: TData) => boolean) {
  const finished = (query: Query<TData, Error, TData, QueryKey>) =>
    query.state.data !== undefined && isFinished(query.state.data);
  return {
    refetchInterval: (query: Query<TData, Error, TData, QueryKey>) =>
      decideRefetchInterval(
        finished(query),
        unchangedPolls(query.queryHash),
        query.state.status === 'error',
      ),
    refetchIntervalInBackground: false,
    staleTime: (query: Query<TData, Error, TData, QueryKey>) => (finished(query) ? Infinity : 0),
  } as const;
}

/**
 * Query options for a poll whose data does not say whether it is finished (a log view: its page
 * knows whether lines may still arrive). While `live`, polls by the same policy (the queryFn
 * reports each outcome through notePoll); otherwise only an invalidation fetches it again.
 */
export function pollWhileLive(live: boolean) {
  return {
    refetchInterval: (query: Pick<Query, 'queryHash' | 'state'>) =>
      decideRefetchInterval(!live, unchangedPolls(query.queryHash), query.state.status === 'error'),
    refetchIntervalInBackground: false,
    // Only an invalidation makes it stale; a view shown again after one polls on mount.
    staleTime: Infinity,
  } as const;
}

/** A "new items?" probe is not urgent: at least 5 s, slowing down like the rest when idle. */
export const probeInterval = (queryHash: string) =>
  Math.max(5_000, pollInterval(unchangedPolls(queryHash)));
