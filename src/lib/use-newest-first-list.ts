import {
  type InfiniteData,
  type UseInfiniteQueryOptions,
  type UseQueryOptions,
  useInfiniteQuery,
  useQuery,
  useQueryClient,
} from '@tanstack/react-query';
import { useMemo } from 'react';
import { PROBE_SIZE } from './newest-first-list';

type Key = readonly unknown[];

/** A newest-first list as its component reads it (see newestFirstList). */
export interface NewestFirstListOptions<
  Page,
  Item,
  Latest,
  ListKey extends Key,
  ProbeKey extends Key,
> {
  /** The cursor-paged list (loaded pages are never refetched). */
  pages: UseInfiniteQueryOptions<Page, Error, InfiniteData<Page>, ListKey, string | null>;
  /** The newest few matching the same filters, polled. */
  probe: UseQueryOptions<Latest[], Error, Latest[], ProbeKey>;
  /** A page's rows; a function that keeps its identity (module level), so `rows` keeps its. */
  items: (page: Page) => Item[];
  /** How many of the probe's newest the rows do not show yet (newItemsSince). */
  newSince: (displayed: Item[], latest: Latest[]) => number;
  /** What the banner counts: "3 new runs". */
  noun: string;
}

/**
 * A newest-first list's wiring, the same for the action runs list, the audit log and the workflow
 * runs lists: the paged query and its rows, the probe (once the first page is in), and the new
 * items banner's props for PagedList, whose "show" starts the list again from its newest page.
 */
export function useNewestFirstList<Page, Item, Latest, ListKey extends Key, ProbeKey extends Key>({
  pages,
  probe,
  items,
  newSince,
  noun,
}: NewestFirstListOptions<Page, Item, Latest, ListKey, ProbeKey>) {
  const queryClient = useQueryClient();
  const query = useInfiniteQuery(pages);
  const rows = useMemo(
    () => query.data?.pages.flatMap((page) => items(page)) ?? [],
    [query.data, items],
  );
  const latest = useQuery({ ...probe, enabled: query.isSuccess });
  const banner = {
    count: latest.data ? newSince(rows, latest.data) : 0,
    cap: PROBE_SIZE,
    noun,
    onShow: () => void queryClient.resetQueries({ queryKey: pages.queryKey }),
  };
  return { query, rows, banner };
}
