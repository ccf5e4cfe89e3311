import { infiniteQueryOptions, queryOptions, type Query } from '@tanstack/react-query';
import { api, type RequestOptions } from './api';
import { conditionalGet, probeInterval } from './polling';

export const PAGE_SIZE = 50;
export const PROBE_SIZE = 20;

/**
 * How many of the newest items (`latest`, the probe's answer) a newest-first list does not show
 * yet: those it does not hold, from its top item's time on (an older one is a row scrolled past,
 * not a new one). The "N new …" banner's count.
 */
export function newItemsSince<Item>(
  displayed: readonly Item[],
  latest: readonly Item[],
  keyOf: (item: Item) => string,
  atOf: (item: Item) => string,
): number {
  const top = displayed[0];
  if (!top) return latest.length;
  const shown = new Set(displayed.map(keyOf));
  const since = atOf(top);
  return latest.filter((item) => !shown.has(keyOf(item)) && atOf(item) >= since).length;
}

/**
 * A newest-first list paged by its endpoint's cursor (loaded pages are never refetched: rows that
 * move poll themselves), and the probe that polls the newest few matching the same filters
 * (visible tab only, a conditional GET) so the page can announce new ones instead of inserting
 * them: the action runs list and the audit log. `params` gets the time of each request (a time
 * range preset counts back from it). Its component wires it with useNewestFirstList.
 */
export function newestFirstList<Page extends { nextCursor: string | null }, Item>(list: {
  path: string;
  keys: { list: readonly unknown[]; probe: readonly unknown[] };
  params: (now: number) => RequestOptions['query'];
  items: (page: Page) => Item[];
}) {
  return {
    items: list.items,
    // Each list's keys name it (its feature's prefix and filters): its path and items go with them.
    // eslint-disable-next-line @tanstack/query/exhaustive-deps
    pages: infiniteQueryOptions({
      queryKey: list.keys.list,
      queryFn: ({ pageParam, signal }) =>
        api<Page>(list.path, {
          query: { ...list.params(Date.now()), limit: PAGE_SIZE, cursor: pageParam },
          signal,
        }),
      initialPageParam: null as string | null,
      getNextPageParam: (last) => last.nextCursor,
      staleTime: Infinity,
    }),
    // eslint-disable-next-line @tanstack/query/exhaustive-deps
    probe: queryOptions({
      queryKey: list.keys.probe,
      queryFn: ({ queryKey, signal }) =>
        conditionalGet<Page>(queryKey, list.path, {
          query: { ...list.params(Date.now()), limit: PROBE_SIZE },
          signal,
        }).then(list.items),
      refetchInterval: (query: Query<Item[], Error, Item[], readonly unknown[]>) =>
        probeInterval(query.queryHash),
      refetchIntervalInBackground: false,
      staleTime: 0,
    }),
  };
}
